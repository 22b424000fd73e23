/**
 * Typed JSON: the value model as JSON, lossless. JSON scalars where that is lossless; otherwise
 * `{"$float": 4}` (integral float), `{"$float": "nan"|"inf"|"-inf"|"-0.0"}`, `{"$int": "123..."}`
 * (beyond 2^53), `{"$tuple": [..]}`, `{"$set": [..]}`, `{"$xml": "<...>"}` (a kept element),
 * `{"$unreadable": {"type": "int", "text": "abc"}}` (a leaf lenient decoding kept as written),
 * `{"$dict": {..}}` for a dict that has a key starting with `$`, and `{"$dict": [[key, value], ..]}`
 * for a dict whose order a JSON object would change: objects (`JSON.parse`'s included) list
 * integer-like keys first, so `{"b": 1, "2": 2}` is written `{"$dict": [["b", 1], ["2", 2]]}`.
 * A dict with attributes kept beside it (keepAttributes: `unit="MiB"` on a leaf, `version="1"` on
 * the group) is always in the `$dict` form, with them in a second member, as `[name, value]` pairs:
 * `{"$dict": .., "$attributes": {"own": [["version", "1"]], "keys": {"size": [["unit", "MiB"]]}}}`
 * (`own`: the dict's own element; `keys`: the element each key was read from; either may be left
 * out). Own attributes are not under a key, since any string, `""` included, can be a key.
 * Both ways, containers nest at most 512 deep and ints have at most `maxIntDigits` digits.
 */
import { MetadataError } from '../errors.js';
import { DEFAULT_MAX_DEPTH, parseXml } from '../xml/dom.js';
import { isNCName } from '../xml/names.js';
import type { Attributes, Dict, Value } from './value.js';
import {
  DEFAULT_MAX_INT_DIGITS,
  dict,
  dictEntries,
  dictKeys,
  dictSet,
  displayPath,
  Float,
  floatValue,
  hasKey,
  indexPath,
  intProblem,
  intTextProblem,
  intValue,
  isDict,
  keepAttributes,
  keptAttributes,
  keyPath,
  nullObject,
  objectKeepsOrder,
  RawXml,
  Tuple,
  UnreadableValue,
} from './value.js';

export type TypedJson = null | boolean | number | string | TypedJson[] | { [key: string]: TypedJson };

export interface TypedJsonOptions {
  /**
   * Refuse an int of more decimal digits, both ways (Python's limit: DEFAULT_MAX_INT_DIGITS,
   * 4300); 0: no limit.
   */
  maxIntDigits?: number;
}

/**
 * How deep containers may nest, both ways: the XML parser's limit. Deeper, JSON.stringify and
 * JSON.parse's callers would run out of stack; neither XML layout could carry the value either.
 */
const MAX_DEPTH = DEFAULT_MAX_DEPTH;

function fail(path: string, detail: string): never {
  throw new MetadataError('METADATA_VALUE', detail, { path: displayPath(path) });
}

function checkDepth(depth: number, path: string): void {
  if (depth > MAX_DEPTH) fail(path, `nested deeper than the limit of ${MAX_DEPTH} containers`);
}

interface WriteContext {
  /** Containers on the current path: meeting one again means the value contains itself. */
  open: Set<object>;
  maxIntDigits: number;
}

/**
 * The typed JSON of a value. Values outside the model (null, functions, cycles...), nested deeper
 * than the limit or with an int too long to read back, are errors.
 */
export function toTypedJson(v: Value, options: TypedJsonOptions = {}): TypedJson {
  const ctx = { open: new Set<object>(), maxIntDigits: options.maxIntDigits ?? DEFAULT_MAX_INT_DIGITS };
  return toJson(v, '', ctx, 0);
}

