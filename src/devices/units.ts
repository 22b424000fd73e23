/**
 * libvirt's scaled integers (`<memory unit="GiB">4</memory>`): the unit names libvirt accepts and
 * their factors. Sizes are normalized to KiB exactly; a size that is not a whole number of KiB is an
 * error for the caller to report, never rounded.
 */
const FACTORS: Readonly<Record<string, bigint>> = {
  b: 1n,
  byte: 1n,
  bytes: 1n,
  kb: 1000n,
  k: 1024n,
  kib: 1024n,
  mb: 1000n ** 2n,
  m: 1024n ** 2n,
  mib: 1024n ** 2n,
  gb: 1000n ** 3n,
  g: 1024n ** 3n,
  gib: 1024n ** 3n,
  tb: 1000n ** 4n,
  t: 1024n ** 4n,
  tib: 1024n ** 4n,
  pb: 1000n ** 5n,
  p: 1024n ** 5n,
  pib: 1024n ** 5n,
  eb: 1000n ** 6n,
  e: 1024n ** 6n,
  eib: 1024n ** 6n,
};

/** Bytes per unit (case-insensitive); undefined for a unit libvirt does not know. */
export function unitFactor(unit: string): bigint | undefined {
  const key = unit.toLowerCase();
  // Own keys only: `__proto__` or `constructor` must not read Object.prototype's members.
  return Object.hasOwn(FACTORS, key) ? FACTORS[key] : undefined;
}

/**
 * `value` in `unit` (default `defaultUnit`, KiB for memory) as KiB. Returns a string describing the
 * problem instead when the text or unit is bad or the result is not a whole number of KiB.
 */
export function toKiB(value: string, unit: string | undefined, defaultUnit = 'KiB'): number | string {
  const v = value.trim();
  if (!/^\d+$/.test(v)) return `"${value}" is not a non-negative integer`;
  const factor = unitFactor(unit ?? defaultUnit);
  if (factor === undefined) return `unknown unit "${unit ?? ''}"`;
  const bytes = BigInt(v) * factor;
  if (bytes % 1024n !== 0n) return `${value} ${unit ?? defaultUnit} is not a whole number of KiB`;
  const kib = bytes / 1024n;
  if (kib > BigInt(Number.MAX_SAFE_INTEGER)) return `${value} ${unit ?? defaultUnit} is too large`;
  return Number(kib);
}
