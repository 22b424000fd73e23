import { expect } from 'chai';
import { Rng } from '../../src/devices/index.js';
import { NoSuchDeviceError, XmlValueError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';

function fromFixture(rel: string): Rng {
  return deviceFromFixture(Rng, rel);
}

describe('Rng', () => {
  describeDeviceFixtures(Rng, 'rng');

  it('reads a random backend: model, rate, any device path', () => {
    const rng = fromFixture('devices/rng/random-urandom.xml');
    expect(rng.model).to.equal('virtio');
    expect(rng.rateBytes).to.equal(1234);
    expect(rng.ratePeriod).to.equal(2000);
    expect(rng.backendModel).to.equal('random');
    expect(rng.backendPath).to.equal('/dev/urandom');
    expect(rng.deviceId).to.equal('5f1d0c4a-7a52-4b8e-9d6b-0d7c3e2a1f90');
    // Vdsm only knew /dev/random, /dev/urandom and /dev/hwrng; any path is kept.
    expect(
      deviceInDomain(Rng, `<rng model='virtio'><backend model='random'>/dev/my-trng</backend></rng>`)
        .backendPath,
    ).to.equal('/dev/my-trng');
  });

  it('reads an egd backend: character device type, source and protocol; no path', () => {
    const rng = fromFixture('devices/rng/egd-tcp.xml');
    expect(rng.backendModel).to.equal('egd');
    expect(rng.backendType).to.equal('tcp');
    const [source, ...more] = rng.backend.sources;
    expect(more).to.deep.equal([]);
    expect([source?.mode, source?.host, source?.service]).to.deep.equal(['connect', '1.2.3.4', '1234']);
    expect(rng.backendProtocolType).to.equal('raw');
    expect([source?.tls, source?.reconnect.enabled, source?.reconnect.timeout]).to.deep.equal([
      true,
      true,
      10,
    ]);
    // toJSON flattens the first source, as for every character device.
    expect(rng.toJSON().fields).to.include({
      backendSourceMode: 'connect',
      backendSourceHost: '1.2.3.4',
      backendSourceReconnectTimeout: 10,
    });
    expect(rng.backendPath).to.equal(undefined);
    expect(rng.virtio.iommu).to.equal(true);
    expect(rng.virtio.ats).to.equal(false);
  });

  it('lists both ends of a udp egd backend', () => {
    const rng = fromFixture('devices/rng/egd-udp.xml');
    expect(rng.backend.sources.map((s) => [s.mode, s.host, s.service])).to.deep.equal([
      ['bind', undefined, '1234'],
      ['connect', '1.2.3.4', '1234'],
    ]);
    expect(rng.toJSON().fields['backendSourceMode']).to.equal('bind');
    expect(fromFixture('devices/rng/random-urandom.xml').backend.sources).to.deep.equal([]);
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(Rng, `<rng model=''><backend model='random'/></rng>`);
    expect(empty.model).to.equal('');
    expect(empty.backendPath).to.equal('');
    expect(empty.toJSON().fields).to.deep.equal({ model: '', backendModel: 'random', backendPath: '' });
    const absent = deviceInDomain(Rng, `<rng/>`);
    expect(absent.model).to.equal(undefined);
    expect(absent.backendModel).to.equal(undefined);
    expect(absent.backendPath).to.equal(undefined);
    expect(absent.rateBytes).to.equal(undefined);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('reports a bad rate with its XML path and position', () => {
    const rng = deviceInDomain(Rng, `<rng model='virtio'>\n  <rate bytes='12x4'/>\n</rng>`);
    const err = xmlValueErrorOf(() => rng.rateBytes);
    expect(err.code).to.equal('XML_VALUE');
    expect(err.path).to.equal('/domain/devices/rng/rate/@bytes');
    expect(err.message).to.contain('"12x4" is not an unsigned integer');
    expect(err.raw).to.equal('12x4');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    expect(() => rng.toJSON()).to.throw(XmlValueError, /rate\/@bytes/);
    const badDriver = deviceInDomain(Rng, `<rng model='virtio'><driver iommu='yes'/></rng>`);
    expect(() => badDriver.virtio.iommu).to.throw(
      XmlValueError,
      /\/domain\/devices\/rng\/driver\/@iommu: "yes" is not on\/off/,
    );
  });

  it('accepts models and backends libvirt may add later', () => {
    const rng = deviceInDomain(
      Rng,
      `<rng model='virtio-future'><backend model='quantum' type='vsock'/></rng>`,
    );
    expect(rng.model).to.equal('virtio-future');
    expect(rng.backendModel).to.equal('quantum');
    expect(rng.backendType).to.equal('vsock');
  });

  it('edits write through in libvirt order and change nothing else', () => {
    const rng = fromFixture('edits/rng-limit-rate.in.xml');
    rng.rateBytes = 4096;
    rng.ratePeriod = 500;
    rng.backendPath = '/dev/hwrng';
    rng.virtio.iommu = true;
    expectGolden(rng.toXml(), 'edits/rng-limit-rate.out.xml');
  });

  it('builds an egd backend in libvirt order: sources before the protocol, both ends of udp', () => {
    const rng = deviceInDomain(
      Rng,
      `<rng model='virtio'><backend model='egd' type='udp'><protocol type='raw'/></backend><alias name='rng0'/></rng>`,
    );
    const local = rng.backend.sources.add();
    local.mode = 'bind';
    local.service = '1234';
    const remote = rng.backend.sources.add();
    remote.mode = 'connect';
    remote.host = '1.2.3.4';
    remote.service = '1234';
    remote.reconnect.timeout = 5;
    expect(rng.toXml()).to.equal(
      `<rng model='virtio'><backend model='egd' type='udp'><source mode='bind' service='1234'/><source mode='connect' host='1.2.3.4' service='1234'><reconnect timeout='5'/></source><protocol type='raw'/></backend><alias name='rng0'/></rng>`,
    );
    rng.backend.sources.remove(local);
    expect(rng.backend.sources.map((s) => s.mode)).to.deep.equal(['connect']);
    expect(() => rng.backend.sources.remove(local)).to.throw(
      NoSuchDeviceError,
      'that <source> is not part of /domain/devices/rng/backend',
    );

    const bare = deviceInDomain(Rng, `<rng model='virtio'><rate bytes='1'/><alias name='rng0'/></rng>`);
    bare.backend.sources.add().path = '/run/egd.sock';
    expect(bare.toXml()).to.equal(
      `<rng model='virtio'><rate bytes='1'/><backend><source path='/run/egd.sock'/></backend><alias name='rng0'/></rng>`,
    );
  });

  it('removing values prunes what became empty', () => {
    const rng = fromFixture('devices/rng/random-urandom.xml');
    rng.rateBytes = undefined;
    rng.ratePeriod = undefined;
    rng.backendPath = undefined;
    expect(rng.toXml()).not.to.contain('<rate');
    expect(rng.backendPath).to.equal('');
    expect(rng.toXml()).to.contain(`<backend model='random'/>`);
  });
});
