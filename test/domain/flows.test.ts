import { expect } from 'chai';
import fc from 'fast-check';
import {
  AmbiguousBindingError,
  Controller,
  DuplicateDeviceError,
  Descriptor,
  DomainDocument,
  NoSuchDeviceError,
  MetadataError,
  dict,
  create,
  domainReport,
  recover,
  toTypedJson,
} from '../../src/index.js';
import type { Device, Domain } from '../../src/index.js';
import { canonicalDiff, childElements, firstChild, parseXml } from '../../src/xml/index.js';
import { expectGolden, expectJsonGolden, listFixtures, readFixture } from '../helpers/fixtures.js';
import { haveVirtXmlValidate, validateDomainXml } from '../helpers/validate.js';
import { thrown } from '../helpers/errors.js';

const ruleOf = (d: Domain, i: number) => d.bindingOf(d.devices[i]!).rule;

describe('DomainDocument', () => {
  it('reads name, uuid, type, sizes in KiB honouring unit, vcpus and the metadata groups', () => {
    const dd = DomainDocument.parse(readFixture('domains/engine-ovirt-vm.xml'));
    expect(dd.name).to.equal('engine-vm');
    expect(dd.uuid).to.equal('6a6a7a10-1f2b-4c3d-9e8f-0a1b2c3d4e5f');
    expect(dd.type).to.equal('kvm');
    expect(dd.memoryKiB).to.equal(1048576); // 1024 MiB
    expect(dd.currentMemoryKiB).to.equal(1048576);
    expect(dd.vcpus).to.deep.equal({ max: 4, current: 2 });
    expect(dd.metadataGroups.descriptor).to.not.equal(undefined);
    expect(dd.metadataGroups.xmlpickle).to.equal(undefined);
    const seed = DomainDocument.parse(readFixture('domains/seed1-repaired.xml'));
    expect(seed.metadataGroups.xmlpickle).to.not.equal(undefined);
    expect(seed.metadataGroups.descriptor).to.not.equal(undefined);
  });

  it('reports a bad memory size with its path and position', () => {
    const dd = DomainDocument.parse('<domain>\n<memory unit="MiB">1x</memory></domain>', {
      source: 'm.xml',
    });
    expect(() => dd.memoryKiB)
      .to.throw(/\/domain\/memory/)
      .with.property('line', 2);
  });
});

