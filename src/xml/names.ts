/**
 * XML name checks: for the parser (names outside ASCII), and for writers (a key or attribute name
 * that is not a valid name would make the serializer write a document no parser reads back).
 */

// XML 1.0 (5th edition) NameStartChar [4] and NameChar [4a], without the colon (Namespaces in XML
// 1.0, NCName).
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_REST = NAME_START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040';
// eslint-disable-next-line no-misleading-character-class -- ranges of combining marks (U+0300-U+036F) are name characters, not a sequence
const NCNAME = new RegExp(`^[${NAME_START}][${NAME_REST}]*$`, 'u');

/** Whether `name` is an NCName: a valid XML name without a colon (`deviceId`, `vm_custom`). */
export function isNCName(name: string): boolean {
  return NCNAME.test(name);
}

const NAME_START_CHAR = new RegExp(`^[:${NAME_START}]$`, 'u');
// eslint-disable-next-line no-misleading-character-class -- as above
const NAME_CHAR = new RegExp(`^[:${NAME_REST}]$`, 'u');

/** Whether the code point can start an XML Name (production [4], the colon included). */
export function isNameStartCodePoint(cp: number): boolean {
  return NAME_START_CHAR.test(String.fromCodePoint(cp));
}

/** Whether the code point can continue an XML Name (production [4a], the colon included). */
export function isNameCodePoint(cp: number): boolean {
  return NAME_CHAR.test(String.fromCodePoint(cp));
}
