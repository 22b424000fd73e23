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
  let out = '';
  for (const k of sortedKeys(address)) {
    const raw = address[k];
    // Metadata may write address values as strings or numbers; anything else names no address.
    const v =
      typeof raw === 'string'
        ? raw.trim()
        : typeof raw === 'number' || typeof raw === 'bigint'
          ? String(raw)
          : '';
    if (v === '') continue;
    const canonical = isNumberText(v) ? String(isHex(v) ? parseInt(v, 16) : Number(v)) : v;
    out += out === '' ? `${k}=${canonical}` : `,${k}=${canonical}`;
  }
  return out === '' ? undefined : out;
}

/** Up to this many keys, insertion sort: O(n²), but no allocation. */
const FEW_KEYS = 16;

/**
 * The keys in code unit order, as Array.prototype.sort orders them. An address has a handful of
 * keys, sorted by insertion, since V8's sort allocates about 1 KB per call whatever the length;
 * more (a hostile document's) go through the O(n log n) sort.
 */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  if (keys.length > FEW_KEYS) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
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
