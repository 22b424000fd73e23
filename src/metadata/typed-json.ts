/**
 * Typed JSON: the value model as JSON, lossless. JSON scalars where that is lossless; otherwise
 * `{"$float": 4}` (integral float), `{"$float": "nan"|"inf"|"-inf"|"-0.0"}`, `{"$int": "123..."}`
 * (beyond 2^53), `{"$tuple": [..]}`, `{"$set": [..]}`, `{"$xml": "<...>"}` (a kept element), and
 * `{"$dict": {..}}` for a dict that has a key starting with `$`.
 */
import { MetadataError } from '../errors.js';
import { parseXml } from '../xml/dom.js';
import type { Dict, Value } from './value.js';
import { Float, RawXml, Tuple, dict, dictEntries, intValue } from './value.js';

export type TypedJson = null | boolean | number | string | TypedJson[] | { [key: string]: TypedJson };

export function toTypedJson(v: Value): TypedJson {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    return Number.isInteger(v) || Number.isFinite(v) ? v : ({ $float: String(v) } as TypedJson);
  }
  if (typeof v === 'bigint') return { $int: v.toString() };
  if (v instanceof Float) return v.toJSON() as TypedJson;
  if (v instanceof RawXml) return { $xml: v.xml };
  if (v instanceof Tuple) return { $tuple: v.map(toTypedJson) };
  if (Array.isArray(v)) return v.map(toTypedJson);
  if (v instanceof Set) return { $set: [...v].map(toTypedJson) };
  const entries = dictEntries(v);
  const obj = Object.create(null) as Record<string, TypedJson>;
  let dollar = false;
  for (const [k, x] of entries) {
    if (k.startsWith('$')) dollar = true;
    obj[k] = toTypedJson(x);
  }
  return dollar ? { $dict: obj } : obj;
}

function fail(path: string, detail: string): never {
  throw new MetadataError('METADATA_VALUE', detail, { path: path === '' ? '(value)' : path });
}

const FLOAT_WORDS: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0.0': -0 };

/** Decodes typed JSON (as parsed by JSON.parse) into the value model. */
export function fromTypedJson(j: unknown, path = ''): Value {
  if (typeof j === 'string' || typeof j === 'boolean') return j;
  if (typeof j === 'number') {
    if (Number.isInteger(j) && !Number.isSafeInteger(j)) {
      fail(path, `${j} is beyond 2^53: write it as {"$int": "..."} to keep it exact`);
    }
    return j;
  }
  if (j === null) fail(path, 'null is not a metadata value');
  if (Array.isArray(j)) return j.map((x, i) => fromTypedJson(x, `${path}[${i}]`));
  if (typeof j !== 'object') fail(path, `unsupported JSON value ${typeof j}`);
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o);
  const tag = keys.length === 1 ? keys[0] : undefined;
  const inner = tag !== undefined ? o[tag] : undefined;
  switch (tag) {
    case '$float':
      if (typeof inner === 'number') return new Float(inner);
      if (typeof inner === 'string' && inner in FLOAT_WORDS) return new Float(FLOAT_WORDS[inner] as number);
      return fail(path, `$float takes a number or "nan", "inf", "-inf", "-0.0"`);
    case '$int':
      if (typeof inner === 'string' && /^-?\d+$/.test(inner)) return intValue(inner);
      return fail(path, '$int takes a string of decimal digits');
    case '$tuple':
      if (!Array.isArray(inner)) return fail(path, '$tuple takes a list');
      return Tuple.of_(inner.map((x, i) => fromTypedJson(x, `${path}[${i}]`)));
    case '$set':
      if (!Array.isArray(inner)) return fail(path, '$set takes a list');
      return new Set(inner.map((x, i) => fromTypedJson(x, `${path}[${i}]`)));
    case '$xml':
      if (typeof inner !== 'string') return fail(path, '$xml takes a string');
      return new RawXml(parseXml(inner, { source: path }).documentElement as NonNullable<ReturnType<typeof parseXml>['documentElement']>);
    case '$dict':
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return fail(path, '$dict takes an object');
      return plainDict(inner as Record<string, unknown>, path);
    default:
      if (tag !== undefined && tag.startsWith('$')) fail(path, `unknown typed JSON tag ${tag}`);
      return plainDict(o, path);
  }
}

function plainDict(o: Record<string, unknown>, path: string): Dict {
  // Object.keys gives integer-like keys first: JSON.parse already lost their order, so the order
  // kept is JSON.parse's. Keys such as "__proto__" are own properties of parsed JSON and stay keys.
  return dict(Object.keys(o).map((k) => [k, fromTypedJson(o[k], path === '' ? k : `${path}.${k}`)] as const));
}