describe('recover', () => {
  for (const f of listFixtures('domains')) {
    it(`${f}: inspect JSON matches its golden`, () => {
      const domain = recover(readFixture(f), { source: f });
      expectJsonGolden(
        domainReport(domain, domain.validate()),
        f.replace(/^domains\//, 'domains/inspect/').replace(/\.xml$/, '.json'),
      );
    });
  }

  it('binds every entry of the live XML by user alias, libvirt alias or natural key; orphans kept', () => {
    const d = recover(readFixture('domains/engine-ovirt-vm-live.xml'));
    const byKind = (k: string) => d.devices.findIndex((x) => x.kind === k);
    expect(ruleOf(d, byKind('disk'))).to.equal('user-alias');
    expect(ruleOf(d, byKind('interface'))).to.equal('key');
    expect(ruleOf(d, byKind('graphics'))).to.equal('key');
    expect(d.orphans.map((o) => o.attrs)).to.deep.equal([{ devtype: 'channel', name: 'channel0' }]);
    const nic = d.devices[byKind('interface')]!;
    expect(nic.meta.get('network')).to.equal('ovirtmgmt');
  });

  it('a domain written with CR LF line ends comes back in them: unchanged byte for byte, saved with CR LF', () => {
    const crLf = readFixture('xml/line-ends/crlf-domain.xml');
    const lf = readFixture('domains/engine-ovirt-vm-live.xml');
    expect(crLf).to.equal(lf.replaceAll('\n', '\r\n'));
    expect(recover(crLf).toXml()).to.equal(crLf);
    // A change and a save write new lines and a metadata entry: in CR LF, as the LF domain gets them in LF.
    const saved = [crLf, lf].map((xml) => {
      const d = recover(xml);
      (d.devices.find((x) => x.kind === 'interface') as Device).meta.set('network', 'other');
      d.save();
      return d.toXml();
    }) as [string, string];
    expect(saved[0]).to.not.match(/(?<!\r)\n/);
    expect(saved[0]).to.equal(saved[1].replaceAll('\n', '\r\n'));
    expect(recover(saved[0]).devices.map((x) => x.meta.toDict())).to.deep.equal(
      recover(saved[1]).devices.map((x) => x.meta.toDict()),
    );
  });

  it('tells a NIC pair sharing a MAC apart by alias', () => {
    const d = recover(readFixture('domains/nic-pair-shared-mac.xml'));
    expect(d.devices.map((x) => x.meta.raw('network'))).to.deep.equal(['ovirtmgmt', 'sriov-net']);
    expect(d.validate()).to.deep.equal([]);
  });

  it('reports two entries claiming one disk on that disk and recovers the others', () => {
    const d = recover(readFixture('domains/ambiguous-disk.xml'));
    const disk = d.devices[0]!;
    expect(d.bindingOf(disk).rule).to.equal('none');
    expect(d.problemsOf(disk)[0]?.message).to.match(/2 entries claim disk #0.*name=vda/);
    expect(d.devices[1]!.meta.raw('network')).to.equal('net-a');
    expect(d.orphans).to.have.length(0);
  });

  it('recovers every device when one is broken, naming the broken one', () => {
    const d = recover(readFixture('domains/broken-device.xml'));
    const problems = d.validate();
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ code: 'XML_VALUE', device: 0 });
    expect(problems[0]!.message).to.contain('/domain/devices/graphics/@port');
    expect(d.devices[1]!.meta.raw('network')).to.equal('net-b');
  });

  it('binds the seed second example: graphics by type without alias, the disk by its source path', () => {
    const d = recover(readFixture('domains/seed2-completed.xml'));
    expect(d.devices.map((x, i) => `${x.kind}:${ruleOf(d, i)}`)).to.deep.equal([
      'disk:key',
      'graphics:key',
      'graphics:key',
      'memballoon:none',
    ]);
    expect(d.devices[0]!.meta.raw('volumeID')).to.equal('5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc');
  });

  it('explains, per device, every rule and why it matched or not', () => {
    const d = recover(readFixture('domains/ambiguous-disk.xml'));
    const disk = d.explain()[0]!;
    const key = disk.layouts.find((l) => l.layout === 'descriptor')!.rules.find((r) => r.rule === 'key')!;
    expect(key.keys).to.include('name=vda');
    expect(key.candidates.map((c) => c.verdict)).to.deep.equal(['ambiguous', 'ambiguous']);
  });
});

