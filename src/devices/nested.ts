/**
 * Fields below a device's direct children. writeField creates missing children in the device's
 * `childOrder` only at the first step; a class whose fields go deeper (`model/acceleration/@accel3d`,
 * `source/reconnect/@enabled`) declares libvirt's order of the deeper children too, so an element
 * created on the way lands where libvirt puts it.
 */
import type { Element } from '../xml/dom.js';
import { firstChild } from '../xml/tree.js';
import type { AnyField, Field } from './field.js';
import { field, flag, writeField } from './field.js';
import { addChildElement } from './part.js';

/** libvirt's order of the children of an element, by that element's name (`model` → acceleration, resolution). */
export type NestedOrder = Readonly<Record<string, readonly string[]>>;

/**
 * writeField, with every element missing on the way to the field created first in its place: the
 * first step in `order` (the device's childOrder), deeper steps in `nested[parent name]`.
 */
export function writeNested<A>(
  el: Element,
  f: Field<A>,
  value: A | undefined,
  order: readonly string[],
  nested: NestedOrder,
): void {
  if (value !== undefined && !(f.flag && value === false)) {
    let cur = el;
    let curOrder = order;
    for (const step of f.steps) {
      cur = firstChild(cur, step) ?? addChildElement(cur, step, curOrder);
      curOrder = nested[step] ?? [];
    }
  }
  writeField(el, f, value, order);
}

type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}${Capitalize<K>}`]: T[K] };

/**
 * A part's fields as fields of the element that holds the part, for a part that is usually single:
 * `prefixed('source', { mode: field('@mode') })` is `{ sourceMode: field('source/@mode') }`.
 */
export function prefixed<P extends string, T extends Readonly<Record<string, AnyField>>>(
  prefix: P,
  fields: T,
): Prefixed<P, T> {
  const out: Record<string, AnyField> = {};
  for (const [name, f] of Object.entries(fields)) {
    const path = `${prefix}/${f.path}`;
    out[`${prefix}${name.charAt(0).toUpperCase()}${name.slice(1)}`] =
      f.flag || f.codec === undefined ? flag(path) : field(path, f.codec);
  }
  return out as Prefixed<P, T>;
}
