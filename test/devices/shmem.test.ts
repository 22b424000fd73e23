import { expect } from 'chai';
import { Shmem } from '../../src/devices/index.js';
import { UnexpectedElementError, XmlValueError } from '../../src/errors.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Shmem {
  return deviceFromFixture(Shmem, rel);
}

describe('Shmem', () => {
  describeDeviceFixtures(Shmem, 'shmem');

  it('reads name, role, model, size and guest address', () => {
    const { device: s } = loadDeviceFixture<Shmem>(Shmem, 'devices/shmem/plain-pci.xml');
    expect([s.name, s.role, s.modelType, s.sizeKiB]).to.deep.equal([
      'shmem2',
      'peer',
      'ivshmem-plain',
      262144,
    ]);
    expect([s.server, s.serverPath, s.msi]).to.deep.equal([false, undefined, false]);
    expect(s.address?.['slot']).to.equal('0x04');
    expect(s.deviceId).to.equal('3c9d2e1f-7a6b-4c5d-8e9f-0a1b2c3d4e5f');
  });

  it('reads a doorbell: its server socket and MSI settings; a bare <server/> or <msi/> is set too', () => {
    const d = fromFixture('devices/shmem/doorbell-msi.xml');
    expect([d.server, d.serverPath, d.msi, d.msiVectors, d.msiIoeventfd]).to.deep.equal([
      true,
      '/tmp/shmem7-sock',
      true,
      32,
      true,
    ]);
    const bare = fromFixture('devices/shmem/unknown-content.xml');
    expect([bare.server, bare.msi, bare.msiVectors, bare.msiIoeventfd]).to.deep.equal([
      true,
      true,
      undefined,
      undefined,
    ]);
  });

  it('reads a size without unit as bytes, as libvirt does for shmem (memory devices default to KiB)', () => {
    const cases: [string, number | undefined][] = [
      [`<size>4194304</size>`, 4096],
      [`<size unit='K'>16</size>`, 16],
      [`<size unit='M'>4</size>`, 4096],
      [`<size unit='G'>1</size>`, 1048576],
      ['', undefined],
    ];
    for (const [size, kib] of cases) {
      expect(deviceInDomain(Shmem, `<shmem name='s'>${size}</shmem>`).sizeKiB, size).to.equal(kib);
    }
  });

  it('reports a bad size or MSI value with its XML path and line:column, never rounds', () => {
    const odd = deviceInDomain(Shmem, `<shmem name='s'>\n  <size>1000</size>\n</shmem>`);
    const err = xmlValueErrorOf(() => odd.sizeKiB);
    expect(err.path).to.equal('/domain/devices/shmem/size');
    expect(err.message).to.contain('not a whole number of KiB');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    const msi = deviceInDomain(Shmem, `<shmem name='s'>\n  <server/>\n  <msi vectors='many'/>\n</shmem>`);
    expect(() => msi.msiVectors).to.throw(
      XmlValueError,
      /shmem\/msi\/@vectors: "many" is not an unsigned integer/,
    );
  });

  it('keeps absent and empty apart', () => {
    const bare = fromFixture('devices/shmem/name-only.xml');
    expect(bare.toJSON().fields).to.deep.equal({ name: 'shmem0' });
    expect([bare.role, bare.modelType, bare.sizeKiB]).to.deep.equal([undefined, undefined, undefined]);
    const empty = deviceInDomain(Shmem, `<shmem name='' role=''><model type=''/><server path=''/></shmem>`);
    expect(empty.toJSON().fields).to.deep.equal({
      name: '',
      role: '',
      modelType: '',
      server: true,
      serverPath: '',
    });
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Shmem, `<memory model='dimm'/>`))
      .to.throw(UnexpectedElementError, 'expected <shmem>, got <memory>')
      .with.property('path', '/domain/devices/memory');
  });

  it('is found by its name after a restart renamed its alias; the descriptor `name` stays the alias', () => {
    expect(Shmem.identifiedBy.namesAPart).to.equal(false);
    const domain = recover(`<domain type='kvm'><name>ring</name><devices>
      <shmem name='left'><size unit='M'>4</size><alias name='shmem0'/></shmem>
      <shmem name='right'><size unit='M'>4</size><alias name='shmem1'/></shmem>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    const saved = domain.toXml();
    expect(saved).to.match(
      /<ovirt-vm:device devtype='shmem' shmem_name='right' alias='shmem1' name='shmem1'/,
    );
    // `left` left the config; at the restart libvirt numbers `right` shmem0.
    const restarted = saved
      .replace(/<shmem name='left'>[\s\S]*?<\/shmem>/, '')
      .replace("<alias name='shmem1'/>", "<alias name='shmem0'/>");
    const again = recover(restarted);
    const right = again.devices.find((d) => d instanceof Shmem);
    expect([right?.meta.get('mark'), right && again.bindingOf(right).rule]).to.deep.equal([
      deviceMark(1),
      'key',
    ]);
  });

  it('edits write through, in libvirt`s order of the children, and change nothing else', () => {
    const s = fromFixture('edits/shmem-doorbell-server.in.xml');
    s.modelType = 'ivshmem-doorbell';
    s.role = 'master';
    s.sizeKiB = 8192;
    s.serverPath = '/var/lib/libvirt/shmem/shmem1-sock';
    s.msiVectors = 8;
    s.msiIoeventfd = false;
    s.alias = 'ua-0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    expectGolden(s.toXml(), 'edits/shmem-doorbell-server.out.xml');
    s.msi = false;
    s.server = false;
    expect(s.toXml()).not.to.match(/<msi|<server/);
  });

  it('unknown content survives edits', () => {
    const s = fromFixture('devices/shmem/unknown-content.xml');
    s.serverPath = undefined;
    s.msiVectors = undefined;
    const xml = s.toXml();
    // Bare, each still enables what it did.
    expect(xml).to.contain('<server/>').and.contain('<msi/>');
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- a doorbell without MSI settings -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited shmem device", () => {
      expect(validateDeviceXml(readFixture('edits/shmem-doorbell-server.out.xml'))).to.equal(undefined);
    });
  }
});