describe('create', () => {
  it('builds the seed first example disks from xmlpickle metadata, binds the rest, saves ovirt-vm', () => {
    const { xml, domain } = create(readFixture('domains/seed1-repaired.xml'), { source: 'seed1' });
    const disks = domain.devices.filter((x) => x.kind === 'disk');
    expect(disks.map((x) => x.identity().keys.name)).to.deep.equal(['hdc', 'vda']);
    expect(disks.map((x) => domain.bindingOf(x).rule)).to.deep.equal(['created', 'created']);
    expect(disks[1]!.meta.raw('volumeID')).to.equal('5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc');
    expectGolden(xml + '\n', 'domains/create/seed1-repaired.out.xml');
    // The xmlpickle instance is input only: unchanged.
    const before = DomainDocument.parse(readFixture('domains/seed1-repaired.xml')).metadataGroups.xmlpickle!;
    const after = DomainDocument.parse(xml).metadataGroups.xmlpickle!;
    expect(canonicalDiff(after, before)).to.equal(undefined);
    // Recovering the result finds every disk again, by user alias now.
    const again = recover(xml);
    expect(again.devices.filter((x) => x.kind === 'disk').map((x) => again.bindingOf(x).rule)).to.deep.equal([
      'user-alias',
      'user-alias',
    ]);
  });

  it('never rebuilds a device already in the XML', () => {
    const { domain } = create(readFixture('domains/engine-ovirt-vm.xml'));
    expect(domain.devices.filter((x) => x.kind === 'disk')).to.have.length(1);
    expect(
      ruleOf(
        domain,
        domain.devices.findIndex((x) => x.kind === 'disk'),
      ),
    ).to.equal('user-alias');
  });

  it('tells USB companion controllers apart by model, at create and again after a restart', () => {
    const { xml, domain } = create(readFixture('domains/usb-companions.xml'));
    const models = (d: Domain) => d.devices.map((x) => (x instanceof Controller ? x.model : x.kind));
    const ids = (d: Domain) => d.devices.map((x) => x.meta.raw('deviceId'));
    const expected = [1, 2, 3, 4].map((n) => `6f1d2c3a-0b4e-4a8f-9c1d-2e3f4a5b6c0${String(n)}`);
    expect(models(domain)).to.deep.equal(['ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3']);
    expect(domain.devices.map((x) => domain.bindingOf(x).rule)).to.deep.equal(['key', 'key', 'key', 'key']);
    expect(ids(domain)).to.deep.equal(expected);
    // libvirt names all four "usb": the saved entries still find their controllers.
    const live = recover(
      xml.replace(
        /<controller type='usb' index='0' model='([^']+)'( ?\/?)>/g,
        (_m, model: string, close: string) => {
          const open = `<controller type='usb' index='0' model='${model}'>`;
          return close === '/' ? `${open}<alias name="usb"/></controller>` : `${open}<alias name="usb"/>`;
        },
      ),
    );
    expect(live.devices.map((x) => x.alias)).to.deep.equal(['usb', 'usb', 'usb', 'usb']);
    expect(ids(live)).to.deep.equal(expected);
    expect(live.devices.flatMap((x) => live.problemsOf(x))).to.deep.equal([]);
  });

  it('fails on ambiguous metadata', () => {
    expect(() => create(readFixture('domains/ambiguous-disk.xml'))).to.throw(
      AmbiguousBindingError,
      /name=vda/,
    );
  });

  it('binds metadata to a disk already in the XML instead of building a second one', () => {
    const xml = readFixture('domains/seed1-repaired.xml').replace(
      '<emulator>/usr/libexec/qemu-kvm</emulator>',
      '<emulator>/usr/libexec/qemu-kvm</emulator><disk type="file" device="disk"><source file="/other"/><target dev="vda" bus="virtio"/></disk>',
    );
    const { domain } = create(xml);
    const vdas = domain.devices.filter((x) => x.identity().keys.name === 'vda');
    expect(vdas).to.have.length(1);
    expect(domain.bindingOf(vdas[0]!).rule).to.equal('key');
  });

  it('never builds a second vda when the metadata contradicts the one in the XML', () => {
    const xml = `<domain type="kvm"><name>x</name><memory>1024</memory><metadata><ovirt-vm:vm xmlns:ovirt-vm="http://ovirt.org/vm/1.0">
      <ovirt-vm:device devtype="disk" name="vda"><ovirt-vm:deviceId>other</ovirt-vm:deviceId><ovirt-vm:path>/p</ovirt-vm:path><ovirt-vm:iface>virtio</ovirt-vm:iface><ovirt-vm:index>0</ovirt-vm:index></ovirt-vm:device>
      </ovirt-vm:vm></metadata><devices><disk type="file" device="disk"><source file="/mine"/><target dev="vda" bus="virtio"/><alias name="ua-mine"/></disk></devices></domain>`;
    expect(() => create(xml)).to.throw(DuplicateDeviceError, /"vda"/);
  });

  it('refuses duplicate aliases, an indistinguishable shared MAC and a bad user alias', () => {
    const base = (devices: string) =>
      `<domain type="kvm"><name>x</name><memory>1024</memory><devices>${devices}</devices></domain>`;
    const nic = (alias = '') =>
      `<interface type="bridge"><mac address="52:54:00:00:00:09"/><source bridge="b"/>${alias}</interface>`;
    expect(() => create(base(nic() + nic()))).to.throw(/share the MAC 52:54:00:00:00:09/);
    expect(() =>
      create(base(`<video><alias name="ua-v1"/></video><sound model="ich6"><alias name="ua-v1"/></sound>`)),
    ).to.throw(/share the alias "ua-v1"/);
    expect(() => create(base(`<video><alias name="ua-bad alias!"/></video>`))).to.throw(
      /characters libvirt rejects/,
    );
  });

  it("fills a volume lease's placeholders from the drive whose top volume it guards; a VM lease stays", () => {
    const { domain } = create(readFixture('domains/engine-volume-lease.xml'));
    const leases = domain.devices.filter((x) => x.kind === 'lease').map((x) => x.toJSON().fields);
    expect(leases[0]).to.include({
      targetPath: '/rhev/sd-1/images/img/vol-top.lease',
      targetOffset: 1048576,
    });
    expect(leases[1]).to.include({
      targetPath: 'LEASE-PATH:vm-lease:sd-vm',
      targetOffset: 'LEASE-OFFSET:vm-lease:sd-vm',
    });
  });

  it('gives libvirt XML its schemas accept', function () {
    if (!haveVirtXmlValidate()) this.skip();
    for (const f of ['domains/seed1-repaired.xml', 'domains/engine-ovirt-vm.xml']) {
      expect(validateDomainXml(create(readFixture(f)).xml), f).to.equal(undefined);
    }
  });
});

