import { expect } from 'chai';
import { Redirfilter, RedirfilterUsbdev } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Redirfilter {
  return deviceFromFixture(Redirfilter, rel);
}

const rule = (u: RedirfilterUsbdev): unknown[] => [u.class, u.vendor, u.product, u.version, u.allow];

describe('Redirfilter', () => {
  describeDeviceFixtures(Redirfilter, 'redirfilter');

  it('reads its rules in the order libvirt tries them, each as written (`-1` matches anything)', () => {
    const { device: f } = loadDeviceFixture<Redirfilter>(Redirfilter, 'devices/redirfilter/any-device.xml');
    expect(f.usbdevs.map(rule)).to.deep.equal([
      ['0x08', '0x15E1', '0x2007', '1.10', true],
      ['-1', '-1', '-1', '-1', false],
    ]);
    expect(f.deviceId).to.equal('9d8c7b6a-5f4e-4d3c-8b2a-190f8e7d6c5b');
    expect(fromFixture('devices/redirfilter/versions.xml').usbdevs.map(rule)[2]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
      false,
    ]);
  });

  it('without rules has none, and shows nothing', () => {
    const f = fromFixture('devices/redirfilter/no-rules.xml');
    expect(f.usbdevs).to.deep.equal([]);
    expect(f.toJSON().fields).to.deep.equal({});
  });

  it('reports a bad allow with the XML path of its rule and line:column', () => {
    const f = deviceInDomain(
      Redirfilter,
      `<redirfilter>\n  <usbdev allow='yes'/>\n  <usbdev allow='sometimes'/>\n</redirfilter>`,
    );
    const err = xmlValueErrorOf(() => f.usbdevs[1]?.allow);
    expect(err.path).to.equal('/domain/devices/redirfilter/usbdev[2]/@allow');
    expect(err.message).to.contain('"sometimes" is not yes/no');
    expect([err.line, err.column]).to.deep.equal([5, 3]);
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Redirfilter, `<redirdev bus='usb' type='spicevmc'/>`))
      .to.throw(UnexpectedElementError, 'expected <redirfilter>, got <redirdev>')
      .with.property('path', '/domain/devices/redirdev');
  });

  it('edits write through each rule and change nothing else', () => {
    const f = fromFixture('edits/redirfilter-rules.in.xml');
    const [storage, rest] = f.usbdevs;
    if (storage === undefined || rest === undefined) return expect.fail('two rules expected');
    storage.version = undefined;
    storage.product = '0x2008';
    storage.vendor = '0x15e1';
    storage.class = '0x03';
    rest.allow = true;
    expectGolden(f.toXml(), 'edits/redirfilter-rules.out.xml');
  });

  it('unknown content survives edits', () => {
    const f = fromFixture('devices/redirfilter/unknown-content.xml');
    const [first] = f.usbdevs;
    if (first !== undefined) first.allow = false;
    const xml = f.toXml();
    expect(xml).to.contain("<usbdev class='0x08' allow='no' qe:note='disks'/>");
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- storage only -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited filter", () => {
      expect(validateDeviceXml(readFixture('edits/redirfilter-rules.out.xml'))).to.equal(undefined);
    });
  }
});
