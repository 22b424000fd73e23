/**
 * An agent's lifecycle on every corpus domain and device: give each device metadata, save it into
 * the domain, let libvirt name the devices (an alias for each device without one), restart (recover
 * the XML) and find each device's metadata again; and hot-plug each device with its metadata, then
 * unplug it.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Descriptor, recover } from '../../src/index.js';
import type { Domain } from '../../src/index.js';
import { childElements, firstChild, parseXml, serialize } from '../../src/xml/index.js';
import { CORPUS, requireCorpus, xmlFilesUnder } from '../helpers/fixtures.js';
import { deviceMark, markDevices } from '../helpers/marks.js';

/** What libvirt does when the domain starts: every device without an alias gets one. */
function nameDevices(domain: Domain): void {
  domain.devices.forEach((device, i) => {
    device.alias ??= `${device.kind}${String(i)}`;
  });
}

/** The rule that found each device's mark again, or what was found instead. */
function foundAgain(domain: Domain): string[] {
  return domain.devices.map((device, i) =>
    device.meta.raw('mark') === deviceMark(i)
      ? domain.bindingOf(device).rule
      : `lost (${JSON.stringify(device.meta.raw('mark')) ?? 'nothing'})`,
  );
}

describe('every corpus device finds its metadata again after a restart', () => {
  let corpus: string[] = [];
  before(function () {
    requireCorpus(this);
    corpus = xmlFilesUnder(CORPUS);
  });

  it('saved from live XML (libvirt named every device): by its alias or user alias; twins reported', () => {
    let devices = 0;
    let twins = 0;
    for (const f of corpus) {
      const domain = recover(readFileSync(f, 'utf8'), { source: f });
      markDevices(domain);
      nameDevices(domain);
      // Twins (same kind, keys and address) are told apart by nothing but a positional alias:
      // save reports them, and the next recover reports them instead of guessing.
      const unsaved = new Set(
        domain.save().map((p) => {
          expect(p.code, p.message).to.equal('UNIDENTIFIABLE_DEVICE');
          return p.device;
        }),
      );
      const again = recover(domain.toXml(), { source: f });
      const rules = foundAgain(again);
      rules.forEach((rule, i) => {
        const device = again.devices[i]!;
        if (unsaved.has(i)) {
          twins++;
          expect(again.problemsOf(device), `${f} device ${String(i)}`).to.not.deep.equal([]);
        } else {
          expect(['alias', 'user-alias'], `${f} device ${String(i)}`).to.include(rule);
          expect(again.problemsOf(device), `${f} device ${String(i)}`).to.deep.equal([]);
        }
      });
      devices += rules.length;
    }
    expect(devices).to.be.greaterThan(1000);
    expect(twins).to.be.lessThan(40);
  });

  it('saved before libvirt named them: what a natural key identifies is found by it, the rest is reported at save', () => {
    let byKey = 0;
    for (const f of corpus) {
      const domain = recover(readFileSync(f, 'utf8'), { source: f });
      markDevices(domain);
      const problems = domain.save();
      const unsaved = new Set(problems.map((p) => p.device));
      for (const p of problems) expect(p.code, p.message).to.equal('UNIDENTIFIABLE_DEVICE');
      nameDevices(domain);
      const rules = foundAgain(recover(domain.toXml(), { source: f }));
      rules.forEach((rule, i) => {
        if (unsaved.has(i)) expect(rule, `${f} device ${String(i)}`).to.match(/^lost/);
        else {
          expect(['key', 'address', 'alias', 'user-alias'], `${f} device ${String(i)}: ${rule}`).to.include(
            rule,
          );
          if (rule === 'key') byKey++;
        }
      });
    }
    expect(byKey).to.be.greaterThan(100);
  });
});

