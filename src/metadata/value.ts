/**
 * The metadata value model: what decoding gives and encoding takes, for both layouts.
 *
 * Plain JS wherever that is lossless:
 * - `str` → string (`''` stays `''`), `bool` → boolean;
 * - `int` → number while `Number.isSafeInteger`, else `bigint`;
 * - `float` → number when it is not integral (`0.5`); an integral float (`4.0`), `-0.0`, `nan` and
 *   `±inf` → {@link Float}, so that `4.0` and `4` stay apart;
 * - `list` → array, `tuple` → {@link Tuple} (an array subclass), `set` → `Set`;
 * - `dict` → a prototype-free object ({@link Dict}) whose key order is the document's, kept
 *   explicitly (plain objects would move integer-like keys first).
 * Descriptor entries may also hold {@link RawXml}: a nested element no sub-key rule knows, kept
 * verbatim; attributes the layout has no place for are kept beside a value ({@link keepAttributes}).
 * Lenient decoding keeps a leaf it cannot read as an {@link UnreadableValue}.
 */
import type { ErrorLocation } from '../errors.js';
import type { Element } from '../xml/dom.js';
import { serialize } from '../xml/dom.js';

/** A Python float that a JS number would not keep apart from an int: `4.0`, `-0.0`, `nan`, `inf`. */
export class Float {
  constructor(readonly value: number) {
    Object.freeze(this);
  }
  valueOf(): number {
    return this.value;
  }
  toJSON(): unknown {
    return { $float: floatJsonValue(this.value) };
  }
}

function floatJsonValue(v: number): number | string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0.0';
  return v;
}

/** A Python tuple: an array that encodes as `type="tuple"`. */
export class Tuple extends Array<Value> {
  static of_(items: Iterable<Value>): Tuple {
    const t = new Tuple();
    for (const i of items) t.push(i);
    return t;
  }
  // Array methods (map, filter, slice) must give plain arrays, not tuples.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A nested element kept verbatim (descriptor entries: nested data no rule knows). */
export class RawXml {
  constructor(readonly element: Element) {}
  get xml(): string {
    return serialize(this.element);
  }
  toJSON(): unknown {
    return { $xml: this.xml };
  }
}

/**
 * A typed leaf lenient decoding could not read (`<leaseOffset type="int">abc</leaseOffset>`): kept
 * as written, so that encoding writes the same text and type hint back, and reported. Frozen.
 */
export class UnreadableValue {
  /**
   * @param text the leaf's text, as written
   * @param type its type hint, as written (the xmlpickle type in lower case, as that layout reads it)
   * @param reason why it could not be read (`"abc" is not a valid int`)
   * @param at where it was read: source, value path, line:column
   */
  constructor(
    readonly text: string,
    readonly type: string,
    readonly reason: string,
    readonly at: Readonly<ErrorLocation> = {},
  ) {
    Object.freeze(at);
    Object.freeze(this);
  }
  toJSON(): unknown {
    return { $unreadable: { type: this.type, text: this.text } };
  }
}

export type Scalar = string | number | boolean | bigint | Float | UnreadableValue;
export type Value = Scalar | Value[] | Tuple | Set<Value> | Dict | RawXml;
export interface Dict {
  [key: string]: Value;
}

const KEY_ORDER: unique symbol = Symbol('vmdevices.keyOrder');
type Ordered = Dict & { [KEY_ORDER]?: string[] };

/**
 * A new object without a prototype. Object.create(null) gives one in V8's slow dictionary mode
 * (three times the memory, twice the time to fill); an empty literal whose prototype is then
 * removed stays a fast object.
 */
export function nullObject<T>(): Record<string, T> {
  return Object.setPrototypeOf({}, null) as Record<string, T>;
}

/** A new prototype-free dict, filled from `entries` in order. */
export function dict(entries: Iterable<readonly [string, Value]> = []): Dict {
  const d = nullObject<Value>();
  for (const [k, v] of entries) dictSet(d, k, v);
  return d;
}

/**
 * A key JavaScript lists before all others, whatever its place (an array index: "0", "42").
 * Only a dict that gets one records its key order.
 */
function isIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 0x30 && c <= 0x39 && String(Number(key) >>> 0) === key && key !== '4294967295';
}

