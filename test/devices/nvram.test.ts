import { expect } from 'chai';
import { Nvram } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

describe('Nvram', () => {
  describeDeviceFixtures(Nvram, 'nvram');

  it('reads its spapr-vio address, which is all it has', () => {
    const { device: n } = loadDeviceFixture<Nvram>(Nvram, 'devices/nvram/spapr-vio.xml');
    expect(n.address).to.deep.equal({ type: 'spapr-vio', reg: '0x4000' });
    expect(n.toJSON().fields).to.deep.equal({});
    expect(n.deviceId).to.equal('8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d');
  });

  it('is one per domain: its kind alone identifies it', () => {
    const n = deviceFromFixture(Nvram, 'devices/nvram/default-address.xml');
    expect([n.identity().keys, n.identity().lookups.length]).to.deep.equal([{}, 1]);
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Nvram, `<pstore backend='acpi-erst'/>`))
      .to.throw(UnexpectedElementError, 'expected <nvram>, got <pstore>')
      .with.property('path', '/domain/devices/pstore');
  });

  it('edits write through: a new address replaces the old one in place', () => {
    const n = deviceFromFixture(Nvram, 'edits/nvram-address.in.xml');
    n.address = { type: 'spapr-vio', reg: '0x3000' };
    expectGolden(n.toXml(), 'edits/nvram-address.out.xml');
  });

  it('unknown content survives edits', () => {
    const n = deviceFromFixture(Nvram, 'devices/nvram/unknown-content.xml');
    n.address = undefined;
    const xml = n.toXml();
    expect(xml).not.to.contain('<address');
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- pSeries NVRAM -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited nvram device", () => {
      expect(validateDeviceXml(readFixture('edits/nvram-address.out.xml'))).to.equal(undefined);
    });
  }
});
