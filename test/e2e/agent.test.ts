/**
 * The example agent (examples/agent.ts) on a real libvirt + QEMU (TCG): libvirt accepts every XML
 * the library produces, the metadata is found again in what libvirt gives back (after start, after
 * a save -> dumpxml -> recover cycle, after hotplug, after unplug and after a libvirtd restart).
 * The steps run in order on one domain, as an agent would; the domain and its files are removed
 * in `after`, also when a step fails.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Device, Domain } from '../../src/index.js';
import { Descriptor, create, domainReport } from '../../src/index.js';
import type { Dict, Value } from '../../src/metadata/value.js';
import { Float, dict, dictKeys, dictSet, valueEquals } from '../../src/metadata/value.js';
import type { EngineIds, Workspace } from '../../examples/agent.js';
import {
  cleanup,
  defineAndStart,
  diskEnvelope,
  dumpXml,
  engineXml,
  hotplugDevice,
  newEngineIds,
  nicEnvelope,
  openWorkspace,
  rawImage,
  recoverFromLibvirt,
  saveToLibvirt,
  unplugDevice,
  VirshFailed,
} from '../../examples/agent.js';
import {
  domainExists,
  domainState,
  libvirtAvailable,
  requireLibvirt,
  uniqueDomainName,
} from '../helpers/libvirt.js';
import { validateDomainXml } from '../helpers/validate.js';

const REBOUND = ['user-alias', 'alias', 'address', 'key'];

/**
 * What every device with an alias and metadata persists (its metadata plus the deviceId its `ua-` alias gives),
 * by alias.
 */
function savedByAlias(domain: Domain): Map<string, Dict> {
  const m = new Map<string, Dict>();
  for (const d of domain.devices) {
    const saved = d.metadataToSave();
    if (d.alias !== undefined && dictKeys(saved).length > 0) m.set(d.alias, saved);
  }
  return m;
}

/** Same keys and, key by key, equal values (valueEquals); key order is the writer's business. */
function expectSameMeta(got: Domain, want: Domain): void {
  const g = savedByAlias(got);
  const w = savedByAlias(want);
  expect([...g.keys()].sort()).to.deep.equal([...w.keys()].sort());
  for (const [alias, wd] of w) {
    const gd = g.get(alias) as Dict;
    expect(Object.keys(gd).sort(), alias).to.deep.equal(Object.keys(wd).sort());
    for (const k of Object.keys(wd)) {
      const a = gd[k];
      const b = wd[k];
      expect(a !== undefined && b !== undefined && valueEquals(a, b), `${alias} ${k}`).to.equal(true);
    }
  }
}

function expectNoProblems(domain: Domain): void {
  expect(domain.validate().map((p) => p.message)).to.deep.equal([]);
}

function libvirtdPid(): string {
  return spawnSync('pgrep', ['-x', 'libvirtd'], { encoding: 'utf8' }).stdout.trim();
}

