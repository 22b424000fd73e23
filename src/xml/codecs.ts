/**
 * io-ts codecs between XML text (attribute values, element text) and typed values. Numbers and
 * booleans are strict (a bad text is an error naming the path); enums are open (a value libvirt adds
 * tomorrow reads as its string).
 */
import * as t from 'io-ts';

export type StrCodec<A> = t.Type<A, string, string>;
/** An open enum: known values autocomplete, any other string is still accepted. */
export type Open<T extends string> = T | (string & {});

export const str: StrCodec<string> = new t.Type<string, string, string>(
  'string',
  (u): u is string => typeof u === 'string',
  (s) => t.success(s),
  (s) => s,
);

const DECIMAL = /^[+-]?\d+$/;
const HEX = /^0x[0-9a-f]+$/i;

/** An integer written in decimal or `0x` hex (libvirt accepts both for addresses). */
export const int: StrCodec<number> = new t.Type<number, string, string>(
  'integer',
  (u): u is number => Number.isSafeInteger(u),
  (s, c) => {
    const v = s.trim();
    const n = HEX.test(v) ? parseInt(v, 16) : DECIMAL.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) ? t.success(n) : t.failure(s, c, `"${s}" is not an integer`);
  },
  (n) => String(n),
);

/** A non-negative decimal integer. */
export const uint: StrCodec<number> = new t.Type<number, string, string>(
  'unsigned integer',
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
  (s, c) => {
    const v = s.trim();
    const n = HEX.test(v) ? parseInt(v, 16) : /^\+?\d+$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n >= 0
      ? t.success(n)
      : t.failure(s, c, `"${s}" is not an unsigned integer`);
  },
  (n) => String(n),
);

function boolPair(name: string, yes: string, no: string): StrCodec<boolean> {
  return new t.Type<boolean, string, string>(
    name,
    (u): u is boolean => typeof u === 'boolean',
    (s, c) =>
      s === yes
        ? t.success(true)
        : s === no
          ? t.success(false)
          : t.failure(s, c, `"${s}" is not ${yes}/${no}`),
    (b) => (b ? yes : no),
  );
}

export const yesNo = boolPair('yes/no', 'yes', 'no');
export const onOff = boolPair('on/off', 'on', 'off');

/** Any string; the type parameter only documents the values libvirt knows today. */
export function openEnum<T extends string>(name: string): StrCodec<Open<T>> {
  return new t.Type<Open<T>, string, string>(
    name,
    (u): u is Open<T> => typeof u === 'string',
    (s) => t.success(s),
    (s) => s,
  );
}

/** The first failure message of an io-ts decode, for error texts. */
export function firstFailure(errors: t.Errors): string {
  const e = errors[0];
  if (e === undefined) return 'invalid value';
  return (
    e.message ??
    `expected ${e.context[e.context.length - 1]?.type.name ?? 'value'}, got ${JSON.stringify(e.value)}`
  );
}
