import { expect } from 'chai';
import { Controller } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { toTypedJson } from '../../src/metadata/typed-json.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Controller {
  return deviceFromFixture(Controller, rel);
}

describe('Controller', () => {
  describeDeviceFixtures(Controller, 'controller');
  describeFieldCoverage(Controller, 'controller');

  it('reads the driver of a virtio-scsi controller, and the device id from its user alias', () => {
    const c = fromFixture('devices/controller/scsi-virtio-driver.xml');
    expect([c.type, c.index, c.model]).to.deep.equal(['scsi', 0, 'virtio-scsi']);
    expect([c.driverQueues, c.driverCmdPerLun, c.driverMaxSectors, c.driverIothread]).to.deep.equal([
      4, 10, 512, 1,
    ]);
    expect([
      c.driverIoeventfd,
      c.virtio.iommu,
      c.virtio.ats,
      c.virtio.packed,
      c.virtio.pagePerVq,
    ]).to.deep.equal([true, true, false, true, false]);
    expect(c.deviceId).to.equal('3a7c1f0e-5d1b-4c55-9a0e-6f0f2b8d7c41');
    expect(c.identity().keys).to.deep.equal({ type: 'scsi', index: '0', model: 'virtio-scsi' });
  });

  it('keeps what Vdsm dropped: ports, vectors and the USB master', () => {
    const vs = fromFixture('devices/controller/virtio-serial.xml');
    expect([vs.ports, vs.vectors]).to.deep.equal([16, 4]);
    const usb = fromFixture('devices/controller/usb-companion.xml');
    expect(usb.masterStartport).to.equal(2);
    expect(usb.model).to.equal('ich9-uhci2');
    expect(usb.address).to.deep.equal({
      type: 'pci',
      domain: '0x0000',
      bus: '0x00',
      slot: '0x04',
      function: '0x1',
    });
  });

  it('reads PCI controller targets (hex port, hotplug, NUMA node) and model names', () => {
    const rp = fromFixture('devices/controller/pcie-root-port.xml');
    expect([rp.modelName, rp.targetChassis, rp.targetPort, rp.targetHotplug]).to.deep.equal([
      'pcie-root-port',
      1,
      0x10,
      false,
    ]);
    const pxb = fromFixture('devices/controller/pci-expander-bus.xml');
    expect([pxb.modelName, pxb.targetBusNr, pxb.targetNode]).to.deep.equal(['pxb', 254, 0]);
    expect(fromFixture('devices/controller/pci-bridge.xml').targetChassisNr).to.equal(3);
    expect(fromFixture('devices/controller/spapr-host-bridge.xml').targetIndex).to.equal(1);
  });

  it('reads pcihole64 in KiB honouring its unit, and writes it back in KiB', () => {
    const root = fromFixture('devices/controller/pci-root-pcihole64.xml');
    expect([root.pcihole64, root.pcihole64Unit, root.pcihole64KiB]).to.deep.equal([1, 'GiB', 1048576]);
    root.pcihole64KiB = 2097152;
    expect(root.toXml()).to.contain("<pcihole64 unit='KiB'>2097152</pcihole64>");
    root.pcihole64KiB = undefined;
    expect(root.toXml()).not.to.contain('pcihole64');
    expect(
      deviceInDomain(
        Controller,
        `<controller type='pci' model='pci-root'><pcihole64>512</pcihole64></controller>`,
      ).pcihole64KiB,
    ).to.equal(512);
  });

  it('takes its device id from metadata when the alias is not a user alias, and keeps keys it did not read', () => {
    const { device } = loadDeviceFixture(Controller, 'devices/controller/virtio-serial.xml');
    expect(device.alias).to.equal('virtio-serial0');
    expect(device.deviceId).to.equal('8e6a3ed3-7b2e-4d4b-9a7e-3e2f5b1c0a11');
    expect(toTypedJson(device.metadataToSave())).to.deep.equal({
      deviceId: '8e6a3ed3-7b2e-4d4b-9a7e-3e2f5b1c0a11',
      custom: { owner: 'engine' },
    });
  });

  it('reports bad numbers and booleans with the XML path and line:column', () => {
    const bad = deviceInDomain(Controller, `<controller type='scsi' index='x'/>`);
    const e = xmlValueErrorOf(() => bad.index);
    expect(e.code).to.equal('XML_VALUE');
    expect(e.path).to.equal('/domain/devices/controller/@index');
    expect(e.message).to.contain('"x" is not an unsigned integer');
    expect([e.line, e.column]).to.deep.equal([3, 1]);
    expect(() => bad.toJSON()).to.throw(XmlValueError, /controller\/@index/);
    expect(() => bad.fieldValues()).to.throw(XmlValueError, /controller\/@index/);
    // Identity reads raw text and never throws: binding goes on, the bad value is reported above.
    expect(bad.identity().keys).to.deep.equal({ type: 'scsi', index: 'x' });

    const driver = deviceInDomain(
      Controller,
      `<controller type='scsi' index='0'>\n  <driver ioeventfd='yes' queues='-1'/>\n</controller>`,
    );
    const io = xmlValueErrorOf(() => driver.driverIoeventfd);
    expect(io.path).to.equal('/domain/devices/controller/driver/@ioeventfd');
    expect(io.message).to.contain('"yes" is not on/off');
    expect([io.line, io.column]).to.deep.equal([4, 3]);
    expect(xmlValueErrorOf(() => driver.driverQueues).message).to.contain('"-1" is not an unsigned integer');

    const node = deviceInDomain(
      Controller,
      `<controller type='pci' index='2'><target><node>zero</node></target></controller>`,
    );
    expect(xmlValueErrorOf(() => node.targetNode).path).to.equal('/domain/devices/controller/target/node');
    const hole = deviceInDomain(
      Controller,
      `<controller type='pci' index='0'><pcihole64 unit='parsecs'>1</pcihole64></controller>`,
    );
    expect(xmlValueErrorOf(() => hole.pcihole64KiB).message).to.contain('unknown unit "parsecs"');
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(
      Controller,
      `<controller type='' index='0' model=''><serial></serial><model name=''/></controller>`,
    );
    expect([empty.type, empty.model, empty.serial, empty.modelName]).to.deep.equal(['', '', '', '']);
    expect(empty.toJSON().fields).to.deep.equal({ type: '', index: 0, model: '', modelName: '', serial: '' });
    // An empty type identifies nothing: the index alone finds no controller.
    expect([empty.identity().keys, empty.identity().lookups]).to.deep.equal([{ index: '0' }, []]);
    const absent = deviceInDomain(Controller, `<controller/>`);
    expect([absent.type, absent.index, absent.model, absent.serial, absent.masterStartport]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.pcihole64KiB).to.equal(undefined);
    expect(absent.toJSON().fields).to.deep.equal({});
    expect([absent.identity().keys, absent.identity().lookups]).to.deep.equal([{}, []]);
  });

  it('accepts types and models libvirt may add later', () => {
    const c = deviceInDomain(
      Controller,
      `<controller type='cxl' index='0' model='cxl-root'><model name='pxb-cxl'/></controller>`,
    );
    expect([c.type, c.model, c.modelName]).to.deep.equal(['cxl', 'cxl-root', 'pxb-cxl']);
    expect(c.identity().keys).to.deep.equal({ type: 'cxl', index: '0', model: 'cxl-root' });
  });

  it('adds a driver before the alias and address, changing nothing else', () => {
    const c = fromFixture('edits/controller-scsi-driver.in.xml');
    c.driverQueues = 8;
    c.driverIothread = 2;
    c.virtio.iommu = true;
    expectGolden(c.toXml(), 'edits/controller-scsi-driver.out.xml');
  });

  it('adds <master> between alias and address, where libvirt puts it', () => {
    const c = fromFixture('edits/controller-usb-master.in.xml');
    c.masterStartport = 4;
    expectGolden(c.toXml(), 'edits/controller-usb-master.out.xml');
  });

  it('edits a PCI port: model name first, hotplug on the existing target, a NUMA node inside it', () => {
    const c = fromFixture('edits/controller-pci-target.in.xml');
    c.modelName = 'pcie-root-port';
    c.targetHotplug = true;
    c.targetNode = 1;
    expectGolden(c.toXml(), 'edits/controller-pci-target.out.xml');
  });

  it('removing the last driver attribute removes <driver>, and unknown content survives edits', () => {
    const c = fromFixture('devices/controller/scsi-virtio-driver.xml');
    for (const k of [
      'driverQueues',
      'driverCmdPerLun',
      'driverMaxSectors',
      'driverIoeventfd',
      'driverIothread',
    ] as const) {
      c[k] = undefined;
    }
    for (const k of ['iommu', 'ats', 'packed', 'pagePerVq'] as const) c.virtio[k] = undefined;
    expect(c.toXml()).not.to.contain('<driver');

    const u = fromFixture('devices/controller/unknown-content.xml');
    u.driverQueues = undefined; // <driver> keeps its <iothreads> child, so it stays
    u.index = 2;
    const xml = u.toXml();
    expect(xml).to.contain('<iothreads>').and.contain("futureAttr='kept'").and.contain("vendor:tier='gold'");
    expect(xml)
      .to.contain("<vendor:tuning level='2'>fast</vendor:tuning>")
      .and.contain("<futureChild mode='x'/>");
    expect(xml)
      .to.contain('<!-- iothread mapping: not modelled, kept as written -->')
      .and.contain(`<driver>`);
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited controllers", () => {
      for (const rel of ['controller-scsi-driver', 'controller-usb-master', 'controller-pci-target']) {
        expect(validateDeviceXml(readFixture(`edits/${rel}.out.xml`)), rel).to.equal(undefined);
      }
    });
  }
});
