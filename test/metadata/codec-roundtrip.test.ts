/**
 * One property per codec: whatever value the encoder accepts, the decoder reads back equal; what
 * it refuses, it refuses with a library error, never another exception. Values include the
 * hostile shapes (deep nesting, long strings, ints near the digit limit, keys such as `__proto__`).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { isVmDevicesError } from '../../src/errors.js';
import { decodeGroup } from '../../src/metadata/descriptor-decode.js';
import { encodeGroup } from '../../src/metadata/descriptor-encode.js';
import { fromTypedJson, toTypedJson } from '../../src/metadata/typed-json.js';
import type { Dict, Value } from '../../src/metadata/value.js';
import {
  DEFAULT_MAX_INT_DIGITS,
  Tuple,
  dict,
  dictEntries,
  dictKeys,
  dictSet,
  isDict,
  valueEquals,
} from '../../src/metadata/value.js';
import { decodeXmlpickle } from '../../src/metadata/xmlpickle-decode.js';
import { encodeXmlpickleText } from '../../src/metadata/xmlpickle-encode.js';
import type { Element } from '../../src/xml/index.js';
import { createDocument, parseXml, serialize } from '../../src/xml/index.js';
import { NUM_RUNS, keyArb, scalar, text, valueArb } from '../helpers/value-arbitrary.js';

/** An int of `digits` decimal digits, either sign. */
const nearLimitInt = fc
  .tuple(fc.integer({ min: DEFAULT_MAX_INT_DIGITS - 2, max: DEFAULT_MAX_INT_DIGITS + 2 }), fc.boolean())
  .map(([digits, negative]) => (negative ? -1n : 1n) * (10n ** BigInt(digits - 1) + 7n));

const longString = fc
  .tuple(text, fc.integer({ min: 1000, max: 20_000 }))
  .map(([t, n]) => (t === '' ? 'x' : t).repeat(n).slice(0, n));

const key = fc.oneof(keyArb(), fc.constantFrom('a b', ' ', 'toString', 'valueOf'));

/** `inner` wrapped in `depth` containers of mixed kinds. */
function deep(maxDepth: number): fc.Arbitrary<Value> {
  return fc
    .tuple(fc.integer({ min: 0, max: maxDepth }), fc.oneof(scalar, fc.constant([] as Value)), key)
    .map(([depth, inner, k]) => {
      let v = inner;
      for (let i = 0; i < depth; i++) v = i % 3 === 0 ? [v] : i % 3 === 1 ? Tuple.of_([v]) : dict([[k, v]]);
      return v;
    });
}

const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: valueArb() },
  { weight: 1, arbitrary: deep(530) },
  { weight: 1, arbitrary: nearLimitInt },
  { weight: 1, arbitrary: longString },
);

const hostileDict: fc.Arbitrary<Dict> = fc
  .uniqueArray(fc.tuple(key, hostileValue), { selector: ([k]) => k, maxLength: 4 })
  .map((es) => dict(es));

/**
 * Encodes `v`; a refusal must be a library error. Returns what was written, or undefined when
 * refused.
 */
function encoded<T>(encode: () => T): T | undefined {
  try {
    return encode();
  } catch (e) {
    expect(isVmDevicesError(e), `not a library error: ${String(e)}`).to.equal(true);
    return undefined;
  }
}

/** `d` with its keys sorted, through and through (the descriptor writes leaves sorted). */
function sorted(v: Value): Value {
  if (!isDict(v)) return v;
  return dict(
    dictEntries(v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, sorted(x)] as const),
  );
}

describe('codec round trips (properties)', function () {
  this.timeout(300_000);

  it('xmlpickle: decode(encode(v)) equals v for every v the encoder accepts', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, hostileDict), fc.boolean(), (v, plain) => {
        const options = plain ? { namespace: null } : {};
        const xml = encoded(() => encodeXmlpickleText(v, options));
        if (xml !== undefined) expect(valueEquals(decodeXmlpickle(xml, options), v)).to.equal(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('typed JSON: fromTypedJson(toTypedJson(v)) equals v through JSON text', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, hostileDict), (v) => {
        const json = encoded(() => JSON.stringify(toTypedJson(v)));
        if (json !== undefined) expect(valueEquals(fromTypedJson(JSON.parse(json)), v)).to.equal(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('descriptor: decodeGroup(encodeGroup(g)) equals g for every group the encoder accepts', () => {
    // Ints over the digit limit and chains past the depth limit are in: the encoder must refuse them.
    const descriptorValue = fc.oneof(
      { weight: 4, arbitrary: valueArb() },
      { weight: 1, arbitrary: longString },
      { weight: 1, arbitrary: nearLimitInt },
    );
    const leaves = fc
      .uniqueArray(fc.tuple(key, descriptorValue), { selector: ([k]) => k, maxLength: 4 })
      .map((es) => dict(es));
    const data = fc.tuple(leaves, fc.integer({ min: 0, max: 530 })).map(([d, chain]) => {
      // diskReplicate in diskReplicate...: the one sub-key that nests without bound.
      let v = dict([['path', 'leaf']]);
      for (let i = 0; i < chain; i++) v = dict([['diskReplicate', v]]);
      if (chain > 0) dictSet(d, 'diskReplicate', v['diskReplicate'] as Value);
      return d;
    });
    fc.assert(
      fc.property(leaves, data, fc.boolean(), (values, entry, bare) => {
        const doc = createDocument('d', null);
        const input = { values, custom: dict(), entries: [{ attrs: {}, data: entry }] };
        const xml = encoded(() => serialize(encodeGroup(doc, input, { bare }).group));
        if (xml === undefined) return;
        const back = decodeGroup(parseXml(xml).documentElement as Element);
        expect(valueEquals(sorted(back.values), sorted(values))).to.equal(true);
        const data = back.entries[0]?.data ?? dict();
        if (dictKeys(entry).length > 0) expect(valueEquals(sorted(data), sorted(entry))).to.equal(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