function script(name: string): void {
  const r = spawnSync('bash', [`scripts/${name}`], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scripts/${name} failed (${r.status}): ${r.stdout}${r.stderr}`);
}

describe('example agent on libvirt + QEMU (TCG)', function () {
  let ws: Workspace;
  let name: string;
  let ids: EngineIds;
  let created: ReturnType<typeof create>;
  let domain: Domain;
  const hotDisk = randomUUID();
  const hotNic = randomUUID();

  before(function () {
    requireLibvirt(this);
    ws = openWorkspace();
    name = uniqueDomainName('agent');
    ids = newEngineIds();
  });

  after(function () {
    if (ws === undefined) return;
    cleanup(ws);
    expect(existsSync(ws.dir)).to.equal(false);
    expect(domainExists(name)).to.equal(false);
  });

  it('create builds the disk from metadata; libvirt validates, defines and starts the result', function () {
    created = create(engineXml(name, rawImage(ws, 'sda.img'), ids), { source: 'engine' });
    const disk = created.domain.deviceByAlias(`ua-${ids.disk}`);
    expect(disk?.kind).to.equal('disk');
    expect(created.domain.bindingOf(disk as Device).rule).to.equal('created');
    expect(created.domain.orphans).to.deep.equal([]);
    expect(validateDomainXml(created.xml)).to.equal(undefined);
    defineAndStart(ws, name, created.xml);
    expect(validateDomainXml(dumpXml(name))).to.equal(undefined);
  });

  it('after start every device that had metadata is bound again, no new orphans', function () {
    domain = recoverFromLibvirt(name);
    // create bound or built the disk and the NIC, and save gave the ua- controller an entry too.
    const before = created.domain.devices.filter((d) => dictKeys(d.metadataToSave()).length > 0);
    expect(before.map((d) => d.kind).sort()).to.deep.equal(['controller', 'disk', 'interface']);
    for (const d of before) {
      const again = domain.deviceByAlias(d.alias as string);
      expect(again, d.alias).to.not.equal(undefined);
      expect(REBOUND, d.alias).to.include(domain.bindingOf(again as Device).rule);
      // libvirt gave it an address; the metadata is what create saved.
      expect(again?.address, d.alias).to.not.equal(undefined);
    }
    expect(domain.orphans).to.deep.equal([]);
    expectSameMeta(domain, created.domain);
    expect(domain.deviceByAlias(`ua-${ids.disk}`)?.meta.toDict()['path']).to.equal(`${ws.dir}/sda.img`);
    expectNoProblems(domain);
  });

  it('values survive save -> dumpxml -> recover unchanged, live and persistent', function () {
    // Something create did not save, in every value type the descriptor writes. Keys in sorted
    // order: the descriptor writes a dict's keys sorted, as Vdsm does, and valueEquals sees order.
    const custom = dict();
    dictSet(custom, 'enabled', true);
    dictSet(custom, 'label', 'e2e <&> "quoted"');
    dictSet(custom, 'queues', 4);
    dictSet(custom, 'ratio', 0.25);
    dictSet(custom, 'weight', new Float(4));
    domain.deviceByAlias(`ua-${ids.controller}`)?.meta.set('custom', custom);
    saveToLibvirt(name, domain);
    const saved = Descriptor.fromXml(domain.toXml()).toJSON();
    const again = recoverFromLibvirt(name);
    expectSameMeta(again, domain);
    expect(again.deviceByAlias(`ua-${ids.controller}`)?.meta.toDict()['custom']).to.satisfy((v: Value) =>
      valueEquals(v, custom),
    );
    expect(again.orphans).to.deep.equal([]);
    expect(Descriptor.fromXml(dumpXml(name)).toJSON()).to.deep.equal(saved);
    expect(Descriptor.fromXml(dumpXml(name, true)).toJSON()).to.deep.equal(saved);
    // The document save wrote is still a domain libvirt's schema accepts.
    expect(validateDomainXml(domain.toXml())).to.equal(undefined);
    // A second cycle changes nothing either.
    saveToLibvirt(name, again);
    expect(Descriptor.fromXml(dumpXml(name)).toJSON()).to.deep.equal(saved);
  });

  it('a hot-plugged SCSI disk gets its metadata once libvirt assigned its address', function () {
    const disk = hotplugDevice(ws, name, domain, diskEnvelope(rawImage(ws, 'sdb.img'), hotDisk, 'sdb'));
    expect(disk.alias).to.equal(`ua-${hotDisk}`);
    expect(disk.address).to.deep.include({ type: 'drive', controller: '0', unit: '1' });
    expect(REBOUND).to.include(domain.bindingOf(disk).rule);
    expect(disk.meta.toDict()['deviceId']).to.equal(hotDisk);
    const recovered = recoverFromLibvirt(name);
    expectSameMeta(recovered, domain);
    expect(recovered.bindingOf(recovered.deviceByAlias(`ua-${hotDisk}`) as Device).rule).to.equal(
      'user-alias',
    );
    expect(recovered.orphans).to.deep.equal([]);
  });

  it('a hot-plugged NIC gets its metadata (keyed by MAC) once libvirt assigned its PCI address', function () {
    const mac = newEngineIds().mac;
    const nic = hotplugDevice(ws, name, domain, nicEnvelope(hotNic, mac));
    expect(nic.alias).to.equal(`ua-${hotNic}`);
    expect(nic.address?.['type']).to.equal('pci');
    expect(REBOUND).to.include(domain.bindingOf(nic).rule);
    expect(nic.meta.toDict()['network']).to.equal('hotplugged');
    const recovered = recoverFromLibvirt(name);
    expectSameMeta(recovered, domain);
    const again = recovered.deviceByAlias(`ua-${hotNic}`) as Device;
    expect(REBOUND).to.include(recovered.bindingOf(again).rule);
    expect(recovered.orphans).to.deep.equal([]);
  });

  it('unplug removes the SCSI disk from libvirt, the device map and the metadata', async function () {
    const entries = domain.descriptorEntries.length;
    await unplugDevice(name, domain, `ua-${hotDisk}`);
    expect(domain.deviceByAlias(`ua-${hotDisk}`)).to.equal(undefined);
    expect(domain.descriptorEntries).to.have.length(entries - 1);
    expect(dumpXml(name)).to.not.contain(hotDisk);
    expect(dumpXml(name, true)).to.not.contain(hotDisk);
    const recovered = recoverFromLibvirt(name);
    expect(recovered.deviceByAlias(`ua-${hotDisk}`)).to.equal(undefined);
    expect(recovered.orphans).to.deep.equal([]);
    expectSameMeta(recovered, domain);
  });

  it('a libvirtd restart changes nothing in what recover returns', function () {
    const before = domainReport(recoverFromLibvirt(name));
    const pid = libvirtdPid();
    script('libvirt-down.sh');
    expect(libvirtAvailable()).to.equal(false);
    script('libvirt-up.sh');
    expect(libvirtdPid()).to.not.equal(pid);
    // QEMU outlived libvirtd; the new libvirtd found it again.
    expect(domainState(name)).to.equal('running');
    expect(domainReport(recoverFromLibvirt(name))).to.deep.equal(before);
  });
});

describe('example agent: cleanup and the runnable script', function () {
  before(function () {
    requireLibvirt(this);
  });

  it('cleanup removes the domain and the files also when a step fails', function () {
    const ws = openWorkspace();
    const name = uniqueDomainName('agentfail');
    // The disk's file is missing: define succeeds, start fails.
    const { xml } = create(engineXml(name, `${ws.dir}/missing.img`, newEngineIds()));
    expect(() => defineAndStart(ws, name, xml)).to.throw(VirshFailed, /missing\.img/);
    expect(domainExists(name)).to.equal(true);
    cleanup(ws);
    expect(domainExists(name)).to.equal(false);
    expect(existsSync(ws.dir)).to.equal(false);
  });

  it('`npx tsx examples/agent.ts` runs every step, prints the tables and leaves nothing behind', function () {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/agent.ts'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    const steps = [...r.stdout.matchAll(/^== (\S+)/gm)].map((m) => m[1]);
    expect(steps).to.deep.equal(['create', 'recover', 'save', 'hotplug', 'hotplug', 'unplug', 'recover']);
    expect(r.stdout).to.not.contain('orphans:');
    const leftovers = spawnSync('virsh', ['-c', 'qemu:///system', 'list', '--all', '--name'], {
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .filter((n) => n.startsWith(`vmdevices-agent-${r.pid}-`));
    expect(leftovers).to.deep.equal([]);
  });
});
