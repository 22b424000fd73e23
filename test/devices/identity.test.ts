import { expect } from 'chai';
import { bind } from '../../src/binding/binder.js';
import { descriptorIdentity } from '../../src/binding/entry.js';
import type { Device, DeviceClass } from '../../src/devices/index.js';
import {
  Audio,
  Balloon,
  Channel,
  Console,
  Controller,
  Crypto,
  Drive,
  Filesystem,
  Graphics,
  HostDevice,
  Hub,
  Input,
  Interface,
  Iommu,
  Lease,
  Memory,
  Nvram,
  Panic,
  Parallel,
  Pstore,
  Redir,
  Redirfilter,
  Rng,
  Serial,
  Shmem,
  Smartcard,
  Sound,
  Tpm,
  Video,
  Vsock,
  Watchdog,
} from '../../src/devices/index.js';
import { field, readField, writeField } from '../../src/devices/field.js';
import type { HasElement } from '../../src/devices/identity.js';
import { NO_IDENTITY, confText, identifiedBy, key } from '../../src/devices/identity.js';
import { DEVICE_CLASSES } from '../../src/devices/registry.js';
import { XmlValueError } from '../../src/errors.js';
import { recover } from '../../src/index.js';
import { dict } from '../../src/metadata/value.js';
import { str, uint } from '../../src/xml/codecs.js';
import { parseXml } from '../../src/xml/index.js';
import { desc } from '../helpers/entries.js';
import { deviceFromFixture } from '../helpers/device-fixtures.js';
import { deviceMark, markDevices } from '../helpers/marks.js';

/** An element to read parts from, as a device would hold it. */
const holder = (xml: string): HasElement => ({ element: parseXml(xml).documentElement! });

