/**
 * Fields of a part that is usually single, flattened into the fields of the element holding it
 * (`<source>`'s `mode` as the device's `sourceMode`).
 */
import type { AnyField } from './field.js';
import { field, flag } from './field.js';

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
