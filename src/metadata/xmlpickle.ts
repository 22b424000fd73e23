/**
 * The xmlpickle codec: the pyxmlpickle layout of the seed mail, read and written.
 *
 * ```xml
 * <ovirt-instance:instance xmlns:ovirt-instance="http://ovirt.org/vm/instance/1.0">
 *   <ovirt-instance:value type="dict">
 *     <ovirt-instance:item key="ports" type="tuple">
 *       <ovirt-instance:item index="0" type="int">80</ovirt-instance:item>
 *     </ovirt-instance:item>
 *   </ovirt-instance:value>
 * </ovirt-instance:instance>
 * ```
 * Types dict, list, tuple, set, int, float, bool, str (the type name in any case), values per the
 * value model of `value.ts`. In the `ovirt-instance` namespace by default, in any namespace or none
 * (`<pyxmlpickle>`) on request; namespaces are matched by URI, never by prefix.
 *
 * Unlike pyxmlpickle: `''` round-trips; bad input is an error with the value path of the bad item
 * and its line:column, never a silent default (a missing `key`/`index`/`type`, an unknown type, bad
 * int/float/bool text, indexes other than 0..n-1 in order, duplicate dict keys or set members,
 * unhashable set members, elements other than `<item>` or text inside containers, elements inside
 * scalars); read leniently (`onUnreadable`), an int/float/bool whose text cannot be read is kept as
 * written and reported instead. Output is deterministic: dict keys in dict order, set members sorted by type, then text.
 * Decoding and encoding walk the tree with explicit stacks, never the call stack. Both sides share
 * their limits, so that the encoder refuses what the decoder would: elements nested at most
 * `maxDepth` deep, the root and `<value>` counted (the parser's 512), ints of at most
 * `maxIntDigits` digits (Python's 4300).
 *
 * Reading is in xmlpickle-decode.ts, writing in xmlpickle-encode.ts; this module holds what both
 * share: the type names, the default root and namespace, and the canonical key of set members.
 */
import { NS } from '../xml/namespaces.js';
import { Float, RawXml, Tuple, UnreadableValue, formatFloat, isDict } from './value.js';

/** The type names of the layout, as the encoder writes them. */
export const XMLPICKLE_TYPES = ['dict', 'list', 'tuple', 'set', 'int', 'float', 'bool', 'str'] as const;
export type XmlpickleType = (typeof XMLPICKLE_TYPES)[number];

export type ContainerType = 'dict' | 'list' | 'tuple' | 'set';

/** The root element's local name when none is given. */
export function defaultRoot(ns: string | null): string {
  return ns === null ? 'pyxmlpickle' : 'instance';
}

/** The namespace URI the options ask for: `ovirt-instance` unless given (`null`: none). */
export function namespaceOf(options: { namespace?: string | null }): string | null {
  return options.namespace === undefined ? NS['ovirt-instance'] : options.namespace;
}

// ---------------------------------------------------------------------------------------------
// Set members: Python sets hold hashable values only. hashKey is a canonical text of such a value
// (undefined for an unhashable one); it finds duplicates and orders members on output.

const CLOSE_TUPLE = Symbol('close tuple');

function scalarKey(v: unknown): string | undefined {
  if (typeof v === 'string') return `str:${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `bool:${v ? 'True' : 'False'}`;
  if (typeof v === 'bigint') return `int:${v.toString()}`;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? `int:${v}` : `float:${formatFloat(v)}`;
  if (v instanceof Float) return `float:${formatFloat(v.value)}`;
  if (v instanceof UnreadableValue) return `unreadable:${v.type}:${JSON.stringify(v.text)}`;
  return undefined;
}

export function hashKey(v: unknown): string | undefined {
  let out = '';
  const todo: unknown[] = [v];
  while (todo.length > 0) {
    const x = todo.pop();
    if (x === CLOSE_TUPLE) {
      out += ')';
    } else if (x instanceof Tuple) {
      out += 'tuple(';
      todo.push(CLOSE_TUPLE);
      for (let i = x.length - 1; i >= 0; i--) todo.push(x[i]);
    } else {
      const k = scalarKey(x);
      if (k === undefined) return undefined;
      out += `${k},`;
    }
  }
  return out;
}

/** The value model's name for the type of `v`, as errors name it. */
export function typeName(v: unknown): string {
  if (v instanceof Tuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Set) return 'set';
  if (v instanceof RawXml) return 'kept XML element (RawXml)';
  if (v instanceof Float) return 'float';
  if (isDict(v)) return 'dict';
  if (v === null) return 'null';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' ? name : 'object';
  }
  return typeof v;
}
