/**
 * Attributes read from the start tag in the source text, for elements the fast parser left without
 * attribute nodes. Most of a domain's attributes are never asked for through the DOM, and xmldom
 * spends about 450 bytes on an element's attributes (a NamedNodeMap with room for 17 entries, its
 * index, and an Attr of 16 fields per attribute): half of a parsed domain's memory. The fast parser
 * makes them only when xmldom's own code, or a caller, asks for `element.attributes`
 * (fast-parse.ts); until then the library's helpers read the start tag (tree.ts, serialize.ts,
 * canonical.ts).
 *
 * Only start tags whose attributes read as written are left so: no prefix, no namespace declaration,
 * no reference and no white space that XML would normalize in a value. The parser has checked the
 * tag, so the scan here trusts it.
 *
 * Every parsed element keeps where its start tag is, lazy or not: the serializer writes the tag's
 * own bytes for what the element still holds (serialize.ts).
 */
import type { Element } from '@xmldom/xmldom';
import { decodeSource } from './verbatim.js';

/** The offset of a lazy element's `<` in its source (-1 once its attribute nodes exist). */
export const TAG_AT = Symbol('start tag offset');
/** The (line-end normalized) source text a parsed element's start tag is in. */
export const TAG_TEXT = Symbol('start tag text');
/** The offset of a parsed element's `<` once its attribute nodes exist (TAG_AT is then -1). */
export const SOURCE_AT = Symbol('source start tag offset');

/** An element with these fields: symbols, so that xmldom's cloneNode (for...in) does not copy them. */
export interface StartTagFields {
  [TAG_AT]: number;
  [TAG_TEXT]: string;
  [SOURCE_AT]?: number;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const TAB = 0x09;
const GT = 0x3e;
const SLASH = 0x2f;
const QUOTE = 0x22;

/** Whether `el` still reads its attributes from the source. */
export function isLazy(el: Element): boolean {
  return ((el as unknown as Partial<StartTagFields>)[TAG_AT] ?? -1) >= 0;
}

/** The offset of `el`'s start tag in its TAG_TEXT, lazy or not; -1 for an element not parsed. */
export function sourceTagAt(el: Element): number {
  const fields = el as unknown as Partial<StartTagFields>;
  const at = fields[TAG_AT] ?? -1;
  return at >= 0 ? at : (fields[SOURCE_AT] ?? -1);
}

const NEEDS_DECODING = /[&\t\n]/;

/**
 * A walk over the attributes of a start tag: after each next() that returns true, the white space
 * before the attribute starts at spaceAt, the name is text[nameAt, nameEnd) and the value
 * text[valueAt, valueEnd) (the quotes around it excluded). Once next() returns false, the tag's
 * last attribute (or name) ends at spaceAt and its '/>' or '>' starts at nameAt.
 */
export class TagScan {
  spaceAt = 0;
  nameAt = 0;
  nameEnd = 0;
  valueAt = 0;
  valueEnd = 0;
  readonly text: string;
  private p: number;

  /** The start tag of `el`, at `at` in its text (by default where a lazy element's is). */
  constructor(el: Element, at = (el as unknown as StartTagFields)[TAG_AT]) {
    this.text = (el as unknown as StartTagFields)[TAG_TEXT];
    this.p = attributesAt(el, at);
  }

  next(): boolean {
    const { text } = this;
    this.spaceAt = this.p;
    const nameAt = (this.nameAt = skipSpace(text, this.p));
    if (endsTag(text, nameAt)) return false;
    const equals = text.indexOf('=', nameAt);
    this.nameEnd = spaceStartBefore(text, equals);
    this.valueAt = skipSpace(text, equals + 1) + 1;
    this.valueEnd = valueEndOf(text, equals, this.valueAt);
    this.p = this.valueEnd + 1;
    return true;
  }

  get name(): string {
    return this.text.slice(this.nameAt, this.nameEnd);
  }

