/**
 * The agent API's edges (issue 12): lookups and unplug never take "no alias" for "any device",
 * hotplug refuses what the binder and create refuse, a hot-plugged device object stays the
 * domain's device across refresh(), and a device that was here before merges with its old entry.
 */
import { expect } from 'chai';
import {
  Descriptor,
  DuplicateDeviceError,
  NoSuchDeviceError,
  VmDevicesError,
  recover,
} from '../../src/index.js';
import type { Domain } from '../../src/index.js';
import { appendChild, createElement, firstChild, parseXml, serialize, setAttr } from '../../src/xml/index.js';
import type { Drive } from '../../src/devices/index.js';
import { dict, dictSet } from '../../src/metadata/value.js';
import { readFixture } from '../helpers/fixtures.js';

const DOMAIN = 'domains/api/alias-less.xml';

function thrown(f: () => unknown): VmDevicesError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(VmDevicesError);
    return e as VmDevicesError;
  }
  return expect.fail('nothing was thrown');
}

/** What libvirt gives back after attaching: the domain as it is, the `tag` element with an alias and address. */
function attached(domain: Domain, tag: string, alias: string, slot: string): string {
  const doc = parseXml(domain.toXml());
  const el = firstChild(firstChild(doc.documentElement!, 'devices')!, tag)!;
  const a = createElement(doc, 'alias');
  setAttr(a, 'name', alias);
  appendChild(el, a);
  const address = createElement(doc, 'address');
  for (const [k, v] of Object.entries({ type: 'pci', domain: '0x0000', bus: '0x00', slot, function: '0x0' }))
    setAttr(address, k, v);
  appendChild(el, address);
  return serialize(doc);
}

describe('one representation of an entry', () => {
  it("a device's metadata is its entry's data: an edit through either handle is the one saved", () => {
    const d = recover(readFixture(DOMAIN));
    const nic = d.deviceByMac('52:54:00:aa:00:02')!;
    const entry = d.bindingOf(nic).descriptor!;
    nic.meta.set('network', 'green');
    expect(entry.data['network']).to.equal('green');
    dictSet(entry.data, 'mtu', 1400);
    expect(nic.meta.raw('mtu')).to.equal(1400);
    d.save();
    const again = recover(d.toXml()).deviceByMac('52:54:00:aa:00:02')!;
    expect([again.meta.raw('network'), again.meta.raw('mtu')]).to.deep.equal(['green', 1400]);
  });

  it('a new entry save makes is the device metadata dict itself, and a decoded value is read-only', () => {
    const d = recover(readFixture(DOMAIN));
    const disk = d.deviceByTargetDev('vda') as Drive;
    disk.meta.set('volumeChain', [dict([['path', '/v/1']])]);
    d.save();
    const entry = d.bindingOf(disk).descriptor!;
    disk.meta.set('imageID', 'img-1');
    expect(entry.data['imageID']).to.equal('img-1');
    const chain = disk.meta.get('volumeChain')!;
    expect(() => {
      (chain as { path?: string }[]).push({ path: '/v/2' });
    }).to.throw(TypeError);
  });
});

describe('the xmlpickle group after an unplug', () => {
  it("an unplugged device's instance entry never binds a device its own entry names otherwise", () => {
    const d = recover(readFixture('domains/api/xmlpickle-of-unplugged.xml'));
    const card = d.devices[0]!;
    expect([card.deviceId, card.meta.raw('note')]).to.deep.equal([
      '00000000-0000-4000-8000-000000000007',
      undefined,
    ]);
    expect(d.bindingOf(card).xmlpickle).to.equal(undefined);
    expect(d.orphans.map((e) => e.layout)).to.deep.equal(['xmlpickle']);
  });
});

