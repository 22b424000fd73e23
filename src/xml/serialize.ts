/**
 * Our serializer. A parsed document comes back byte for byte: what the parser kept of the source
 * (start tags, see start-tag.ts; end tags, text, instructions and the trailing white space, see
 * verbatim.ts) is written as it was, once checked against what the node holds now, since any code
 * may have changed the DOM. What differs is written anew, and only that: an attribute whose value
 * changed keeps its place, spacing and quote, a new one takes the tag's quote. Nodes made through
 * the API are written as xmldom's XMLSerializer writes them with the library's text filter (see
 * {@link serialize} in dom.ts), about 3x faster, but in the quote of the parsed document they are
 * in, so that they read like their neighbours. xmldom's walks the tree with a frame object per
 * node and a buffer of small strings, and copies the list of visible namespace declarations for
 * every element; this one writes what still reads as parsed as slices of the source, each as long
 * as the source goes on unchanged (a whole unchanged document is one), appends the rest to a
 * string flattened every 16 KB, and keeps the declarations in a list shared by an element's
 * descendants. test/xml/serialize.test.ts proves both on the
 * corpus, the fixtures and generated, mutated documents.
 *
 * What it does not know it leaves to xmldom, by returning undefined: HTML documents and elements
 * in the XHTML namespace (whose empty elements XMLSerializer closes by HTML's rules), document
 * types and entity references (the parser refuses DOCTYPEs, so neither occurs in our documents).
 */
import type { Attr, Document, Element, NamedNodeMap, Node } from '@xmldom/xmldom';
import {
  TAG_TEXT,
  TagScan,
  isLazy,
  sourceTagAt,
  spaceStartBefore,
  tagEndAt,
  valueHolds,
} from './start-tag.js';
import type { StartTagFields } from './start-tag.js';
import { XML_NS, XMLNS_NS } from './tokenizer.js';
import {
  END_TAG_SOURCE,
  SOURCE,
  inSourceLineEnds,
  instructionSourceHolds,
  textSourceHolds,
  trailingOf,
} from './verbatim.js';
import type { SourceFields } from './verbatim.js';

const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const CDATA = 4;
const PROCESSING_INSTRUCTION = 7;
const COMMENT = 8;
const DOCUMENT = 9;
const DOCUMENT_FRAGMENT = 11;

const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const SLASH = 0x2f;
const LT = 0x3c;
const GT = 0x3e;

/**
 * A namespace declaration in scope, most recent first: each element's list extends its parent's
 * (`prefix` '' is the default namespace; null, from an `xmlns:` attribute without a local name,
 * matches nothing).
 */
interface Scope {
  readonly prefix: string | null;
  readonly uri: string;
  readonly outer: Scope | undefined;
}

/** `node` as XMLSerializer writes it with the library's text filter, or undefined (see above). */
export function serializeNode(node: Node): string | undefined {
  const doc = node.nodeType === DOCUMENT ? (node as Document) : node.ownerDocument;
  if ((doc as unknown as { type?: string } | null)?.type === 'html') return undefined;
  // A fragment is in no document yet: its new elements keep XMLSerializer's quote.
  const writer = new Writer(node.nodeType === DOCUMENT_FRAGMENT ? null : doc);
  // XMLSerializer seeds its list with the root's namespace when no prefix is bound to it, as an
  // entry whose prefix (null) matches no lookup: it changes nothing, so the walk starts empty.
  if (!writer.write(node, undefined)) return undefined;
  // A whole document comes back in its source's line ends; a node alone is a value, in XML's LF.
  return node.nodeType === DOCUMENT ? inSourceLineEnds(doc, writer.result()) : writer.result();
}

/** Does `node` (an element or attribute) need a declaration of its namespace in `scope`? */
function needsDeclaration(node: Element | Attr, scope: Scope | undefined): boolean {
  const uri = node.namespaceURI;
  if (uri === null || uri === '') return false;
  const prefix = node.prefix ?? '';
  if ((prefix === 'xml' && uri === XML_NS) || uri === XMLNS_NS) return false;
  for (let s = scope; s !== undefined; s = s.outer) if (s.prefix === prefix) return s.uri !== uri;
  return true;
}

