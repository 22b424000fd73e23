import { expect } from 'chai';
import { Panic } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Panic {
  return deviceFromFixture(Panic, rel);
}

describe('Panic', () => {
  describeDeviceFixtures(Panic, 'panic');

  it('reads the model and the ISA port', () => {
    const { device: p } = loadDeviceFixture<Panic>(Panic, 'devices/panic/isa-iobase.xml');
    expect(p.model).to.equal('isa');
    expect(p.address).to.deep.equal({ type: 'isa', iobase: '0x505' });
    expect(p.deviceId).to.equal('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d');
    expect(p.identity().keys).to.deep.equal({ model: 'isa' });
  });

  it('keeps absent and empty apart (no made-up machine default)', () => {
    const absent = fromFixture('devices/panic/no-model.xml');
    expect(absent.model).to.equal(undefined);
    expect(absent.toJSON().fields).to.deep.equal({});
    expect(absent.identity().lookups).to.deep.equal([]);
    const empty = deviceInDomain(Panic, `<panic model=''/>`);
    expect(empty.toJSON().fields).to.deep.equal({ model: '' });
  });

  it('accepts models libvirt may add later', () => {
    const p = deviceInDomain(Panic, `<panic model='loongarch'/>`);
    expect(p.model).to.equal('loongarch');
    expect(p.identity().keys).to.deep.equal({ model: 'loongarch' });
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Panic, `<watchdog model='ib700'/>`))
      .to.throw(UnexpectedElementError, 'expected <panic>, got <watchdog>')
      .with.property('path', '/domain/devices/watchdog');
  });

  it('each of two panic devices, which libvirt gives no alias, finds its own metadata by model', () => {
    const domain = recover(`<domain type='qemu'><name>crash</name><devices>
      <panic model='hyperv'/>
      <panic model='isa'><address type='isa' iobase='0x505'/></panic>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    // The inactive config lists them the other way round: the model, not the position, decides.
    const reordered = domain
      .toXml()
      .replace("<panic model='hyperv'/>", '')
      .replace('</panic>', "</panic><panic model='hyperv'/>");
    const again = recover(reordered);
    const panics = again.devices.filter((d) => d instanceof Panic);
    expect(panics.map((p) => [p.model, p.meta.get('mark'), again.bindingOf(p).rule])).to.deep.equal([
      ['isa', deviceMark(1), 'key'],
      ['hyperv', deviceMark(0), 'key'],
    ]);
  });

  it('edits write through: the alias goes before the address, where libvirt puts it', () => {
    const p = fromFixture('edits/panic-model-alias.in.xml');
    p.model = 'isa';
    p.alias = 'ua-6d5c4b3a-2910-4f8e-a7d6-c5b4a3928170';
    expectGolden(p.toXml(), 'edits/panic-model-alias.out.xml');
  });

  it('unknown content survives edits', () => {
    const p = fromFixture('devices/panic/unknown-content.xml');
    p.model = undefined;
    const xml = p.toXml();
    expect(xml).not.to.contain('model=');
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- diag 288 reports the crash -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited panic device", () => {
      expect(validateDeviceXml(readFixture('edits/panic-model-alias.out.xml'))).to.equal(undefined);
    });
  }
});
