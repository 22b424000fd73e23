import { expect } from 'chai';
import { Serial } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Serial {
  return deviceFromFixture(Serial, rel);
}

describe('Serial', () => {
  describeDeviceFixtures(Serial, 'serial');
  describeFieldCoverage(Serial, 'serial');

  it('reads the target type, port and model', () => {
    const s = fromFixture('devices/serial/pty-isa.xml');
    expect([s.type, s.sourcePath]).to.deep.equal(['pty', '/dev/pts/2']);
    expect([s.targetType, s.targetPort, s.targetModelName]).to.deep.equal(['isa-serial', 0, 'isa-serial']);
  });

  it('reads a TLS tcp backend that reconnects', () => {
    const s = fromFixture('devices/serial/tcp-tls-reconnect.xml');
    expect([s.sourceMode, s.sourceHost, s.sourceService, s.sourceTls]).to.deep.equal([
      'connect',
      '192.0.2.10',
      '5555',
      true,
    ]);
    expect([s.sourceReconnectEnabled, s.sourceReconnectTimeout, s.protocolType]).to.deep.equal([
      true,
      5,
      'raw',
    ]);
    expect([s.targetType, s.targetPort, s.targetModelName]).to.deep.equal(['pci-serial', 1, 'pci-serial']);
  });

  it('reads a file backend that appends, and its log', () => {
    const s = fromFixture('devices/serial/file-log.xml');
    expect([s.sourcePath, s.sourceAppend]).to.deep.equal(['/tmp/serial.log', true]);
    expect([s.logFile, s.logAppend]).to.deep.equal(['/var/lib/libvirt/qemu/demo-serial.log', false]);
  });

  it('reports bad values with the XML path and line:column', () => {
    const s = deviceInDomain(Serial, `<serial type='file'>\n  <source path='/x' append='yes'/>\n</serial>`);
    const err = xmlValueErrorOf(() => s.sourceAppend);
    expect(err.path).to.equal('/domain/devices/serial/source/@append');
    expect(err.message).to.contain('"yes" is not on/off');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    expect(() => deviceInDomain(Serial, `<serial type='tcp'><source tls='on'/></serial>`).sourceTls).to.throw(
      XmlValueError,
      /serial\/source\/@tls: "on" is not yes\/no/,
    );
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(Serial, `<serial type='pty'><target><model name=''/></target></serial>`);
    expect([empty.targetModelName, empty.targetType, empty.targetPort]).to.deep.equal([
      '',
      undefined,
      undefined,
    ]);
    expect(empty.toJSON().fields).to.deep.equal({ type: 'pty', targetModelName: '' });
    const absent = deviceInDomain(Serial, `<serial/>`);
    expect(absent.targetModelName).to.equal(undefined);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('adds <model> inside the existing target, changing nothing else', () => {
    const s = fromFixture('edits/serial-target-model.in.xml');
    s.targetModelName = 'isa-serial';
    expectGolden(s.toXml(), 'edits/serial-target-model.out.xml');
  });

  it('adds <reconnect> before the source seclabel, where libvirt puts it', () => {
    const s = fromFixture('edits/serial-reconnect.in.xml');
    s.sourceReconnectEnabled = true;
    s.sourceReconnectTimeout = 3;
    expectGolden(s.toXml(), 'edits/serial-reconnect.out.xml');
  });

  it('unknown content survives edits', () => {
    const s = fromFixture('devices/serial/unknown-content.xml');
    s.targetModelName = '16550a';
    s.sourcePath = '/dev/pts/8';
    const xml = s.toXml();
    expect(xml).to.contain("<model name='16550a'/>").and.contain('<futureTargetChild/>');
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- allocated by libvirt at start -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited serial ports", () => {
      for (const rel of ['serial-target-model', 'serial-reconnect', 'serial-udp-add-source']) {
        expect(validateDeviceXml(readFixture(`edits/${rel}.out.xml`)), rel).to.equal(undefined);
      }
    });
  }
});