/** Sets a key, keeping its place if present, appending it otherwise. */
export function dictSet(d: Dict, key: string, value: Value): void {
  const present = Object.prototype.hasOwnProperty.call(d, key);
  if (Object.getPrototypeOf(d) !== null) {
    // On a plain object assignment to `__proto__` would replace the prototype.
    Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  if (!present) {
    const ordered = d as Ordered;
    let order = ordered[KEY_ORDER];
    if (order === undefined && isIndexKey(key)) {
      // Up to now every key was a string key, listed in insertion order.
      order = Object.keys(d);
      Object.defineProperty(d, KEY_ORDER, { value: order, enumerable: false, writable: false });
    }
    order?.push(key);
  }
  d[key] = value;
}

/** XML attributes as (name, value) pairs, in document order. */
export type Attributes = readonly (readonly [string, string])[];

const ATTRIBUTES: unique symbol = Symbol('vmdevices.attributes');
/** The key under which a dict keeps the attributes of its own element (keys are never symbols). */
const OWN: unique symbol = Symbol('vmdevices.ownAttributes');
type Annotated = Dict & { [ATTRIBUTES]?: Map<string | typeof OWN, Attributes> };

/**
 * Keeps attributes the descriptor layout has no place for (`<size type="int" unit="MiB">`), beside
 * the value instead of in it, so that the value stays plain: those of the element a key was read
 * from, or with `key` undefined, those of the dict's own element. Hidden, like the key order; a
 * copy of the dict does not carry them.
 */
export function keepAttributes(d: Dict, key: string | undefined, attrs: Attributes): void {
  if (attrs.length === 0) return;
  const a = d as Annotated;
  let map = a[ATTRIBUTES];
  if (map === undefined) {
    map = new Map();
    Object.defineProperty(d, ATTRIBUTES, { value: map, enumerable: false, writable: false });
  }
  map.set(key ?? OWN, attrs);
}

/** No attributes: one shared, frozen empty list (most members have none). */
export const NO_ATTRIBUTES: Attributes = Object.freeze([]);

/** The attributes kept by {@link keepAttributes} (none: an empty list). */
export function keptAttributes(d: Dict, key?: string): Attributes {
  return (d as Annotated)[ATTRIBUTES]?.get(key ?? OWN) ?? NO_ATTRIBUTES;
}

export function dictDelete(d: Dict, key: string): void {
  const order = (d as Ordered)[KEY_ORDER];
  if (order !== undefined) {
    const i = order.indexOf(key);
    if (i >= 0) order.splice(i, 1);
  }
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
  delete d[key];
  // A key that goes takes its element's attributes with it; a new value under the key keeps them.
  (d as Annotated)[ATTRIBUTES]?.delete(key);
}

/** The dict's keys in document (insertion) order, integer-like keys included. */
export function dictKeys(d: Dict): string[] {
  const own = Object.keys(d);
  const order = (d as Ordered)[KEY_ORDER];
  if (order === undefined) return own;
  const present = new Set(own);
  const out = order.filter((k) => present.has(k));
  if (out.length !== own.length) {
    // Keys added by plain assignment come after the recorded ones.
    const known = new Set(out);
    for (const k of own) if (!known.has(k)) out.push(k);
  }
  return out;
}

/**
 * Whether a JavaScript (or JSON) object of the dict's keys lists them in the dict's order: not
 * when an integer-like key comes after another key, since objects list those first.
 */
export function objectKeepsOrder(d: Dict): boolean {
  if ((d as Ordered)[KEY_ORDER] === undefined) return true;
  const own = Object.keys(d);
  const ordered = dictKeys(d);
  return own.every((k, i) => k === ordered[i]);
}

export function dictEntries(d: Dict): [string, Value][] {
  return dictKeys(d).map((k) => [k, d[k] as Value]);
}

export function hasKey(d: Dict, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(d, key);
}

/** A dict: a prototype-free or plain object (a Map, Date or class instance is not one). */
export function isDict(v: unknown): v is Dict {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

export function isScalar(v: unknown): v is Scalar {
  return (
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    typeof v === 'bigint' ||
    v instanceof Float ||
    v instanceof UnreadableValue
  );
}

/**
 * The canonical form of an int: a number while it is a safe integer, a bigint beyond. Decoders use
 * it so that an int is always represented one way.
 */
export function intValue(text: string | bigint): number | bigint {
  const b = typeof text === 'bigint' ? text : BigInt(text);
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

/** The canonical form of a float: a plain number when that is unambiguous, else a Float. */
export function floatValue(v: number): number | Float {
  return Number.isFinite(v) && !Number.isInteger(v) ? v : new Float(v);
}

/**
 * Structural equality over the value model (NaN equals NaN, -0.0 differs from 0.0, order matters;
 * sets compare as multisets of their members). Iterative: nesting may be deep.
 */
export function valueEquals(a: Value, b: Value): boolean {
  // Most values compared (save compares every member of every entry) are scalars.
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  const todo: [Value, Value][] = [[a, b]];
  // Pairs already compared or being compared: a value that contains itself ends the walk. Kept
  // from the UNTRACKED-th pair of containers on (metadata values are small: most comparisons never
  // get there); a cycle only goes round that many times more.
  let seen: Map<object, Set<object>> | undefined;
  let containers = 0;
  while (todo.length > 0) {
    const [x, y] = todo.pop() as [Value, Value];
    if (typeof x !== 'object' || typeof y !== 'object') {
      if (x !== y) return false;
      continue;
    }
    if (++containers > UNTRACKED) {
      seen ??= new Map();
      let pairs = seen.get(x);
      if (pairs?.has(y) === true) continue;
      if (pairs === undefined) seen.set(x, (pairs = new Set()));
      pairs.add(y);
    }
    if (!shallowEquals(x, y, todo)) return false;
  }
  return true;
}

/** How many pairs of containers valueEquals compares before it tracks them (see there). */
const UNTRACKED = 64;

/** Compares what `x` and `y` hold themselves; their members go to `todo`. */
function shallowEquals(
  x: Exclude<Value, Scalar> | Float | UnreadableValue,
  y: typeof x,
  todo: [Value, Value][],
): boolean {
  if (x instanceof Float || y instanceof Float) {
    return x instanceof Float && y instanceof Float && Object.is(x.value, y.value);
  }
  if (x instanceof UnreadableValue || y instanceof UnreadableValue) {
    return (
      x instanceof UnreadableValue && y instanceof UnreadableValue && x.text === y.text && x.type === y.type
    );
  }
  if (x instanceof RawXml || y instanceof RawXml) {
    return x instanceof RawXml && y instanceof RawXml && x.xml === y.xml;
  }
  if (x instanceof Set || y instanceof Set) {
    if (!(x instanceof Set && y instanceof Set) || x.size !== y.size) return false;
    const counts = new Map<string, number>();
    for (const m of x) {
      const k = canonicalKey(m);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const m of y) {
      const k = canonicalKey(m);
      const n = counts.get(k) ?? 0;
      if (n === 0) return false;
      counts.set(k, n - 1);
    }
    return true;
  }
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y)) return false;
    if (x instanceof Tuple !== y instanceof Tuple || x.length !== y.length) return false;
    for (let i = x.length - 1; i >= 0; i--) todo.push([x[i] as Value, y[i] as Value]);
    return true;
  }
  const kx = dictKeys(x);
  const ky = dictKeys(y);
  if (kx.length !== ky.length || !kx.every((k, i) => k === ky[i])) return false;
  for (let i = kx.length - 1; i >= 0; i--) {
    const k = kx[i] as string;
    todo.push([x[k] as Value, y[k] as Value]);
  }
  return true;
}