function toJson(v: unknown, path: string, ctx: WriteContext, depth: number): TypedJson {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return new Float(v).toJSON() as TypedJson;
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
      fail(path, `${v} is an integral number beyond 2^53: use a bigint for an int or a Float for a float`);
    }
    return v;
  }
  if (typeof v === 'bigint') {
    const problem = intProblem(v, ctx.maxIntDigits);
    if (problem !== undefined) fail(path, problem);
    return { $int: v.toString() };
  }
  if (v instanceof Float) return v.toJSON() as TypedJson;
  if (v instanceof RawXml) return { $xml: v.xml };
  if (v instanceof UnreadableValue) return v.toJSON() as TypedJson;
  if (typeof v !== 'object' || v === null || !(Array.isArray(v) || v instanceof Set || isDict(v))) {
    return fail(path, `${describe(v)} is not a metadata value`);
  }
  if (ctx.open.has(v)) fail(path, 'the value contains itself');
  checkDepth(depth + 1, path);
  ctx.open.add(v);
  let out: TypedJson;
  if (Array.isArray(v)) {
    const items: TypedJson[] = [];
    for (let i = 0; i < v.length; i++) items.push(toJson(v[i], indexPath(path, i), ctx, depth + 1));
    out = v instanceof Tuple ? { $tuple: items } : items;
  } else if (v instanceof Set) {
    out = { $set: [...v].map((x, i) => toJson(x, indexPath(path, i), ctx, depth + 1)) };
  } else {
    out = dictJson(v, path, ctx, depth + 1);
  }
  ctx.open.delete(v);
  return out;
}

function dictJson(d: Dict, path: string, ctx: WriteContext, depth: number): TypedJson {
  const attributes = attributesJson(d);
  if (!objectKeepsOrder(d)) {
    const pairs = dictEntries(d).map(([k, x]): TypedJson => [k, toJson(x, keyPath(path, k), ctx, depth)]);
    return attributes === undefined ? { $dict: pairs } : { $dict: pairs, $attributes: attributes };
  }
  const obj = nullObject<TypedJson>();
  let dollar = false;
  for (const [k, x] of dictEntries(d)) {
    if (k.startsWith('$')) dollar = true;
    obj[k] = toJson(x, keyPath(path, k), ctx, depth);
  }
  if (attributes !== undefined) return { $dict: obj, $attributes: attributes };
  return dollar ? { $dict: obj } : obj;
}

/** The `$attributes` member for the dict's kept attributes; undefined when it keeps none. */
function attributesJson(d: Dict): TypedJson | undefined {
  const pairs = (attrs: Attributes): TypedJson => attrs.map(([n, x]) => [n, x]);
  const out = nullObject<TypedJson>();
  const own = keptAttributes(d);
  if (own.length > 0) out['own'] = pairs(own);
  const keys = nullObject<TypedJson>();
  let any = false;
  for (const k of dictKeys(d)) {
    const attrs = keptAttributes(d, k);
    if (attrs.length === 0) continue;
    keys[k] = pairs(attrs);
    any = true;
  }
  if (any) out['keys'] = keys;
  return own.length > 0 || any ? out : undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return `an object of class ${typeof name === 'string' ? name : 'unknown'}`;
  }
  return typeof v;
}

// A Map: `{"$float": "constructor"}` must not find Object.prototype's member.
const FLOAT_WORDS = new Map([
  ['nan', NaN],
  ['inf', Infinity],
  ['-inf', -Infinity],
  ['-0.0', -0],
]);
const TAGS = new Set(['$float', '$int', '$tuple', '$set', '$xml', '$unreadable', '$dict']);

interface ReadContext {
  maxIntDigits: number;
}

/**
 * Decodes typed JSON (as parsed by JSON.parse) into the value model; `path` is where `j` is, for
 * errors. Containers nested deeper than the limit (512) and ints over `maxIntDigits` are errors.
 */
export function fromTypedJson(j: unknown, path = '', options: TypedJsonOptions = {}): Value {
  return fromJson(j, path, { maxIntDigits: options.maxIntDigits ?? DEFAULT_MAX_INT_DIGITS }, 0);
}

