/**
 * Our serializer: writes a node exactly as xmldom's XMLSerializer writes it with the library's
 * text filter (see {@link serialize} in dom.ts), about 3x faster. xmldom's walks the tree with a
 * frame object per node and a buffer of small strings, and copies the list of visible namespace
 * declarations for every element; this one appends to a string flattened every 16 KB and keeps
 * the declarations in a list shared by an element's descendants. test/xml/serialize.test.ts proves it
 * writes what XMLSerializer writes on the corpus, the fixtures and generated, mutated documents.
 *
 * What it does not know it leaves to xmldom, by returning undefined: HTML documents and elements
 * in the XHTML namespace (whose empty elements XMLSerializer closes by HTML's rules), document
 * types and entity references (the parser refuses DOCTYPEs, so neither occurs in our documents).
 */
import type { Attr, Document, Element, NamedNodeMap, Node } from '@xmldom/xmldom';
import { TagScan, isLazy } from './start-tag.js';
import { XML_NS, XMLNS_NS } from './tokenizer.js';

const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const CDATA = 4;
const PROCESSING_INSTRUCTION = 7;
const COMMENT = 8;
const DOCUMENT = 9;
const DOCUMENT_FRAGMENT = 11;

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

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
  const writer = new Writer();
  // XMLSerializer seeds its list with the root's namespace when no prefix is bound to it, as an
  // entry whose prefix (null) matches no lookup: it changes nothing, so the walk starts empty.
  return writer.write(node, undefined) ? writer.out : undefined;
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
    default:
      return `&#${String(c.charCodeAt(0))};`;
  }
}

function escapeAttribute(value: string): string {
  return ATTRIBUTE_SPECIAL.test(value) ? value.replace(ATTRIBUTE_SPECIALS, escapeChar) : value;
}

function escapeText(data: string): string {
  return TEXT_SPECIAL.test(data) ? data.replace(TEXT_SPECIALS, escapeChar) : data;
}

/** An element whose end tag is still to write (none for a document), with the scope of its children. */
interface Open {
  readonly node: Node;
  readonly tag: string | undefined;
  readonly scope: Scope | undefined;
}

/** Text is flushed from the rope being appended to into a flat string at this length. */
const CHUNK = 16 * 1024;

class Writer {
  private chunk = '';
  private readonly chunks: string[] = [];
  /** Set on meeting a node left to xmldom (see the module's comment): the writing stops. */
  private unsupported = false;

  /** The text written. */
  get out(): string {
    return this.chunks.length === 0 ? this.chunk : this.chunks.join('') + this.chunk;
  }

  /**
   * Appends `s`. Every CHUNK characters the rope that `+=` built is flattened (V8 does so to read
   * a character of it) and set aside: a large document then leaves a few flat strings instead of a
   * tree of small ones that lives, and is copied by every young-generation collection, until the
   * end (3-4x faster at 4 MB).
   */
  private add(s: string): void {
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
        if (done.tag !== undefined) this.add(`</${done.tag}>`);
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
      case DOCUMENT:
      case DOCUMENT_FRAGMENT:
        // Its children, in the same scope: an Open that writes no end tag.
        return node.firstChild === null ? undefined : { node, tag: undefined, scope };
      case ATTRIBUTE:
        this.attribute((node as Attr).name, (node as Attr).value);
        return undefined;
      case TEXT:
        this.add(escapeText((node as unknown as { data: string }).data));
        return undefined;
      case CDATA:
        this.add(
          `<![CDATA[${(node as unknown as { data: string }).data.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`,
        );
        return undefined;
      case COMMENT:
        this.add(`<!--${(node as unknown as { data: string }).data}-->`);
        return undefined;
      case PROCESSING_INSTRUCTION: {
        const pi = node as unknown as { target: string; data: string };
        this.add(`<?${pi.target} ${pi.data}?>`);
        return undefined;
      }
      default:
        this.unsupported = true;
        return undefined;
    }
  }

  private attribute(name: string, value: string): void {
    this.add(` ${name}="${escapeAttribute(value)}"`);
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
    this.add(`<${tag}`);
    // The children's scope: the outer one, then this element's declarations, then those it lacked.
    let scope = outer;
    if (attrs === undefined) {
      const scan = new TagScan(el);
      while (scan.next()) this.attribute(scan.name, scan.value);
    } else {
      const count = attrs.length;
      for (let i = 0; i < count; i++) {
        const a = attrs[i] as Attr;
        if (a.prefix === 'xmlns') scope = { prefix: a.localName, uri: a.value, outer: scope };
        else if (a.nodeName === 'xmlns') scope = { prefix: '', uri: a.value, outer: scope };
      }
      for (let i = 0; i < count; i++) {
        const a = attrs[i] as Attr;
        if (needsDeclaration(a, scope)) scope = this.declare(a.prefix ?? '', a.namespaceURI as string, scope);
        this.attribute(a.name, a.value);
      }
    }
    if (tag === name && needsDeclaration(el, scope))
      scope = this.declare(el.prefix ?? '', uri as string, scope);
    if (el.firstChild === null) {
      this.add('/>');
      return undefined;
    }
    this.add('>');
    return { node: el, tag, scope };
  }

  /** Writes a declaration of `prefix` for `uri` and returns the scope with it. */
  private declare(prefix: string, uri: string, scope: Scope | undefined): Scope {
    this.attribute(prefix === '' ? 'xmlns' : `xmlns:${prefix}`, uri);
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
