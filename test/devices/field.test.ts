import { expect } from 'chai';
import { XmlValueError } from '../../src/errors.js';
import {
  field,
  fieldLocation,
  flag,
  readField,
  readRaw,
  removeIfEmpty,
  writeField,
} from '../../src/devices/field.js';
import { onOff, str, uint } from '../../src/xml/codecs.js';
import type { Element } from '../../src/xml/index.js';
import { firstChild, parseXml, serialize } from '../../src/xml/index.js';

function el(xml: string): Element {
  return parseXml(xml).documentElement!;
}

const port = field('@port', uint);
const dev = field('target/@dev', str);
const serial = field('serial', str);
const readonly = flag('readonly');
const accel = field('model/acceleration/@accel3d', onOff);

describe('declarative fields (field.ts)', () => {
  describe('path grammar', () => {
    it('splits element steps from a final attribute', () => {
      expect(port).to.include({ attribute: 'port', flag: false });
      expect(port.steps).to.deep.equal([]);
      expect(dev.steps).to.deep.equal(['target']);
      expect(dev.attribute).to.equal('dev');
      expect(serial.steps).to.deep.equal(['serial']);
      expect(serial.attribute).to.equal(undefined);
      expect(readonly).to.include({ flag: true, codec: undefined });
      expect(accel.steps).to.deep.equal(['model', 'acceleration']);
    });
  });

  describe('reading', () => {
    it('tells absent (undefined) from empty ("")', () => {
      const a = el('<disk><target dev=""/><serial></serial></disk>');
      expect(readRaw(a, dev)).to.equal('');
      expect(readRaw(a, serial)).to.equal('');
      expect(readField(a, serial)).to.equal('');
      const b = el('<disk><target/></disk>');
      expect(readRaw(b, dev)).to.equal(undefined);
      expect(readRaw(b, serial)).to.equal(undefined);
      expect(readField(b, dev)).to.equal(undefined);
    });

    it('reads attributes of the element and of children, and child text', () => {
      const a = el('<graphics port="5900"><target dev="vda"/><serial>S1</serial></graphics>');
      expect(readField(a, port)).to.equal(5900);
      expect(readField(a, dev)).to.equal('vda');
      expect(readField(a, serial)).to.equal('S1');
    });

    it('follows direct children only, the first of a name', () => {
      const a = el('<disk><source><target dev="deep"/></source><target dev="a"/><target dev="b"/></disk>');
      expect(readField(a, dev)).to.equal('a');
      expect(readField(el('<disk><source><target dev="deep"/></source></disk>'), dev)).to.equal(undefined);
    });

    it('reads a flag as whether its element exists, empty or not', () => {
      expect(readField(el('<disk><readonly/></disk>'), readonly)).to.equal(true);
      expect(readField(el('<disk/>'), readonly)).to.equal(false);
      expect(readField(el('<disk><source><readonly/></source></disk>'), readonly)).to.equal(false);
    });

    it('a bad text is an XmlValueError naming the XML path, line:column and raw text', () => {
      const a = parseXml('<domain><devices>\n  <graphics port="59x0"/></devices></domain>').documentElement!;
      const g = firstChild(firstChild(a, 'devices')!, 'graphics')!;
      let caught: unknown;
      try {
        readField(g, port);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(XmlValueError);
      const e = caught as XmlValueError;
      expect(e.path).to.equal('/domain/devices/graphics/@port');
      expect(e.detail).to.equal('"59x0" is not an unsigned integer');
      expect(e.raw).to.equal('59x0');
      expect([e.line, e.column]).to.deep.equal([2, 3]);
      expect(() => readField(el('<c><model><acceleration accel3d="yes"/></model></c>'), accel)).to.throw(
        XmlValueError,
        '/c/model/acceleration/@accel3d: "yes" is not on/off',
      );
    });

    it('fieldLocation names the element holding the value, or the device when it is absent', () => {
      const a = parseXml('<disk>\n<target dev="x"/></disk>').documentElement!;
      expect(fieldLocation(a, dev)).to.deep.include({ path: '/disk/target/@dev', line: 2, column: 1 });
      expect(fieldLocation(a, serial)).to.deep.include({ path: '/disk/serial', line: 1, column: 1 });
    });
  });

  describe('writing', () => {
    const order = ['driver', 'source', 'target', 'serial', 'readonly', 'alias', 'address'];

    it('sets an attribute of the element itself', () => {
      const a = el('<graphics type="vnc"/>');
      writeField(a, port, 5901, order);
      expect(serialize(a)).to.equal('<graphics type="vnc" port="5901"/>');
    });

    it('creates missing children in the given order, and reuses existing ones', () => {
      const a = el('<disk><driver/><alias name="x"/></disk>');
      writeField(a, serial, 'S', order);
      writeField(a, dev, 'vda', order);
      writeField(a, readonly, true, order);
      writeField(a, readonly, true, order);
      expect(serialize(a)).to.equal(
        '<disk><driver/><target dev="vda"/><serial>S</serial><readonly/><alias name="x"/></disk>',
      );
      writeField(a, dev, 'vdb', order);
      expect(serialize(a)).to.equal(
        '<disk><driver/><target dev="vdb"/><serial>S</serial><readonly/><alias name="x"/></disk>',
      );
    });

    it('creates deeper steps in the nested order, in the element’s namespace', () => {
      const a = el('<video xmlns="urn:v"><model type="qxl"><resolution x="1"/></model></video>');
      writeField(a, accel, true, [], { model: ['acceleration', 'resolution'] });
      expect(serialize(a)).to.equal(
        '<video xmlns="urn:v"><model type="qxl"><acceleration accel3d="on"/><resolution x="1"/></model></video>',
      );
    });

    it('undefined removes the value and prunes children left empty, but not ones that still hold something', () => {
      const a = el('<disk><target dev="vda"/><serial>S</serial><readonly/></disk>');
      writeField(a, dev, undefined, order);
      writeField(a, serial, undefined, order);
      writeField(a, readonly, false, order);
      expect(serialize(a)).to.equal('<disk/>');
      const b = el('<disk><target dev="vda" bus="virtio"/></disk>');
      writeField(b, dev, undefined, order);
      expect(serialize(b)).to.equal('<disk><target bus="virtio"/></disk>');
      const c = el('<c><model><acceleration accel3d="on"/></model></c>');
      writeField(c, accel, undefined, []);
      expect(serialize(c)).to.equal('<c/>');
      const d = el('<c><model type="x"><acceleration accel3d="on"/></model></c>');
      writeField(d, accel, undefined, []);
      expect(serialize(d)).to.equal('<c><model type="x"/></c>');
    });

    it('removing an absent value changes nothing; removing an own attribute keeps the element', () => {
      const a = el('<graphics type="vnc"/>');
      writeField(a, serial, undefined, order);
      writeField(a, dev, undefined, order);
      writeField(a, readonly, false, order);
      writeField(a, port, undefined, order);
      expect(serialize(a)).to.equal('<graphics type="vnc"/>');
      const b = el('<graphics type="vnc" port="1"/>');
      writeField(b, port, undefined, order);
      expect(serialize(b)).to.equal('<graphics type="vnc"/>');
    });

    it('writes what it reads back, through the codec', () => {
      const a = el('<c/>');
      writeField(a, accel, false, []);
      expect(serialize(a)).to.equal('<c><model><acceleration accel3d="off"/></model></c>');
      expect(readField(a, accel)).to.equal(false);
    });
  });

  it('removeIfEmpty removes only an element with nothing in it', () => {
    const a = el('<d><x/><y a="1"/><z>t</z><w><v/></w></d>');
    for (const n of ['x', 'y', 'z', 'w']) removeIfEmpty(firstChild(a, n)!);
    expect(serialize(a)).to.equal('<d><y a="1"/><z>t</z><w><v/></w></d>');
  });
});
