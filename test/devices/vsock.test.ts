import { expect } from 'chai';
import { Vsock } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Vsock {
  return deviceFromFixture(Vsock, rel);
}

describe('Vsock', () => {
  describeDeviceFixtures(Vsock, 'vsock');

  it('reads the model and a fixed guest CID', () => {
    const { device: v } = loadDeviceFixture<Vsock>(Vsock, 'devices/vsock/pci-fixed-cid.xml');
    expect([v.model, v.cidAuto, v.cidAddress, v.alias]).to.deep.equal(['virtio', false, 4, 'vsock0']);
    expect(v.deviceId).to.equal('5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c');
  });

  it('reads a CID libvirt picks, and the virtio options on <driver>', () => {
    const auto = fromFixture('devices/vsock/auto-cid.xml');
    expect([auto.model, auto.cidAuto, auto.cidAddress]).to.deep.equal([undefined, true, undefined]);
    const ccw = fromFixture('devices/vsock/ccw-iommu.xml');
    const { iommu, ats, packed, pagePerVq } = ccw.virtio;
    expect([iommu, ats, packed, pagePerVq]).to.deep.equal([true, false, true, true]);
    expect(ccw.address?.['type']).to.equal('ccw');
  });

  it('reports a bad CID with its XML path and line:column', () => {
    const v = deviceInDomain(Vsock, `<vsock model='virtio'>\n  <cid auto='maybe' address='-3'/>\n</vsock>`);
    const address = xmlValueErrorOf(() => v.cidAddress);
    expect(address.path).to.equal('/domain/devices/vsock/cid/@address');
    expect([address.line, address.column]).to.deep.equal([4, 3]);
    expect(xmlValueErrorOf(() => v.cidAuto).message).to.contain('"maybe" is not yes/no');
  });

  it('keeps absent and empty apart', () => {
    expect(deviceInDomain(Vsock, `<vsock/>`).toJSON().fields).to.deep.equal({});
    expect(deviceInDomain(Vsock, `<vsock model=''/>`).toJSON().fields).to.deep.equal({ model: '' });
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Vsock, `<iommu model='virtio'/>`))
      .to.throw(UnexpectedElementError, 'expected <vsock>, got <iommu>')
      .with.property('path', '/domain/devices/iommu');
  });

  it('is one per domain: its kind alone identifies it', () => {
    const v = fromFixture('devices/vsock/auto-cid.xml');
    expect(v.identity().keys).to.deep.equal({});
    expect(v.identity().lookups).to.have.length(1);
  });

  it('edits write through: <driver> after the address, the alias before it, as libvirt writes them', () => {
    const v = fromFixture('edits/vsock-fixed-cid.in.xml');
    v.cidAuto = false;
    v.cidAddress = 5;
    v.virtio.iommu = true;
    v.alias = 'ua-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b';
    expectGolden(v.toXml(), 'edits/vsock-fixed-cid.out.xml');
  });

  it('unknown content survives edits', () => {
    const v = fromFixture('devices/vsock/unknown-content.xml');
    v.cidAuto = undefined;
    const xml = v.toXml();
    expect(xml).to.contain("<cid qe:hint='3'/>");
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- CID chosen by libvirt -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited vsock device", () => {
      expect(validateDeviceXml(readFixture('edits/vsock-fixed-cid.out.xml'))).to.equal(undefined);
    });
  }
});