describe('hotplug, unplug, refresh, save', () => {
  it('hot-plugs a NIC with its metadata, re-binds it after libvirt assigned alias and address, unplugs it', () => {
    const d = recover(readFixture('domains/engine-ovirt-vm-live.xml'));
    const nic = d.hotplug(readFixture('domains/hotplug-nic.xml'));
    expect(nic.kind).to.equal('interface');
    expect(nic.meta.raw('network')).to.equal('ovirtmgmt');
    d.save();
    // libvirt attaches it: an address appears; the live XML's metadata does not know the NIC yet.
    const live = readFixture('domains/engine-ovirt-vm-live.xml').replace(
      '<input type="mouse"',
      '<interface type="bridge"><mac address="00:1a:4a:16:02:02"/><source bridge="ovirtmgmt"/><model type="virtio"/><alias name="ua-a0000000-0000-4000-8000-0000000000a2"/><address type="pci" domain="0x0000" bus="0x00" slot="0x08" function="0x0"/></interface>\n    <input type="mouse"',
    );
    d.refresh(live);
    const again = d.deviceByAlias('ua-a0000000-0000-4000-8000-0000000000a2')!;
    expect(again.address?.['slot']).to.equal('0x08');
    // The same object, still bound as the envelope bound it (by MAC), now with libvirt's address.
    expect(again).to.equal(nic);
    expect(d.bindingOf(again).rule).to.equal('key');
    expect(toTypedJson(again.meta.toDict())).to.deep.include({
      network: 'ovirtmgmt',
      portMirroring: ['mirror1'],
    });
    d.unplug('ua-a0000000-0000-4000-8000-0000000000a2');
    expect(d.deviceByAlias('ua-a0000000-0000-4000-8000-0000000000a2')).to.equal(undefined);
    d.save();
    const saved = Descriptor.fromXml(d.toXml());
    expect(saved.entries().some((e) => e.attrs['mac_address'] === '00:1a:4a:16:02:02')).to.equal(false);
    expect(() => d.unplug('nope')).to.throw(NoSuchDeviceError);
  });

  it('refuses an envelope without a device, and a domain without <devices>, saying where', () => {
    const d = recover(readFixture('domains/engine-ovirt-vm-live.xml'));
    expect(() => d.hotplug('<hotplug><devices/></hotplug>')).to.throw(/no device under <devices>/);
    const e = thrown(() => d.hotplug('<hotplug>\n  <devices/></hotplug>', { source: 'env.xml' }));
    expect([e.source, e.path, e.line, e.column]).to.deep.equal(['env.xml', '/hotplug/devices', 2, 3]);
    const noDevices = thrown(() => recover('<domain>\n<name>x</name></domain>', { source: 'vm.xml' }));
    expect(noDevices.format()).to.equal('vm.xml:1:1: INVALID_DOMAIN: /domain: <domain> has no <devices>');
    const live = thrown(() => d.refresh('<domain/>', { source: 'live.xml' }));
    expect(live.format()).to.match(/^live\.xml:1:1: INVALID_DOMAIN: /);
  });

  it('save rewrites only our group: foreign metadata, comments and unknown nested data survive', () => {
    const text = readFixture('domains/foreign-metadata.xml');
    const d = recover(text);
    d.devices[0]!.meta.set('volumeID', 'vol-new');
    d.save();
    const before = parseXml(text).documentElement!;
    const after = parseXml(d.toXml()).documentElement!;
    const others = (root: typeof before) =>
      childElements(firstChild(root, 'metadata')!).filter(
        (e) => e.namespaceURI !== 'http://ovirt.org/vm/1.0',
      );
    const [a, b] = [others(after), others(before)];
    expect(a.length).to.equal(b.length);
    a.forEach((el, i) => expect(canonicalDiff(el, b[i]!)).to.equal(undefined));
    expect(canonicalDiff(firstChild(after, 'commandline')!, firstChild(before, 'commandline')!)).to.equal(
      undefined,
    );
    const entry = Descriptor.fromXml(d.toXml()).find({ devtype: 'disk', name: 'sda' })!;
    expect(entry.data['volumeID']).to.equal('vol-new');
    expect(Object.keys(entry.data)).to.include('unknownNested');
    expect(entry.attrs['alias']).to.equal('scsi0-0-0-0');
  });

  it('leaves to the xmlpickle group what the descriptor layout cannot hold, and loses none of it', () => {
    const nicDict =
      '<ovirt-instance:item index="2" type="dict"><ovirt-instance:item key="type" type="str">interface</ovirt-instance:item>' +
      '<ovirt-instance:item key="macAddr" type="str">00:1a:4a:16:01:51</ovirt-instance:item>' +
      '<ovirt-instance:item key="filterParameters" type="list"><ovirt-instance:item index="0" type="dict">' +
      '<ovirt-instance:item key="name" type="str">IP</ovirt-instance:item><ovirt-instance:item key="value" type="str">10.0.0.1</ovirt-instance:item>' +
      '</ovirt-instance:item></ovirt-instance:item>' +
      '<ovirt-instance:item key="specParams" type="dict"><ovirt-instance:item key="inbound" type="dict">' +
      '<ovirt-instance:item key="average" type="int">1000</ovirt-instance:item></ovirt-instance:item></ovirt-instance:item>' +
      '</ovirt-instance:item>';
    const engine = readFixture('domains/seed1-repaired.xml').replace(
      '</ovirt-instance:item>\n</ovirt-instance:value>',
      `</ovirt-instance:item>\n${nicDict}</ovirt-instance:item>\n</ovirt-instance:value>`.replace(
        /^<\/ovirt-instance:item>\n/,
        '',
      ),
    );
    expect(engine).to.contain('filterParameters');
    const { xml } = create(engine);
    const saved = Descriptor.fromXml(xml).find({ mac_address: '00:1a:4a:16:01:51' })!;
    expect(saved.data['filterParameters']).to.equal(undefined);
    expect(saved.data['macAddr']).to.equal('00:1a:4a:16:01:51');
    const nic = recover(xml).devices.find((x) => x.kind === 'interface')!;
    expect(toTypedJson(nic.meta.toDict())).to.deep.include({
      filterParameters: [{ name: 'IP', value: '10.0.0.1' }],
      specParams: { inbound: { average: 1000 } },
    });
  });

  it('save refuses, with a path, a value the agent set that the descriptor layout cannot hold', () => {
    const d = recover(readFixture('domains/engine-ovirt-vm-live.xml'));
    d.devices.find((x) => x.kind === 'interface')!.meta.set('nested', dict([['a', dict([['b', 'c']])]]));
    expect(() => d.save()).to.throw(MetadataError, /devices\[0\]\.nested/);
  });

  it('property: recover → save → recover loses no entry and changes no value', () => {
    const macArb = fc
      .integer({ min: 0, max: 255 })
      .map((n) => `52:54:00:00:01:${n.toString(16).padStart(2, '0')}`);
    const valueArb = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const spec = fc.record({
      macs: fc.uniqueArray(macArb, { maxLength: 4 }),
      disks: fc.integer({ min: 0, max: 4 }),
      // Keys a class reads (network, imageID) carry their schema's type; others any scalar.
      data: fc.array(
        fc.record(
          { network: fc.string(), imageID: fc.string(), note: valueArb, x1: valueArb },
          { requiredKeys: [] },
        ),
        { minLength: 8, maxLength: 8 },
      ),
      orphans: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(spec, ({ macs, disks, data, orphans }) => {
        // '>' too: a value holding ']]>' is not well-formed text unescaped.
        const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const leaves = (d: Record<string, string | number | boolean>) =>
          Object.entries(d)
            .map(([k, v]) =>
              typeof v === 'string'
                ? `<v:${k}>${esc(v)}</v:${k}>`
                : `<v:${k} type="${typeof v === 'number' ? 'int' : 'bool'}">${String(v)}</v:${k}>`,
            )
            .join('');
        let n = 0;
        const entries: string[] = [];
        const devices: string[] = [];
        for (const mac of macs) {
          devices.push(`<interface type="bridge"><mac address="${mac}"/><source bridge="b"/></interface>`);
          entries.push(`<v:device mac_address="${mac}">${leaves(data[n++ % 8]!)}</v:device>`);
        }
        for (let i = 0; i < disks; i++) {
          const dev = `vd${String.fromCharCode(97 + i)}`;
          devices.push(
            `<disk type="file" device="disk"><source file="/i/${dev}"/><target dev="${dev}" bus="virtio"/></disk>`,
          );
          entries.push(`<v:device devtype="disk" name="${dev}">${leaves(data[n++ % 8]!)}</v:device>`);
        }
        for (let i = 0; i < orphans; i++)
          entries.push(`<v:device devtype="watchdog" name="gone${i}"><v:k>${i}</v:k></v:device>`);
        const xml = `<domain type="kvm"><name>p</name><metadata><v:vm xmlns:v="http://ovirt.org/vm/1.0">${entries.join('')}</v:vm></metadata><devices>${devices.join('')}</devices></domain>`;
        const first = recover(xml);
        first.save();
        const second = recover(first.toXml());
        expect(second.orphans.length).to.equal(first.orphans.length);
        first.devices.forEach((dev, i) => {
          const other = second.devices[i]!;
          // The descriptor layout sorts keys on write: values are compared, not key order.
          expect(toTypedJson(other.meta.toDict()), `device ${i}`).to.deep.equal(
            toTypedJson(dev.meta.toDict()),
          );
        });
        second.save();
        expect(recover(second.toXml()).descriptorEntries.length).to.equal(second.descriptorEntries.length);
      }),
      { numRuns: process.env['CI'] ? 1000 : 100 },
    );
  });
});
