import { expect } from 'chai';
import { Audio } from '../../src/devices/index.js';
import { recover } from '../../src/index.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { deviceMark, markDevices } from '../helpers/marks.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Audio {
  return deviceFromFixture(Audio, rel);
}

describe('Audio', () => {
  describeDeviceFixtures(Audio, 'audio');

  it("reads libvirt's default backend, identified by its id", () => {
    const { device: a } = loadDeviceFixture<Audio>(Audio, 'devices/audio/none.xml');
    expect([a.id, a.type, a.alias, a.address]).to.deep.equal([1, 'none', undefined, undefined]);
    expect(a.deviceId).to.equal('2e1d0c9b-8a7f-4e6d-9c5b-4a3f2e1d0c9b');
    expect(a.identity().keys).to.deep.equal({ id: '1' });
    expect(a.identity().lookups).to.have.length(1);
  });

  it('reads the attributes of each backend type', () => {
    const oss = fromFixture('devices/audio/oss-options.xml');
    expect([oss.tryMMap, oss.exclusive, oss.dspPolicy]).to.deep.equal([true, false, 5]);
    expect(fromFixture('devices/audio/pulseaudio-server.xml').serverName).to.equal('acme.example.org');
    expect(fromFixture('devices/audio/pipewire-runtime-dir.xml').runtimeDir).to.equal('/run/user/1000');
    expect(fromFixture('devices/audio/sdl-driver.xml').driver).to.equal('pulseaudio');
    expect(fromFixture('devices/audio/file-path.xml').filePath).to.equal('audio.wav');
    expect(fromFixture('devices/audio/spice-timer.xml').timerPeriod).to.equal(5000);
    // `path` stays the device's XML path; the file backend's path is `filePath`.
    expect(deviceInDomain(Audio, `<audio id='1' type='file' path='a.wav'/>`).path).to.equal(
      '/domain/devices/audio',
    );
  });

  it('keeps its own metadata after another backend is removed (it never has an alias or address)', () => {
    const domain = recover(`<domain type='qemu'><name>sound</name><devices>
      <sound model='ich9'><audio id='1'/></sound>
      <sound model='usb'><audio id='2'/></sound>
      <audio id='1' type='spice'/>
      <audio id='2' type='file' path='/var/lib/libvirt/qemu/demo.wav'/>
    </devices></domain>`);
    markDevices(domain);
    expect(domain.save()).to.deep.equal([]);
    const removed = recover(domain.toXml().replace("<audio id='1' type='spice'/>", ''));
    const audio = removed.devices.filter((d) => d instanceof Audio);
    expect(audio.map((a) => [a.id, a.meta.get('mark'), removed.bindingOf(a).rule])).to.deep.equal([
      [2, deviceMark(3), 'key'],
    ]);
  });

  it('reports a bad id with the XML path and line:column', () => {
    const a = deviceInDomain(Audio, `<audio\n  id='first' type='none'/>`);
    const err = xmlValueErrorOf(() => a.id);
    expect(err.path).to.equal('/domain/devices/audio/@id');
    expect(err.message).to.contain('"first" is not an unsigned integer');
    expect([err.line, err.column]).to.deep.equal([3, 1]);
    expect(
      xmlValueErrorOf(() => deviceInDomain(Audio, `<audio id='1' type='oss' tryMMap='on'/>`).tryMMap).message,
    ).to.contain('"on" is not yes/no');
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(Audio, `<audio id='1' type='pulseaudio' serverName=''/>`);
    expect(empty.toJSON().fields).to.deep.equal({ id: 1, type: 'pulseaudio', serverName: '' });
    const absent = deviceInDomain(Audio, `<audio id='1' type='pulseaudio'/>`);
    expect(absent.serverName).to.equal(undefined);
    expect(absent.toJSON().fields).to.deep.equal({ id: 1, type: 'pulseaudio' });
  });

  it('edits write through and change nothing else', () => {
    const a = fromFixture('edits/audio-pulseaudio-server.in.xml');
    a.serverName = 'pulse.example.org';
    a.timerPeriod = 10000;
    expectGolden(a.toXml(), 'edits/audio-pulseaudio-server.out.xml');
  });

  it('unknown content survives edits', () => {
    const a = fromFixture('devices/audio/unknown-content.xml');
    a.id = 5;
    a.type = 'none';
    const xml = a.toXml();
    expect(xml).to.contain("<audio id='5' type='none'");
    expect(xml).to.contain("<input mixingEngine='no'/>").and.contain("<qe:extra value='kept'/>");
    expect(xml).to.contain("qe:marker='m'").and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- a D-Bus display client plays it -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited audio backend", () => {
      expect(validateDeviceXml(readFixture('edits/audio-pulseaudio-server.out.xml'))).to.equal(undefined);
    });
  }
});