describe('every corpus device hot-plugs with its metadata', () => {
  const empty =
    "<domain type='kvm'>\n  <name>hotplug</name>\n  <uuid>0d5e7c3b-8f6a-4c1e-9b2d-3a4f5e6d7c80</uuid>\n" +
    '  <memory>1048576</memory>\n  <devices>\n    <emulator>/usr/bin/qemu-kvm</emulator>\n  </devices>\n</domain>\n';

  it('binds it by its user alias, keeps it across a restart, and unplugs it with its entry', function () {
    requireCorpus(this);
    let plugged = 0;
    for (const f of xmlFilesUnder(CORPUS)) {
      const doc = parseXml(readFileSync(f, 'utf8'), { source: f });
      const devices = firstChild(doc.documentElement!, 'devices');
      for (const el of devices === undefined ? [] : childElements(devices)) {
        if (el.localName === 'emulator') continue;
        plugged++;
        const alias = `ua-00000000-0000-4000-8000-${String(plugged).padStart(12, '0')}`;
        for (const old of childElements(el, 'alias')) el.removeChild(old);
        const aliasElement = doc.createElement('alias');
        aliasElement.setAttribute('name', alias);
        el.appendChild(aliasElement);
        const envelope =
          `<hotplug><devices>${serialize(el)}</devices>` +
          '<metadata xmlns:ovirt-vm="http://ovirt.org/vm/1.0"><ovirt-vm:vm>' +
          `<ovirt-vm:device devtype="${el.localName}" alias="${alias}"><ovirt-vm:mark>${alias}</ovirt-vm:mark></ovirt-vm:device>` +
          '</ovirt-vm:vm></metadata></hotplug>';
        const where = `${f} <${el.localName}>`;
        const domain = recover(empty);
        const device = domain.hotplug(envelope);
        expect([device.kind, device.meta.raw('mark'), domain.bindingOf(device).rule], where).to.deep.equal([
          el.localName,
          alias,
          'user-alias',
        ]);
        expect(domain.save(), where).to.deep.equal([]);
        const again = recover(domain.toXml());
        expect(again.deviceByAlias(alias)?.meta.raw('mark'), where).to.equal(alias);
        again.unplug(alias);
        again.save();
        expect(again.devices, where).to.deep.equal([]);
        expect(Descriptor.fromXml(again.toXml()).entries(), where).to.deep.equal([]);
      }
    }
    expect(plugged).to.be.greaterThan(1000);
  });
});

describe('libvirt numbers its own aliases again after an unplug', () => {
  const tablet = (port: number, alias: string) =>
    `    <input type="tablet" bus="usb">\n      <alias name="${alias}"/>\n      <address type="usb" bus="0" port="${String(port)}"/>\n    </input>\n`;
  const domain = (inputs: string) =>
    `<domain type="kvm">\n  <name>tablets</name>\n  <devices>\n${inputs}  </devices>\n</domain>\n`;

  it('a device keeps its metadata by its guest address, never takes another device’s by alias', () => {
    const d = recover(domain(tablet(1, 'input0') + tablet(2, 'input1') + tablet(3, 'input2')));
    d.devices.forEach((device, i) => {
      device.meta.set('mark', `tablet-${String(i + 1)}`);
    });
    expect(d.save()).to.deep.equal([]);
    // Nothing but libvirt's alias names them: the entries keep the address too, in Vdsm's layout.
    expect(
      Descriptor.fromXml(d.toXml())
        .entries()
        .map((e) => [e.attrs['alias'], e.data['address']]),
    ).to.deep.equal([
      ['input0', { type: 'usb', bus: '0', port: '1' }],
      ['input1', { type: 'usb', bus: '0', port: '2' }],
      ['input2', { type: 'usb', bus: '0', port: '3' }],
    ]);
    d.unplug('input0');
    d.save();
    // The restart: libvirt names the two tablets left input0 and input1.
    d.devices.forEach((device, i) => {
      device.alias = `input${String(i)}`;
    });
    const again = recover(d.toXml());
    expect(again.devices.map((x) => [x.alias, x.meta.raw('mark'), again.bindingOf(x).rule])).to.deep.equal([
      ['input0', 'tablet-2', 'address'],
      ['input1', 'tablet-3', 'address'],
    ]);
    // explain says why the second tablet's alias, input1, did not take the entry saved as input1.
    const aliasRule = again.explain()[1]?.layouts[0]?.rules.find((r) => r.rule === 'alias');
    expect(aliasRule?.candidates[0]?.verdict).to.equal(
      "vetoed: its address is bus=0,port=2,type=usb, the device's is bus=0,port=3,type=usb",
    );
    // Saved again, the entries follow the aliases libvirt gave now.
    again.save();
    expect(
      Descriptor.fromXml(again.toXml())
        .entries()
        .map((e) => [e.attrs['alias'], e.data['mark']]),
    ).to.deep.equal([
      ['input0', 'tablet-2'],
      ['input1', 'tablet-3'],
    ]);
  });

  it('an entry a user alias identifies keeps no address; one saved under a libvirt alias records it', () => {
    const d = recover(
      domain(
        tablet(1, 'ua-9a1e3c1e-0000-4000-8000-000000000001') +
          '    <interface type="bridge">\n      <mac address="52:54:00:00:00:01"/>\n      <source bridge="br0"/>\n      <alias name="net0"/>\n      <address type="pci" domain="0x0000" bus="0x00" slot="0x03" function="0x0"/>\n    </interface>\n',
      ),
    );
    for (const device of d.devices) device.meta.set('mark', device.kind);
    d.save();
    expect(
      Descriptor.fromXml(d.toXml())
        .entries()
        .map((e) => e.data['address']),
    ).to.deep.equal([
      undefined,
      { type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x03', function: '0x0' },
    ]);
  });
});