/** Closes a container in canonicalKey: its `count` member keys are on the results stack. */
class KeyClose {
  constructor(
    readonly close: object,
    readonly kind: string,
    readonly count: number,
    /** A dict's keys, in order. */
    readonly keys: readonly string[] | undefined,
  ) {}
}

/**
 * A text equal for two values exactly when valueEquals holds, sets in a canonical order: how set
 * members are matched, in linear time where comparing each with each would be quadratic.
 * Iterative; a value that contains itself is cut where it repeats.
 */
function canonicalKey(v: Value): string {
  const results: string[] = [];
  const todo: (Value | KeyClose)[] = [v];
  const open = new Set<object>();
  while (todo.length > 0) {
    const x = todo.pop() as Value | KeyClose;
    if (typeof x !== 'object') {
      results.push(typeof x === 'string' ? JSON.stringify(x) : `${typeof x}:${String(x)}`);
    } else if (x instanceof Float) {
      results.push(`f${formatFloat(x.value)}`);
    } else if (x instanceof UnreadableValue) {
      results.push(`u${JSON.stringify([x.type, x.text])}`);
    } else if (x instanceof RawXml) {
      results.push(`x${JSON.stringify(x.xml)}`);
    } else if (open.has(x)) {
      results.push('<itself>');
    } else if (x instanceof KeyClose) {
      const parts = results.splice(results.length - x.count);
      if (x.kind === 'set') parts.sort();
      let text = `${x.kind}(`;
      parts.forEach((p, i) => {
        // `+`, not join: V8 keeps the concatenation as a rope instead of copying each level.
        text = text + (x.keys === undefined ? '' : JSON.stringify(x.keys[i]) + ':') + p + ',';
      });
      results.push(text + ')');
      open.delete(x.close);
    } else {
      open.add(x);
      const keys = isDict(x) ? dictKeys(x) : undefined;
      const members =
        keys === undefined ? [...(x as Iterable<Value>)] : keys.map((k) => (x as Dict)[k] as Value);
      const kind =
        x instanceof Set ? 'set' : x instanceof Tuple ? 'tuple' : Array.isArray(x) ? 'list' : 'dict';
      todo.push(new KeyClose(x, kind, members.length, keys));
      for (let i = members.length - 1; i >= 0; i--) todo.push(members[i] as Value);
    }
  }
  return results[0] ?? '';
}