describe('identity (identity.ts)', () => {
  // One key of each sort: a two-part key, a caseless one with a conf reader, a refuse-only one, a
  // find-only one and a derived part.
  const spec = identifiedBy(
    key({ type: '@type', bus: '@bus' }),
    key({ mac: 'mac/@address' }, { caseless: true, conf: (c) => ({ mac: confText(c, 'macAddr') }) }),
    key({ model: '@model' }, { find: false, conf: (c) => ({ model: confText(c, 'model'), type: 'usb' }) }),
    key({ serial: 'serial' }, { refuse: false, save: false }),
    key({ index: (d) => readField(d.element, field('@index', uint))?.toString() }),
  );
  const full = holder(
    `<x type="mouse" bus="ps2" model="m1" index="0x2"><mac address="52:54:00:AB:CD:EF"/><serial>S1</serial></x>`,
  );

  it('key(): finds, refuses and is saved unless told otherwise; compares case unless caseless', () => {
    expect(key({ a: '@a' })).to.deep.include({ find: true, refuse: true, save: true, caseless: false });
    expect(key({ a: '@a' }, { find: false, save: false, caseless: true })).to.deep.include({
      find: false,
      refuse: true,
      save: false,
      caseless: true,
    });
  });

  it('ofDevice reads each part at its own path, lower-cases caseless parts, leaves absent and empty ones out', () => {
    expect(spec.ofDevice(full)).to.deep.equal({
      type: 'mouse',
      bus: 'ps2',
      mac: '52:54:00:ab:cd:ef',
      model: 'm1',
      serial: 'S1',
      index: '2',
    });
    expect(spec.ofDevice(holder(`<x type="" bus="ps2"><mac/><serial></serial></x>`))).to.deep.equal({
      bus: 'ps2',
    });
    expect(spec.ofDevice(holder(`<x/>`))).to.deep.equal({});
  });

  it('a derived part the class cannot read identifies nothing, and never throws', () => {
    const bad = holder(`<x type="mouse" bus="ps2" index="two"/>`);
    expect(() => readField(bad.element, field('@index', uint))).to.throw(XmlValueError);
    expect(spec.ofDevice(bad)).to.deep.equal({ type: 'mouse', bus: 'ps2' });
    expect(spec.attributesOf(bad)).to.deep.equal({ type: 'mouse', bus: 'ps2' });
    // Only the library's own errors mean "cannot read": a bug still surfaces.
    const buggy = identifiedBy(
      key({
        p: () => {
          throw new TypeError('bug');
        },
      }),
    );
    expect(() => buggy.ofDevice(bad)).to.throw(TypeError, 'bug');
  });

  it('lookups: one per find key whose parts are all known; a refuse-only key gives none', () => {
    const values = spec.ofDevice(full);
    // type+bus, mac, serial, index: not the refuse-only model.
    expect(spec.lookups(values)).to.have.length(4);
    const noBus = Object.fromEntries(Object.entries(values).filter(([p]) => p !== 'bus'));
    expect(spec.lookups(noBus)).to.have.length(3);
    expect(spec.lookups(values)).to.include.members(spec.lookups(noBus));
    expect(spec.lookups({ model: 'm1' })).to.deep.equal([]);
    // Each lookup names its parts: one key's values never pose as another's.
    expect(spec.lookups({ mac: 'x' })).not.to.deep.equal(spec.lookups({ serial: 'x' }));
    expect(NO_IDENTITY.lookups(values)).to.deep.equal([]);
  });

  it('partOf: one part as ofDevice gives it (caseless lower-cased), undefined when absent or unknown', () => {
    const values = spec.ofDevice(full);
    for (const part of ['type', 'bus', 'mac', 'serial', 'index', 'model'])
      expect(spec.partOf(full, part), part).to.equal(values[part]);
    expect(spec.partOf(full, 'mac')).to.equal('52:54:00:ab:cd:ef');
    expect(spec.partOf(full, 'no-such-part')).to.equal(undefined);
    expect(spec.partOf(holder(`<x type="" index="two"/>`), 'type')).to.equal(undefined);
    expect(spec.partOf(holder(`<x type="" index="two"/>`), 'index')).to.equal(undefined);
    expect(NO_IDENTITY.partOf(full, 'type')).to.equal(undefined);
  });

  it('refusal: a refusing part known on both sides and different; never a find-only part', () => {
    const values = spec.ofDevice(full);
    const device = { part: (name: string) => values[name] };
    expect(spec.refusal({ model: 'm2' }, device)).to.equal("its model is m2, the device's is m1");
    expect(spec.refusal({ bus: 'usb', type: 'mouse' }, device)).to.equal(
      "its bus is usb, the device's is ps2",
    );
    expect(spec.refusal({ serial: 'S2' }, device)).to.equal(undefined);
    expect(spec.refusal({ model: 'm1', mac: '52:54:00:ab:cd:ef' }, device)).to.equal(undefined);
    // A part one side does not know contradicts nothing.
    expect(
      spec.refusal({ model: 'm2' }, { part: (name) => (name === 'type' ? 'mouse' : undefined) }),
    ).to.equal(undefined);
    expect(spec.refusal({}, device)).to.equal(undefined);
  });

  it('refusal asks the device only the refusing parts the entry names', () => {
    const asked: string[] = [];
    const device = {
      part: (name: string) => {
        asked.push(name);
        return spec.partOf(full, name);
      },
    };
    expect(spec.refusal({ model: 'm2', serial: 'S2' }, device)).to.equal(
      "its model is m2, the device's is m1",
    );
    expect(asked).to.deep.equal(['model']);
  });

  it('attributesOf: the saved parts as written (a MAC keeps its case), not the unsaved ones', () => {
    expect(spec.attributesOf(full)).to.deep.equal({
      type: 'mouse',
      bus: 'ps2',
      mac: '52:54:00:AB:CD:EF',
      model: 'm1',
      index: '2',
    });
  });

  it('ofAttributes reads what attributesOf writes, lower-casing caseless parts, ignoring other attributes and empty ones', () => {
    const attrs = { devtype: 'input', ...spec.attributesOf(full), alias: 'input0', serial: '', bus: '' };
    expect(spec.ofAttributes(attrs)).to.deep.equal({
      type: 'mouse',
      mac: '52:54:00:ab:cd:ef',
      model: 'm1',
      index: '2',
    });
  });

  it('ofConf reads a Vdsm conf dict through the keys that declare a reader, each only for its own parts', () => {
    const conf = dict([
      ['macAddr', 'AA:BB:CC:DD:EE:FF'],
      ['model', 'm1'],
      ['type', 'mouse'],
    ]);
    // `type: usb` from the model key's reader is not that key's part: dropped. `type` of the conf
    // has no reader.
    expect(spec.ofConf(conf)).to.deep.equal({ mac: 'aa:bb:cc:dd:ee:ff', model: 'm1' });
    expect(spec.ofConf(dict([['macAddr', '']]))).to.deep.equal({});
  });

  it('namesAPart: whether a part is called `name`', () => {
    expect(spec.namesAPart).to.equal(false);
    expect(identifiedBy(key({ name: 'target/@dev' })).namesAPart).to.equal(true);
  });

  it('confText: the scalar text of a conf value, nothing for other values', () => {
    const conf = dict([
      ['s', 'x'],
      ['n', 2],
      ['b', 2n ** 70n],
      ['t', true],
      ['d', dict()],
    ]);
    expect(['s', 'n', 'b', 't', 'd', 'absent'].map((k) => confText(conf, k))).to.deep.equal([
      'x',
      '2',
      '1180591620717411303424',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

/**
 * One fixture device per class (two where a class has two sorts of key), with what identity reads
 * from it, and per part an edit of the XML at libvirt's path for it (independent of what the class
 * declares: a class reading a part elsewhere fails here).
 */
interface Row {
  cls: DeviceClass & { prototype: Device };
  fixture: string;
  keys: Record<string, string>;
  /** libvirt path → a new value there, and the parts that change with it. */
  edits: [path: string, value: string, changed: Record<string, string>][];
  /** Parts that find a device but never refuse an entry, and are not saved (a disk's serial, path). */
  findOnly?: string[];
  /** Parts that refuse an entry but find nothing alone (a controller's model). */
  refuseOnly?: string[];
  /** Parts without which another key of the class still finds the device (an input's bus, its type). */
  foundWithout?: string[];
}

const ROWS: Row[] = [
  {
    cls: Audio,
    fixture: 'devices/audio/none.xml',
    keys: { id: '1' },
    edits: [['@id', '2', { id: '2' }]],
  },
  {
    cls: Balloon,
    fixture: 'devices/memballoon/virtio-seed.xml',
    keys: { model: 'virtio' },
    edits: [['@model', 'none', { model: 'none' }]],
  },
  {
    cls: Channel,
    fixture: 'devices/channel/guest-agent-unix.xml',
    keys: { target_type: 'virtio', target_name: 'org.qemu.guest_agent.0' },
    refuseOnly: ['target_type'],
    edits: [
      ['target/@type', 'xen', { target_type: 'xen' }],
      ['target/@name', 'org.qemu.guest_agent.1', { target_name: 'org.qemu.guest_agent.1' }],
    ],
  },
  {
    cls: Channel,
    fixture: 'devices/channel/guestfwd.xml',
    keys: { target_type: 'guestfwd', target_address: '10.0.2.1', port: '4600' },
    refuseOnly: ['target_type'],
    edits: [
      ['target/@address', '10.0.2.2', { target_address: '10.0.2.2' }],
      ['target/@port', '4601', { port: '4601' }],
    ],
  },
  {
    cls: Console,
    fixture: 'devices/console/tcp-telnet-log.xml',
    keys: { target_type: 'virtio', port: '1' },
    foundWithout: ['target_type', 'port'],
    edits: [
      ['target/@type', 'serial', { target_type: 'serial' }],
      ['target/@port', '2', { port: '2' }],
    ],
  },
  {
    cls: Controller,
    fixture: 'devices/controller/usb-companion.xml',
    keys: { type: 'usb', index: '0', model: 'ich9-uhci2' },
    edits: [
      ['@type', 'scsi', { type: 'scsi' }],
      ['@index', '1', { index: '1' }],
      ['@model', 'ich9-uhci3', { model: 'ich9-uhci3' }],
    ],
    refuseOnly: ['model'],
    foundWithout: ['index'],
  },
  {
    cls: Crypto,
    fixture: 'devices/crypto/builtin.xml',
    keys: { model: 'virtio', type: 'qemu', backend: 'builtin' },
    refuseOnly: ['backend'],
    foundWithout: ['model', 'type'],
    edits: [
      ['@model', 'virtio-ccw', { model: 'virtio-ccw' }],
      ['@type', 'vhost-user', { type: 'vhost-user' }],
      ['backend/@model', 'lkcf', { backend: 'lkcf' }],
    ],
  },
  {
    cls: Drive,
    fixture: 'devices/disk/network-rbd.xml',
    keys: { name: 'vdb', serial: '5f8a1b2c', path: 'volumes/volume-5f8a1b2c' },
    edits: [
      ['target/@dev', 'vdc', { name: 'vdc' }],
      ['serial', '5f8a1b2d', { serial: '5f8a1b2d' }],
      ['source/@name', 'volumes/volume-5f8a1b2d', { path: 'volumes/volume-5f8a1b2d' }],
    ],
    findOnly: ['serial', 'path'],
  },
  {
    cls: Filesystem,
    fixture: 'devices/filesystem/9p-mapped.xml',
    keys: { target: '/import/from/host' },
    edits: [['target/@dir', '/import/from/host2', { target: '/import/from/host2' }]],
  },
  {
    cls: Graphics,
    fixture: 'devices/graphics/vnc-seed.xml',
    keys: { name: 'vnc' },
    edits: [['@type', 'spice', { name: 'spice' }]],
  },
  {
    cls: HostDevice,
    fixture: 'devices/hostdev/pci-vfio.xml',
    keys: { mode: 'subsystem', type: 'pci', source: 'pci:bus=6,domain=0,function=5,slot=18' },
    edits: [
      ['@mode', 'capabilities', { mode: 'capabilities' }],
      // The source is read by type: another type is another source.
      ['@type', 'usb', { type: 'usb', source: 'usb:bus=6,domain=0,function=5,slot=18' }],
      ['source/address/@bus', '0x07', { source: 'pci:bus=7,domain=0,function=5,slot=18' }],
    ],
  },
  {
    cls: HostDevice,
    fixture: 'devices/hostdev/mdev-vfio-pci.xml',
    keys: { uuid: '53764d0e-85a0-42b4-af5c-2046b460b1dc', mode: 'subsystem', type: 'mdev' },
    edits: [
      [
        'source/address/@uuid',
        'C2177883-F1BB-47F0-914D-32A22E3A8804',
        { uuid: 'c2177883-f1bb-47f0-914d-32a22e3a8804' },
      ],
    ],
  },
  {
    cls: Hub,
    fixture: 'devices/hub/usb-port.xml',
    keys: { type: 'usb' },
    edits: [['@type', 'usb3', { type: 'usb3' }]],
  },
  {
    cls: Input,
    fixture: 'devices/input/ps2-mouse.xml',
    keys: { type: 'mouse', bus: 'ps2' },
    foundWithout: ['type', 'bus'],
    edits: [
      ['@type', 'keyboard', { type: 'keyboard' }],
      ['@bus', 'usb', { bus: 'usb' }],
    ],
  },
  {
    cls: Input,
    fixture: 'devices/input/evdev-grab.xml',
    keys: { type: 'evdev', source_dev: '/dev/input/event1' },
    foundWithout: ['type', 'source_dev'],
    edits: [['source/@dev', '/dev/input/event7', { source_dev: '/dev/input/event7' }]],
  },
  {
    cls: Input,
    fixture: 'devices/input/passthrough.xml',
    keys: { type: 'passthrough', bus: 'virtio', source_evdev: '/dev/input/event1234' },
    foundWithout: ['type', 'bus', 'source_evdev'],
    edits: [['source/@evdev', '/dev/input/event9', { source_evdev: '/dev/input/event9' }]],
  },
  {
    cls: Interface,
    fixture: 'devices/interface/bridge-ovirtmgmt.xml',
    keys: { mac_address: '00:1a:4a:16:01:51' },
    edits: [['mac/@address', '00:1A:4A:16:01:52', { mac_address: '00:1a:4a:16:01:52' }]],
  },
  {
    cls: Iommu,
    fixture: 'devices/iommu/smmuv3-pci-bus.xml',
    keys: { model: 'smmuv3', pci_bus: '1' },
    refuseOnly: ['pci_bus'],
    edits: [
      ['@model', 'virtio', { model: 'virtio' }],
      ['driver/@pciBus', '2', { pci_bus: '2' }],
    ],
  },
  {
    cls: Lease,
    fixture: 'devices/lease/volume-lease.xml',
    keys: { name: '5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc' },
    edits: [['key', 'vm-lease-2', { name: 'vm-lease-2' }]],
  },
  {
    cls: Memory,
    fixture: 'devices/memory/dimm-units.xml',
    keys: { model: 'dimm', slot: '1' },
    refuseOnly: ['slot'],
    edits: [
      ['@model', 'nvdimm', { model: 'nvdimm' }],
      ['address/@slot', '2', { slot: '2' }],
    ],
  },
  { cls: Nvram, fixture: 'devices/nvram/spapr-vio.xml', keys: {}, edits: [] },
  {
    cls: Panic,
    fixture: 'devices/panic/isa-iobase.xml',
    keys: { model: 'isa' },
    edits: [['@model', 'hyperv', { model: 'hyperv' }]],
  },
  {
    cls: Parallel,
    fixture: 'devices/parallel/unix-second-port.xml',
    keys: { port: '1' },
    edits: [['target/@port', '0', { port: '0' }]],
  },
  { cls: Pstore, fixture: 'devices/pstore/live-alias.xml', keys: {}, edits: [] },
  {
    cls: Redir,
    fixture: 'devices/redirdev/spicevmc-boot.xml',
    keys: { bus: 'usb', type: 'spicevmc' },
    edits: [
      ['@bus', 'usb3', { bus: 'usb3' }],
      ['@type', 'tcp', { type: 'tcp' }],
    ],
  },
  { cls: Redirfilter, fixture: 'devices/redirfilter/any-device.xml', keys: {}, edits: [] },
  {
    cls: Rng,
    fixture: 'devices/rng/random-urandom.xml',
    keys: { model: 'virtio', backend: 'random' },
    refuseOnly: ['backend'],
    edits: [
      ['@model', 'virtio-transitional', { model: 'virtio-transitional' }],
      ['backend/@model', 'egd', { backend: 'egd' }],
    ],
  },
  {
    cls: Serial,
    fixture: 'devices/serial/pty-isa.xml',
    keys: { target_type: 'isa-serial', port: '0' },
    foundWithout: ['target_type', 'port'],
    edits: [
      ['target/@type', 'pci-serial', { target_type: 'pci-serial' }],
      ['target/@port', '1', { port: '1' }],
    ],
  },
  {
    cls: Shmem,
    fixture: 'devices/shmem/plain-pci.xml',
    keys: { shmem_name: 'shmem2' },
    edits: [['@name', 'shmem3', { shmem_name: 'shmem3' }]],
  },
  {
    cls: Smartcard,
    fixture: 'devices/smartcard/host-ccid.xml',
    keys: { mode: 'host' },
    edits: [['@mode', 'passthrough', { mode: 'passthrough' }]],
  },
  {
    cls: Sound,
    fixture: 'devices/sound/ich6-seed.xml',
    keys: { model: 'ich6' },
    edits: [['@model', 'ich9', { model: 'ich9' }]],
  },
  {
    cls: Tpm,
    fixture: 'devices/tpm/passthrough-crb.xml',
    keys: { model: 'tpm-crb' },
    edits: [['@model', 'tpm-tis', { model: 'tpm-tis' }]],
  },
  {
    cls: Video,
    fixture: 'devices/video/qxl-primary-seed.xml',
    keys: { model: 'qxl' },
    edits: [['model/@type', 'virtio', { model: 'virtio' }]],
  },
  { cls: Vsock, fixture: 'devices/vsock/pci-fixed-cid.xml', keys: {}, edits: [] },
  {
    cls: Watchdog,
    fixture: 'devices/watchdog/i6300esb-pci.xml',
    keys: { model: 'i6300esb' },
    edits: [['@model', 'ib700', { model: 'ib700' }]],
  },
];

/** The fixture's device, with the XML at `path` set to `value` (removed when undefined). */
function edited(row: Row, path?: string, value?: string): Device {
  const d = deviceFromFixture(row.cls, row.fixture);
  if (path !== undefined)
    writeField(d.element, field(path, str), value, row.cls.childOrder, row.cls.nestedOrder);
  return d;
}

/** The descriptor entry save writes for a device (its saved parts), plus `more` attributes. */
function savedEntry(d: Device, more: Record<string, string> = {}) {
  return desc(0, { devtype: d.kind, ...d.identity().spec.attributesOf(d), ...more });
}

const label = (i: number): string => `device #${i}`;
const ruleOf = (d: Device, entry: ReturnType<typeof savedEntry>): string => {
  const b = bind([d.identity()], [entry], label).bindings[0];
  return b === undefined ? 'none' : b.rule;
};

describe('identity of every device class', () => {
  it('every class that declares keys has a row, and the rows change every part it declares', () => {
    for (const cls of DEVICE_CLASSES) {
      const declared = cls.identifiedBy.keys.flatMap((k) => Object.keys(k.parts));
      const rows = ROWS.filter((r) => r.cls === cls);
      const changed = new Set(rows.flatMap((r) => r.edits.flatMap(([, , c]) => Object.keys(c))));
      expect(
        [...new Set(declared)].filter((p) => !changed.has(p)),
        `${cls.name}: parts no edit changes`,
      ).to.deep.equal([]);
    }
  });

  for (const row of ROWS) {
    describe(`${row.cls.name} (${row.fixture})`, () => {
      it('reads each part at its own path', () => {
        expect(edited(row).identity().keys).to.deep.equal(row.keys);
        for (const [path, value, changed] of row.edits) {
          for (const [part, v] of Object.entries(changed)) expect(row.keys[part], part).not.to.equal(v);
          expect(edited(row, path, value).identity().keys, path).to.deep.equal({ ...row.keys, ...changed });
        }
      });

      it('is found again by what save records, which reads back as its keys', () => {
        const d = edited(row);
        const saved = Object.fromEntries(
          Object.entries(row.keys).filter(([p]) => !(row.findOnly ?? []).includes(p)),
        );
        expect(descriptorIdentity(savedEntry(d).attrs!, dict()).keys).to.deep.equal(saved);
        expect(ruleOf(d, savedEntry(d))).to.equal('key');
      });

      it('refuses the entry of a device whose refusing part differs, even under its alias', () => {
        for (const [path, value, changed] of row.edits) {
          const other = edited(row, path, value);
          other.alias = 'x0';
          const refuses = Object.keys(changed).some((p) => !(row.findOnly ?? []).includes(p));
          expect(ruleOf(other, savedEntry(edited(row), { alias: 'x0' })), path).to.equal(
            refuses ? 'none' : 'alias',
          );
        }
      });

      it('is not found by its saved entry when it lacks a part of a saved find key', () => {
        for (const [path, , changed] of row.edits) {
          const lacking = edited(row, path, undefined);
          // A refuse-only part finds nothing, and an unsaved one is not in the entry to look by.
          const found = Object.keys(changed).every((p) =>
            [...(row.refuseOnly ?? []), ...(row.findOnly ?? []), ...(row.foundWithout ?? [])].includes(p),
          );
          expect(ruleOf(lacking, savedEntry(edited(row))), path).to.equal(found ? 'key' : 'none');
        }
      });
    });
  }

  it('a caseless part is compared lower-cased and saved as written', () => {
    for (const [cls, fixture, part, written] of [
      [Interface, 'devices/interface/bridge-ovirtmgmt.xml', 'mac_address', '00:1A:4A:16:01:51'],
      [HostDevice, 'devices/hostdev/mdev-vfio-pci.xml', 'uuid', '53764D0E-85A0-42B4-AF5C-2046B460B1DC'],
    ] as const) {
      const d = deviceFromFixture<Device>(cls, fixture);
      expect(d.identity().keys[part]).to.equal(written.toLowerCase());
      expect(d.identity().spec.attributesOf(d)[part]).to.equal(written);
      // An entry written in either case finds it.
      expect(ruleOf(d, desc(0, { devtype: cls.tag, [part]: written.toLowerCase() }))).to.equal('key');
    }
  });

  it('a controller is found by type and index, never by its model alone', () => {
    const row = ROWS.find((r) => r.cls === Controller)!;
    // Type and index; type alone for a controller written without its index.
    expect(edited(row).identity().lookups).to.deep.equal(['type=usb\u0000index=0', 'type=usb']);
    const modelOnly = edited(row, '@type', undefined);
    writeField(modelOnly.element, field('@index', str), undefined, []);
    expect(modelOnly.identity().keys).to.deep.equal({ model: 'ich9-uhci2' });
    expect(modelOnly.identity().lookups).to.deep.equal([]);
  });

  it('a kind libvirt allows once per domain is found by its kind alone, never by another such kind', () => {
    expect([key({}).single, key({ model: '@model' }).single]).to.deep.equal([true, false]);
    // The inactive config: no alias, no address; only the kind tells each device.
    const domain = recover(`<domain type='kvm'><name>once</name><devices>
      <vsock model='virtio'><cid auto='yes'/></vsock>
      <pstore backend='acpi-erst'><size unit='KiB'>8</size></pstore>
      <nvram/>
      <redirfilter><usbdev allow='no'/></redirfilter>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    const again = recover(domain.toXml());
    expect(
      again.devices.map((d) => [d.className, d.meta.get('mark'), again.bindingOf(d).rule]),
    ).to.deep.equal([
      ['Vsock', deviceMark(0), 'key'],
      ['Pstore', deviceMark(1), 'key'],
      ['Nvram', deviceMark(2), 'key'],
      ['Redirfilter', deviceMark(3), 'key'],
    ]);
  });
});
