import { expect } from 'chai';
import { Crypto } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';

function fromFixture(rel: string): Crypto {
  return deviceFromFixture(Crypto, rel);
}

describe('Crypto', () => {
  describeDeviceFixtures(Crypto, 'crypto');

  it('reads model, type and backend', () => {
    const { device: c } = loadDeviceFixture<Crypto>(Crypto, 'devices/crypto/builtin.xml');
    expect([c.model, c.type, c.backendModel, c.backendQueues]).to.deep.equal([
      'virtio',
      'qemu',
      'builtin',
      1,
    ]);
    expect(c.deviceId).to.equal('2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b');
    expect(fromFixture('devices/crypto/lkcf.xml').backendQueues).to.equal(2);
  });

  it('reads the virtio options on <driver>', () => {
    const { iommu, ats, packed, pagePerVq } = fromFixture('devices/crypto/driver-options.xml').virtio;
    expect([iommu, ats, packed, pagePerVq]).to.deep.equal([true, true, false, true]);
  });

  it('reports a bad queue count with its XML path and line:column', () => {
    const c = deviceInDomain(
      Crypto,
      `<crypto model='virtio' type='qemu'>\n  <backend model='builtin' queues='two'/>\n</crypto>`,
    );
    const err = xmlValueErrorOf(() => c.backendQueues);
    expect(err.path).to.equal('/domain/devices/crypto/backend/@queues');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
  });

  it('keeps absent and empty apart', () => {
    expect(deviceInDomain(Crypto, `<crypto/>`).toJSON().fields).to.deep.equal({});
    expect(
      deviceInDomain(Crypto, `<crypto model='' type='qemu'><backend model=''/></crypto>`).toJSON().fields,
    ).to.deep.equal({
      model: '',
      type: 'qemu',
      backendModel: '',
    });
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Crypto, `<rng model='virtio'/>`))
      .to.throw(UnexpectedElementError, 'expected <crypto>, got <rng>')
      .with.property('path', '/domain/devices/rng');
  });

  it('two devices of one model and type, without alias or address, are told apart by their backend', () => {
    const domain = recover(`<domain type='kvm'><name>crypt</name><devices>
      <crypto model='virtio' type='qemu'><backend model='builtin'/></crypto>
      <crypto model='virtio' type='qemu'><backend model='lkcf'/></crypto>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    // The inactive config lists them the other way round.
    const swapped = domain
      .toXml()
      .replace("<backend model='builtin'/>", "<backend model='tmp'/>")
      .replace("<backend model='lkcf'/>", "<backend model='builtin'/>")
      .replace("<backend model='tmp'/>", "<backend model='lkcf'/>");
    const again = recover(swapped);
    expect(
      again.devices.map((d) => [
        d instanceof Crypto ? d.backendModel : d.kind,
        d.meta.get('mark'),
        again.bindingOf(d).rule,
      ]),
    ).to.deep.equal([
      ['lkcf', deviceMark(1), 'key'],
      ['builtin', deviceMark(0), 'key'],
    ]);
  });

  it('edits write through: backend and driver before the device info, as libvirt writes them', () => {
    const c = fromFixture('edits/crypto-queues-driver.in.xml');
    c.backendQueues = 4;
    c.backendModel = 'lkcf';
    c.virtio.iommu = true;
    c.alias = 'ua-3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a';
    c.model = 'virtio';
    c.type = 'qemu';
    expectGolden(c.toXml(), 'edits/crypto-queues-driver.out.xml');
  });

  it('unknown content survives edits', () => {
    const c = fromFixture('devices/crypto/unknown-content.xml');
    c.backendQueues = 1;
    const xml = c.toXml();
    expect(xml).to.contain("<backend model='lkcf' qe:engine='aesni' queues='1'/>");
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- the host kernel does the work -->');
  });
});
