/**
 * The benchmark's inputs: deterministic, valid, fully bound by recover(), usable by create(), and
 * read alike by the library and by the Python peer (no timing here: speed is the benchmark's job).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Descriptor, create, decodeXmlpickle, isDict, recover } from '../../src/index.js';
import type { Domain } from '../../src/index.js';
import { runPeer, writeWorkload } from '../../bench/run.js';
import type { Workload } from '../../bench/workloads.js';
import { Prng, WORKLOAD_NAMES, ovirt20, scaled, workload } from '../../bench/workloads.js';

function bound(d: Domain): number {
  return d.devices.filter((dev) => d.bindingOf(dev).rule !== 'none').length;
}

/** What the xmlpickle and descriptor documents hold, decoded once per workload. */
const decoded = new Map<Workload, { instance: unknown[]; descriptor: number }>();
function decodedOnce(w: Workload): { instance: unknown[]; descriptor: number } {
  const known = decoded.get(w);
  if (known !== undefined) return known;
  const value = decodeXmlpickle(w.instance);
  if (!isDict(value)) throw new Error('the instance is not a dict');
  const devices = value['devices'];
  if (!Array.isArray(devices)) throw new Error('the instance has no devices list');
  const out = { instance: devices, descriptor: Descriptor.fromXml(w.descriptor).entries().length };
  decoded.set(w, out);
  return out;
}