  get value(): string {
    return this.text.slice(this.valueAt, this.valueEnd);
  }

  /** Whether the current attribute is called `name`. */
  named(name: string): boolean {
    return nameIs(this.text, this.nameAt, this.nameEnd, name);
  }

  /** Whether the current attribute's value reads as `value`. */
  holds(value: string): boolean {
    return valueHolds(this.text, this.valueAt, this.valueEnd, value);
  }
}

/** Whether the attribute value text[valueAt, valueEnd) of a checked tag reads (decoded) as `value`. */
export function valueHolds(text: string, valueAt: number, valueEnd: number, value: string): boolean {
  if (valueEnd - valueAt === value.length && text.startsWith(value, valueAt) && !NEEDS_DECODING.test(value))
    return true;
  return decodeSource(text.slice(valueAt, valueEnd), true) === value;
}

/**
 * A lazy element's attribute `name` (undefined when it has none), as getAttribute would give it.
 * The walk of TagScan.next, without a TagScan: it runs for most attribute reads of the library.
 */
export function tagAttribute(el: Element, name: string): string | undefined {
  const fields = el as unknown as StartTagFields;
  const text = fields[TAG_TEXT];
  let p = attributesAt(el, fields[TAG_AT]);
  for (;;) {
    const nameAt = skipSpace(text, p);
    if (endsTag(text, nameAt)) return undefined;
    const equals = text.indexOf('=', nameAt);
    const valueAt = skipSpace(text, equals + 1) + 1;
    const valueEnd = valueEndOf(text, equals, valueAt);
    if (nameIs(text, nameAt, spaceStartBefore(text, equals), name)) return text.slice(valueAt, valueEnd);
    p = valueEnd + 1;
  }
}

/**
 * Where `el`'s start tag, at `at` in its text, ends: the offset of its '/>' or '>'. The walk of
 * TagScan.next, without a TagScan (a value may hold '>'): the serializer asks it of every element.
 */
export function tagEndAt(el: Element, at: number): number {
  const text = (el as unknown as StartTagFields)[TAG_TEXT];
  let p = attributesAt(el, at);
  for (;;) {
    const nameAt = skipSpace(text, p);
    if (endsTag(text, nameAt)) return nameAt;
    const equals = text.indexOf('=', nameAt);
    p = valueEndOf(text, equals, skipSpace(text, equals + 1) + 1) + 1;
  }
}

/** Where the attributes of `el`'s start tag, at `at` in its text, begin: after `<` and the name. */
function attributesAt(el: Element, at: number): number {
  return at + 1 + el.tagName.length;
}

/** Whether text[nameAt, nameEnd) is `name`. */
function nameIs(text: string, nameAt: number, nameEnd: number, name: string): boolean {
  return nameEnd - nameAt === name.length && text.startsWith(name, nameAt);
}

/** The first offset from `p` on that is not white space. */
function skipSpace(text: string, p: number): number {
  let at = p;
  let c = text.charCodeAt(at);
  while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++at);
  return at;
}

/** Whether the tag's attributes end at `at` (its '/>' or '>'). */
function endsTag(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c === GT || c === SLASH;
}

/**
 * Where the white space just before `at` starts in a checked tag: the end of the name before an
 * '=', or of the last attribute (or the tag's name) before its '/>' or '>'.
 */
export function spaceStartBefore(text: string, at: number): number {
  let end = at;
  let c = text.charCodeAt(end - 1);
  while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(--end - 1);
  return end;
}

/** Where the value at `valueAt` (after the '=' at `equals`) ends: at the quote that opened it. */
function valueEndOf(text: string, equals: number, valueAt: number): number {
  const end = text.indexOf(text.charCodeAt(valueAt - 1) === QUOTE ? '"' : "'", valueAt);
  // Only a tag the parser did not check could get here: fail rather than scan on from the start.
  if (equals === -1 || end === -1) throw new Error(`no start tag at offset ${String(valueAt)}`);
  return end;
}
