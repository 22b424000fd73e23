import { expect } from 'chai';
import { Input } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Input {
  return deviceFromFixture(Input, rel);
}

describe('Input', () => {
  describeDeviceFixtures(Input, 'input');
  describeFieldCoverage(Input, 'input');

  it('reads type, bus and alias of the seed mouse', () => {
    const i = fromFixture('devices/input/ps2-mouse.xml');
    expect([i.type, i.bus, i.model, i.alias]).to.deep.equal(['mouse', 'ps2', undefined, 'input0']);
    expect(i.identity().keys).to.deep.equal({ type: 'mouse', bus: 'ps2' });
  });

  it('reads passthrough and evdev sources', () => {
    const p = fromFixture('devices/input/passthrough.xml');
    expect([p.type, p.bus, p.sourceEvdev, p.sourceDev]).to.deep.equal([
      'passthrough',
      'virtio',
      '/dev/input/event1234',
      undefined,
    ]);
    expect(p.deviceId).to.equal('6d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09');
    const e = fromFixture('devices/input/evdev-grab.xml');
    expect([e.sourceDev, e.sourceGrab, e.sourceGrabToggle, e.sourceRepeat]).to.deep.equal([
      '/dev/input/event1',
      'all',
      'ctrl-ctrl',
      true,
    ]);
  });

  it('reads the model and virtio driver options', () => {
    const t = fromFixture('devices/input/virtio-tablet-driver.xml');
    expect(t.model).to.equal('virtio-non-transitional');
    expect([t.virtio.iommu, t.virtio.ats, t.virtio.packed, t.virtio.pagePerVq]).to.deep.equal([
      true,
      true,
      false,
      true,
    ]);
  });

  it('reports bad values with the XML path and line:column', () => {
    const i = deviceInDomain(
      Input,
      `<input type='evdev'>\n  <source dev='/dev/input/event1' repeat='yes'/>\n</input>`,
    );
    const err = xmlValueErrorOf(() => i.sourceRepeat);
    expect(err.path).to.equal('/domain/devices/input/source/@repeat');
    expect(err.message).to.contain('"yes" is not on/off');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    expect(() => i.toJSON()).to.throw(XmlValueError);
    expect(
      () => deviceInDomain(Input, `<input type='tablet'><driver packed='1'/></input>`).virtio.packed,
    ).to.throw(XmlValueError, /input\/driver\/@packed: "1" is not on\/off/);
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(Input, `<input type='mouse' bus=''><source evdev=''/></input>`);
    expect([empty.bus, empty.sourceEvdev, empty.model]).to.deep.equal(['', '', undefined]);
    expect(empty.toJSON().fields).to.deep.equal({ type: 'mouse', bus: '', sourceEvdev: '' });
    const absent = deviceInDomain(Input, `<input/>`);
    expect([absent.type, absent.bus, absent.sourceDev, absent.virtio.iommu]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('accepts types and buses libvirt may add later', () => {
    const i = deviceInDomain(Input, `<input type='touchscreen' bus='i2c'/>`);
    expect([i.type, i.bus]).to.deep.equal(['touchscreen', 'i2c']);
  });

  it('adds the driver before the source, changing nothing else', () => {
    const i = fromFixture('edits/input-passthrough-driver.in.xml');
    i.virtio.iommu = true;
    i.model = 'virtio';
    expectGolden(i.toXml(), 'edits/input-passthrough-driver.out.xml');
  });

  it('adds grab options to the existing source only', () => {
    const i = fromFixture('edits/input-evdev-grab.in.xml');
    i.sourceGrab = 'all';
    i.sourceGrabToggle = 'scrolllock';
    i.sourceRepeat = false;
    expectGolden(i.toXml(), 'edits/input-evdev-grab.out.xml');
  });

  it('unknown content survives edits', () => {
    const i = fromFixture('devices/input/unknown-content.xml');
    i.bus = 'usb';
    i.address = undefined;
    const xml = i.toXml();
    expect(xml).to.contain("bus='usb'").and.contain("futureAttr='yes'").and.contain("x:layout='de'");
    expect(xml)
      .to.contain("<x:keymap name='de-ch'/>")
      .and.contain('<futureChild/>')
      .and.not.contain('<address');
    expect(xml).to.contain('<!-- a keyboard libvirt adds for the guest -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited inputs", () => {
      for (const rel of ['input-passthrough-driver', 'input-evdev-grab']) {
        expect(validateDeviceXml(readFixture(`edits/${rel}.out.xml`)), rel).to.equal(undefined);
      }
    });
  }
});
