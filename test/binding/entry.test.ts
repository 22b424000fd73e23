import { expect } from 'chai';
import { dict } from '../../src/metadata/value.js';
import { desc, pickle } from '../helpers/entries.js';
import { entryIdentity } from '../../src/binding/entry.js';

describe('entry identity', () => {
  it('reads descriptor attributes as Vdsm wrote them', () => {
    expect(entryIdentity(desc(0, { devtype: 'disk', name: 'vda' }))).to.deep.include({
      kind: 'disk',
      keys: { name: 'vda' },
    });
    expect(entryIdentity(desc(0, { devtype: 'graphics', name: 'spice' })).keys).to.deep.equal({
      type: 'spice',
    });
    expect(entryIdentity(desc(0, { devtype: 'lease', name: 'k1' })).keys).to.deep.equal({ leaseKey: 'k1' });
    expect(entryIdentity(desc(0, { devtype: 'balloon', name: 'balloon0' }))).to.deep.include({
      kind: 'memballoon',
      alias: 'balloon0',
    });
    expect(entryIdentity(desc(0, { mac_address: '00:1A:4A:00:00:01' }))).to.deep.include({
      kind: 'interface',
      keys: { mac: '00:1a:4a:00:00:01' },
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
      keys: { type: 'vnc' },
    });
    expect(entryIdentity(pickle(0, { type: 'balloon', device: 'memballoon' })).kind).to.equal('memballoon');
    expect(entryIdentity(pickle(0, { macAddr: 'AA:BB:CC:DD:EE:FF' })).keys.mac).to.equal('aa:bb:cc:dd:ee:ff');
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
      controller: 'usb:0',
    });
    // The model tells USB companion controllers apart; only a controller's model counts.
    expect(
      entryIdentity(pickle(0, { type: 'controller', device: 'usb', index: '0', model: 'ich9-uhci1' })).keys,
    ).to.deep.equal({ controller: 'usb:0', model: 'ich9-uhci1' });
    expect(entryIdentity(pickle(0, { type: 'video', device: 'qxl', model: 'qxl' })).keys).to.deep.equal({});
    // An interface it does not know names no drive; it is not an error.
    expect(entryIdentity(pickle(0, { type: 'disk', iface: 'weird', index: 0 })).keys).to.deep.equal({});
  });
});
