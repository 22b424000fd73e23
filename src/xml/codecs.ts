/**
 * io-ts codecs between XML text (attribute values, element text) and typed values. Numbers and
 * booleans are strict (a bad text is an error naming the path); enums are open (a value libvirt adds
 * tomorrow reads as its string).
 */
import * as t from 'io-ts';

export type StrCodec<A> = t.Type<A, string, string>;
/** An open enum: known values autocomplete, any other string is still accepted. */
export type Open<T extends string> = T | (string & {});

/** Codecs whose value is the text itself (str, open enums): readers need not decode. */
const VERBATIM = new WeakSet();

/** Whether the codec's value is always the text it decodes. */
export function isVerbatim(codec: object): boolean {
  return VERBATIM.has(codec);
}

function verbatim<A extends string>(name: string): StrCodec<A> {
  const codec = new t.Type<A, string, string>(
    name,
    (u): u is A => typeof u === 'string',
    (s) => t.success(s as A),
    (s) => s,
  );
  VERBATIM.add(codec);
  return codec;
}

export const str: StrCodec<string> = verbatim('string');

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
  return verbatim<Open<T>>(name);
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