/** A set that refuses changes, as frozen arrays and objects do: with a TypeError. */
class ReadOnlySet extends Set<Value> {
  override add(v: Value): this {
    // The Set constructor fills the set through add: refused only once frozen.
    if (Object.isFrozen(this)) throw new TypeError('Cannot add to a read-only set');
    return super.add(v);
  }
  override delete(): boolean {
    throw new TypeError('Cannot delete from a read-only set');
  }
  override clear(): void {
    throw new TypeError('Cannot clear a read-only set');
  }
}

function readOnlySet(v: Value): Value {
  return v instanceof Set && !(v instanceof ReadOnlySet) ? new ReadOnlySet(v) : v;
}

/** A value read-only through and through (see freezeValue). */
export type ReadOnlyValue =
  Scalar | RawXml | readonly ReadOnlyValue[] | ReadonlySet<ReadOnlyValue> | ReadOnlyDict;
export interface ReadOnlyDict {
  readonly [key: string]: ReadOnlyValue;
}

/** `T` read-only through and through, as frozenCopy and freezeValue make a value (unknown stays unknown). */
export type ReadOnly<T> = unknown extends T
  ? T
  : [T] extends [Value]
    ? [Value] extends [T]
      ? ReadOnlyValue
      : DeepReadOnly<T>
    : DeepReadOnly<T>;

/** ReadOnly of a type narrower than Value (a decoded dict, list, set): member by member. */
export type DeepReadOnly<T> = T extends Scalar | RawXml
  ? T
  : T extends ReadonlySet<infer M>
    ? ReadonlySet<ReadOnly<M>>
    : T extends readonly (infer I)[]
      ? readonly ReadOnly<I>[]
      : { readonly [K in keyof T]: ReadOnly<T[K]> };

/**
 * Makes `v` read-only through and through, in place: arrays, tuples and dicts (their key order too)
 * are frozen, sets replaced by read-only copies. Returns `v`, or its replacement when `v` is a set.
 * An edit in place then throws (ES modules are strict) instead of going to an object nobody saves.
 * A frozen container is taken as read-only through. Iterative: nesting may be deep.
 */
export function freezeValue(v: Value): Value {
  const top = readOnlySet(v);
  const todo: unknown[] = [top];
  while (todo.length > 0) {
    const x = todo.pop();
    if (typeof x !== 'object' || x === null || x instanceof RawXml || Object.isFrozen(x)) continue;
    if (x instanceof Set) {
      for (const m of x) todo.push(m);
    } else if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) todo.push((x[i] = readOnlySet(x[i] as Value)));
    } else if (isDict(x)) {
      for (const k of Object.keys(x)) todo.push((x[k] = readOnlySet(x[k] as Value)));
      const order = (x as Ordered)[KEY_ORDER];
      if (order !== undefined) Object.freeze(order);
    }
    Object.freeze(x);
  }
  return top;
}

/**
 * A read-only copy of `v` (see freezeValue): new containers, the same scalars. What a reader may
 * hold without being able to change `v`, or to believe it did. Iterative: nesting may be deep; a
 * container met twice is copied once.
 */
