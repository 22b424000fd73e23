import { expect } from 'chai';
import { Hub } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Hub {
  return deviceFromFixture(Hub, rel);
}

describe('Hub', () => {
  describeDeviceFixtures(Hub, 'hub');

  it('reads the type and the USB port', () => {
    const { device: h } = loadDeviceFixture<Hub>(Hub, 'devices/hub/usb-port.xml');
    expect([h.type, h.alias]).to.deep.equal(['usb', 'hub0']);
    expect(h.address).to.deep.equal({ type: 'usb', bus: '0', port: '1' });
    expect(h.deviceId).to.equal('7b6a5948-3726-4150-9f8e-7d6c5b4a3928');
    expect(fromFixture('devices/hub/behind-hub.xml').address?.['port']).to.equal('1.2');
  });

  it('keeps absent and empty apart', () => {
    expect(deviceInDomain(Hub, `<hub/>`).toJSON().fields).to.deep.equal({});
    expect(deviceInDomain(Hub, `<hub type=''/>`).toJSON().fields).to.deep.equal({ type: '' });
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Hub, `<redirdev bus='usb' type='spicevmc'/>`))
      .to.throw(UnexpectedElementError, 'expected <hub>, got <redirdev>')
      .with.property('path', '/domain/devices/redirdev');
  });

  it('two hubs, both of type usb, are told apart by their USB port when a restart renumbers their aliases', () => {
    const domain = recover(`<domain type='kvm'><name>hubs</name><devices>
      <hub type='usb'><alias name='hub0'/><address type='usb' bus='0' port='1'/></hub>
      <hub type='usb'><alias name='hub1'/><address type='usb' bus='0' port='2'/></hub>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    const restarted = domain
      .toXml()
      .replace(/<hub type='usb'><alias name='hub0'\/>.*?<\/hub>/, '')
      .replace("<alias name='hub1'/>", "<alias name='hub0'/>");
    const again = recover(restarted);
    const [second] = again.devices;
    expect(second?.meta.get('mark')).to.equal(deviceMark(1));
  });

  it('edits write through: the alias goes before the address', () => {
    const h = fromFixture('edits/hub-user-alias.in.xml');
    h.alias = 'ua-2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b';
    h.type = 'usb';
    expectGolden(h.toXml(), 'edits/hub-user-alias.out.xml');
  });

  it('unknown content survives edits', () => {
    const h = fromFixture('devices/hub/unknown-content.xml');
    h.type = undefined;
    const xml = h.toXml();
    expect(xml).not.to.contain('type=');
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- four more ports -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited hub", () => {
      expect(validateDeviceXml(readFixture('edits/hub-user-alias.out.xml'))).to.equal(undefined);
    });
  }
});