describe('bench workloads', () => {
  const all = WORKLOAD_NAMES.map(workload);
  // Recovered once per workload: the tests below only read them.
  const recovered = new Map<Workload, Domain>();
  const recoverOnce = (w: Workload): Domain => {
    let d = recovered.get(w);
    if (d === undefined) {
      d = recover(w.live, { source: w.name });
      recovered.set(w, d);
    }
    return d;
  };

  it('the PRNG repeats its sequence for a seed and differs between seeds', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const seqA = Array.from({ length: 5 }, () => a.uuid());
    expect(Array.from({ length: 5 }, () => b.uuid())).to.deep.equal(seqA);
    expect(Array.from({ length: 5 }, () => c.uuid())).to.not.deep.equal(seqA);
    for (const u of seqA)
      expect(u).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('generates the same documents on every call, and others for another seed', () => {
    for (const w of all) expect(workload(w.name), w.name).to.deep.equal(w);
    expect(ovirt20(21).live).to.not.equal(ovirt20().live);
    expect(scaled(100, 1).live).to.not.equal(scaled(100).live);
  });

  it('has the sizes it claims', () => {
    expect(all.map((w) => [w.name, w.devices, w.entries])).to.deep.equal([
      ['ovirt20', 22, 22],
      ['n100', 100, 100],
      ['n1000', 1000, 1000],
      ['n5000', 5000, 5000],
    ]);
  });

  for (const [i, name] of WORKLOAD_NAMES.entries()) {
    it(`${name}: recover binds every device to its entry, with no orphan, ambiguity or problem`, () => {
      const w = all[i] as Workload;
      const d = recoverOnce(w);
      expect(d.devices).to.have.length(w.devices);
      expect(d.descriptorEntries).to.have.length(w.entries);
      expect(bound(d)).to.equal(w.devices);
      expect(d.orphans).to.deep.equal([]);
      expect(d.ambiguityReports).to.deep.equal([]);
      expect(d.validate()).to.deep.equal([]);
      // Each device has its own entry.
      expect(new Set(d.devices.map((dev) => d.bindingOf(dev).descriptor)).size).to.equal(w.devices);
    });
  }

  it('the scaled domains exercise every binding rule; ovirt20 binds by user alias, alias and key', () => {
    const rules = (w: Workload) => {
      const d = recoverOnce(w);
      return [...new Set(d.devices.map((dev) => d.bindingOf(dev).rule))].sort();
    };
    expect(rules(all[1] as Workload)).to.deep.equal(['address', 'alias', 'key', 'user-alias']);
    expect(rules(all[0] as Workload)).to.deep.equal(['alias', 'key', 'user-alias']);
  });

  it('every device of a live domain has an alias, and no two share a guest address', () => {
    for (const w of all) {
      const d = recoverOnce(w);
      const withAddress = d.devices
        .filter((dev) => dev.address !== undefined)
        .map((dev) => JSON.stringify(dev.address));
      expect(new Set(withAddress).size, w.name).to.equal(withAddress.length);
      if (w.name !== 'ovirt20') expect(withAddress, w.name).to.have.length(w.devices);
      // libvirt gives graphics no alias.
      const unnamed = d.devices.filter((dev) => dev.kind !== 'graphics' && dev.alias === undefined);
      expect(
        unnamed.map((dev) => dev.path),
        w.name,
      ).to.deep.equal([]);
    }
  });

  it('the instance and the descriptor documents carry one entry per device', () => {
    for (const w of all) {
      expect(decodedOnce(w).instance, w.name).to.have.length(w.devices);
      expect(decodedOnce(w).descriptor, w.name).to.equal(w.entries);
    }
  });

  it('ovirt20 create builds the three storage devices from the instance and binds the NIC, graphics and controllers', () => {
    const w = workload('ovirt20');
    const { domain, xml } = create(w.engine, { source: 'ovirt20 engine' });
    const created = domain.devices.filter((dev) => domain.bindingOf(dev).rule === 'created');
    expect(created.map((dev) => dev.identity().keys.name).sort()).to.deep.equal(['hdc', 'sda', 'vda']);
    const byKey = domain.devices.filter((dev) => domain.bindingOf(dev).rule === 'key').map((dev) => dev.kind);
    // MAC, graphics type, the instance's controller dicts (type, index), sound and video by model.
    expect(byKey.sort()).to.deep.equal([
      ...Array<string>(5).fill('controller'),
      'graphics',
      'graphics',
      'interface',
      'sound',
      'video',
    ]);
    expect(recover(xml).devices).to.have.length(domain.devices.length);
  });

  it('scaled create builds the disks from metadata and binds the NICs, which Engine XML identifies by MAC', () => {
    const w = workload('n100');
    expect(w.engine).not.to.contain('<disk ');
    const { domain, xml } = create(w.engine);
    expect(domain.devices).to.have.length(100);
    const created = domain.devices.filter((dev) => domain.bindingOf(dev).rule === 'created');
    // One drive per target dev from its descriptor entry and its instance dict, the two merged.
    expect(created).to.have.length(25);
    for (const dev of created) {
      const { descriptor, xmlpickle } = domain.bindingOf(dev);
      expect(descriptor?.attrs?.['name'], dev.path).to.equal(dev.identity().keys.name);
      expect(xmlpickle, dev.path).not.to.equal(undefined);
    }
    const keyed = domain.devices.filter((dev) => domain.bindingOf(dev).rule === 'key');
    expect(keyed.map((dev) => dev.kind)).to.deep.equal(Array<string>(13).fill('interface'));
    expect(domain.orphans).to.deep.equal([]);
    // The created disks come back from libvirt's point of view: the same devices, in XML order.
    expect(recover(xml).devices.map((dev) => dev.kind)).to.deep.equal(domain.devices.map((dev) => dev.kind));
  });

  it('the Python peer reads the same numbers of devices and entries, and binds as many', function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'vmdevices-bench-test-'));
    try {
      for (const w of all) writeWorkload(dir, w);
      const peer = runPeer(dir, WORKLOAD_NAMES);
      for (const w of all) {
        const d = recoverOnce(w);
        expect(peer.counts[w.name], w.name).to.deep.equal({
          devices: d.devices.length,
          entries: d.descriptorEntries.length,
          bound: bound(d),
          instance_devices: decodedOnce(w).instance.length,
          descriptor_entries: decodedOnce(w).descriptor,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
