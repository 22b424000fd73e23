/**
 * A device's scaled integer (`<size unit='MiB'>512</size>`, `<source usage='1024' units='KiB'/>`): the
 * number and its unit are two plain fields (so toJSON shows what is written), and the pair reads and
 * writes as an exact KiB value.
 */
import * as t from 'io-ts';
import { XmlValueError } from '../errors.js';
import type { StrCodec } from '../xml/codecs.js';
import { str } from '../xml/codecs.js';
import type { Element } from '../xml/dom.js';
import type { Field, FieldWriter } from './field.js';
import { field, fieldLocation, readField, readRaw } from './field.js';
import { toKiB, unitFactor } from './units.js';

/** libvirt parses scaled integers in base 10 only (no `0x`), up to what a JS number holds exactly. */
const scaledNumber: StrCodec<number> = new t.Type<number, string, string>(
  'scaled integer',
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
  (s, c) => {
    const v = s.trim();
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) ? t.success(n) : t.failure(s, c, `"${s}" is not a non-negative integer`);
  },
  (n) => String(n),
);

export interface Scaled {
  /** The number (an element's text or an attribute). */
  readonly value: Field<number>;
  /** Its unit attribute. */
  readonly unit: Field<string>;
  /** The unit libvirt assumes when the attribute is absent. */
  readonly defaultUnit: string;
}

export function scaled(valuePath: string, unitPath: string, defaultUnit = 'KiB'): Scaled {
  return { value: field(valuePath, scaledNumber), unit: field(unitPath, str), defaultUnit };
}

/**
 * The value in KiB, exactly: an unknown unit, or a size that is not a whole number of KiB, is an
 * XmlValueError at the attribute or element concerned (never rounded, unlike Vdsm's `// 1024`).
 */
export function readKiB(el: Element, s: Scaled): number | undefined {
  const value = readField(el, s.value);
  if (value === undefined) return undefined;
  // libvirt reads an empty unit attribute as no unit.
  const written = readRaw(el, s.unit);
  const unit = written === '' ? undefined : written;
  const kib = toKiB(String(value), unit, s.defaultUnit);
  if (typeof kib === 'number') return kib;
  if (unit !== undefined && unitFactor(unit) === undefined) {
    throw new XmlValueError(kib, fieldLocation(el, s.unit), unit);
  }
  throw new XmlValueError(kib, fieldLocation(el, s.value), String(value));
}

/** Writes `kib` with `unit='KiB'` through the device's `write`; undefined removes the value and its unit. */
export function writeKiB(el: Element, s: Scaled, kib: number | undefined, write: FieldWriter): void {
  if (kib === undefined) {
    write(s.unit, undefined);
    write(s.value, undefined);
    return;
  }
  if (!Number.isSafeInteger(kib) || kib < 0) {
    throw new XmlValueError(
      `${kib} is not a whole, non-negative number of KiB`,
      fieldLocation(el, s.value),
      String(kib),
    );
  }
  write(s.value, kib);
  write(s.unit, 'KiB');
}
