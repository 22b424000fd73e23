import { expect } from 'chai';
import { Balloon, classForTag } from '../../src/devices/index.js';
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

function fromFixture(rel: string): Balloon {
  return deviceFromFixture(Balloon, rel);
}

describe('Balloon', () => {
  describeDeviceFixtures(Balloon, 'memballoon');
  describeFieldCoverage(Balloon, 'memballoon');

  it('is the class of <memballoon>', () => {
    expect(classForTag('memballoon')).to.equal(Balloon);
  });

  it('reads the seed balloon with its metadata, and saves what it was given', () => {
    const { device: b } = loadDeviceFixture(Balloon, 'devices/memballoon/virtio-seed.xml');
    if (!(b instanceof Balloon)) return expect.fail('not a Balloon');
    expect([b.kind, b.model, b.alias]).to.deep.equal(['memballoon', 'virtio', 'balloon0']);
    expect(toTypedJson(b.metadataToSave())).to.deep.equal({
      deviceId: 'e7a9c1b3-5d7f-4a9b-8c1d-3e5f7a9b1c3d',
    });
  });

  it('reads stats period, autodeflate, free page reporting and driver options', () => {
    const b = fromFixture('devices/memballoon/stats-deflate.xml');
    expect([b.statsPeriod, b.autodeflate, b.freePageReporting]).to.deep.equal([10, true, true]);
    const ccw = fromFixture('devices/memballoon/ccw-driver.xml');
    expect([
      ccw.autodeflate,
      ccw.virtio.iommu,
      ccw.virtio.ats,
      ccw.virtio.packed,
      ccw.virtio.pagePerVq,
    ]).to.deep.equal([false, true, false, true, true]);
    expect(ccw.address).to.deep.equal({ type: 'ccw', cssid: '0xfe', ssid: '0x0', devno: '0x0a' });
  });

  it('reports bad values with the XML path and line:column', () => {
    const b = deviceInDomain(Balloon, `<memballoon model='virtio'>\n  <stats period='10s'/>\n</memballoon>`);
    const err = xmlValueErrorOf(() => b.statsPeriod);
    expect(err.path).to.equal('/domain/devices/memballoon/stats/@period');
    expect(err.message).to.contain('"10s" is not an unsigned integer');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    expect(
      () => deviceInDomain(Balloon, `<memballoon model='virtio' autodeflate='yes'/>`).autodeflate,
    ).to.throw(XmlValueError, /memballoon\/@autodeflate: "yes" is not on\/off/);
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(Balloon, `<memballoon model=''/>`);
    expect([empty.model, empty.statsPeriod]).to.deep.equal(['', undefined]);
    expect(empty.toJSON().fields).to.deep.equal({ model: '' });
    const absent = deviceInDomain(Balloon, `<memballoon/>`);
    expect([absent.model, absent.autodeflate, absent.freePageReporting]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('accepts models libvirt may add later', () => {
    expect(fromFixture('devices/memballoon/unknown-content.xml').model).to.equal('virtio-non-transitional');
    expect(deviceInDomain(Balloon, `<memballoon model='hv-balloon'/>`).model).to.equal('hv-balloon');
  });

  it('adds stats before the alias and the driver after the address, as libvirt orders them', () => {
    const b = fromFixture('edits/memballoon-stats.in.xml');
    b.statsPeriod = 5;
    b.virtio.iommu = true;
    b.autodeflate = true;
    expectGolden(b.toXml(), 'edits/memballoon-stats.out.xml');
  });

  it('unknown content survives edits', () => {
    const b = fromFixture('devices/memballoon/unknown-content.xml');
    b.statsPeriod = undefined; // <stats> keeps an attribute we do not know, so it stays
    b.freePageReporting = true;
    const xml = b.toXml();
    expect(xml).to.contain("<stats futureStatsAttr='1'/>").and.contain("<ovirt-tune:target min='1048576'/>");
    expect(xml)
      .to.contain("ovirt-tune:managed='yes'")
      .and.contain('<futureChild/>')
      .and.contain("freePageReporting='on'");
    expect(xml).to.contain("<!-- guaranteed memory lives in the VM's metadata, not here -->");
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited balloon", () => {
      expect(validateDeviceXml(readFixture('edits/memballoon-stats.out.xml'))).to.equal(undefined);
    });
  }
});