/** `depth`: the containers `j` is in. */
function fromJson(j: unknown, path: string, ctx: ReadContext, depth: number): Value {
  if (typeof j === 'string' || typeof j === 'boolean') return j;
  if (typeof j === 'number') {
    if (Number.isInteger(j) && !Number.isSafeInteger(j)) {
      fail(path, `${j} is beyond 2^53: write it as {"$int": "..."} to keep it exact`);
    }
    return j;
  }
  if (j === null) fail(path, 'null is not a metadata value');
  if (typeof j !== 'object') fail(path, `unsupported JSON value ${typeof j}`);
  // The depth of a container's members; tagged scalars ({"$int": ..}) are not containers.
  const inner = depth + 1;
  if (Array.isArray(j)) {
    checkDepth(inner, path);
    return j.map((x, i) => fromJson(x, indexPath(path, i), ctx, inner));
  }
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 2 && keys.includes('$dict') && keys.includes('$attributes')) {
    const d = fromJson({ $dict: o['$dict'] }, path, ctx, depth) as Dict;
    restoreAttributes(d, o['$attributes'], path);
    return d;
  }
  const tag = keys.length === 1 && TAGS.has(keys[0] as string) ? (keys[0] as string) : undefined;
  if (tag === undefined) {
    if (keys.includes('$attributes'))
      fail(path, '$attributes goes only beside $dict, as their one other member');
    const dollar = keys.find((k) => k.startsWith('$'));
    if (dollar !== undefined) {
      fail(
        path,
        keys.length === 1
          ? `unknown typed JSON tag ${dollar}`
          : `key ${dollar} starts with $: wrap a dict holding such keys as {"$dict": {..}}`,
      );
    }
    checkDepth(inner, path);
    return plainDict(o, path, ctx, inner);
  }
  const member = o[tag];
  switch (tag) {
    case '$float': {
      const word = typeof member === 'string' ? FLOAT_WORDS.get(member) : undefined;
      if (typeof member === 'number') return floatValue(member);
      if (word !== undefined) return new Float(word);
      return fail(path, `$float takes a number or "nan", "inf", "-inf", "-0.0"`);
    }
    case '$int': {
      if (typeof member !== 'string' || !/^-?\d+$/.test(member))
        return fail(path, '$int takes a string of decimal digits');
      const problem = intTextProblem(member, ctx.maxIntDigits);
      return problem === undefined ? intValue(member) : fail(path, problem);
    }
    case '$tuple':
      if (!Array.isArray(member)) return fail(path, '$tuple takes a list');
      checkDepth(inner, path);
      return Tuple.of_(member.map((x, i) => fromJson(x, indexPath(path, i), ctx, inner)));
    case '$set':
      if (!Array.isArray(member)) return fail(path, '$set takes a list');
      checkDepth(inner, path);
      return setOf(member, path, ctx, inner);
    case '$xml':
      if (typeof member !== 'string') return fail(path, '$xml takes a string');
      return new RawXml(
        parseXml(member, { source: displayPath(path) }).documentElement as NonNullable<
          ReturnType<typeof parseXml>['documentElement']
        >,
      );
    case '$unreadable': {
      const u = (typeof member === 'object' && member !== null ? member : {}) as Record<string, unknown>;
      const { type, text } = u;
      if (typeof type !== 'string' || typeof text !== 'string' || Object.keys(u).length !== 2)
        return fail(path, '$unreadable takes {"type": "...", "text": "..."}');
      return new UnreadableValue(text, type, `${JSON.stringify(text)} was kept unread as type="${type}"`, {
        path: displayPath(path),
      });
    }
    default:
      checkDepth(inner, path);
      if (Array.isArray(member)) return pairsDict(member, path, ctx, inner);
      if (typeof member !== 'object' || member === null)
        return fail(path, '$dict takes an object or a list of [key, value] pairs');
      return plainDict(member as Record<string, unknown>, path, ctx, inner);
  }
}

