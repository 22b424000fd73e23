import { expect } from 'chai';
import { Smartcard } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';

function fromFixture(rel: string): Smartcard {
  return deviceFromFixture(Smartcard, rel);
}

describe('Smartcard', () => {
  describeDeviceFixtures(Smartcard, 'smartcard');

  it('reads host mode with its ccid address', () => {
    const sc = fromFixture('devices/smartcard/host-ccid.xml');
    expect(sc.mode).to.equal('host');
    expect(sc.type).to.equal(undefined);
    expect(sc.certificates).to.deep.equal([]);
    expect(sc.address).to.deep.equal({ type: 'ccid', controller: '0', slot: '0' });
  });

  it('reads the certificates in order and the database', () => {
    const sc = fromFixture('devices/smartcard/host-certificates-database.xml');
    expect(sc.mode).to.equal('host-certificates');
    expect(sc.certificates).to.deep.equal(['cert1', 'cert2', 'cert3']);
    expect(sc.database).to.equal('/etc/pki/nssdb');
  });

  it('reads a passthrough character device', () => {
    const sc = fromFixture('devices/smartcard/passthrough-tcp.xml');
    expect([sc.mode, sc.type]).to.deep.equal(['passthrough', 'tcp']);
    expect([sc.sourceMode, sc.sourceHost, sc.sourceService, sc.protocolType]).to.deep.equal([
      'connect',
      '127.0.0.1',
      '2001',
      'raw',
    ]);
    expect([sc.sourceTls, sc.sourceReconnectEnabled, sc.sourceReconnectTimeout]).to.deep.equal([
      true,
      false,
      undefined,
    ]);
    expect(fromFixture('devices/smartcard/passthrough-unix.xml').sourcePath).to.equal('/run/vsmartcard.sock');
  });

  it('keeps absent and empty apart', () => {
    const sc = fromFixture('devices/smartcard/unknown-content.xml');
    expect(sc.certificates).to.deep.equal(['alice', '', 'carol']);
    expect(sc.database).to.equal(undefined);
    const empty = deviceInDomain(Smartcard, `<smartcard mode='host-certificates'><database/></smartcard>`);
    expect(empty.database).to.equal('');
    expect(empty.toJSON().fields).to.deep.equal({ mode: 'host-certificates', database: '' });
  });

  it('reports bad values with their XML path and position', () => {
    const sc = deviceInDomain(
      Smartcard,
      `<smartcard mode='passthrough' type='tcp'>\n  <source mode='connect' host='h' service='1' tls='on'>\n    <reconnect enabled='yes' timeout='ten'/>\n  </source>\n</smartcard>`,
    );
    const tls = xmlValueErrorOf(() => sc.sourceTls);
    expect(tls.path).to.equal('/domain/devices/smartcard/source/@tls');
    expect(tls.message).to.contain('"on" is not yes/no');
    expect([tls.line, tls.column]).to.deep.equal([4, 3]);
    expect(xmlValueErrorOf(() => sc.toJSON()).path).to.equal('/domain/devices/smartcard/source/@tls');
    expect(() => sc.sourceReconnectTimeout).to.throw(
      XmlValueError,
      '/domain/devices/smartcard/source/reconnect/@timeout: "ten" is not an unsigned integer',
    );
  });

  it('accepts modes and types libvirt may add later', () => {
    const sc = deviceInDomain(Smartcard, `<smartcard mode='emulated' type='qemu-vdagent'/>`);
    expect([sc.mode, sc.type]).to.deep.equal(['emulated', 'qemu-vdagent']);
  });

  it('edits write through in libvirt order and change nothing else', () => {
    const sc = fromFixture('edits/smartcard-certificates.in.xml');
    sc.certificates = ['new1', 'new2', 'new3'];
    sc.database = '/etc/pki/nssdb';
    expectGolden(sc.toXml(), 'edits/smartcard-certificates.out.xml');
    sc.certificates = ['only'];
    expect(sc.certificates).to.deep.equal(['only']);
    sc.certificates = [];
    expect(sc.toXml()).not.to.contain('<certificate');
    sc.certificates = ['a', 'b', 'c'];
    expect(sc.certificates).to.deep.equal(['a', 'b', 'c']);
    expect(sc.toXml()).to.contain(
      '  <certificate>a</certificate>\n  <certificate>b</certificate>\n  <certificate>c</certificate>\n  <database>',
    );
  });
});
