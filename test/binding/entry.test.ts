import { expect } from 'chai';
import { dict } from '../../src/metadata/value.js';
import type { Value } from '../../src/metadata/value.js';
import { desc, pickle } from '../helpers/entries.js';
import { bind } from '../../src/binding/binder.js';
import { NO_ADDRESS, entryIdentity } from '../../src/binding/entry.js';
import type { Device, DeviceClass } from '../../src/devices/index.js';
import {
  Controller,
  Drive,
  Graphics,
  HostDevice,
  Interface,
  Lease,
  Sound,
  Video,
} from '../../src/devices/index.js';
import { deviceInDomain } from '../helpers/in-domain.js';

describe('entry identity', () => {
  it('reads descriptor attributes as Vdsm wrote them', () => {
    expect(entryIdentity(desc(0, { devtype: 'disk', name: 'vda' }))).to.deep.include({
      kind: 'disk',
      keys: { name: 'vda' },
    });
    expect(entryIdentity(desc(0, { devtype: 'graphics', name: 'spice' })).keys).to.deep.equal({
      name: 'spice',
    });
    expect(entryIdentity(desc(0, { devtype: 'lease', name: 'k1' })).keys).to.deep.equal({ name: 'k1' });
    expect(entryIdentity(desc(0, { devtype: 'balloon', name: 'balloon0' }))).to.deep.include({
      kind: 'memballoon',
      alias: 'balloon0',
    });
    expect(entryIdentity(desc(0, { mac_address: '00:1A:4A:00:00:01' }))).to.deep.include({
      kind: 'interface',
      keys: { mac_address: '00:1a:4a:00:00:01' },
    });
    expect(entryIdentity(desc(0, { devtype: 'hostdev', uuid: 'ABC' })).keys).to.deep.equal({ uuid: 'abc' });
    expect(entryIdentity(desc(0, { devtype: 'disk', name: 'vda' }, { deviceId: 'd1' })).deviceId).to.equal(
      'd1',
    );
  });

  it('reads xmlpickle conf dicts: kind from type or device, drive name from iface+index, strings for numbers', () => {
    expect(entryIdentity(pickle(0, { device: 'cdrom', iface: 'ide', index: '2' }))).to.deep.include({
      kind: 'disk',
      keys: { name: 'hdc' },
    });
    expect(
      entryIdentity(pickle(0, { type: 'disk', iface: 'virtio', index: 0, path: '/p' })).keys,
    ).to.deep.equal({ name: 'vda', path: '/p' });
    expect(entryIdentity(pickle(0, { device: 'vnc' }))).to.deep.include({
      kind: 'graphics',
      keys: { name: 'vnc' },
    });
    expect(entryIdentity(pickle(0, { type: 'balloon', device: 'memballoon' })).kind).to.equal('memballoon');
    expect(entryIdentity(pickle(0, { macAddr: 'AA:BB:CC:DD:EE:FF' })).keys.mac_address).to.equal(
      'aa:bb:cc:dd:ee:ff',
    );
    const addr = entryIdentity(
      pickle(0, {
        type: 'disk',
        address: dict([
          ['slot', '0x05'],
          ['type', 'pci'],
          ['bus', '0x00'],
        ]),
      }),
    );
    expect(addr.address).to.equal('bus=0,slot=5,type=pci');
    expect(entryIdentity(pickle(0, { type: 'controller', device: 'usb', index: '0' })).keys).to.deep.equal({
      type: 'usb',
      index: '0',
    });
    // The model tells USB companion controllers apart; a video's model is its `device`, not `model`.
    expect(
      entryIdentity(pickle(0, { type: 'controller', device: 'usb', index: '0', model: 'ich9-uhci1' })).keys,
    ).to.deep.equal({ type: 'usb', index: '0', model: 'ich9-uhci1' });
    expect(entryIdentity(pickle(0, { type: 'video', device: 'qxl', model: 'cirrus' })).keys).to.deep.equal({
      model: 'qxl',
    });
    // An interface it does not know names no drive; it is not an error.
    expect(entryIdentity(pickle(0, { type: 'disk', iface: 'weird', index: 0 })).keys).to.deep.equal({});
  });

  it('gives its address and lookups when asked, and all of it as plain values in JSON', () => {
    const id = entryIdentity(
      desc(0, { devtype: 'disk', name: 'vda' }, { deviceId: 'd1', address: dict([['slot', '0x05']]) }),
    );
    expect(JSON.parse(JSON.stringify(id))).to.deep.equal({
      kind: 'disk',
      deviceId: 'd1',
      address: 'slot=5',
      keys: { name: 'vda' },
      lookups: ['name=vda'],
    });
    // An entry recording that the device had no address, and one recording nothing.
    expect(entryIdentity(desc(0, { devtype: 'sound', alias: 'sound0', address: 'none' })).address).to.equal(
      NO_ADDRESS,
    );
    expect(entryIdentity(desc(0, { devtype: 'sound', alias: 'sound0' })).address).to.equal(undefined);
  });

  it('finds each device by what its Vdsm conf dict carries', () => {
    const cases: [
      conf: Record<string, Value>,
      cls: DeviceClass & { prototype: Device },
      device: string,
      keys: Record<string, string>,
    ][] = [
      [{ type: 'sound', device: 'ich6' }, Sound, `<sound model='ich6'/>`, { model: 'ich6' }],
      [{ type: 'video', device: 'qxl' }, Video, `<video><model type='qxl'/></video>`, { model: 'qxl' }],
      [
        { type: 'controller', device: 'virtio-serial', index: 0 },
        Controller,
        `<controller type='virtio-serial' index='0'/>`,
        { type: 'virtio-serial', index: '0' },
      ],
      [{ type: 'graphics', device: 'spice' }, Graphics, `<graphics type='spice'/>`, { name: 'spice' }],
      [
        { type: 'lease', device: 'lease', lease_id: 'L1', sd_id: 'S1' },
        Lease,
        `<lease><lockspace>S1</lockspace><key>L1</key></lease>`,
        { name: 'L1' },
      ],
      [
        { type: 'disk', device: 'disk', name: 'vdb' },
        Drive,
        `<disk><target dev='vdb'/></disk>`,
        { name: 'vdb' },
      ],
      [
        { type: 'disk', device: 'disk', iface: 'scsi', index: 1 },
        Drive,
        `<disk><target dev='sdb'/></disk>`,
        { name: 'sdb' },
      ],
      [
        { type: 'interface', device: 'bridge', macAddr: '00:1A:4A:16:01:51' },
        Interface,
        `<interface type='bridge'><mac address='00:1a:4a:16:01:51'/></interface>`,
        { mac_address: '00:1a:4a:16:01:51' },
      ],
      [
        { type: 'hostdev', device: 'hostdev', uuid: '53764D0E-85A0-42B4-AF5C-2046B460B1DC' },
        HostDevice,
        `<hostdev mode='subsystem' type='mdev'><source><address uuid='53764d0e-85a0-42b4-af5c-2046b460b1dc'/></source></hostdev>`,
        { uuid: '53764d0e-85a0-42b4-af5c-2046b460b1dc' },
      ],
    ];
    for (const [conf, cls, xml, keys] of cases) {
      const entry = pickle(0, conf);
      expect(entryIdentity(entry), xml).to.deep.include({ kind: cls.tag, keys });
      const b = bind([deviceInDomain(cls, xml).identity()], [entry], () => xml).bindings[0];
      expect(b?.rule, xml).to.equal('key');
    }
    // `device: controller` names no controller type: the index alone finds nothing.
    const untyped = entryIdentity(pickle(0, { type: 'controller', device: 'controller', index: 0 }));
    expect([untyped.keys, untyped.lookups]).to.deep.equal([{ index: '0' }, []]);
  });

  it("reads Vdsm's `name` as the alias, but for the kinds that save a part under it", () => {
    expect(entryIdentity(desc(0, { devtype: 'input', name: 'input0' }))).to.deep.include({
      alias: 'input0',
      keys: {},
    });
    expect(entryIdentity(desc(0, { devtype: 'input', name: 'input0', alias: 'input3' })).alias).to.equal(
      'input3',
    );
    for (const [devtype, key] of [
      ['disk', 'vda'],
      ['graphics', 'vnc'],
      ['lease', 'k1'],
    ] as const) {
      expect(entryIdentity(desc(0, { devtype, name: key })), devtype).to.deep.include({
        alias: undefined,
        keys: { name: key },
      });
    }
  });

  it('reads the address an entry records, or that it recorded none', () => {
    expect(entryIdentity(desc(0, { devtype: 'input', alias: 'input0', address: 'none' })).address).to.equal(
      NO_ADDRESS,
    );
    const recorded = dict([
      ['type', 'usb'],
      ['bus', '0'],
      ['port', '1'],
    ]);
    expect(
      entryIdentity(desc(0, { devtype: 'input', alias: 'input0' }, { address: recorded })).address,
    ).to.equal('bus=0,port=1,type=usb');
    expect(entryIdentity(desc(0, { devtype: 'input', alias: 'input0' })).address).to.equal(undefined);
  });
});
