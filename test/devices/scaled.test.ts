import { expect } from 'chai';
import { XmlValueError } from '../../src/errors.js';
import type { FieldWriter } from '../../src/devices/field.js';
import { writeField } from '../../src/devices/field.js';
import { readKiB, scaled, writeKiB } from '../../src/devices/scaled.js';
import type { Element } from '../../src/xml/index.js';
import { parseXml, serialize } from '../../src/xml/index.js';

const SIZE = scaled('size', 'size/@unit');
const USAGE = scaled('source/@usage', 'source/@units', 'bytes');

function el(xml: string): Element {
  return parseXml(xml, { source: 'dev.xml' }).documentElement!;
}

function writerFor(e: Element, order: readonly string[]): FieldWriter {
  return (f, v) => writeField(e, f, v, order);
}

function readError(xml: string, s = SIZE): XmlValueError {
  try {
    readKiB(el(xml), s);
  } catch (e) {
    if (e instanceof XmlValueError) return e;
    throw e;
  }
  throw new Error('expected an XmlValueError');
}

describe('scaled integers on devices (scaled.ts)', () => {
  it('reads every unit as exact KiB', () => {
    const cases: [string, number][] = [
      ['<m><size unit="b">2048</size></m>', 2],
      ['<m><size unit="bytes">4096</size></m>', 4],
      ['<m><size unit="KB">1024</size></m>', 1000],
      ['<m><size unit="k">3</size></m>', 3],
      ['<m><size unit="KiB">3</size></m>', 3],
      ['<m><size unit="MB">1024</size></m>', 1000000],
      ['<m><size unit="M">2</size></m>', 2048],
      ['<m><size unit="MiB">512</size></m>', 524288],
      ['<m><size unit="GB">1024</size></m>', 1000 ** 3],
      ['<m><size unit="G">1</size></m>', 1024 ** 2],
      ['<m><size unit="GiB">4</size></m>', 4 * 1024 ** 2],
      ['<m><size unit="TB">1</size></m>', 1000 ** 4 / 1024],
      ['<m><size unit="TiB">1</size></m>', 1024 ** 3],
    ];
    for (const [xml, kib] of cases) expect(readKiB(el(xml), SIZE), xml).to.equal(kib);
  });

  it('uses the default unit when the unit is absent or empty, and undefined when the value is', () => {
    expect(readKiB(el('<m><size>7</size></m>'), SIZE)).to.equal(7);
    expect(readKiB(el('<m><size unit="">7</size></m>'), SIZE)).to.equal(7);
    expect(readKiB(el('<m><source usage="2048"/></m>'), USAGE)).to.equal(2);
    expect(readKiB(el('<m/>'), SIZE)).to.equal(undefined);
    expect(readKiB(el('<m><source/></m>'), USAGE)).to.equal(undefined);
  });

  it('a size that is not whole KiB is an XmlValueError at the value, with line:column', () => {
    const e = readError('<m>\n  <size unit="bytes">1000</size></m>');
    expect(e.code).to.equal('XML_VALUE');
    expect(e.path).to.equal('/m/size');
    expect(e.detail).to.equal('1000 bytes is not a whole number of KiB');
    expect([e.line, e.column]).to.deep.equal([2, 3]);
    expect(e.raw).to.equal('1000');
  });

  it('an unknown unit is an XmlValueError at the unit attribute', () => {
    const e = readError('<m><size unit="ZiB">1</size></m>');
    expect(e.path).to.equal('/m/size/@unit');
    expect(e.detail).to.equal('unknown unit "ZiB"');
    expect(e.raw).to.equal('ZiB');
    expect(readError('<m><size unit="__proto__">1</size></m>').path).to.equal('/m/size/@unit');
  });

  it('a value that is not a base-10 non-negative integer is an error, hex and overflow included', () => {
    for (const v of ['0x10', '-1', '1.5', 'big', '']) {
      const e = readError(`<m><size>${v}</size></m>`);
      expect(e.path, v).to.equal('/m/size');
      expect(e.detail).to.equal(`"${v}" is not a non-negative integer`);
    }
    expect(readError('<m><size>99999999999999999999</size></m>').detail).to.match(
      /not a non-negative integer/,
    );
    expect(readError('<m><size unit="EiB">16</size></m>').detail).to.equal('16 EiB is too large');
  });

  it('writes KiB with unit="KiB", creating children in order; undefined removes both', () => {
    const e = el('<memory><target/><alias name="m"/></memory>');
    const write = writerFor(e, ['size', 'target', 'alias']);
    writeKiB(e, SIZE, 1536, write);
    expect(serialize(e)).to.equal('<memory><size unit="KiB">1536</size><target/><alias name="m"/></memory>');
    expect(readKiB(e, SIZE)).to.equal(1536);
    writeKiB(e, SIZE, undefined, write);
    expect(serialize(e)).to.equal('<memory><target/><alias name="m"/></memory>');
  });

  it('overwrites another unit, so the value read back is the value written', () => {
    const e = el('<memory><size unit="GiB">2</size></memory>');
    writeKiB(e, SIZE, 3, writerFor(e, []));
    expect(serialize(e)).to.equal('<memory><size unit="KiB">3</size></memory>');
  });

  it('refuses to write a negative or fractional KiB, leaving the element unchanged', () => {
    const xml = '<memory><size unit="GiB">2</size></memory>';
    for (const bad of [-1, 1.5, NaN, Number.MAX_SAFE_INTEGER + 1]) {
      const e = el(xml);
      expect(() => writeKiB(e, SIZE, bad, writerFor(e, []))).to.throw(
        XmlValueError,
        'is not a whole, non-negative number of KiB',
      );
      expect(serialize(e)).to.equal(xml);
    }
  });
});
