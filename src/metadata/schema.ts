/**
 * io-ts codecs for what device classes read from their metadata. Decoding is lenient where the
 * producers are (numbers and booleans may come as strings: `"2"`, `"true"`), strict where a wrong
 * type would be silent damage, and never strips keys it does not know.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Dict, Value } from './value.js';
import { Float, dict, dictEntries, dictSet, isDict, parseBoolText, parseIntText } from './value.js';

/** A codec from a decoded metadata value to what a device works with. */
export type MetaCodec<A> = t.Type<A, Value>;
/** Per key, the codec of that key's value. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MetaSchema = Readonly<Record<string, MetaCodec<any>>>;
export type MetaTypeOf<S extends MetaSchema, K extends keyof S> = S[K] extends MetaCodec<infer A> ? A : never;

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}`;
  if (v instanceof Float) return `float ${v.value}`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Set) return 'a set';
  if (isDict(v)) return 'a dict';
  return typeof v;
}

export const metaString: MetaCodec<string> = new t.Type<string, Value, unknown>(
  'string',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c)),
  (s) => s,
);

/** An int, also when written as a string (`"2"`) as Vdsm's conf dicts do. */
export const metaInt: MetaCodec<number> = new t.Type<number, Value, unknown>(
  'int',
  (u): u is number => Number.isSafeInteger(u),
  (u, c) => {
    if (typeof u === 'number' && Number.isSafeInteger(u)) return t.success(u);
    if (typeof u === 'string') {
      const n = parseIntText(u);
      if (typeof n === 'number') return t.success(n);
    }
    return t.failure(u, c);
  },
  (n) => n,
);

/** A bool, also as the strings `true`/`false` in any case. */
export const metaBool: MetaCodec<boolean> = new t.Type<boolean, Value, unknown>(
  'bool',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    if (typeof u === 'boolean') return t.success(u);
    if (typeof u === 'string') {
      const b = parseBoolText(u);
      if (b !== undefined) return t.success(b);
    }
    return t.failure(u, c);
  },
  (b) => b,
);

/** A string or number kept as text (`"0x05"`, `5`): addresses, indexes written either way. */
export const metaText: MetaCodec<string> = new t.Type<string, Value, unknown>(
  'string or number',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string'
      ? t.success(u)
      : typeof u === 'number' || typeof u === 'bigint'
        ? t.success(String(u))
        : t.failure(u, c),
  (s) => s,
);

/** Any value at all (kept as it came). */
export const metaAny: MetaCodec<Value> = new t.Type<Value, Value, unknown>(
  'value',
  (u): u is Value => u !== undefined && u !== null,
  (u, c) => (u !== undefined && u !== null ? t.success(u as Value) : t.failure(u, c)),
  (v) => v,
);

/**
 * A dict whose known keys are checked by `props` (when present) and whose other keys are kept.
 * The result is the same ordered dict, with known keys replaced by their decoded values.
 */
export function metaDict<P extends MetaSchema>(
  name: string,
  props: P,
): MetaCodec<Dict & { [K in keyof P]?: t.TypeOf<P[K]> }> {
  type A = Dict & { [K in keyof P]?: t.TypeOf<P[K]> };
  return new t.Type<A, Value, unknown>(
    name,
    (u): u is A => isDict(u),
    (u, c) => {
      if (!isDict(u)) return t.failure(u, c);
      const errors: t.ValidationError[] = [];
      const out = dict();
      for (const [k, v] of dictEntries(u)) {
        const codec = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : undefined;
        // dictSet, not assignment: the key order stays the document's, integer-like keys too.
        if (codec === undefined) {
          dictSet(out, k, v);
          continue;
        }
        const r = codec.validate(v, t.appendContext(c, k, codec, v));
        if (isLeft(r)) errors.push(...r.left);
        else dictSet(out, k, r.right as Value);
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    (a) => a,
  );
}

/** A list whose items are checked by `item`. */
export function metaList<A>(name: string, item: MetaCodec<A>): MetaCodec<A[]> {
  return new t.Type<A[], Value, unknown>(
    name,
    (u): u is A[] => Array.isArray(u),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c);
      const errors: t.ValidationError[] = [];
      const out: A[] = [];
      u.forEach((v, i) => {
        const r = item.validate(v, t.appendContext(c, String(i), item, v));
        if (isLeft(r)) errors.push(...r.left);
        else out.push(r.right);
      });
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    (a) => a as unknown as Value,
  );
}

/**
 * io-ts errors as `path: expected X, got Y` lines, the path in the value-path grammar
 * (`devices[1].volumeChain[0].path`), prefixed by `base`.
 */
export function reportErrors(errors: t.Errors, base = ''): string[] {
  return errors.map((e) => {
    let path = base;
    let parentIsArray = false;
    e.context.forEach((entry, i) => {
      if (i === 0) {
        parentIsArray = Array.isArray(entry.actual);
        return;
      }
      path += parentIsArray ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`;
      parentIsArray = Array.isArray(entry.actual);
    });
    const expected = e.context[e.context.length - 1]?.type.name ?? 'value';
    const got = e.value === undefined ? 'nothing' : describeValue(e.value);
    return `${path === '' ? '(value)' : path}: expected ${expected}, got ${got}`;
  });
}
