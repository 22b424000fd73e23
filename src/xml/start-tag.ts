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
 */
import type { Element } from '@xmldom/xmldom';

/** The offset of a lazy element's `<` in its source (-1 once its attribute nodes exist). */
export const TAG_AT = Symbol('start tag offset');
/** The (line-end normalized) source text a lazy element's start tag is in. */
export const TAG_TEXT = Symbol('start tag text');

/** An element with these fields: symbols, so that xmldom's cloneNode (for...in) does not copy them. */
export interface StartTagFields {
  [TAG_AT]: number;
  [TAG_TEXT]: string;
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

/**
 * A walk over the attributes of a start tag: after each next() that returns true, the name is
 * text[nameAt, nameEnd) and the value text[valueAt, valueEnd) (the quotes around it excluded).
 */
export class TagScan {
  nameAt = 0;
  nameEnd = 0;
  valueAt = 0;
  valueEnd = 0;
  readonly text: string;
  private p: number;

  constructor(el: Element) {
    const fields = el as unknown as StartTagFields;
    this.text = fields[TAG_TEXT];
    this.p = fields[TAG_AT] + 1 + el.tagName.length;
  }

  next(): boolean {
    const { text } = this;
    let p = this.p;
    let c = text.charCodeAt(p);
    while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
    if (c === GT || c === SLASH) return false;
    this.nameAt = p;
    // A checked tag: the next '=' ends the name (white space may come before it), a quote follows.
    const equals = text.indexOf('=', p);
    let nameEnd = equals;
    c = text.charCodeAt(nameEnd - 1);
    while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(--nameEnd - 1);
    this.nameEnd = nameEnd;
    p = equals + 1;
    c = text.charCodeAt(p);
    while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
    this.valueAt = p + 1;
    this.valueEnd = text.indexOf(c === QUOTE ? '"' : "'", p + 1);
    // Only a tag the parser did not check could get here: fail rather than scan on from the start.
    if (equals === -1 || this.valueEnd === -1)
      throw new Error(`no start tag at offset ${String(this.nameAt)}`);
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
    return this.nameEnd - this.nameAt === name.length && this.text.startsWith(name, this.nameAt);
  }
}

/** A lazy element's attribute `name` (undefined when it has none), as getAttribute would give it. */
export function tagAttribute(el: Element, name: string): string | undefined {
  const scan = new TagScan(el);
  while (scan.next()) if (scan.named(name)) return scan.value;
  return undefined;
}
