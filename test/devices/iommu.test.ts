import { expect } from 'chai';
import { Iommu } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Iommu {
  return deviceFromFixture(Iommu, rel);
}

describe('Iommu', () => {
  describeDeviceFixtures(Iommu, 'iommu');

  it('reads an intel IOMMU and its driver options', () => {
    const { device: i } = loadDeviceFixture<Iommu>(Iommu, 'devices/iommu/intel-driver.xml');
    expect([
      i.model,
      i.driverIntremap,
      i.driverCachingMode,
      i.driverEim,
      i.driverIotlb,
      i.driverAwBits,
      i.driverDmaTranslation,
    ]).to.deep.equal(['intel', true, true, true, true, 48, false]);
    expect(i.deviceId).to.equal('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    const amd = fromFixture('devices/iommu/amd.xml');
    expect([amd.model, amd.driverIntremap, amd.driverXtsup, amd.driverPassthrough]).to.deep.equal([
      'amd',
      true,
      true,
      true,
    ]);
  });

  it('reads an smmuv3 plugged into a PCI controller, with its accelerated options', () => {
    const s = fromFixture('devices/iommu/smmuv3-pci-bus.xml');
    expect([
      s.driverPciBus,
      s.driverAccel,
      s.driverAts,
      s.driverRil,
      s.driverSsidsize,
      s.driverOas,
      s.driverCmdqv,
    ]).to.deep.equal([1, true, true, false, 20, 44, true]);
  });

  it('reads a virtio granule: the host page size, or a size in KiB whatever its unit', () => {
    const host = fromFixture('devices/iommu/virtio-granule-host.xml');
    expect([host.driverGranuleMode, host.granuleKiB]).to.deep.equal(['host', undefined]);
    expect(fromFixture('devices/iommu/virtio-granule-size.xml').granuleKiB).to.equal(64);
    const granule = (g: string): number | undefined =>
      deviceInDomain(Iommu, `<iommu model='virtio'><driver>${g}</driver></iommu>`).granuleKiB;
    expect([granule(`<granule size='2' unit='MiB'/>`), granule(`<granule size='4'/>`)]).to.deep.equal([
      2048, 4,
    ]);
  });

  it('reports a bad driver value with its XML path and line:column', () => {
    const i = deviceInDomain(
      Iommu,
      `<iommu model='intel'>\n  <driver aw_bits='wide' caching_mode='yes'/>\n</iommu>`,
    );
    const bits = xmlValueErrorOf(() => i.driverAwBits);
    expect(bits.path).to.equal('/domain/devices/iommu/driver/@aw_bits');
    expect([bits.line, bits.column]).to.deep.equal([4, 3]);
    expect(xmlValueErrorOf(() => i.driverCachingMode).message).to.contain('"yes" is not on/off');
  });

  it('keeps absent and empty apart', () => {
    expect(fromFixture('devices/iommu/smmuv3.xml').toJSON().fields).to.deep.equal({ model: 'smmuv3' });
    expect(
      deviceInDomain(Iommu, `<iommu model=''><driver pciBus=''/></iommu>`).identity().keys,
    ).to.deep.equal({});
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Iommu, `<vsock model='virtio'/>`))
      .to.throw(UnexpectedElementError, 'expected <iommu>, got <vsock>')
      .with.property('path', '/domain/devices/vsock');
  });

  it('two smmuv3 devices are told apart by their PCI controller when a restart renumbers their aliases', () => {
    const domain = recover(`<domain type='kvm'><name>arm</name><devices>
      <iommu model='smmuv3'><driver pciBus='1'/><alias name='iommu0'/></iommu>
      <iommu model='smmuv3'><driver pciBus='2'/><alias name='iommu1'/></iommu>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    // The first left the config: at the restart the second is iommu0.
    const restarted = domain
      .toXml()
      .replace(/<iommu model='smmuv3'><driver pciBus='1'\/>.*?<\/iommu>/, '')
      .replace("<alias name='iommu1'/>", "<alias name='iommu0'/>");
    const again = recover(restarted);
    const [second] = again.devices;
    expect([second?.meta.get('mark'), second && again.bindingOf(second).rule]).to.deep.equal([
      deviceMark(1),
      'key',
    ]);
  });

  it('edits write through: <driver> goes before the alias, where libvirt puts it', () => {
    const i = fromFixture('edits/iommu-intel-driver.in.xml');
    i.driverIntremap = true;
    i.driverCachingMode = true;
    i.driverEim = false;
    i.driverIotlb = true;
    i.driverAwBits = 39;
    expectGolden(i.toXml(), 'edits/iommu-intel-driver.out.xml');
  });

  it('edits write through on every other driver option (some newer than the schema of CI’s libvirt), and undefined removes each', () => {
    const i = deviceInDomain(Iommu, `<iommu model='smmuv3'/>`);
    i.driverDmaTranslation = true;
    i.driverXtsup = false;
    i.driverPassthrough = false;
    i.driverPciBus = 3;
    i.driverAccel = true;
    i.driverAts = false;
    i.driverRil = true;
    i.driverSsidsize = 16;
    i.driverOas = 48;
    i.driverCmdqv = false;
    i.driverGranuleMode = 'host';
    i.granuleKiB = 4;
    expect(i.toXml()).to.equal(
      `<iommu model='smmuv3'><driver dma_translation='on' xtsup='off' passthrough='off' pciBus='3' accel='on' ats='off' ril='on' ssidsize='16' oas='48' cmdqv='off'><granule mode='host' size='4' unit='KiB'/></driver></iommu>`,
    );
    i.model = 'virtio';
    for (const name of Object.keys(Iommu.fields)) {
      if (name !== 'model') (i as unknown as Record<string, undefined>)[name] = undefined;
    }
    i.granuleKiB = undefined;
    expect(i.toXml()).to.equal(`<iommu model='virtio'/>`);
  });

  it('unknown content survives edits', () => {
    const i = fromFixture('devices/iommu/unknown-content.xml');
    i.driverIntremap = undefined;
    const xml = i.toXml();
    expect(xml).to.contain("<driver qe:tuned='yes'/>");
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- split I/O APIC on the machine -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited iommu device", () => {
      expect(validateDeviceXml(readFixture('edits/iommu-intel-driver.out.xml'))).to.equal(undefined);
    });
  }
});