export function frozenCopy<T>(v: T): T {
  const copies = new Map<object, unknown>();
  const todo: [unknown, unknown][] = [];
  // An empty copy of a container, to be filled from the work list; anything else as it is.
  const copyOf = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    const known = copies.get(x);
    if (known !== undefined) return known;
    let copy: unknown;
    if (x instanceof Tuple) copy = new Tuple();
    else if (Array.isArray(x)) copy = [];
    else if (x instanceof Set) copy = new Set();
    else if (isDict(x)) copy = dict();
    else return x;
    copies.set(x, copy);
    todo.push([x, copy]);
    return copy;
  };
  const top = copyOf(v);
  while (todo.length > 0) {
    const [from, to] = todo.pop() as [unknown, unknown];
    if (Array.isArray(from)) for (const x of from as unknown[]) (to as unknown[]).push(copyOf(x));
    else if (from instanceof Set) for (const x of from) (to as Set<unknown>).add(copyOf(x));
    else for (const [k, x] of dictEntries(from as Dict)) dictSet(to as Dict, k, copyOf(x) as Value);
  }
  return (top === v ? v : freezeValue(top as Value)) as T;
}

/** The first unreadable value in `v` (a depth-first walk) and its path from `base`; undefined when none. */
export function findUnreadable(v: Value, base = ''): { value: UnreadableValue; path: string } | undefined {
  if (typeof v !== 'object') return undefined;
  const todo: [unknown, string][] = [[v, base]];
  const seen = new Set<object>();
  while (todo.length > 0) {
    const [x, path] = todo.pop() as [unknown, string];
    if (x instanceof UnreadableValue) return { value: x, path };
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    const children: [unknown, string][] = [];
    if (Array.isArray(x) || x instanceof Set)
      [...x].forEach((c, i) => children.push([c, indexPath(path, i)]));
    else if (isDict(x)) for (const [k, c] of dictEntries(x)) children.push([c, keyPath(path, k)]);
    // Reversed onto the stack: the first child is looked at first.
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i] as [unknown, string]);
  }
  return undefined;
}

/** Python's `repr(float)`: `4.0`, `0.0001`, `1e-05`, `1e+16`, `nan`, `inf`, `-0.0`. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa = '', expText = '0'] = v.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp >= -4 && exp < 16) {
    let s: string;
    if (exp < 0) s = '0.' + '0'.repeat(-exp - 1) + digits;
    else if (digits.length <= exp + 1) s = digits + '0'.repeat(exp + 1 - digits.length) + '.0';
    else s = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
    return sign + s;
  }
  const m = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

/**
 * Python's default limit on the digits of an int read from or written as text
 * (`sys.get_int_max_str_digits()`, CPython 3.11+): converting a longer one costs more than linear
 * time (a BigInt of ten million digits: seconds), so it is refused, as Python refuses it.
 * Underscores and the sign are not counted; leading zeros are. `0` lifts the limit.
 */
export const DEFAULT_MAX_INT_DIGITS = 4300;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The end of a run of digits with single `_` between them, starting at `i`; -1 when there is no
 * digit at `i`. A hand-written pass, not a regular expression: millions of `1_` groups would
 * exhaust the regex engine's backtracking stack.
 */
function scanDigits(s: string, i: number): number {
  if (!isDigit(s.charCodeAt(i))) return -1;
  let j = i + 1;
  for (;;) {
    const c = s.charCodeAt(j);
    if (isDigit(c)) j++;
    else if (c === 0x5f && isDigit(s.charCodeAt(j + 1))) j += 2;
    else return j;
  }
}

/**
 * A scanned number text without its `_`s. A byte loop: a global replace takes seconds over
 * millions of `_`s. The text is ASCII, as the scan left it.
 */
function withoutUnderscores(t: string): string {
  if (!t.includes('_')) return t;
  const out = new Uint8Array(t.length);
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== 0x5f) out[n++] = c;
  }
  return new TextDecoder().decode(out.subarray(0, n));
}

/** Past an optional sign at `i`. */
function skipSign(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c === 0x2b || c === 0x2d ? i + 1 : i;
}

/** The digits (`_` and sign not counted) of a trimmed int text; -1 when it is not one. */
function intTextDigits(t: string): number {
  const start = skipSign(t, 0);
  const end = scanDigits(t, start);
  if (end !== t.length) return -1;
  let underscores = 0;
  for (let i = start; i < end; i++) if (t.charCodeAt(i) === 0x5f) underscores++;
  return end - start - underscores;
}

