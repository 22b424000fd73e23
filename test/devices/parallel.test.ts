import { expect } from 'chai';
import { Parallel } from '../../src/devices/index.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Parallel {
  return deviceFromFixture(Parallel, rel);
}

describe('Parallel', () => {
  describeDeviceFixtures(Parallel, 'parallel');

  it('reads a host parallel port passed through', () => {
    const p = fromFixture('devices/parallel/dev-parport.xml');
    expect([p.type, p.sourcePath, p.targetPort, p.alias]).to.deep.equal([
      'dev',
      '/dev/parport0',
      0,
      'parallel0',
    ]);
  });

  it('reads a TLS tcp backend that reconnects, and a file backend with its log', () => {
    const tcp = fromFixture('devices/parallel/tcp-tls-reconnect.xml');
    expect([
      tcp.sourceMode,
      tcp.sourceHost,
      tcp.sourceService,
      tcp.sourceTls,
      tcp.protocolType,
    ]).to.deep.equal(['connect', '192.0.2.20', '9999', true, 'raw']);
    expect([tcp.sourceReconnectEnabled, tcp.sourceReconnectTimeout]).to.deep.equal([true, 10]);
    const file = fromFixture('devices/parallel/file-log.xml');
    expect([file.sourcePath, file.sourceAppend, file.logFile, file.logAppend]).to.deep.equal([
      '/var/lib/libvirt/qemu/demo-lp0.out',
      true,
      '/var/log/libvirt/qemu/demo-parallel0.log',
      false,
    ]);
  });

  it('is identified by its port alone: libvirt writes no parallel target type', () => {
    const { device: p } = loadDeviceFixture<Parallel>(Parallel, 'devices/parallel/unix-second-port.xml');
    expect(p.deviceId).to.equal('0b7d9c2e-4a1f-4c3b-9e8d-2f6a5b4c3d21');
    expect(p.identity().keys).to.deep.equal({ port: '1' });
    expect(p.identity().lookups).to.have.length(1);
    // A type written anyway (the shared chardev schema allows one) neither joins the key nor shows.
    const typed = deviceInDomain(
      Parallel,
      `<parallel type='pty'><target type='isa-serial' port='1'/></parallel>`,
    );
    expect(typed.identity().keys).to.deep.equal({ port: '1' });
    expect(typed.toJSON().fields).to.deep.equal({ type: 'pty', targetPort: 1 });
  });

  it('keeps its own metadata when the port before it is removed and libvirt renumbers the aliases', () => {
    const domain = recover(`<domain type='qemu'><name>lpt</name><devices>
      <parallel type='pty'><target port='0'/><alias name='parallel0'/></parallel>
      <parallel type='pty'><target port='1'/><alias name='parallel1'/></parallel>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    // After `virsh detach-device --config` of port 0 and a restart, port 1 is `parallel0`.
    const restarted = domain
      .toXml()
      .replace(/<parallel type='pty'><target port='0'\/><alias name='parallel0'\/><\/parallel>/, '')
      .replace("parallel1'/>", "parallel0'/>");
    const [port1] = recover(restarted).devices;
    expect([port1?.alias, port1?.meta.get('mark')]).to.deep.equal(['parallel0', deviceMark(1)]);
  });

  it('reports a bad port with the XML path and line:column', () => {
    const p = deviceInDomain(Parallel, `<parallel type='pty'>\n  <target port='one'/>\n</parallel>`);
    const err = xmlValueErrorOf(() => p.targetPort);
    expect(err.path).to.equal('/domain/devices/parallel/target/@port');
    expect(err.message).to.contain('"one" is not an unsigned integer');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(
      Parallel,
      `<parallel type=''><source path=''/><target port='0'/></parallel>`,
    );
    expect([empty.type, empty.sourcePath]).to.deep.equal(['', '']);
    expect(empty.toJSON().fields).to.deep.equal({ type: '', sourcePath: '', targetPort: 0 });
    const absent = deviceInDomain(Parallel, `<parallel/>`);
    expect([absent.type, absent.sourcePath, absent.targetPort]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('adds <log> between the protocol and the target, where libvirt puts it', () => {
    const p = fromFixture('edits/parallel-add-log.in.xml');
    p.logFile = '/var/log/libvirt/qemu/demo-parallel0.log';
    p.logAppend = true;
    p.alias = 'ua-3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98';
    expectGolden(p.toXml(), 'edits/parallel-add-log.out.xml');
  });

  it('unknown content survives edits', () => {
    const p = fromFixture('devices/parallel/unknown-content.xml');
    p.sourcePath = '/dev/pts/10';
    p.targetPort = 1;
    const xml = p.toXml();
    expect(xml).to.contain("<source path='/dev/pts/10'/>").and.contain("<target port='1'>");
    expect(xml).to.contain('<futureTargetChild/>').and.contain("<qe:extra value='kept'/>");
    expect(xml).to.contain("qe:marker='m'").and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- allocated by libvirt at start -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited parallel port", () => {
      expect(validateDeviceXml(readFixture('edits/parallel-add-log.out.xml'))).to.equal(undefined);
    });
  }
});
