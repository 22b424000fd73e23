import { expect } from 'chai';
import { HostDevice, pciAddressOfNodedev } from '../../src/devices/host-device.js';
import { XmlValueError } from '../../src/errors.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

function fromFixture(rel: string): HostDevice {
  return deviceFromFixture(HostDevice, rel);
}

/** A fixture's device with its metadata (`<name>.meta.json`). */
function withMeta(rel: string): HostDevice {
  return loadDeviceFixture(HostDevice, rel).device;
}

describe('HostDevice', () => {
  describeDeviceFixtures(HostDevice, 'hostdev', 4);

  describeFieldCoverage(HostDevice, 'hostdev', ['sourceAddress', 'nodedevName']);

  it('reads a PCI device: host address in <source>, guest address apart', () => {
    const d = fromFixture('devices/hostdev/pci-vfio.xml');
    expect([d.mode, d.type, d.managed, d.driverName]).to.deep.equal(['subsystem', 'pci', false, 'vfio']);
    expect(d.sourceAddress).to.deep.equal({ domain: '0x0000', bus: '0x06', slot: '0x12', function: '0x5' });
    expect(d.address).to.deep.equal({
      type: 'pci',
      domain: '0x0000',
      bus: '0x00',
      slot: '0x08',
      function: '0x0',
    });
    expect(d.nodedevName).to.equal('pci_0000_06_12_5');
    // The name and the host address stand for each other (Interface.create reads such names).
    expect(pciAddressOfNodedev(d.nodedevName!)).to.deep.equal({ type: 'pci', ...d.sourceAddress });
    expect(pciAddressOfNodedev('pci_0000_06_12')).to.equal(undefined);
    expect(d.bootOrder).to.equal(1);
    expect([d.romBar, d.romFile]).to.deep.equal([false, '/usr/share/kvm/vf.rom']);
    expect(d.deviceId).to.equal('3c1f2a9e-0000-4b1e-9c1e-5a8f6a7b2c11');
  });

  it('has no guest address when only the host one is there', () => {
    const d = deviceInDomain(
      HostDevice,
      `<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='6' slot='18' function='5'/></source></hostdev>`,
    );
    expect(d.address).to.equal(undefined);
    expect(d.identity().address).to.equal(undefined);
    expect(d.nodedevName).to.equal('pci_0000_06_12_5');
  });

  describe('natural keys', () => {
    it('normalizes the host source, whatever base its numbers are written in', () => {
      const hex = fromFixture('devices/hostdev/pci-vfio.xml');
      const dec = deviceInDomain(
        HostDevice,
        `<hostdev mode='subsystem' type='pci'><source><address type='pci' domain='0' bus='6' slot='18' function='5'/></source></hostdev>`,
      );
      expect(hex.identity().keys).to.deep.equal({
        mode: 'subsystem',
        type: 'pci',
        source: 'pci:bus=6,domain=0,function=5,slot=18',
      });
      expect(dec.identity().keys).to.deep.equal(hex.identity().keys);
    });

    it('keys USB by vendor, product and address; SCSI by adapter and address; iSCSI by target', () => {
      expect(fromFixture('devices/hostdev/usb-vendor-product.xml').hostSource).to.equal(
        'usb:bus=14,device=6,product=48879,vendor=4660',
      );
      expect(fromFixture('devices/hostdev/scsi-adapter.xml').hostSource).to.equal(
        'scsi:adapter=scsi_host0,bus=0,target=0,unit=0',
      );
      expect(fromFixture('devices/hostdev/scsi-iscsi.xml').hostSource).to.equal(
        'scsi:host=example.org,name=iqn.1992-01.com.example:storage/1,protocol=iscsi',
      );
      expect(fromFixture('devices/hostdev/scsi-host-vhost.xml').hostSource).to.equal(
        'scsi_host:protocol=vhost,wwpn=naa.5123456789abcde0',
      );
      expect(fromFixture('devices/hostdev/caps-storage.xml').hostSource).to.equal('storage:block=/dev/sdf1');
    });

    it('keys an mdev by its uuid, lower-cased', () => {
      const d = withMeta('devices/hostdev/mdev-vfio-pci.xml');
      // Written 53764D0E-...: found by the uuid alone, not by the mode and type every mdev shares.
      expect(d.identity().keys).to.deep.equal({
        uuid: '53764d0e-85a0-42b4-af5c-2046b460b1dc',
        mode: 'subsystem',
        type: 'mdev',
      });
      expect(d.identity().lookups).to.have.length(1);
      expect([d.model, d.display, d.ramfb]).to.deep.equal(['vfio-pci', true, false]);
      expect(d.mdevType).to.equal('nvidia-11');
      expect(d.nodedevName).to.equal(undefined);
    });

    it('is found by no key when the source names nothing', () => {
      const pci = deviceInDomain(HostDevice, `<hostdev mode='subsystem' type='pci'/>`).identity();
      expect([pci.keys, pci.lookups]).to.deep.equal([{ mode: 'subsystem', type: 'pci' }, []]);
      const mdev = deviceInDomain(
        HostDevice,
        `<hostdev type='mdev'><source><address uuid=''/></source></hostdev>`,
      ).identity();
      expect([mdev.keys, mdev.lookups]).to.deep.equal([{ type: 'mdev' }, []]);
    });
  });

  it('keeps absent and empty apart', () => {
    const d = deviceInDomain(
      HostDevice,
      `<hostdev mode='subsystem' type='mdev' model=''><source><address uuid=''/></source></hostdev>`,
    );
    expect([d.model, d.mdevUuid, d.managed, d.driverName]).to.deep.equal(['', '', undefined, undefined]);
    expect(d.readonly).to.equal(false);
    expect(d.toJSON().fields).to.deep.equal({
      mode: 'subsystem',
      type: 'mdev',
      model: '',
      mdevUuid: '',
      sourceAddress: { uuid: '' },
    });
  });

  describe('bad values', () => {
    it('reports malformed values with their XML path and position', () => {
      const d = deviceInDomain(
        HostDevice,
        `<hostdev mode='subsystem' type='pci' managed='1' display='yes'>\n  <source>\n    <address domain='0x0000' bus='0xZZ' slot='0' function='0'/>\n  </source>\n</hostdev>`,
      );
      expect(() => d.managed).to.throw(XmlValueError, '/domain/devices/hostdev/@managed: "1" is not yes/no');
      expect(() => d.display).to.throw(XmlValueError, '"yes" is not on/off');
      expect(() => d.nodedevName)
        .to.throw(XmlValueError, '/domain/devices/hostdev/source/address/@bus: "0xZZ" is not an integer')
        .with.property('line', 5);
      expect(() => d.toJSON()).to.throw(XmlValueError);
      const port = deviceInDomain(
        HostDevice,
        `<hostdev type='scsi'><source protocol='iscsi' name='x'><host name='h' port='iscsi'/></source></hostdev>`,
      );
      expect(() => port.toJSON()).to.throw(XmlValueError, 'source/host/@port');
    });

    it('accepts types and models libvirt may add later', () => {
      const d = deviceInDomain(
        HostDevice,
        `<hostdev mode='subsystem' type='cxl' model='vfio-cxl'><source><address id='7'/></source></hostdev>`,
      );
      expect([d.type, d.model]).to.deep.equal(['cxl', 'vfio-cxl']);
      expect(d.identity().keys).to.deep.equal({ mode: 'subsystem', type: 'cxl', source: 'cxl:id=7' });
    });
  });

  describe('edits', () => {
    it('adds a boot order before the alias (libvirt order)', () => {
      const d = fromFixture('edits/hostdev-add-boot.in.xml');
      d.bootOrder = 3;
      expectGolden(d.toXml(), 'edits/hostdev-add-boot.out.xml');
    });

    it('replaces the host address only, leaving vendor, product and the guest address', () => {
      const d = fromFixture('edits/hostdev-set-source-address.in.xml');
      d.sourceAddress = { bus: '14', device: '7' };
      d.managed = true;
      expectGolden(d.toXml(), 'edits/hostdev-set-source-address.out.xml');
    });

    it('sets flags and creates a source when there is none', () => {
      const d = deviceInDomain(
        HostDevice,
        `<hostdev mode='subsystem' type='pci'><alias name='hostdev0'/></hostdev>`,
      );
      d.sourceAddress = { domain: '0x0000', bus: '0x01', slot: '0x00', function: '0x0' };
      d.readonly = true;
      d.driverName = 'vfio';
      expect(d.toXml()).to.equal(
        `<hostdev mode='subsystem' type='pci'><driver name='vfio'/><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source><readonly/><alias name='hostdev0'/></hostdev>`,
      );
      d.readonly = false;
      d.sourceAddress = undefined;
      expect(d.toXml()).to.equal(
        `<hostdev mode='subsystem' type='pci'><driver name='vfio'/><alias name='hostdev0'/></hostdev>`,
      );
    });
  });
});