function overLimit(digits: number, maxDigits: number): boolean {
  return maxDigits > 0 && digits > maxDigits;
}

function digitsProblem(digits: string, maxDigits: number): string {
  return `an int of ${digits} digits is over the limit of ${maxDigits} (maxIntDigits)`;
}

/**
 * Python `int(text)`: surrounding whitespace, a sign and `_` between digits; undefined when bad or
 * when it has more than `maxDigits` digits (see {@link intTextProblem} for why).
 */
export function parseIntText(text: string, maxDigits = DEFAULT_MAX_INT_DIGITS): number | bigint | undefined {
  const t = text.trim();
  const digits = intTextDigits(t);
  if (digits < 0 || overLimit(digits, maxDigits)) return undefined;
  return intValue(BigInt(withoutUnderscores(t)));
}

/**
 * Why Python's int() syntax reads `text` but parseIntText refuses it: more digits than
 * `maxDigits` (0: no limit). Undefined when it is within the limit, or not an int at all.
 */
export function intTextProblem(text: string, maxDigits = DEFAULT_MAX_INT_DIGITS): string | undefined {
  const digits = intTextDigits(text.trim());
  return digits >= 0 && overLimit(digits, maxDigits) ? digitsProblem(String(digits), maxDigits) : undefined;
}

/**
 * Why an int cannot be written as text a decoder with `maxDigits` reads back (its decimal form is
 * longer); undefined when it can. Linear: the decimal form is only made when near the limit.
 */
export function intProblem(v: number | bigint, maxDigits = DEFAULT_MAX_INT_DIGITS): string | undefined {
  if (maxDigits <= 0) return undefined;
  const abs = v < 0 ? -v : v;
  if (typeof abs === 'number') {
    const digits = String(abs).length;
    return digits > maxDigits ? digitsProblem(String(digits), maxDigits) : undefined;
  }
  // With h hex digits, 16^(h-1) <= abs < 16^h bounds the decimal digits: powers of two convert in
  // linear time, decimal conversion does not.
  const h = abs.toString(16).length;
  if (Math.floor((h - 1) * Math.log10(16)) + 1 > maxDigits)
    return digitsProblem(`more than ${maxDigits}`, maxDigits);
  if (Math.ceil(h * Math.log10(16)) <= maxDigits) return undefined;
  const digits = abs.toString().length;
  return digits > maxDigits ? digitsProblem(String(digits), maxDigits) : undefined;
}

/** Python `float(text)`; undefined when bad. One linear pass, whatever the length. */
export function parseFloatText(text: string): number | undefined {
  const t = text.trim();
  const start = skipSign(t, 0);
  if (t.length - start <= 8) {
    const word = t.slice(start).toLowerCase();
    if (word === 'inf' || word === 'infinity') return t.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
    if (word === 'nan') return NaN;
  }
  let end: number;
  if (t.charCodeAt(start) === 0x2e) {
    end = scanDigits(t, start + 1);
  } else {
    end = scanDigits(t, start);
    if (end >= 0 && t.charCodeAt(end) === 0x2e) end = Math.max(end + 1, scanDigits(t, end + 1));
  }
  if (end >= 0 && (t.charCodeAt(end) | 0x20) === 0x65) end = scanDigits(t, skipSign(t, end + 1));
  if (end !== t.length) return undefined;
  return Number(withoutUnderscores(t));
}

/** A text for a message, trimmed and cut short: a bad leaf may be megabytes long. */
export function quoteExcerpt(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}...` : t);
}

/** `true`/`false` in any case, nothing else; undefined when bad. */
export function parseBoolText(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return undefined;
}

// Value paths (the design's grammar, 0-based from the decoded value: `devices[1].volumeChain[0].path`).
// A key that would read ambiguously in that grammar (empty, or holding `.`, `[`, spaces...) is
// written quoted: `specParams["a.b"]`.
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** The path of `key` inside the dict at `base` ('' is the top-level value). */
export function keyPath(base: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** The path of item `index` inside the list, tuple or set at `base`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** How errors name a path: the top-level value itself is `(value)`. */
export function displayPath(path: string): string {
  return path === '' ? '(value)' : path;
}
