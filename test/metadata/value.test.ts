import { expect } from 'chai';
import fc from 'fast-check';
import type { Dict, Value } from '../../src/metadata/value.js';
import {
  Float,
  RawXml,
  Tuple,
  UnreadableValue,
  dict,
  dictDelete,
  dictEntries,
  dictKeys,
  dictSet,
  displayPath,
  findUnreadable,
  floatValue,
  formatFloat,
  freezeValue,
  frozenCopy,
  hasKey,
  indexPath,
  intValue,
  isDict,
  isScalar,
  keyPath,
  parseBoolText,
  parseFloatText,
  parseIntText,
  valueEquals,
} from '../../src/metadata/value.js';
import { parseXml } from '../../src/xml/index.js';
import { NUM_RUNS } from '../helpers/value-arbitrary.js';

describe('value model', () => {
  describe('formatFloat (Python repr)', () => {
    const cases: [number, string][] = [
      [4, '4.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [0.0001, '0.0001'],
      [1e-5, '1e-05'],
      [0.00001234, '1.234e-05'],
      [-2.5e-7, '-2.5e-07'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [9999999999999998, '9999999999999998.0'],
      [1.2345678901234568e17, '1.2345678901234568e+17'],
      [123456789012345, '123456789012345.0'],
      [0.1 + 0.2, '0.30000000000000004'],
      [100, '100.0'],
      [1.5, '1.5'],
      [-1.5, '-1.5'],
      [1e22, '1e+22'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [NaN, 'nan'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
    ];
    for (const [v, text] of cases) {
      it(`${String(v)} -> ${text}`, () => {
        expect(formatFloat(v)).to.equal(text);
      });
    }

    it('is read back exactly by parseFloatText (property)', () => {
      fc.assert(
        fc.property(fc.double(), (x) => {
          const back = parseFloatText(formatFloat(x));
          expect(back).to.be.a('number');
          expect(Object.is(back, x) || (Number.isNaN(back) && Number.isNaN(x))).to.equal(true);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('parseIntText (Python int())', () => {
    const accepted: [string, number | bigint][] = [
      ['0', 0],
      ['42', 42],
      ['-5', -5],
      ['+7', 7],
      [' 42\n', 42],
      ['1_000_000', 1000000],
      ['007', 7],
      ['-0', 0],
      ['9007199254740991', 9007199254740991],
      ['9007199254740992', 9007199254740992n],
      ['-9007199254740992', -9007199254740992n],
      ['123456789012345678901234567890', 123456789012345678901234567890n],
    ];
    for (const [text, want] of accepted) {
      it(`accepts ${JSON.stringify(text)}`, () => {
        expect(parseIntText(text)).to.equal(want);
      });
    }
    // ASCII digits only: Python also takes other Unicode decimal digits; no writer produces them.
    for (const text of [
      '',
      ' ',
      '4.0',
      '0x10',
      '1e3',
      '1__0',
      '_1',
      '1_',
      '- 1',
      '++1',
      'one',
      '\u0661\u0662',
      '1 2',
    ]) {
      it(`rejects ${JSON.stringify(text)}`, () => {
        expect(parseIntText(text)).to.equal(undefined);
      });
    }
  });

  describe('parseFloatText (Python float())', () => {
    const accepted: [string, number][] = [
      ['1.5', 1.5],
      [' 2 ', 2],
      ['1e3', 1000],
      ['1E-3', 0.001],
      ['.5', 0.5],
      ['5.', 5],
      ['1.e2', 100],
      ['+0.25', 0.25],
      ['-0.0', -0],
      ['1_000.5', 1000.5],
      ['1.5_0', 1.5],
      ['inf', Infinity],
      ['-inf', -Infinity],
      ['+Infinity', Infinity],
      ['iNF', Infinity],
      ['nan', NaN],
      ['-NaN', NaN],
      ['0.30000000000000004', 0.30000000000000004],
    ];
    for (const [text, want] of accepted) {
      it(`accepts ${JSON.stringify(text)}`, () => {
        const v = parseFloatText(text);
        expect(Object.is(v, want) || (Number.isNaN(want) && Number.isNaN(v))).to.equal(true);
      });
    }
    const rejected = [
      '',
      ' ',
      'abc',
      '1.2.3',
      '0x10',
      'e5',
      '.',
      '1e',
      '1e+',
      'infinit',
      'nana',
      '1__0',
      '_1',
      '1._5',
      'true',
      '1 2',
    ];
    for (const text of [...rejected, '1'.repeat(500) + 'x']) {
      it(`rejects ${JSON.stringify(text.length > 20 ? `${text.slice(0, 8)}...${text.slice(-4)}` : text)}`, () => {
        expect(parseFloatText(text)).to.equal(undefined);
      });
    }
  });

  describe('parseBoolText', () => {
    it('accepts true and false in any case, nothing else', () => {
      expect(['true', 'True', 'TRUE', 'tRuE'].map(parseBoolText)).to.deep.equal([true, true, true, true]);
      expect(['false', 'False', 'FALSE'].map(parseBoolText)).to.deep.equal([false, false, false]);
      for (const text of ['', '1', '0', 'yes', 'no', ' true', 'true ', 'truee', 'on', 't']) {
        expect(parseBoolText(text), JSON.stringify(text)).to.equal(undefined);
      }
    });
  });

  describe('canonical ints and floats', () => {
    it('intValue: a number while safe, a bigint beyond', () => {
      expect(intValue('42')).to.equal(42);
      expect(intValue(42n)).to.equal(42);
      expect(intValue(-(2n ** 53n) + 1n)).to.equal(-9007199254740991);
      expect(intValue(2n ** 53n)).to.equal(2n ** 53n);
    });

    it('floatValue: a number when not integral, a Float for 4.0, -0.0, nan, inf', () => {
      expect(floatValue(0.5)).to.equal(0.5);
      for (const x of [4, 0, -0, NaN, Infinity, -Infinity, 1e300]) {
        const f = floatValue(x);
        expect(f).to.be.instanceOf(Float);
        expect(Object.is((f as Float).value, x)).to.equal(true);
      }
    });

    it('Float keeps its number and writes typed JSON', () => {
      expect(new Float(4).valueOf()).to.equal(4);
      expect(JSON.stringify([new Float(4), new Float(NaN), new Float(-Infinity), new Float(-0)])).to.equal(
        '[{"$float":4},{"$float":"nan"},{"$float":"-inf"},{"$float":"-0.0"}]',
      );
    });
  });

  describe('Tuple', () => {
    it('is an array that array methods turn into plain arrays', () => {
      const t = Tuple.of_([1, 2, 3]);
      expect(Array.isArray(t)).to.equal(true);
      expect(t).to.be.instanceOf(Tuple);
      expect([...t]).to.deep.equal([1, 2, 3]);
      const mapped = t.map((x) => x);
      expect(mapped).to.not.be.instanceOf(Tuple);
      expect(t.slice(1)).to.not.be.instanceOf(Tuple);
    });
  });

  describe('dict', () => {
    it('keeps insertion order, integer-like keys included', () => {
      const d = dict([
        ['b', 1],
        ['2', 2],
        ['a', 3],
        ['1', 4],
        ['', 5],
      ]);
      expect(dictKeys(d)).to.deep.equal(['b', '2', 'a', '1', '']);
      expect(Object.keys(d)).to.not.deep.equal(dictKeys(d)); // what a plain object would give
      expect(dictEntries(d)).to.deep.equal([
        ['b', 1],
        ['2', 2],
        ['a', 3],
        ['1', 4],
        ['', 5],
      ]);
    });

    it('a repeated key keeps its first place and its last value', () => {
      const d = dict([
        ['x', 1],
        ['y', 2],
        ['x', 3],
      ]);
      expect(dictEntries(d)).to.deep.equal([
        ['x', 3],
        ['y', 2],
      ]);
    });

    it('dictSet keeps the place of a present key and appends a new one; dictDelete forgets it', () => {
      const d = dict([
        ['1', 'a'],
        ['b', 'b'],
      ]);
      dictSet(d, '1', 'A');
      dictSet(d, '0', 'z');
      expect(dictEntries(d)).to.deep.equal([
        ['1', 'A'],
        ['b', 'b'],
        ['0', 'z'],
      ]);
      dictDelete(d, '1');
      expect(dictKeys(d)).to.deep.equal(['b', '0']);
      expect(hasKey(d, '1')).to.equal(false);
      dictSet(d, '1', 'again');
      expect(dictKeys(d)).to.deep.equal(['b', '0', '1']);
    });

    it('keys added by plain assignment come after the recorded ones', () => {
      const d = dict([['b', 1]]);
      d['a'] = 2;
      expect(dictKeys(d)).to.deep.equal(['b', 'a']);
    });

    it('treats __proto__, constructor and prototype as ordinary keys', () => {
      const d = dict([
        ['__proto__', dict([['polluted', true]])],
        ['constructor', 'c'],
        ['prototype', 'p'],
      ]);
      expect(Object.getPrototypeOf(d)).to.equal(null);
      expect(dictKeys(d)).to.deep.equal(['__proto__', 'constructor', 'prototype']);
      expect(hasKey(d, '__proto__')).to.equal(true);
      expect(hasKey(dict(), 'toString')).to.equal(false);
      expect(hasKey(dict(), '__proto__')).to.equal(false);
      // A plain object given to dictSet does not get a new prototype either.
      const plain: Dict = {};
      dictSet(plain, '__proto__', dict([['polluted', true]]));
      expect(Object.getPrototypeOf(plain)).to.equal(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(plain, '__proto__')).to.equal(true);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });

    it('isDict takes prototype-free and plain objects only', () => {
      expect(isDict(dict())).to.equal(true);
      expect(isDict({ a: 1 })).to.equal(true);
      const others: unknown[] = [
        [],
        new Tuple(),
        new Set(),
        new Map(),
        new Float(1),
        new Date(0),
        null,
        'x',
        1,
      ];
      others.forEach((v, i) => {
        expect(isDict(v), `case ${i}`).to.equal(false);
      });
      expect(isDict(new RawXml(parseXml('<a/>').documentElement!))).to.equal(false);
    });

    it('isScalar', () => {
      for (const v of ['', 1, 1.5, true, 1n, new Float(4), new UnreadableValue('x', 'int', 'bad')])
        expect(isScalar(v)).to.equal(true);
      for (const v of [[], dict(), new Set(), null, undefined]) expect(isScalar(v)).to.equal(false);
    });
  });

  describe('valueEquals', () => {
    it('compares floats by value, NaN equal to NaN, -0.0 apart from 0.0', () => {
      expect(valueEquals(new Float(NaN), new Float(NaN))).to.equal(true);
      expect(valueEquals(new Float(-0), new Float(0))).to.equal(false);
      expect(valueEquals(new Float(4), 4)).to.equal(false);
      expect(valueEquals(1n, 1)).to.equal(false);
    });

    it('keeps list, tuple and set apart; sets in any order', () => {
      expect(valueEquals([1, 2], Tuple.of_([1, 2]))).to.equal(false);
      expect(valueEquals([1, 2], [2, 1])).to.equal(false);
      expect(valueEquals(new Set<Value>([1, 'a']), new Set<Value>(['a', 1]))).to.equal(true);
      expect(valueEquals(new Set<Value>([1, 'a']), new Set<Value>(['a', 2]))).to.equal(false);
      expect(
        valueEquals(
          new Set<Value>([new Float(4), new Float(4)]),
          new Set<Value>([new Float(4), new Float(5)]),
        ),
      ).to.equal(false);
      expect(valueEquals(new Set<Value>([1]), [1])).to.equal(false);
    });

    it('compares dicts with their key order', () => {
      const ab = dict([
        ['a', 1],
        ['b', 2],
      ]);
      const ba = dict([
        ['b', 2],
        ['a', 1],
      ]);
      expect(valueEquals(ab, ab)).to.equal(true);
      expect(valueEquals(ab, ba)).to.equal(false);
      expect(valueEquals(ab, dict([['a', 1]]))).to.equal(false);
      expect(valueEquals(dict(), [])).to.equal(false);
    });

    it('compares kept XML by its text', () => {
      const a = new RawXml(parseXml('<x a="1"/>').documentElement!);
      const b = new RawXml(parseXml('<x a="1"/>').documentElement!);
      const c = new RawXml(parseXml('<x a="2"/>').documentElement!);
      expect(a.xml).to.equal('<x a="1"/>');
      expect(valueEquals(a, b)).to.equal(true);
      expect(valueEquals(a, c)).to.equal(false);
      expect(valueEquals(a, '<x a="1"/>')).to.equal(false);
    });
  });

  describe('values kept unread, and read-only values', () => {
    it('an unreadable value is frozen and equals another of the same text and type', () => {
      const v = new UnreadableValue('abc', 'int', '"abc" is not a valid int', { line: 3, column: 5 });
      expect(Object.isFrozen(v)).to.equal(true);
      expect(Object.isFrozen(v.at)).to.equal(true);
      expect(valueEquals(v, new UnreadableValue('abc', 'int', 'another reason'))).to.equal(true);
      expect(valueEquals(v, new UnreadableValue('abc', 'float', ''))).to.equal(false);
      expect(valueEquals(v, 'abc')).to.equal(false);
    });

    it('findUnreadable gives the first one and its path', () => {
      const bad = new UnreadableValue('x', 'bool', 'bad');
      const v = dict([
        ['a', [1, dict([['b', bad]])]],
        ['c', new UnreadableValue('y', 'int', 'bad')],
      ]);
      expect(findUnreadable(v, 'top')).to.deep.equal({ value: bad, path: 'top.a[1].b' });
      expect(findUnreadable(dict([['a', [1]]]))).to.equal(undefined);
    });

    it('freezeValue makes a value read-only through, in place; sets become read-only sets', () => {
      const tuple = Tuple.of_([1]);
      const inner = dict([['k', tuple]]);
      const v = freezeValue(dict([['0', 'index-like key first']])) as Dict;
      expect(() => dictSet(v, 'z', 1)).to.throw(TypeError);
      const w = freezeValue([inner, new Set<Value>(['a'])]) as Value[];
      expect(w[0]).to.equal(inner);
      expect(() => tuple.push(2)).to.throw(TypeError);
      expect(() => (w[1] as Set<Value>).add('b')).to.throw(TypeError);
      expect(() => (w[1] as Set<Value>).clear()).to.throw(TypeError);
      expect(valueEquals(w[1]!, new Set<Value>(['a']))).to.equal(true);
    });

    it('frozenCopy leaves the original as it is', () => {
      const original = dict([['list', [1, dict([['a', 'b']])]]]);
      const copy = frozenCopy(original);
      expect(valueEquals(copy, original)).to.equal(true);
      expect(() => (copy['list'] as Value[]).push(2)).to.throw(TypeError);
      (original['list'] as Value[]).push(2);
      expect(Object.isFrozen(original['list'])).to.equal(false);
      expect((copy['list'] as Value[]).length).to.equal(2);
    });
  });

  describe('value paths', () => {
    it('follow the design grammar, quoting keys that would read ambiguously', () => {
      let p = keyPath('', 'devices');
      p = indexPath(p, 1);
      p = keyPath(p, 'volumeChain');
      p = indexPath(p, 0);
      expect(keyPath(p, 'leaseOffset')).to.equal('devices[1].volumeChain[0].leaseOffset');
      expect(keyPath('specParams', 'a.b')).to.equal('specParams["a.b"]');
      expect(keyPath('', '')).to.equal('[""]');
      expect(keyPath('x', '0')).to.equal('x["0"]');
      expect(keyPath('x', 'display_network')).to.equal('x.display_network');
      expect(indexPath('', 3)).to.equal('[3]');
      expect(displayPath('')).to.equal('(value)');
      expect(displayPath('a')).to.equal('a');
    });
  });
});
