/** The guest address: the device's direct `<address>` child, as the attribute strings written. */
import type { Element } from '../xml/dom.js';
import {
  addAttributes,
  createElement,
  forEachAttribute,
  firstChild,
  insertInOrder,
  ownerOf,
  removeIndented,
} from '../xml/tree.js';
import { nullObject } from '../metadata/value.js';

export type AddressRecord = Readonly<Record<string, string>>;

export function readAddress(el: Element): AddressRecord | undefined {
  const a = firstChild(el, 'address');
  if (a === undefined) return undefined;
  const out = nullObject<string>();
  forEachAttribute(a, (name, value) => {
    out[name] = value;
  });
  return out;
}

/** Replaces the direct `<address>` child (created in `order`), or removes it for undefined. */
export function writeAddress(
  el: Element,
  address: AddressRecord | undefined,
  order: readonly string[],
): void {
  const old = firstChild(el, 'address');
  if (address === undefined) {
    if (old !== undefined) removeIndented(old);
    return;
  }
  const fresh = createElement(ownerOf(el), 'address', el.namespaceURI ?? null, el.prefix ?? undefined);
  addAttributes(fresh, Object.entries(address));
  if (old !== undefined) {
    el.replaceChild(fresh, old);
  } else insertInOrder(el, fresh, order);
}

/**
 * A canonical text for comparing addresses: attribute order ignored, numbers normalized (`0x05` =
 * `5` = `0x0005`), whitespace trimmed. Empty values are dropped.
 */
export function addressKey(address: Readonly<Record<string, unknown>>): string | undefined {
  const pairs: string[] = [];
  for (const k of Object.keys(address)) {
    const raw = address[k];
    // Metadata may write address values as strings or numbers; anything else names no address.
    const v =
      typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'bigint' ? String(raw) : '';
    pairs.push(k, v);
  }
  return canonicalKey(pairs);
}

/**
 * `addressKey` of the element's direct `<address>` child, without the record in between: the
 * binder asks it of most devices of every domain.
 */
export function elementAddressKey(el: Element): string | undefined {
  const a = firstChild(el, 'address');
  if (a === undefined) return undefined;
  const pairs: string[] = [];
  forEachAttribute(a, (name, value) => {
    pairs.push(name, value);
  });
  return canonicalKey(pairs);
}

/** The key of name, value pairs (`[name0, value0, name1, ...]`, used up here). */
function canonicalKey(pairs: string[]): string | undefined {
  const sorted = sortPairs(pairs);
  // Each part written over the pairs already read, joined once: no string per step between.
  let parts = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    const v = (sorted[i + 1] as string).trim();
    if (v === '') continue;
    const canonical = isNumberText(v) ? String(isHex(v) ? parseInt(v, 16) : Number(v)) : v;
    sorted[parts++] = `${sorted[i] as string}=${canonical}`;
  }
  sorted.length = parts;
  return parts === 0 ? undefined : sorted.join(',');
}

/** Up to this many pairs, insertion sort: O(n²), but no allocation. */
const FEW_KEYS = 16;

/**
 * The pairs in their names' code unit order, as Array.prototype.sort orders strings. An address
 * has a handful of names, sorted in place by insertion, since V8's sort allocates about 1 KB per
 * call whatever the length; more (a hostile document's) go through the O(n log n) sort.
 */
function sortPairs(pairs: string[]): string[] {
  const n = pairs.length / 2;
  if (n > FEW_KEYS) {
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) =>
      (pairs[2 * x] as string) < (pairs[2 * y] as string) ? -1 : 1,
    );
    return order.flatMap((i) => [pairs[2 * i] as string, pairs[2 * i + 1] as string]);
  }
  for (let i = 1; i < n; i++) {
    const name = pairs[2 * i] as string;
    const value = pairs[2 * i + 1] as string;
    let j = i - 1;
    while (j >= 0 && (pairs[2 * j] as string) > name) {
      pairs[2 * j + 2] = pairs[2 * j] as string;
      pairs[2 * j + 3] = pairs[2 * j + 1] as string;
      j--;
    }
    pairs[2 * j + 2] = name;
    pairs[2 * j + 3] = value;
  }
  return pairs;
}

/**
 * Whether `v` is a number: decimal digits, or `0x` (any case) and hex digits, as
 * /^(?:0x[0-9a-f]+|\d+)$/i reads it; a loop rather than that expression, since it runs for every
 * value of every device's address.
 */
function isNumberText(v: string): boolean {
  const hex = isHex(v);
  const from = hex ? 2 : 0;
  if (v.length === from) return false;
  for (let i = from; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) continue;
    const lower = c | 0x20;
    if (!hex || lower < 0x61 || lower > 0x66) return false;
  }
  return true;
}

function isHex(v: string): boolean {
  return v.charCodeAt(0) === 0x30 && (v.charCodeAt(1) | 0x20) === 0x78;
}