/** Keeps the attributes of a `$attributes` member (see the header) on `d`, read from it. */
function restoreAttributes(d: Dict, j: unknown, path: string): void {
  const shape = '$attributes takes {"own": [[name, value], ..], "keys": {key: [[name, value], ..]}}';
  if (typeof j !== 'object' || j === null || Array.isArray(j)) fail(path, shape);
  const o = j as Record<string, unknown>;
  const other = Object.keys(o).find((k) => k !== 'own' && k !== 'keys');
  if (other !== undefined) fail(path, `${shape}: not ${JSON.stringify(other)}`);
  if (o['own'] !== undefined) keepAttributes(d, undefined, attributesOf(o['own'], path, 'own'));
  const keys = o['keys'];
  if (keys === undefined) return;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) fail(path, shape);
  for (const [k, attrs] of Object.entries(keys as Record<string, unknown>)) {
    // Attributes for a key the dict lacks would be dropped unseen: the JSON was edited wrong.
    if (!hasKey(d, k)) fail(keyPath(path, k), `$attributes names the key ${JSON.stringify(k)}, not in $dict`);
    keepAttributes(d, k, attributesOf(attrs, keyPath(path, k), 'keys'));
  }
}

/** `[[name, value], ..]` with distinct names an encoder can write (not namespaced, not xmlns). */
function attributesOf(j: unknown, path: string, member: string): Attributes {
  if (!Array.isArray(j)) fail(path, `$attributes ${member} takes a list of [name, value] pairs`);
  const names = new Set<string>();
  return j.map((pair, i): readonly [string, string] => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      fail(path, `$attributes ${member}[${i}] must be a [name, value] pair of strings`);
    }
    const [name, value] = pair as [string, string];
    if (!isNCName(name) || name === 'xmlns') {
      fail(
        path,
        `$attributes ${member}[${i}]: ${JSON.stringify(name)} is not an attribute name that can be kept`,
      );
    }
    if (names.has(name)) fail(path, `$attributes ${member}[${i}]: the attribute ${name} is there twice`);
    names.add(name);
    return [name, value];
  });
}

function setOf(items: unknown[], path: string, ctx: ReadContext, depth: number): Set<Value> {
  const out = new Set<Value>();
  const seen = new Set<string>();
  items.forEach((x, i) => {
    const member = fromJson(x, indexPath(path, i), ctx, depth);
    // Members are compared by their canonical typed JSON: 4 and {"$float": 4} differ,
    // 5 and {"$int": "5"} do not. The member was just read within the limits.
    const key = JSON.stringify(toTypedJson(member, { maxIntDigits: 0 }));
    if (seen.has(key)) fail(indexPath(path, i), `the set holds ${key} twice`);
    seen.add(key);
    out.add(member);
  });
  return out;
}

/** `[[key, value], ..]`: the dict in that order. */
function pairsDict(pairs: unknown[], path: string, ctx: ReadContext, depth: number): Dict {
  const out = dict();
  pairs.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      fail(indexPath(path, i), '$dict pairs are [key, value] lists with a string key');
    }
    const [k, x] = pair as [string, unknown];
    if (hasKey(out, k)) fail(keyPath(path, k), `the key ${JSON.stringify(k)} is in the pairs twice`);
    dictSet(out, k, fromJson(x, keyPath(path, k), ctx, depth));
  });
  return out;
}

function plainDict(o: Record<string, unknown>, path: string, ctx: ReadContext, depth: number): Dict {
  // Object.keys gives integer-like keys first: JSON.parse already lost their order, so the order
  // kept is JSON.parse's. Keys such as "__proto__" are own properties of parsed JSON and stay keys.
  return dict(Object.keys(o).map((k) => [k, fromJson(o[k], keyPath(path, k), ctx, depth)] as const));
}