const ATTRIBUTE_SPECIAL = /[<>&"\t\n\r]/;
const ATTRIBUTE_SPECIALS = /[<>&"\t\n\r]/g;
const APOSTROPHED_SPECIALS = /[<>&'\t\n\r]/g;
const TEXT_SPECIAL = /[<>&\r]/;
const TEXT_SPECIALS = /[<>&\r]/g;

/** XMLSerializer's escapes; a CR in text is written as a reference so that it reads back as CR. */
function escapeChar(c: string): string {
  switch (c) {
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '&':
      return '&amp;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    default:
      return `&#${String(c.charCodeAt(0))};`;
  }
}

function escapeAttribute(value: string): string {
  return ATTRIBUTE_SPECIAL.test(value) ? value.replace(ATTRIBUTE_SPECIALS, escapeChar) : value;
}

/** An attribute value escaped for the quote `quote` (`"` or `'`) around it. */
function escapeQuoted(value: string, quote: string): string {
  return quote === '"' ? escapeAttribute(value) : value.replace(APOSTROPHED_SPECIALS, escapeChar);
}

/** The quote of the first attribute of `el`'s source start tag (at `at`), else its document's. */
function tagQuote(el: Element, at: number): string {
  const scan = new TagScan(el, at);
  return scan.next() ? scan.text.charAt(scan.valueAt - 1) : documentQuote(el);
}

/** The quote the document `el` was parsed from uses first (its XML declaration's, or an attribute's). */
function documentQuote(el: Element): string {
  return /=[ \t\n]*(['"])/.exec((el as unknown as StartTagFields)[TAG_TEXT])?.[1] ?? '"';
}

function escapeText(data: string): string {
  return TEXT_SPECIAL.test(data) ? data.replace(TEXT_SPECIALS, escapeChar) : data;
}

/**
 * An element or document whose children are being written, with what to write after them (an
 * element's end tag `</close>`, or the text `end`: an end tag as written in the source, a
 * document's trailing white space) and the scope of its children.
 */
interface Open {
  readonly node: Node;
  readonly end: string | undefined;
  readonly close: string | undefined;
  readonly scope: Scope | undefined;
}

/** Up to this length, sourceHas compares code units in a loop; longer strings as a whole. */
const SHORT = 16;

/**
 * Whether `text` has `s` at `at`. Short strings (indentation, end tags) are compared code unit by
 * code unit; a longer one (a text node's data, a path) as a slice with `===`: compared by
 * String.prototype.startsWith or by a loop, the texts of the realistic domain made writing it
 * 10-15% slower than appending each string.
 */
function sourceHas(text: string, at: number, s: string): boolean {
  const n = s.length;
  if (at + n > text.length) return false;
  if (n > SHORT) return text.slice(at, at + n) === s;
  for (let i = 0; i < n; i++) if (text.charCodeAt(at + i) !== s.charCodeAt(i)) return false;
  return true;
}

/** Whether `el` holds the attributes its source tag at `at` says, in its order. */
function tagHolds(el: Element, at: number, attrs: NamedNodeMap): boolean {
  const scan = new TagScan(el, at);
  let i = 0;
  while (scan.next()) {
    const a = attrs[i++];
    if (a === undefined || !scan.named(a.name) || !scan.holds(a.value)) return false;
  }
  return i === attrs.length;
}

/** The length of `</name>` when `text` has it at `at`, else -1 (no string is made to compare). */
function endTagLength(text: string, at: number, name: string): number {
  const gt = at + 2 + name.length;
  return text.charCodeAt(at) === LT &&
    text.charCodeAt(at + 1) === SLASH &&
    text.charCodeAt(gt) === GT &&
    text.startsWith(name, at + 2)
    ? name.length + 3
    : -1;
}

/** Text is flushed from the rope being appended to into a flat string at this length. */
const CHUNK = 16 * 1024;

class Writer {
  private chunk = '';
  private readonly chunks: string[] = [];
  /** The source text of the run being written (see addSource), and its bounds in it. */
  private runText: string | undefined;
  private runStart = 0;
  private runEnd = 0;
  /** Set on meeting a node left to xmldom (see the module's comment): the writing stops. */
  private unsupported = false;
  /** The quote found for each parsed element new elements were written below (see newQuote). */
  private readonly quotes = new Map<Node, string>();

  constructor(private readonly doc: Document | null) {}

  /**
   * The quote of an element made through the API: the one of its nearest parsed ancestor's start
   * tag (its first attribute's, else its document's), so that it reads like its neighbours (a new
   * entry in a `"`-quoted metadata group of a `'`-quoted domain takes `"`); `"` in a document made
   * through the API.
   */
  private newQuote(el: Element): string {
    let p: Node | null = el.parentNode;
    while (p !== null && p.nodeType === ELEMENT && sourceTagAt(p as Element) < 0) p = p.parentNode;
    const holder = p ?? el;
    let quote = this.quotes.get(holder);
    if (quote === undefined) {
      if (p !== null && p.nodeType === ELEMENT) quote = tagQuote(p as Element, sourceTagAt(p as Element));
      else {
        const root = this.doc?.documentElement;
        const parsed = root != null && (root as unknown as Partial<StartTagFields>)[TAG_TEXT] !== undefined;
        quote = parsed ? documentQuote(root) : '"';
      }
      this.quotes.set(holder, quote);
    }
    return quote;
  }

  /** The text written. */
  result(): string {
    const run = this.runText;
    // An unchanged parsed document is its source: the flat string parsed, not a slice of it (V8
    // reads a slice through its parent: parsing one again is a fifth slower).
    const nothingElse = this.chunk === '' && this.chunks.length === 0;
    if (run !== undefined && this.runStart === 0 && this.runEnd === run.length && nothingElse) return run;
    this.endRun();
    return this.chunks.length === 0 ? this.chunk : this.chunks.join('') + this.chunk;
  }

  /**
   * Appends `text[from, to)`, the source of the node being written: it extends the run of source
   * being written if it continues it, else starts a run. What the DOM still holds as parsed thus
   * goes out as one slice of its source, not as a string per node.
   */
  private addSource(text: string, from: number, to: number): void {
    if (text === this.runText && from === this.runEnd) {
      this.runEnd = to;
      return;
    }
    this.endRun();
    this.runText = text;
    this.runStart = from;
    this.runEnd = to;
  }

  /**
   * Appends `s`: to the run of source when the source goes on with the same text (an unchanged
   * end tag or text node), else after it.
   */
  private add(s: string): void {
    const run = this.runText;
    if (run !== undefined) {
      if (sourceHas(run, this.runEnd, s)) {
        this.runEnd += s.length;
        return;
      }
      this.endRun();
    }
    this.append(s);
  }

  /** Appends `</name>`: to the run of source when the source closes the element so there. */
  private addEndTag(name: string): void {
    const run = this.runText;
    if (run !== undefined) {
      const length = endTagLength(run, this.runEnd, name);
      if (length >= 0) {
        this.runEnd += length;
        return;
      }
    }
    this.add(`</${name}>`);
  }

  private endRun(): void {
    const run = this.runText;
    if (run === undefined) return;
    this.runText = undefined;
    this.append(run.slice(this.runStart, this.runEnd));
  }

  /**
   * Appends `s` to the output. Every CHUNK characters the rope that `+=` built is flattened (V8
   * does so to read a character of it) and set aside: a large document then leaves a few flat
   * strings instead of a tree of small ones that lives, and is copied by every young-generation
   * collection, until the end (3-4x faster at 4 MB).
   */
  private append(s: string): void {
    this.chunk += s;
    if (this.chunk.length >= CHUNK) {
      this.chunk.charCodeAt(0);
      this.chunks.push(this.chunk);
      this.chunk = '';
    }
  }

  /**
   * Writes `root` and its descendants, in document order, without recursion (documents may be
   * deep); false when it met a node it leaves to xmldom.
   */
  write(root: Node, scope: Scope | undefined): boolean {
    const open: Open[] = [];
    let node: Node | null = root;
    let current = scope;
    while (node !== null) {
      const inner = this.enter(node, current);
      if (this.unsupported) return false;
      if (inner !== undefined) {
        open.push(inner);
        current = inner.scope;
        node = inner.node.firstChild;
        continue;
      }
      // Done with `node`: on to its next sibling, closing the elements whose last child it was.
      while (node !== null && node !== root && node.nextSibling === null) {
        const done = open.pop();
        if (done === undefined) break;
        if (done.close !== undefined) this.addEndTag(done.close);
        else if (done.end !== undefined) this.add(done.end);
        node = done.node;
        current = open.length > 0 ? (open[open.length - 1] as Open).scope : scope;
      }
      node = node === null || node === root ? null : node.nextSibling;
    }
    return true;
  }

  /** Writes a node (an element's start tag); returns the element left open, if it has children. */
  private enter(node: Node, scope: Scope | undefined): Open | undefined {
    switch (node.nodeType) {
      case ELEMENT:
        return this.startTag(node as Element, scope);
      case DOCUMENT: {
        // A parsed document's prolog is its source's, when it is unchanged: a run from its start.
        const source = (node as Document).documentElement as unknown as Partial<StartTagFields> | null;
        const text = source?.[TAG_TEXT];
        if (text !== undefined) this.addSource(text, 0, 0);
        // Its children, in the same scope, then the white space after them.
        return node.firstChild === null
          ? undefined
          : { node, end: trailingOf(node as Document), close: undefined, scope };
      }
      case DOCUMENT_FRAGMENT:
        return node.firstChild === null ? undefined : { node, end: undefined, close: undefined, scope };
      case ATTRIBUTE:
        this.attribute((node as Attr).name, (node as Attr).value, '"');
        return undefined;
      case TEXT: {
        const data = (node as unknown as { data: string }).data;
        const source = (node as unknown as SourceFields)[SOURCE];
        this.add(source !== undefined && textSourceHolds(source, data) ? source : escapeText(data));
        return undefined;
      }
      case CDATA:
        this.add(
          `<![CDATA[${(node as unknown as { data: string }).data.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`,
        );
        return undefined;
      case COMMENT:
        this.add(`<!--${(node as unknown as { data: string }).data}-->`);
        return undefined;
      case PROCESSING_INSTRUCTION: {
        const pi = node as unknown as { target: string; data: string } & SourceFields;
        const source = pi[SOURCE];
        this.add(
          source !== undefined && instructionSourceHolds(source, pi.target, pi.data)
            ? source
            : `<?${pi.target} ${pi.data}?>`,
        );
        return undefined;
      }
      default:
        this.unsupported = true;
        return undefined;
    }
  }

  private attribute(name: string, value: string, quote: string): void {
    this.add(` ${name}=${quote}${escapeQuoted(value, quote)}${quote}`);
  }

  private startTag(el: Element, outer: Scope | undefined): Open | undefined {
    const uri = el.namespaceURI;
    if (uri === XHTML_NS) {
      this.unsupported = true;
      return undefined;
    }
    const name = el.tagName;
    // A lazy start tag has neither namespaced attributes nor declarations (start-tag.ts).
    const attrs = isLazy(el) ? undefined : el.attributes;
    const tag = uri !== null && uri !== '' && !el.prefix ? prefixedName(attrs, name, uri, outer) : name;
    // The children's scope: the outer one, then this element's declarations, then those it lacked.
    let scope = outer;
    for (let i = 0; attrs !== undefined && i < attrs.length; i++) {
      const a = attrs[i] as Attr;
      if (a.prefix === 'xmlns') scope = { prefix: a.localName, uri: a.value, outer: scope };
      else if (a.nodeName === 'xmlns') scope = { prefix: '', uri: a.value, outer: scope };
    }
    const at = tag === name ? sourceTagAt(el) : -1;
    if (at >= 0) return this.sourceStartTag(el, attrs, at, scope);
    this.add(`<${tag}`);
    const quote = this.newQuote(el);
    for (let i = 0; attrs !== undefined && i < attrs.length; i++) {
      const a = attrs[i] as Attr;
      if (needsDeclaration(a, scope))
        scope = this.declare(a.prefix ?? '', a.namespaceURI as string, scope, quote);
      this.attribute(a.name, a.value, quote);
    }
    if (tag === name && needsDeclaration(el, scope))
      scope = this.declare(el.prefix ?? '', uri as string, scope, quote);
    if (el.firstChild === null) {
      this.add('/>');
      return undefined;
    }
    this.add('>');
    return { node: el, end: undefined, close: tag, scope };
  }

  /**
   * Writes the start tag of a parsed element from its source at `at`: as written when the element
   * holds the attributes the tag says, in its order (else see mergeAttributes). Declarations it
   * needs outside its source's scope come last; `<x/>` becomes `<x>` once it has children.
   */
  private sourceStartTag(
    el: Element,
    attrs: NamedNodeMap | undefined,
    at: number,
    outer: Scope | undefined,
  ): Open | undefined {
    const text = (el as unknown as StartTagFields)[TAG_TEXT];
    // The tag's end: its '/>' or '>', after the white space from spaceAt on.
    const closeAt = tagEndAt(el, at);
    const spaceAt = spaceStartBefore(text, closeAt);
    let quote: string | undefined;
    if (attrs === undefined || tagHolds(el, at, attrs)) this.addSource(text, at, spaceAt);
    else quote = this.mergeAttributes(el, attrs, at);
    let scope = outer;
    for (let j = 0; attrs !== undefined && j < attrs.length; j++) {
      const a = attrs[j] as Attr;
      if (needsDeclaration(a, scope))
        scope = this.declare(a.prefix ?? '', a.namespaceURI as string, scope, (quote ??= tagQuote(el, at)));
    }
    if (needsDeclaration(el, scope))
      scope = this.declare(el.prefix ?? '', el.namespaceURI as string, scope, quote ?? tagQuote(el, at));
    const selfClosing = text.charCodeAt(closeAt) === SLASH;
    const end = (el as unknown as SourceFields)[END_TAG_SOURCE];
    if (el.firstChild === null) {
      // Written `<x></x>`, it stays so (all of it source); emptied of its children, it closes as `<x/>`.
      const endAt = closeAt + 1;
      const endLength = selfClosing
        ? -1
        : end !== undefined
          ? text.startsWith(end, endAt)
            ? end.length
            : -1
          : endTagLength(text, endAt, el.tagName);
      if (endLength >= 0) this.addSource(text, spaceAt, endAt + endLength);
      else {
        this.addSource(text, spaceAt, closeAt);
        this.add('/>');
      }
      return undefined;
    }
    if (selfClosing) this.add('>');
    else this.addSource(text, spaceAt, closeAt + 1);
    return { node: el, end, close: end === undefined ? el.tagName : undefined, scope };
  }

  /**
   * Writes `<name` and the attributes `el` holds, in their order: one its source tag (at `at`) has
   * with its bytes, the white space before it included; if its value changed, the new value
   * between the attribute's own quotes; one the tag lacks after a space, in the tag's quote (which
   * it returns).
   */
  private mergeAttributes(el: Element, attrs: NamedNodeMap, at: number): string {
    const scan = new TagScan(el, at);
    const text = scan.text;
    const source = new Map<string, readonly [spaceAt: number, valueAt: number, valueEnd: number]>();
    let quote: string | undefined;
    this.addSource(text, at, at + 1 + el.tagName.length);
    while (scan.next()) {
      quote ??= text.charAt(scan.valueAt - 1);
      source.set(scan.name, [scan.spaceAt, scan.valueAt, scan.valueEnd]);
    }
    quote ??= documentQuote(el);
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i] as Attr;
      const s = source.get(a.name);
      if (s === undefined) {
        this.add(` ${a.name}=${quote}${escapeQuoted(a.value, quote)}${quote}`);
        continue;
      }
      const [spaceAt, valueAt, valueEnd] = s;
      if (valueHolds(text, valueAt, valueEnd, a.value)) this.addSource(text, spaceAt, valueEnd + 1);
      else {
        const own = text.charAt(valueAt - 1);
        this.addSource(text, spaceAt, valueAt);
        this.add(`${escapeQuoted(a.value, own)}${own}`);
      }
    }
    return quote;
  }

  /** Writes a declaration of `prefix` for `uri` in `quote` and returns the scope with it. */
  private declare(prefix: string, uri: string, scope: Scope | undefined, quote: string): Scope {
    this.add(` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}=${quote}${escapeQuoted(uri, quote)}${quote}`);
    return { prefix, uri, outer: scope };
  }
}

/**
 * The name XMLSerializer writes for an element in a namespace without a prefix: its own, unless
 * that namespace is not the default one in scope and a prefix is declared for it.
 */
function prefixedName(
  attrs: NamedNodeMap | undefined,
  name: string,
  uri: string,
  scope: Scope | undefined,
): string {
  let defaultNs: string | undefined;
  for (let i = 0; attrs !== undefined && i < attrs.length; i++) {
    const a = attrs[i] as Attr;
    if (a.name === 'xmlns') {
      defaultNs = a.value;
      break;
    }
  }
  if (!defaultNs) {
    for (let s = scope; s !== undefined; s = s.outer) {
      if (s.prefix === '' && s.uri === uri) {
        defaultNs = s.uri;
        break;
      }
    }
  }
  if (defaultNs === uri) return name;
  for (let s = scope; s !== undefined; s = s.outer) {
    if (s.uri === uri) return s.prefix ? `${s.prefix}:${name}` : name;
  }
  return name;
}
