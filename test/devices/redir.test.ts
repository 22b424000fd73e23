import { expect } from 'chai';
import { buildDevices, Redir } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { firstChild, parseXml } from '../../src/xml/index.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

function fromFixture(rel: string): Redir {
  return deviceFromFixture(Redir, rel);
}

describe('Redir', () => {
  describeDeviceFixtures(Redir, 'redirdev');

  it('is built from <redirdev>, the element libvirt writes (Vdsm looked for <redir>)', () => {
    const doc = parseXml(
      `<domain><devices><redirdev bus='usb' type='spicevmc'/><redir bus='usb' type='spicevmc'/></devices></domain>`,
    );
    const [redirdev, redir] = buildDevices(firstChild(doc.documentElement!, 'devices')!);
    expect(redirdev?.className).to.equal('Redir');
    expect(redir?.className).to.equal('Generic');
  });

  it('reads bus, type, boot order and the usb address', () => {
    const r = fromFixture('devices/redirdev/spicevmc-boot.xml');
    expect([r.bus, r.type, r.bootOrder]).to.deep.equal(['usb', 'spicevmc', 2]);
    expect(r.address).to.deep.equal({ type: 'usb', bus: '0', port: '4' });
  });

  it('reads a tcp or unix source', () => {
    const tcp = fromFixture('devices/redirdev/tcp-raw.xml');
    expect([tcp.sourceMode, tcp.sourceHost, tcp.sourceService, tcp.protocolType]).to.deep.equal([
      'connect',
      'localhost',
      '4000',
      'raw',
    ]);
    expect([tcp.sourceTls, tcp.sourceReconnectEnabled, tcp.sourceReconnectTimeout]).to.deep.equal([
      false,
      true,
      5,
    ]);
    expect(fromFixture('devices/redirdev/unix-socket.xml').sourcePath).to.equal('/run/usbredir/dev1.sock');
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(
      Redir,
      `<redirdev bus='usb' type='unix'><source mode='connect' path=''/></redirdev>`,
    );
    expect(empty.sourcePath).to.equal('');
    expect(empty.sourceHost).to.equal(undefined);
    expect(empty.toJSON().fields).to.deep.equal({
      bus: 'usb',
      type: 'unix',
      sourceMode: 'connect',
      sourcePath: '',
    });
    expect(deviceInDomain(Redir, `<redirdev/>`).toJSON().fields).to.deep.equal({});
  });

  it('reports a bad reconnect timeout with its XML path', () => {
    const r = deviceInDomain(
      Redir,
      `<redirdev bus='usb' type='tcp'><source mode='connect'><reconnect enabled='maybe' timeout='5s'/></source></redirdev>`,
    );
    expect(() => r.sourceReconnectTimeout).to.throw(
      XmlValueError,
      '/domain/devices/redirdev/source/reconnect/@timeout: "5s" is not an unsigned integer',
    );
    expect(() => r.sourceReconnectEnabled).to.throw(
      XmlValueError,
      /reconnect\/@enabled: "maybe" is not yes\/no/,
    );
  });

  it('reports a bad boot order with its XML path and position', () => {
    const r = deviceInDomain(
      Redir,
      `<redirdev bus='usb' type='spicevmc'>\n  <boot order='first'/>\n</redirdev>`,
    );
    expect(() => r.bootOrder)
      .to.throw(XmlValueError, '/domain/devices/redirdev/boot/@order: "first" is not an unsigned integer')
      .with.property('line', 4);
  });

  it('creates <reconnect> where libvirt puts it in a <source>: before the seclabel', () => {
    const r = deviceInDomain(
      Redir,
      `<redirdev bus='usb' type='unix'><source mode='connect' path='/run/r.sock'><seclabel model='dac' relabel='no'/></source></redirdev>`,
    );
    r.sourceReconnectEnabled = true;
    r.sourceReconnectTimeout = 3;
    expect(r.toXml()).to.equal(
      `<redirdev bus='usb' type='unix'><source mode='connect' path='/run/r.sock'><reconnect enabled='yes' timeout='3'/><seclabel model='dac' relabel='no'/></source></redirdev>`,
    );
  });

  it('edits write through in libvirt order and change nothing else', () => {
    const r = fromFixture('edits/redirdev-to-tcp.in.xml');
    r.type = 'tcp';
    r.sourceMode = 'connect';
    r.sourceHost = 'usbredir.example';
    r.sourceService = '4000';
    r.protocolType = 'raw';
    r.bootOrder = 1;
    expectGolden(r.toXml(), 'edits/redirdev-to-tcp.out.xml');
  });
});
