import { expect } from 'chai';
import { Tpm } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

function fromFixture(rel: string): Tpm {
  return deviceFromFixture(Tpm, rel);
}

describe('Tpm', () => {
  describeDeviceFixtures(Tpm, 'tpm');

  it('reads a passthrough TPM: model and host device', () => {
    const tpm = fromFixture('devices/tpm/passthrough-crb.xml');
    expect(tpm.model).to.equal('tpm-crb');
    expect(tpm.backendType).to.equal('passthrough');
    expect(tpm.backendDevicePath).to.equal('/dev/tpm0');
    expect(tpm.backendVersion).to.equal(undefined);
  });

  it('reads an emulated TPM: version, persistent state, encryption, PCR banks', () => {
    const tpm = fromFixture('devices/tpm/emulator-encrypted.xml');
    expect(tpm.backendType).to.equal('emulator');
    expect(tpm.backendVersion).to.equal('2.0');
    expect(tpm.backendPersistentState).to.equal(true);
    expect(tpm.backendDebug).to.equal(5);
    expect(tpm.backendEncryptionSecret).to.equal('32ee7e76-2178-47a1-ab7b-269e6e348015');
    expect(tpm.backendActivePcrBanks).to.deep.equal(['sha256', 'sha384']);
    expect(tpm.deviceId).to.equal('2c0b3f4e-1d5a-4f6b-8e7c-9a0b1c2d3e4f');
  });

  it('keeps its guest address (Vdsm dropped it)', () => {
    const tpm = fromFixture('devices/tpm/spapr-address.xml');
    expect(tpm.address).to.deep.equal({ type: 'spapr-vio', reg: '0x00004000' });
    expect(tpm.identity().address).to.equal('reg=16384,type=spapr-vio');
    expect(tpm.backendPersistentState).to.equal(false);
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(
      Tpm,
      `<tpm model=''><backend type='passthrough'><device path=''/></backend></tpm>`,
    );
    expect(empty.model).to.equal('');
    expect(empty.backendDevicePath).to.equal('');
    expect(empty.toJSON().fields).to.deep.equal({
      model: '',
      backendType: 'passthrough',
      backendDevicePath: '',
    });
    const absent = deviceInDomain(Tpm, `<tpm><backend type='emulator'/></tpm>`);
    expect(absent.model).to.equal(undefined);
    expect(absent.backendDevicePath).to.equal(undefined);
    expect(absent.backendActivePcrBanks).to.equal(undefined);
    expect(
      deviceInDomain(Tpm, `<tpm><backend type='emulator'><active_pcr_banks/></backend></tpm>`)
        .backendActivePcrBanks,
    ).to.deep.equal([]);
  });

  it('reports bad values with their XML path and position', () => {
    const tpm = deviceInDomain(
      Tpm,
      `<tpm model='tpm-tis'>\n  <backend type='emulator' persistent_state='true' debug='-1'/>\n</tpm>`,
    );
    expect(() => tpm.backendPersistentState)
      .to.throw(XmlValueError, '/domain/devices/tpm/backend/@persistent_state: "true" is not yes/no')
      .with.property('line', 4);
    expect(() => tpm.backendDebug).to.throw(
      XmlValueError,
      /backend\/@debug: "-1" is not an unsigned integer/,
    );
    expect(() => (tpm.backendActivePcrBanks = ['sha256', 'sha 512'])).to.throw(
      XmlValueError,
      /"sha 512" is not a PCR bank name/,
    );
  });

  it('accepts models and backends libvirt may add later', () => {
    const tpm = deviceInDomain(Tpm, `<tpm model='tpm-next'><backend type='vtpm-proxy' version='3.0'/></tpm>`);
    expect([tpm.model, tpm.backendType, tpm.backendVersion]).to.deep.equal(['tpm-next', 'vtpm-proxy', '3.0']);
  });

  it('edits write through and change nothing else', () => {
    const tpm = fromFixture('edits/tpm-encrypt.in.xml');
    tpm.backendVersion = '2.0';
    tpm.backendPersistentState = true;
    tpm.backendEncryptionSecret = '6dd3e4a5-1d76-44ce-961f-f119f5aad935';
    tpm.backendActivePcrBanks = ['sha256'];
    expectGolden(tpm.toXml(), 'edits/tpm-encrypt.out.xml');
  });

  it('creates backend children in libvirt order', () => {
    const tpm = deviceInDomain(
      Tpm,
      `<tpm model='tpm-tis'><backend type='emulator'><profile source='x'/></backend></tpm>`,
    );
    tpm.backendActivePcrBanks = ['sha256'];
    tpm.backendEncryptionSecret = '6dd3e4a5-1d76-44ce-961f-f119f5aad935';
    expect(tpm.toXml()).to.equal(
      `<tpm model='tpm-tis'><backend type='emulator'><encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/><active_pcr_banks><sha256/></active_pcr_banks><profile source='x'/></backend></tpm>`,
    );
  });

  it('replaces the PCR bank list in place and removes it', () => {
    const tpm = fromFixture('devices/tpm/emulator-encrypted.xml');
    tpm.backendActivePcrBanks = ['sha1', 'sha512'];
    expect(tpm.backendActivePcrBanks).to.deep.equal(['sha1', 'sha512']);
    expect(tpm.toXml()).to.match(/<encryption [^>]*\/>\s*<active_pcr_banks>/);
    tpm.backendActivePcrBanks = undefined;
    expect(tpm.toXml()).not.to.contain('active_pcr_banks');
    expect(tpm.backendEncryptionSecret).to.equal('32ee7e76-2178-47a1-ab7b-269e6e348015');
  });
});
