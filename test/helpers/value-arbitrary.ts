/**
 * fast-check arbitraries for the metadata value model (value.ts): every kind of value, with the
 * awkward cases weighted in (empty and XML-normalized strings, integer-like and `__proto__` keys,
 * ints beyond 2^53, integral/-0/nan/inf floats).
 */
import fc from 'fast-check';
import type { Dict, Value } from '../../src/metadata/value.js';
import { Float, Tuple, dict, formatFloat } from '../../src/metadata/value.js';
import { findInvalidXmlChar } from '../../src/xml/index.js';

/** Runs per property: at least 1000 in CI. */
export const NUM_RUNS = process.env['CI'] ? 1000 : 200;

/** One character XML can carry, often one that XML normalizes or escapes. */
export const xmlChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => findInvalidXmlChar(c) === -1),
  fc.constantFrom(
    '\u2028',
    '\u2029',
    '\u0085',
    '\r',
    '\n',
    '\t',
    ' ',
    '<',
    '&',
    '>',
    '"',
    "'",
    ']',
    '\u00a0',
  ),
);

export const text = fc.string({ unit: xmlChar, maxLength: 12 });

/** Dict keys, with the awkward ones weighted in (integer-like keys, which JS objects reorder). */
export function keyArb(): fc.Arbitrary<string> {
  const special = [
    '__proto__',
    'constructor',
    'prototype',
    '',
    '$x',
    '$float',
    'a.b',
    'hasOwnProperty',
    '-1',
    '01',
  ];
  return fc.oneof(text, fc.constantFrom(...special, '0', '1', '10'));
}

export type ScalarValue = string | number | bigint | boolean | Float;

export const scalar: fc.Arbitrary<ScalarValue> = fc.oneof(
  text,
  fc.maxSafeInteger(),
  fc.oneof(
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 128n }),
    fc.bigInt({ min: -(2n ** 128n), max: -(2n ** 53n) }),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc
    .oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => Number.isInteger(x)),
      fc.constantFrom(NaN, Infinity, -Infinity, -0, 0),
    )
    .map((x) => new Float(x)),
  fc.boolean(),
);

/** Set members are unique by type and text, as the codecs compare them. */
function memberKey(v: ScalarValue): string {
  return v instanceof Float ? `float:${formatFloat(v.value)}` : `${typeof v}:${String(v)}`;
}

/** Any value of the model but RawXml: lists, tuples, sets of scalars, ordered dicts, nested. */
export function valueArb(): fc.Arbitrary<Value> {
  const key = keyArb();
  return fc.letrec<{ value: Value; list: Value[]; tuple: Tuple; set: Set<Value>; dict: Dict }>((tie) => ({
    value: fc.oneof({ maxDepth: 4 }, scalar, tie('list'), tie('tuple'), tie('set'), tie('dict')),
    list: fc.array(tie('value'), { maxLength: 4 }),
    tuple: fc.array(tie('value'), { maxLength: 4 }).map((xs) => Tuple.of_(xs)),
    set: fc.uniqueArray(scalar, { selector: memberKey, maxLength: 5 }).map((xs) => new Set<Value>(xs)),
    dict: fc
      .uniqueArray(fc.tuple(key, tie('value')), { selector: ([k]) => k, maxLength: 5 })
      .map((e) => dict(e)),
  })).value;
}