describe('Domain API edges', () => {
  describe('lookups', () => {
    it('refuse an absent or empty alias, id, target dev or MAC instead of returning some device', () => {
      const d = recover(readFixture(DOMAIN));
      const none = undefined as unknown as string;
      for (const look of [
        () => d.deviceByAlias(none),
        () => d.deviceByAlias(''),
        () => d.deviceById(none),
        () => d.deviceById(''),
        () => d.deviceByTargetDev(''),
        () => d.deviceByMac(none),
      ]) {
        expect(thrown(look)).to.be.instanceOf(NoSuchDeviceError);
      }
    });

    it('find a disk by target dev and an interface by MAC in any case; unknown ones are undefined', () => {
      const d = recover(readFixture(DOMAIN));
      expect(d.deviceByTargetDev('vda')?.kind).to.equal('disk');
      expect(d.deviceByTargetDev('vdz')).to.equal(undefined);
      const nic = d.deviceByMac('52:54:00:aa:00:01');
      expect(nic?.path).to.equal('/domain/devices/interface[1]');
      expect(d.deviceByMac('52:54:00:AA:00:02')?.meta.raw('network')).to.equal('blue');
      expect(d.deviceByMac('52:54:00:aa:00:03')).to.equal(undefined);
    });

    it('refuse to pick one of two interfaces sharing a MAC', () => {
      const text = readFixture(DOMAIN).replace("52:54:00:aa:00:02'", "52:54:00:aa:00:01'");
      const d = recover(text);
      expect(thrown(() => d.deviceByMac('52:54:00:aa:00:01'))).to.be.instanceOf(DuplicateDeviceError);
    });
  });

  describe('unplug', () => {
    it('refuses an absent or empty alias and removes nothing', () => {
      const d = recover(readFixture(DOMAIN));
      const before = d.devices.length;
      expect(thrown(() => d.unplug(undefined as unknown as string))).to.be.instanceOf(NoSuchDeviceError);
      expect(thrown(() => d.unplug(''))).to.be.instanceOf(NoSuchDeviceError);
      expect(d.devices.length).to.equal(before);
    });

    it('removes an alias-less device given as the object, with its entry, and no other device', () => {
      const d = recover(readFixture(DOMAIN));
      const nic = d.deviceByMac('52:54:00:aa:00:02')!;
      const others = d.devices.filter((x) => x !== nic);
      expect(d.unplug(nic)).to.equal(nic);
      expect(d.devices).to.deep.equal(others);
      d.save();
      expect(d.toXml()).to.not.include('52:54:00:aa:00:02');
      expect(Descriptor.fromXml(d.toXml()).entries()).to.deep.equal([]);
      expect(thrown(() => d.unplug(nic))).to.be.instanceOf(NoSuchDeviceError);
    });
  });

  describe('hotplug', () => {
    it('refuses an entry that contradicts the device, and leaves the domain as it was', () => {
      const d = recover(readFixture(DOMAIN));
      const xml = d.toXml();
      const e = thrown(() => d.hotplug(readFixture('domains/api/nic-contradicting.xml')));
      expect(e.code).to.equal('METADATA_MISMATCH');
      expect(e.message).to.include('52:54:00:aa:00:07').and.include('52:54:00:aa:00:09');
      expect(d.toXml()).to.equal(xml);
      expect(d.devices.length).to.equal(6);
    });

    it('refuses a second interface with a MAC nothing tells apart and a second disk vda, as create does', () => {
      const d = recover(readFixture(DOMAIN));
      const xml = d.toXml();
      for (const f of ['nic-duplicate-mac.xml', 'disk-duplicate-target.xml']) {
        expect(thrown(() => d.hotplug(readFixture(`domains/api/${f}`))).code, f).to.equal('DUPLICATE_DEVICE');
        expect(d.toXml(), f).to.equal(xml);
      }
    });

    it('refuses metadata in a namespace it does not read (it would be dropped without a word)', () => {
      const d = recover(readFixture(DOMAIN));
      const e = thrown(() => d.hotplug(readFixture('domains/api/foreign-namespace.xml')));
      expect(e.code).to.equal('METADATA_SHAPE');
      expect(e.message).to.include('http://ovirt.org/vm/1.1');
      expect([e.line, e.column]).to.deep.equal([8, 5]);
    });

    it('keeps the device object across refresh(): after libvirt named it, edits on it are saved', () => {
      const d = recover(readFixture(DOMAIN));
      const vsock = d.hotplug(readFixture('domains/api/vsock.xml'));
      expect(d.bindingOf(vsock).rule).to.not.equal('none');
      expect(vsock.meta.raw('mark')).to.equal('plugged');
      d.refresh(attached(d, 'vsock', 'vsock0', '0x0a'));
      expect(d.devices).to.include(vsock);
      expect([vsock.alias, vsock.address?.['slot']]).to.deep.equal(['vsock0', '0x0a']);
      vsock.meta.set('edited', 'after refresh');
      expect(d.save()).to.deep.equal([]);
      const again = recover(d.toXml());
      const found = again.deviceByAlias('vsock0')!;
      expect([found.meta.raw('mark'), found.meta.raw('edited')]).to.deep.equal(['plugged', 'after refresh']);
    });

    it("pairs the envelope's one entry with its device when no rule binds it and nothing contradicts", () => {
      const d = recover(readFixture(DOMAIN));
      const rng = d.hotplug(
        "<hotplug><devices><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng></devices>" +
          "<metadata><ovirt-vm:vm xmlns:ovirt-vm='http://ovirt.org/vm/1.0'><ovirt-vm:device devtype='rng'>" +
          '<ovirt-vm:mark>plugged</ovirt-vm:mark></ovirt-vm:device></ovirt-vm:vm></metadata></hotplug>',
      );
      expect([d.bindingOf(rng).rule, rng.meta.raw('mark')]).to.deep.equal(['envelope', 'plugged']);
      // save records what finds it again: its model.
      expect(d.save()).to.deep.equal([]);
      expect(
        recover(d.toXml())
          .devices.find((x) => x.kind === 'rng')
          ?.meta.raw('mark'),
      ).to.equal('plugged');
    });

    it('merges with the orphan entry a device left when it comes back: one entry for it', () => {
      const d = recover(
        readFixture(DOMAIN).replace(
          /<interface type='network'>\s*<mac address='52:54:00:aa:00:02'\/>[^]*?<\/interface>/,
          '',
        ),
      );
      expect(d.orphans.length).to.equal(1);
      const nic = d.hotplug(readFixture('domains/api/nic-again.xml'));
      expect([nic.meta.raw('network'), nic.meta.raw('mtu')]).to.deep.equal(['blue', 9000]);
      expect(d.orphans).to.deep.equal([]);
      d.save();
      // The envelope's leaf keeps the attribute Vdsm reads past.
      expect(d.toXml()).to.match(/<ovirt-vm:mtu type='int' unit='bytes'>9000<\/ovirt-vm:mtu>/);
      const entries = Descriptor.fromXml(d.toXml()).entries();
      expect(
        entries.filter((e) => e.attrs['mac_address']?.toLowerCase() === '52:54:00:aa:00:02').length,
      ).to.equal(1);
    });
  });
});
