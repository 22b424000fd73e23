/**
 * Hostile shapes through the metadata layer, in small sizes (the real sizes are in
 * test/slow/limits.test.ts): long number texts, ints over the digit limit, deep nesting, keys
 * named after Object.prototype members. Each gives a typed error or a correct result.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { MetadataError, XmlLimitError } from '../../src/errors.js';
import { decodeGroup } from '../../src/metadata/descriptor-decode.js';
import { metaDict, metaInt } from '../../src/metadata/schema.js';
import { fromTypedJson, toTypedJson } from '../../src/metadata/typed-json.js';
import type { Dict, Value } from '../../src/metadata/value.js';
import {
  DEFAULT_MAX_INT_DIGITS,
  Float,
  Tuple,
  UnreadableValue,
  dict,
  dictKeys,
  frozenCopy,
  intProblem,
  parseFloatText,
  parseIntText,
  valueEquals,
} from '../../src/metadata/value.js';
import { decodeXmlpickle } from '../../src/metadata/xmlpickle-decode.js';
import { encodeXmlpickleText } from '../../src/metadata/xmlpickle-encode.js';
import type { Element } from '../../src/xml/index.js';
import { parseXml } from '../../src/xml/index.js';
import { thrown } from '../helpers/errors.js';
import { NUM_RUNS } from '../helpers/value-arbitrary.js';

/** `inner` in `depth` lists. */
function nested(depth: number, inner: Value = 'bottom'): Value {
  let v = inner;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function pickle(type: string, text: string): string {
  return `<pyxmlpickle><value type="dict">\n<item key="n" type="${type}">${text}</item></value></pyxmlpickle>`;
}

function group(inner: string): Element {
  return parseXml(`<vm>\n${inner}</vm>`).documentElement as Element;
}

const LIMIT = DEFAULT_MAX_INT_DIGITS;

describe('hostile metadata', () => {
  describe('number texts: one linear scan', () => {
    it('reads 100,000 `1_` groups as Python does, int and float', () => {
      const text = '1_'.repeat(100_000) + '1';
      expect(parseIntText(text)).to.equal(undefined);
      expect(String(parseIntText(text, 0))).to.equal('1'.repeat(100_001));
      expect(parseFloatText(text)).to.equal(Infinity);
      expect(parseFloatText(`0.${text}`)).to.be.closeTo(0.1111111, 1e-6);
      expect(parseFloatText(`${text}e-100000`)).to.be.closeTo(1.111111, 1e-6);
    });

    it('refuses a misplaced `_` anywhere in a long text', () => {
      for (const text of [
        '1_'.repeat(1000),
        '_1'.repeat(1000),
        '1__1'.repeat(1000),
        '1_'.repeat(1000) + '.',
      ]) {
        expect(parseIntText(text, 0)).to.equal(undefined);
        expect(parseFloatText(text)).to.equal(undefined);
      }
    });
  });

  describe(`ints over ${LIMIT} digits (Python's int_max_str_digits)`, () => {
    const atLimit = '9'.repeat(LIMIT);
    const over = '1' + '0'.repeat(LIMIT);

    it('are read up to the limit, `_`, sign and whitespace not counted', () => {
      expect(parseIntText(atLimit)).to.equal(BigInt(atLimit));
      expect(parseIntText(` -${atLimit.replace(/9/g, '9_').slice(0, -1)} `)).to.equal(-BigInt(atLimit));
      expect(parseIntText(over)).to.equal(undefined);
      expect(parseIntText(over, LIMIT + 1)).to.equal(BigInt(over));
      expect(parseIntText('0'.repeat(LIMIT + 1))).to.equal(undefined);
    });

    it('are refused by the xmlpickle decoder with the path, line:column and source', () => {
      const e = thrown(() => decodeXmlpickle(pickle('int', over), { namespace: null, source: 'p.xml' }));
      expect(e).to.be.instanceOf(MetadataError);
      expect(e).to.include({ code: 'METADATA_VALUE', path: 'n', line: 2, source: 'p.xml' });
      expect(e.column).to.be.a('number');
      expect(e.detail).to.equal(`an int of ${LIMIT + 1} digits is over the limit of ${LIMIT} (maxIntDigits)`);
      const v = decodeXmlpickle(pickle('int', over), { namespace: null, maxIntDigits: 0 }) as Dict;
      expect(v['n']).to.equal(BigInt(over));
    });

    it('are kept as written when read leniently', () => {
      const problems: MetadataError[] = [];
      const v = decodeXmlpickle(pickle('int', over), {
        namespace: null,
        onUnreadable: (p) => problems.push(p),
      }) as Dict;
      expect(v['n']).to.be.instanceOf(UnreadableValue).and.to.include({ text: over, type: 'int' });
      expect(problems.map((p) => p.path)).to.deep.equal(['n']);
    });

    it('are refused by the descriptor decoder, as ints and as bools', () => {
      for (const type of ['int', 'bool']) {
        const e = thrown(() => decodeGroup(group(`<n type="${type}">${over}</n>`), { source: 'g.xml' }));
        expect(e).to.include({ code: 'METADATA_VALUE', path: 'n', line: 2, source: 'g.xml' });
        expect(e.detail).to.contain('over the limit');
      }
      const g = decodeGroup(group(`<n type="int">${over}</n>`), { maxIntDigits: LIMIT + 1 });
      expect(g.values['n']).to.equal(BigInt(over));
    });

    it('are refused by typed JSON both ways', () => {
      expect(thrown(() => fromTypedJson({ a: { $int: over } })).path).to.equal('a');
      expect(fromTypedJson({ $int: over }, '', { maxIntDigits: 0 })).to.equal(BigInt(over));
      expect(thrown(() => toTypedJson(dict([['a', BigInt(over)]]))).path).to.equal('a');
      expect(toTypedJson(BigInt(over), { maxIntDigits: 0 })).to.deep.equal({ $int: over });
    });

    it('are refused at encode time by xmlpickle: it never writes what it cannot read back', () => {
      const e = thrown(() => encodeXmlpickleText(dict([['a', [-BigInt(over)]]])));
      expect(e).to.include({ code: 'METADATA_VALUE', path: 'a[0]' });
      expect(encodeXmlpickleText(BigInt(over), { maxIntDigits: 0 })).to.contain(over);
      expect(decodeXmlpickle(encodeXmlpickleText(-BigInt(atLimit)))).to.equal(-BigInt(atLimit));
      // The limit applies to every int, small ones included, when set that low.
      expect(thrown(() => encodeXmlpickleText(123, { maxIntDigits: 2 })).code).to.equal('METADATA_VALUE');
    });

    it('intProblem counts decimal digits exactly near the limit (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: LIMIT - 5, max: LIMIT + 5 }),
          fc.bigInt({ min: 1n, max: 9n }),
          (n, lead) => {
            const v = lead * 10n ** BigInt(n - 1) + (lead === 9n ? 10n ** BigInt(n - 1) - 1n : 0n);
            const digits = v.toString().length;
            expect(intProblem(v) === undefined).to.equal(digits <= LIMIT);
            expect(intProblem(-v) === undefined).to.equal(digits <= LIMIT);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('deep values', () => {
    it('valueEquals and frozenCopy walk 3,000 levels without recursion', () => {
      const make = (): Value => {
        let v: Value = new Float(1);
        for (let i = 0; i < 3000; i++)
          v =
            i % 4 === 0 ? dict([['k', v]]) : i % 4 === 1 ? Tuple.of_([v]) : i % 4 === 2 ? new Set([v]) : [v];
        return v;
      };
      const a = make();
      expect(valueEquals(a, make())).to.equal(true);
      expect(valueEquals(a, nested(3000))).to.equal(false);
      const copy = frozenCopy(a);
      expect(copy).to.not.equal(a);
      expect(valueEquals(copy, a)).to.equal(true);
      expect(Object.isFrozen(copy)).to.equal(true);
    });

    it('valueEquals and frozenCopy end on a value that contains itself', () => {
      const a: Value[] = [];
      a.push(a);
      const b: Value[] = [];
      b.push(b);
      expect(valueEquals(a, b)).to.equal(true);
      const copy = frozenCopy(a);
      expect(copy[0]).to.equal(copy);
    });

    it('valueEquals compares sets as multisets of members, whatever their order', () => {
      const s = (...xs: Value[]): Set<Value> => new Set(xs);
      expect(valueEquals(s(Tuple.of_([1, 2]), 'a'), s('a', Tuple.of_([1, 2])))).to.equal(true);
      expect(valueEquals(s([1], [1], [2]), s([1], [2], [2]))).to.equal(false);
      expect(valueEquals(s(1), s(1n))).to.equal(false);
      expect(valueEquals(s(new Float(4)), s(4))).to.equal(false);
      expect(valueEquals(s(s(1, 2)), s(s(2, 1)))).to.equal(true);
    });

    it('typed JSON reads and writes 512 levels and refuses 513 with the path', () => {
      let j: unknown = 1;
      for (let i = 0; i < 512; i++) j = i % 2 === 0 ? [j] : { $tuple: [j] };
      const v = fromTypedJson(j);
      expect(JSON.parse(JSON.stringify(toTypedJson(v)))).to.deep.equal(j);
      const e = thrown(() => fromTypedJson({ a: [j] }));
      expect(e).to.include({ code: 'METADATA_VALUE' });
      expect(e.path).to.match(/^a(\[0\]){511}$/);
      expect(thrown(() => toTypedJson(nested(513))).path).to.match(/^(\[0\]){512}$/);
      expect(thrown(() => fromTypedJson(JSON.parse('['.repeat(2000) + ']'.repeat(2000)))).code).to.equal(
        'METADATA_VALUE',
      );
      // Tagged scalars are not containers: the innermost list may hold one at the limit.
      expect(fromTypedJson(JSON.parse(JSON.stringify(toTypedJson(nested(512, 2n ** 64n)))))).to.satisfy(
        (x: Value) => valueEquals(x, nested(512, 2n ** 64n)),
      );
    });

    it('xmlpickle writes exactly what its decoder reads: 512 elements deep, root and <value> counted', () => {
      // 1 (root) + 510 containers + 1 leaf item.
      const deepest = nested(510);
      expect(valueEquals(decodeXmlpickle(encodeXmlpickleText(deepest)), deepest)).to.equal(true);
      const empty = nested(510, []);
      expect(valueEquals(decodeXmlpickle(encodeXmlpickleText(empty)), empty)).to.equal(true);
      for (const tooDeep of [nested(511), nested(511, [])]) {
        const e = thrown(() => encodeXmlpickleText(tooDeep));
        expect(e).to.include({ code: 'METADATA_SHAPE' });
        expect(e.path).to.match(/^(\[0\]){510}$/);
      }
      const e = thrown(() => encodeXmlpickleText(nested(40), { maxDepth: 20 }));
      expect(e.path).to.match(/^(\[0\]){18}$/);
      expect(
        thrown(() => decodeXmlpickle(encodeXmlpickleText(nested(40)), { maxDepth: 20 })),
      ).to.be.instanceOf(XmlLimitError);
    });
  });

  describe('keys named after Object.prototype members', () => {
    it('typed JSON does not take them for float words or tags', () => {
      for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        expect(thrown(() => fromTypedJson({ $float: word })).code).to.equal('METADATA_VALUE');
      }
      const v = fromTypedJson(JSON.parse('{"__proto__": 1, "constructor": {"toString": 2}}')) as Dict;
      expect(dictKeys(v)).to.deep.equal(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(v)).to.equal(null);
    });

    it('schema dicts keep every key, in the document order', () => {
      const codec = metaDict('d', { size: metaInt });
      const input = dict([
        ['b', 1],
        ['__proto__', 'p'],
        ['size', '2'],
        ['7', 'seven'],
      ]);
      const out = codec.decode(input);
      expect(out._tag).to.equal('Right');
      const d = (out as { right: Dict }).right;
      expect(dictKeys(d)).to.deep.equal(['b', '__proto__', 'size', '7']);
      expect(d['size']).to.equal(2);
      expect(Object.getPrototypeOf(d)).to.equal(null);
    });
  });

  describe('messages', () => {
    it('quote a long bad text only in part', () => {
      const text = '1'.repeat(10_000) + 'x';
      const e = thrown(() => decodeXmlpickle(pickle('float', text), { namespace: null }));
      expect(e.message.length).to.be.below(200);
      const d = thrown(() => decodeGroup(group(`<n type="float">${text}</n>`)));
      expect(d.message.length).to.be.below(200);
    });
  });
});
