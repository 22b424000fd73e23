import { expect } from 'chai';
import { Sound } from '../../src/devices/index.js';
import { NoSuchDeviceError, XmlValueError } from '../../src/errors.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Sound {
  return deviceFromFixture(Sound, rel);
}

describe('Sound', () => {
  describeDeviceFixtures(Sound, 'sound');
  describeFieldCoverage(Sound, 'sound');

  it('reads the seed sound card with its metadata', () => {
    const { device: s } = loadDeviceFixture(Sound, 'devices/sound/ich6-seed.xml');
    if (!(s instanceof Sound)) return expect.fail('not a Sound');
    expect([s.model, s.alias, s.deviceId]).to.deep.equal([
      'ich6',
      'sound0',
      'a3c1e5b7-9d2f-4a6c-8e0b-1f3d5a7c9e2b',
    ]);
    expect(s.codecs).to.deep.equal([]);
  });

  it('reads codecs in order and the audio backend id', () => {
    const s = fromFixture('devices/sound/ich9-codecs-audio.xml');
    expect(s.codecs.map((c) => c.type)).to.deep.equal(['micro', 'duplex', 'output']);
    expect(s.audioId).to.equal(1);
    const usb = fromFixture('devices/sound/usb-multichannel.xml');
    expect([usb.model, usb.multichannel, usb.audioId]).to.deep.equal(['usb', true, 2]);
  });

  it('reports bad values with the XML path and line:column', () => {
    const s = deviceInDomain(Sound, `<sound model='ich9'>\n  <audio id='first'/>\n</sound>`);
    const err = xmlValueErrorOf(() => s.audioId);
    expect(err.path).to.equal('/domain/devices/sound/audio/@id');
    expect(err.message).to.contain('"first" is not an unsigned integer');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    expect(() => deviceInDomain(Sound, `<sound model='usb' multichannel='on'/>`).multichannel).to.throw(
      XmlValueError,
      /sound\/@multichannel: "on" is not yes\/no/,
    );
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(Sound, `<sound model=''><codec/><codec type=''/></sound>`);
    expect(empty.model).to.equal('');
    expect(empty.codecs.map((c) => c.type)).to.deep.equal([undefined, '']);
    expect(empty.toJSON().fields).to.deep.equal({ model: '', codecs: [{}, { type: '' }] });
    const absent = deviceInDomain(Sound, `<sound/>`);
    expect([absent.model, absent.audioId, absent.multichannel]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('accepts models and codec types libvirt may add later', () => {
    const s = fromFixture('devices/sound/unknown-content.xml');
    expect(s.codecs.map((c) => c.type)).to.deep.equal(['micro', 'surround7']);
    expect(deviceInDomain(Sound, `<sound model='virtio'/>`).model).to.equal('virtio');
  });

  it('adds a codec after the existing ones and changes the audio id in place', () => {
    const s = fromFixture('edits/sound-add-codec.in.xml');
    s.addCodec('output');
    s.audioId = 2;
    expectGolden(s.toXml(), 'edits/sound-add-codec.out.xml');
  });

  it('adds <audio> and a first codec before the alias', () => {
    const s = fromFixture('edits/sound-add-audio.in.xml');
    s.audioId = 1;
    s.addCodec('duplex');
    expectGolden(s.toXml(), 'edits/sound-add-audio.out.xml');
  });

  it('removes a codec, and only its own', () => {
    const s = fromFixture('devices/sound/ich9-codecs-audio.xml');
    const [, duplex] = s.codecs;
    s.removeCodec(duplex!);
    expect(s.codecs.map((c) => c.type)).to.deep.equal(['micro', 'output']);
    expect(() => s.removeCodec(duplex!)).to.throw(NoSuchDeviceError, 'that <codec> is not part of /sound');
  });

  it('unknown content survives edits', () => {
    const s = fromFixture('devices/sound/unknown-content.xml');
    s.model = 'ich6';
    s.addCodec('output');
    const xml = s.toXml();
    expect(s.codecs.map((c) => c.type)).to.deep.equal(['micro', 'surround7', 'output']);
    expect(xml)
      .to.contain("<codec type='surround7' channels='8'/>")
      .and.contain("<codec type='output'/>\n  <audio id='1'/>");
    expect(xml)
      .to.contain("<snd:mixer level='11'/>")
      .and.contain("snd:profile='studio'")
      .and.contain("futureAttr='on'");
    expect(xml)
      .to.contain('<futureChild/>')
      .and.contain('<!-- a codec type libvirt may add later: an open enum -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited sound cards", () => {
      for (const rel of ['sound-add-codec', 'sound-add-audio']) {
        expect(validateDeviceXml(readFixture(`edits/${rel}.out.xml`)), rel).to.equal(undefined);
      }
    });
  }
});
