import { expect } from 'chai';
import { Console } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Console {
  return deviceFromFixture(Console, rel);
}

describe('Console', () => {
  describeDeviceFixtures(Console, 'console');
  describeFieldCoverage(Console, 'console');

  it('reads a live pty console: its tty, source path and serial target', () => {
    const c = fromFixture('devices/console/pty-live.xml');
    expect([c.type, c.tty, c.sourcePath]).to.deep.equal(['pty', '/dev/pts/3', '/dev/pts/3']);
    expect([c.targetType, c.targetPort, c.alias]).to.deep.equal(['serial', 0, 'serial0']);
  });

  it('keeps the vmconsole socket path as written (Vdsm recomputed it from the VM id)', () => {
    const { device: c } = loadDeviceFixture(Console, 'devices/console/unix-vmconsole.xml');
    if (!(c instanceof Console)) return expect.fail('not a Console');
    expect([c.type, c.sourceMode]).to.deep.equal(['unix', 'bind']);
    expect(c.sourcePath).to.equal(
      '/var/run/ovirt-vmconsole-console/ccd945c8-8069-4f31-8471-bbb58e9dd6ea.sock',
    );
    expect(c.deviceId).to.equal('5b0c4bb4-50ef-4ad4-8dc4-4d5a8e0a7f3c');
    // Found by its target type and port, which a restart does not renumber as it does the alias.
    expect(c.identity().keys).to.deep.equal({ target_type: 'serial', port: '0' });
  });

  it('reads a tcp backend with protocol, reconnect and log', () => {
    const c = fromFixture('devices/console/tcp-telnet-log.xml');
    expect([c.sourceMode, c.sourceHost, c.sourceService, c.sourceTls]).to.deep.equal([
      'connect',
      '127.0.0.1',
      '9999',
      false,
    ]);
    expect([c.sourceReconnectEnabled, c.sourceReconnectTimeout]).to.deep.equal([true, 10]);
    expect([c.protocolType, c.logFile, c.logAppend]).to.deep.equal([
      'telnet',
      '/var/log/libvirt/qemu/guest-console.log',
      true,
    ]);
    expect([c.targetType, c.targetPort]).to.deep.equal(['virtio', 1]);
  });

  it('reports bad values with the XML path and line:column', () => {
    const c = deviceInDomain(
      Console,
      `<console type='pty'>\n  <target type='serial' port='one'/>\n</console>`,
    );
    const err = xmlValueErrorOf(() => c.targetPort);
    expect(err.path).to.equal('/domain/devices/console/target/@port');
    expect(err.message).to.contain('"one" is not an unsigned integer');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    expect(() => c.toJSON()).to.throw(XmlValueError);
    const r = deviceInDomain(
      Console,
      `<console type='tcp'><source mode='connect'><reconnect enabled='sure' timeout='1s'/></source></console>`,
    );
    expect(() => r.sourceReconnectEnabled).to.throw(
      XmlValueError,
      /console\/source\/reconnect\/@enabled: "sure" is not yes\/no/,
    );
    expect(() => r.sourceReconnectTimeout).to.throw(
      XmlValueError,
      /console\/source\/reconnect\/@timeout: "1s" is not/,
    );
    const log = deviceInDomain(Console, `<console type='pty'><log file='/x' append='yes'/></console>`);
    expect(() => log.logAppend).to.throw(XmlValueError, /console\/log\/@append: "yes" is not on\/off/);
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(
      Console,
      `<console type='' tty=''><source path=''/><target type=''/></console>`,
    );
    expect([empty.type, empty.tty, empty.sourcePath, empty.targetType]).to.deep.equal(['', '', '', '']);
    expect(empty.sourceMode).to.equal(undefined);
    expect(empty.toJSON().fields).to.deep.equal({ type: '', sourcePath: '', targetType: '', tty: '' });
    // An empty port is not port 0.
    expect(() => deviceInDomain(Console, `<console><target port=''/></console>`).targetPort).to.throw(
      XmlValueError,
    );
    const absent = deviceInDomain(Console, `<console/>`);
    expect([absent.type, absent.tty, absent.sourcePath, absent.targetPort, absent.logFile]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.sources).to.deep.equal([]);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('accepts types libvirt may add later', () => {
    const c = deviceInDomain(Console, `<console type='vsock-future'><target type='hvc' port='0'/></console>`);
    expect([c.type, c.targetType]).to.deep.equal(['vsock-future', 'hvc']);
  });

  it('adds source, protocol and log in libvirt order, changing nothing else', () => {
    const c = fromFixture('edits/console-pty-source-log.in.xml');
    c.logFile = '/var/log/libvirt/qemu/console.log';
    c.sourcePath = '/dev/pts/4';
    c.tty = '/dev/pts/4';
    expectGolden(c.toXml(), 'edits/console-pty-source-log.out.xml');
  });

  it('removing the only source attribute removes <source>; unknown content survives', () => {
    const c = fromFixture('devices/console/pty-live.xml');
    c.sourcePath = undefined;
    expect(c.toXml()).not.to.contain('<source');
    const u = fromFixture('devices/console/unknown-content.xml');
    u.sourcePath = '/var/run/other.sock';
    u.targetPort = 1;
    const xml = u.toXml();
    expect(xml).to.contain("<seclabel model='selinux' relabel='no'/>").and.contain("ovirt:origin='engine'");
    expect(xml).to.contain('<ovirt:hint>serial console</ovirt:hint>').and.contain('<futureChild/>');
    expect(xml).to.contain("futureAttr=''").and.contain('<!-- the vmconsole proxy connects here -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited console", () => {
      expect(validateDeviceXml(readFixture('edits/console-pty-source-log.out.xml'))).to.equal(undefined);
    });
  }
});
