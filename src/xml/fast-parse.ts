/**
 * The fast parse engine: the saxes tokenizer drives xmldom's own node factories, so the result is a
 * genuine xmldom Document (xmldom's node classes, NodeLists, NamedNodeMaps and namespace
 * bookkeeping) built several times faster than by xmldom's DOMParser. It builds the same tree as
 * DOMParser does (test/xml/fast-parse.test.ts proves it on the corpus and on generated documents)
 * and is stricter only where xmldom accepts what XML 1.0 forbids (listed at {@link parseFast}).
 *
 * Namespaces are resolved here, not by saxes: saxes trims namespace URIs where xmldom keeps them as
 * written, and its namespace mode allocates a scope per element where this builder allocates one per
 * element that declares a namespace.
 */
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';
import { DOMImplementation } from '@xmldom/xmldom';
import type { Document, Element, Node, NodeList, Text } from '@xmldom/xmldom';
import { XmlLimitError, XmlParseError } from '../errors.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const TEXT_NODE = 3;

/** Prefix → namespace URI; a child scope inherits through its prototype (one per declaring element). */
type Scope = Record<string, string>;

/** The links xmldom keeps on every node (read-only in its types, plain fields at run time). */
interface Links {
  parentNode: Node | null;
  firstChild: Node | null;
  lastChild: Node | null;
  previousSibling: Node | null;
  nextSibling: Node | null;
  childNodes: NodeList & { length: number; [index: number]: Node };
}

export interface FastParseOptions {
  source: string | undefined;
  maxDepth: number;
}

/**
 * Parses `text` (line endings already normalized) into the xmldom Document that xmldom's DOMParser
 * builds, refusing everything the hardened parser refuses. Deliberately stricter than xmldom, which
 * accepts the following although XML 1.0 and Namespaces in XML 1.0 forbid them (each has a fixture
 * under fixtures/xml/stricter, refused by libxml2 too):
 * - attributes: unquoted or missing values (`<a b=1/>`, `<a b/>`), no whitespace between two,
 *   `<a/ >`, two with one namespace and local name under different prefixes (xmldom keeps only the
 *   last one, losing the other's value);
 * - text: a bare `&`, references xmldom does not take for references and keeps as text (`&é;`,
 *   `&#;`), `]]>`, CDATA after the root element, JavaScript-only whitespace after the root (U+00A0,
 *   U+2028, U+FEFF, which xmldom drops);
 * - characters outside XML 1.0's Char production (raw, as references like `&#0;`, or lone
 *   surrogates), and U+037E or U+F0000 to U+10FFFF in names;
 * - namespaces: `xmlns:p=""`, and binding the `xml`/`xmlns` prefixes or namespaces otherwise than
 *   the spec fixes them.
 * A leading byte order mark is refused, as xmldom does (it reads it as text before the root).
 */
export function parseFast(text: string, options: FastParseOptions): Document {
  return new Builder(text, options).parse();
}

class Builder {
  private readonly doc: Document = new DOMImplementation().createDocument(null, '', null);
  // Six handlers registered with on(): saxes stores them under computed keys, and from the eighth
  // such store on V8 turns the parser into a dictionary-mode object, which makes saxes five to ten
  // times slower. The XML declaration, attributes and DOCTYPE are therefore found without handlers.
  private readonly parser = new SaxesParser({
    xmlns: false,
    forceXMLVersion: true,
    defaultXMLVersion: '1.0',
  });
  private readonly source: string | undefined;
  private readonly maxDepth: number;
  private parent: Node;
  private depth = 0;
  private scope: Scope;
  /** The scope around each open element, restored when it closes. */
  private readonly scopes: Scope[] = [];
  /**
   * Offset just past the last markup reported: text starts there, and the next markup starts at
   * the first `<` from there (text never holds a raw `<`).
   */
  private markupEnd = 0;
  /** The element closed last (for a mismatched end tag's message). */
  private closed: Node | null = null;
  private atEnd = false;
  // Line bookkeeping for positions: offsets are met in increasing order, so one forward scan.
  private line = 1;
  private lineStart = 0;
  private nextNewline: number;

  constructor(
    private readonly text: string,
    options: FastParseOptions,
  ) {
    this.source = options.source;
    this.maxDepth = options.maxDepth;
    this.parent = this.doc;
    this.scope = Object.create(null) as Scope;
    this.scope['xml'] = XML_NS;
    this.nextNewline = text.indexOf('\n');
    const p = this.parser;
    p.on('text', (data) => {
      this.onText(data);
    });
    p.on('opentag', (tag) => {
      this.onOpenTag(tag);
    });
    p.on('closetag', () => {
      this.onCloseTag();
    });
    p.on('comment', (data) => {
      const start = this.markupStart();
      // saxes reports a comment before reading its final `>`.
      this.markupEnd = p.position + 1;
      this.append(this.doc.createComment(data), start);
    });
    p.on('cdata', (data) => {
      const start = this.markupStart();
      this.markupEnd = p.position;
      // xmldom drops an empty section.
      if (data !== '') this.append(this.doc.createCDATASection(data), start);
    });
    p.on('processinginstruction', ({ target, body }) => {
      const start = this.markupStart();
      this.markupEnd = p.position;
      this.append(this.doc.createProcessingInstruction(target, body), start);
    });
  }

  parse(): Document {
    const { text, doc } = this;
    if (text.charCodeAt(0) === 0xfeff) {
      this.fail('the text starts with a byte order mark (U+FEFF): decode the input without it', 0);
    }
    // saxes would pair a lone high surrogate with whatever follows it.
    const lone = LONE_SURROGATE.exec(text);
    if (lone !== null)
      this.fail(`lone surrogate U+${hex(text.charCodeAt(lone.index))} is not a character`, lone.index);
    // saxes skips whitespace before the first markup; xmldom keeps it as a Text child of the document.
    const lead = LEADING_SPACE.exec(text);
    if (lead !== null) this.append(doc.createTextNode(lead[0]), 0);
    if (XML_DECL.test(text)) {
      // saxes checks the declaration but keeps only its values; xmldom keeps it as a processing
      // instruction whose data is what follows `<?xml` and its whitespace, up to `?>`. No value can
      // hold `?>`, so the first one ends it.
      const end = text.indexOf('?>') + 2;
      this.append(
        doc.createProcessingInstruction('xml', text.slice(5, end - 2).replace(LEADING_SPACE, '')),
        0,
      );
      this.markupEnd = end;
    }
    try {
      this.parser.write(text);
      this.atEnd = true;
      this.parser.close();
    } catch (e) {
      // saxes fails with plain Errors; ours (XmlParseError, XmlLimitError) and anything else pass.
      if (!(e instanceof Error) || e.constructor !== Error) throw e;
      this.explain(e);
    }
    return doc;
  }

  private onText(data: string): void {
    const parent = this.parent;
    if (parent === this.doc) {
      // Only whitespace gets here outside the root (saxes refuses anything else). xmldom keeps it as
      // Text children of the document, except the run after the last markup.
      if (!this.atEnd) this.append(this.doc.createTextNode(data), this.markupEnd);
      return;
    }
    const last = parent.lastChild;
    if (last !== null && last.nodeType === TEXT_NODE) {
      // Text around an empty CDATA section (which xmldom drops) is one node, as after xmldom's
      // normalize().
      (last as Text).appendData(data);
      return;
    }
    this.append(this.doc.createTextNode(data), this.markupEnd);
  }

  private onOpenTag(tag: SaxesTagPlain): void {
    const tagStart = this.markupStart();
    if (this.depth >= this.maxDepth) {
      throw new XmlLimitError(`elements nested deeper than the limit of ${this.maxDepth}`, {
        source: this.source,
        ...this.positionOf(tagStart),
      });
    }
    const { doc, text } = this;
    const attributes = tag.attributes;
    const names = Object.keys(attributes);
    // Namespace declarations first: they apply to the element's name and to all its attributes.
    const outer = this.scope;
    let scope = outer;
    for (const name of names) {
      if (name.charCodeAt(0) !== 0x78 /* x */ || !name.startsWith('xmlns')) continue;
      let prefix: string;
      if (name.length === 5) prefix = '';
      else if (name.charCodeAt(5) === 0x3a /* : */) {
        if (!isQName(name, 5)) this.fail(`attribute name "${name}" is not a valid qualified name`, tagStart);
        prefix = name.slice(6);
      } else continue;
      const uri = attributes[name] as string;
      const wrong = wrongBinding(prefix, uri);
      if (wrong !== undefined) this.fail(wrong, tagStart);
      if (scope === outer) scope = Object.create(outer) as Scope;
      scope[prefix] = uri;
    }
    const qname = tag.name;
    const colon = qname.indexOf(':');
    let ns: string | undefined;
    if (colon === -1) {
      // As xmldom's createElementNS, which would throw.
      if (qname === 'xmlns')
        this.fail('the element name xmlns is reserved for namespace declarations', tagStart);
      ns = scope[''];
    } else {
      if (!isQName(qname, colon))
        this.fail(`element name "${qname}" is not a valid qualified name`, tagStart);
      const prefix = qname.slice(0, colon);
      if (prefix === 'xmlns') this.fail(`element <${qname}> uses the reserved prefix xmlns`, tagStart);
      ns = scope[prefix];
      if (ns === undefined)
        this.fail(`element <${qname}>: namespace prefix "${prefix}" is not declared`, tagStart);
    }
    const el = doc.createElementNS(ns === '' || ns === undefined ? null : ns, qname);
    this.mark(el, tagStart);
    // xmldom places an attribute at the opening quote of its value: the first quote after the end
    // of the previous value (names, `=` and spaces hold none).
    let cursor = tagStart + 1 + qname.length;
    let expanded: Set<string> | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const c = name.indexOf(':');
      let uri: string | null = null;
      if (c !== -1) {
        if (!isQName(name, c)) this.fail(`attribute name "${name}" is not a valid qualified name`, tagStart);
        const prefix = name.slice(0, c);
        if (prefix === 'xmlns') uri = XMLNS_NS;
        else {
          const bound = scope[prefix];
          if (bound === undefined) {
            this.fail(
              `attribute ${name} of <${qname}>: namespace prefix "${prefix}" is not declared`,
              tagStart,
            );
          }
          uri = bound;
          // Two prefixes bound to one URI can name one attribute twice; xmldom would keep the last.
          expanded ??= new Set();
          const key = `{${uri}}${name.slice(c + 1)}`;
          if (expanded.has(key)) this.fail(`attribute ${key} appears twice on <${qname}>`, tagStart);
          expanded.add(key);
        }
      } else if (name === 'xmlns') uri = XMLNS_NS;
      const attr = doc.createAttributeNS(uri, name);
      attr.value = attr.nodeValue = attributes[name] as string;
      const quote = nextQuote(text, cursor);
      this.mark(attr, quote);
      cursor = text.indexOf(text.charAt(quote), quote + 1) + 1;
      el.setAttributeNode(attr);
    }
    this.link(el);
    this.scopes.push(outer);
    this.scope = scope;
    this.parent = el;
    this.depth++;
    this.markupEnd = this.parser.position;
  }

  private onCloseTag(): void {
    const el = this.parent;
    this.closed = el;
    this.parent = el.parentNode as Node;
    this.depth--;
    this.scope = this.scopes.pop() as Scope;
    this.markupEnd = this.parser.position;
  }

  /** Where the markup being reported starts; outside the root, refuses a DOCTYPE passed on the way. */
  private markupStart(): number {
    const lt = this.text.indexOf('<', this.markupEnd);
    if (this.depth === 0 && this.text.startsWith('<!DOCTYPE', lt)) {
      this.fail('DOCTYPE declarations are not allowed', lt);
    }
    return lt;
  }

  /**
   * Appends `node` to the open element, or to the document, and records its position as xmldom
   * does. Inside elements the links are set as xmldom's appendChild sets them for a node that has
   * no parent yet, without its checks, which hold by construction here.
   */
  private append(node: Node, offset: number): void {
    this.mark(node, offset);
    this.link(node);
  }

  /** Records where `node` starts, as xmldom does (offsets come in increasing order). */
  private mark(node: Node, offset: number): void {
    this.advanceTo(offset);
    const at = node as unknown as { lineNumber: number; columnNumber: number };
    at.lineNumber = this.line;
    at.columnNumber = offset - this.lineStart + 1;
  }

  private link(node: Node): void {
    const parent = this.parent;
    if (parent === this.doc) {
      parent.appendChild(node);
      return;
    }
    const p = parent as unknown as Links;
    const n = node as unknown as Links;
    const last = p.lastChild;
    n.parentNode = parent;
    n.previousSibling = last;
    if (last === null) p.firstChild = node;
    else (last as unknown as Links).nextSibling = node;
    p.lastChild = node;
    const list = p.childNodes;
    list[list.length++] = node;
  }

  private advanceTo(offset: number): void {
    while (this.nextNewline !== -1 && this.nextNewline < offset) {
      this.line++;
      this.lineStart = this.nextNewline + 1;
      this.nextNewline = this.text.indexOf('\n', this.lineStart);
    }
  }

  /** 1-based line and column (UTF-16 code units, as xmldom counts) of any offset. */
  private positionOf(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    if (at < this.lineStart) {
      // Only on the way to an error: count from the start.
      let line = 1;
      let start = 0;
      for (let nl = this.text.indexOf('\n'); nl !== -1 && nl < at; nl = this.text.indexOf('\n', start)) {
        line++;
        start = nl + 1;
      }
      return { line, column: at - start + 1 };
    }
    this.advanceTo(at);
    return { line: this.line, column: at - this.lineStart + 1 };
  }

  private fail(message: string, offset: number, cause?: unknown): never {
    throw new XmlParseError(message, { source: this.source, ...this.positionOf(offset) }, { cause });
  }

  /** Turns a saxes error into an XmlParseError that names the character, entity, tag or construct involved. */
  private explain(e: Error): never {
    const { message, offset } = this.diagnose(e.message.replace(/^\d+:\d+: /, '').replace(/\.$/, ''));
    this.fail(message, offset, e);
  }

  private diagnose(bare: string): { message: string; offset: number } {
    const { text, markupEnd } = this;
    // The last character saxes read (both halves of a surrogate pair count as one).
    let at = Math.max(0, this.parser.position - 1);
    if (at > 0 && isLowSurrogate(text.charCodeAt(at)) && isHighSurrogate(text.charCodeAt(at - 1))) at--;
    // saxes reads a reference up to the next `;`, wherever that is: a stray `&` surfaces later, as
    // a bad reference (spanning text and tags up to some `;`) or as a text that ends too early. A
    // malformed reference without such a span (`&#x;`) is reported as what it is, below.
    if (RUNAWAY_REFERENCE.test(bare)) {
      STRAY_AMPERSAND.lastIndex = markupEnd;
      const stray = STRAY_AMPERSAND.exec(text);
      const amp = text.lastIndexOf('&', at);
      if (stray !== null && stray.index < at && (stray.index < amp || /[\s<]/.test(text.slice(amp, at)))) {
        return {
          message: "'&' does not start an entity or character reference (write &amp; for a literal '&')",
          offset: stray.index,
        };
      }
    }
    if (this.atEnd && /^(?:unclosed tag|unexpected end|document must contain a root element)/.test(bare)) {
      const unfinished = this.unfinishedMarkup();
      if (unfinished !== undefined) return unfinished;
    }
    const amp = text.lastIndexOf('&', at);
    const ref = text.slice(amp, at + 1);
    const lt = text.lastIndexOf('<', at);
    switch (bare) {
      case 'undefined entity':
        return {
          message: `undefined entity ${ref}: only &lt; &gt; &amp; &quot; &apos; and character references are allowed`,
          offset: amp,
        };
      case 'disallowed character in entity name':
        return { message: `malformed entity reference ${ref}`, offset: amp };
      case 'empty entity name':
        return { message: "empty entity reference '&;'", offset: amp };
      case 'malformed character entity':
        return {
          message: /^&#(?:[0-9]+|x[0-9a-fA-F]+);$/.test(ref)
            ? `character reference ${ref} is not a character XML 1.0 allows`
            : `malformed character reference ${ref}`,
          offset: amp,
        };
      case 'disallowed character': {
        const code = text.codePointAt(at) ?? 0;
        // saxes says this of `<` only inside attribute values: the fix is in that start tag.
        if (code === 0x3c) {
          const start = text.lastIndexOf('<', at - 1);
          return {
            message: `'<' at ${this.describe(at)} is inside an attribute value of <${tagNameAt(text, start)}> (write &lt;, or close the quote before it)`,
            offset: start,
          };
        }
        return { message: `character U+${hex(code)} is not allowed here`, offset: at };
      }
      case 'disallowed character in attribute name':
      case 'disallowed character in tag name':
      case 'attribute without value':
      case 'unquoted attribute value':
        if (text.charCodeAt(at) === 0x3c) {
          // A start tag left without its `>`: the next tag begins inside it.
          const start = text.lastIndexOf('<', at - 1);
          return {
            message: `start tag <${tagNameAt(text, start)}> is not closed: '<' at ${this.describe(at)} is inside it`,
            offset: start,
          };
        }
        if ((text.codePointAt(at) ?? 0) >= 0x80) {
          return {
            message: `character U+${hex(text.codePointAt(at) ?? 0)} is not allowed in a name`,
            offset: at,
          };
        }
        if (
          bare === 'attribute without value' ||
          (bare === 'disallowed character in attribute name' && /[/>]/.test(text.charAt(at)))
        ) {
          // `<disk readonly/>`: a bare name where an attribute should be.
          const name = /([^\s=<>"']+)\s*$/.exec(text.slice(lt, at))?.[1];
          if (name !== undefined) {
            return {
              message: `attribute ${name} has no value (write ${name}="...")`,
              offset: text.lastIndexOf(name, at),
            };
          }
        }
        return { message: bare, offset: at };
      case 'disallowed character in processing instruction name':
        return {
          message: `character U+${hex(text.codePointAt(at) ?? 0)} is not allowed in a name`,
          offset: at,
        };
      case 'unexpected close tag': {
        // Reported where the element not closed starts, usually where an end tag is missing.
        const end = text.lastIndexOf('</', at);
        const open = this.closed as Element;
        return {
          message: `<${open.tagName}> is not closed: the end tag at ${this.describe(end)} is </${text.slice(end + 2, at).trim()}>`,
          offset: this.offsetOf(open),
        };
      }
      case 'documents may contain only one root':
        return { message: 'more than one root element', offset: lt };
      case 'text data outside of root node': {
        const cdata = text.lastIndexOf('<![CDATA[', at);
        if (cdata >= markupEnd) return { message: 'CDATA section outside the root element', offset: cdata };
        NOT_SPACE.lastIndex = markupEnd;
        return { message: 'text outside the root element', offset: NOT_SPACE.exec(text)?.index ?? at };
      }
      case 'document must contain a root element':
        return { message: 'no root element', offset: at };
      case 'malformed comment':
        return { message: "'--' is not allowed inside a comment", offset: at - 2 };
    }
    if (bare.startsWith('unclosed tag')) {
      const open = this.parent as Element;
      return {
        message: `<${open.tagName}> is not closed before the end of the text`,
        offset: this.offsetOf(open),
      };
    }
    if (bare.startsWith('unmatched closing tag')) {
      return {
        message: `end tag </${text.slice(lt + 2, at).trim()}> has no open element to close`,
        offset: lt,
      };
    }
    if (bare.startsWith('duplicate attribute: ')) {
      return { message: `attribute ${bare.slice(21)} appears twice on <${tagNameAt(text, lt)}>`, offset: lt };
    }
    if (/XML declaration|^processing instruction|^version number/.test(bare)) {
      // About a `<?...?>`: placed at its start.
      const message = bare.startsWith('version number') ? "the XML declaration's version must be 1.x" : bare;
      return { message, offset: text.lastIndexOf('<?', at) };
    }
    return { message: bare, offset: at };
  }

  /** At the end of the text: the construct left open after the last complete markup, if any. */
  private unfinishedMarkup(): { message: string; offset: number } | undefined {
    const { text } = this;
    const lt = text.indexOf('<', this.markupEnd);
    if (lt === -1) return undefined;
    const kinds: [string, string][] = [
      ['<!--', "a comment (no closing '-->')"],
      ['<![CDATA[', "a CDATA section (no closing ']]>')"],
      ['<?', "a processing instruction (no closing '?>')"],
      ['</', "an end tag (no closing '>')"],
      ['<!DOCTYPE', 'a DOCTYPE declaration, which is not allowed'],
      ['<!', "a markup declaration (no closing '>')"],
    ];
    const what =
      kinds.find(([opening]) => text.startsWith(opening, lt))?.[1] ?? "a start tag (no closing '>')";
    return { message: `the text ends inside ${what}`, offset: lt };
  }

  /** `line:column` of an offset. */
  private describe(offset: number): string {
    const { line, column } = this.positionOf(offset);
    return `${line}:${column}`;
  }

  /** The offset of an element built here, from the position recorded on it. */
  private offsetOf(el: Element): number {
    const at = el as unknown as { lineNumber: number; columnNumber: number };
    let start = 0;
    for (let line = 1; line < at.lineNumber; line++) start = this.text.indexOf('\n', start) + 1;
    return start + at.columnNumber - 1;
  }
}

const LEADING_SPACE = /^[ \t\n\r]+/;
/** `<?xml` as a declaration (saxes refuses it anywhere but at the very start), not `<?xml-stylesheet`. */
const XML_DECL = /^<\?xml[ \t\n?]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** saxes errors that a `&` starting no reference can cause, far from it. */
const RUNAWAY_REFERENCE =
  /^(?:disallowed character in entity name|undefined entity|malformed character entity|empty entity name|unclosed tag|unexpected end|document must contain a root element)/;
/** An `&` that does not start a syntactically complete reference. */
const STRAY_AMPERSAND = /&(?![^\s;<&#]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/g;
const NOT_SPACE = /[^ \t\n]/g;

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * A prefixed name is two NCNames around one colon. saxes checked that it is a Name, so what is left
 * is the colon's place and the local part's first character (a Name character that cannot start one).
 * names.ts isNCName would check every character again, costing several percent of the parse of a
 * metadata-heavy domain.
 */
function isQName(name: string, colon: number): boolean {
  return (
    colon !== 0 &&
    colon !== name.length - 1 &&
    name.indexOf(':', colon + 1) === -1 &&
    !cannotStartName(name.charCodeAt(colon + 1))
  );
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The offset of the first quote character from `from` on. */
function nextQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x27) return i;
  }
  return text.length;
}

/** The name of the tag whose `<` is at `lt`. */
function tagNameAt(text: string, lt: number): string {
  return /^<\/?([^\s/>]*)/.exec(text.slice(lt, lt + 200))?.[1] ?? '';
}

/** The Name characters that cannot start a name (XML 1.0 productions [4] and [4a]). */
function cannotStartName(c: number): boolean {
  return (
    c === 0x2d ||
    c === 0x2e ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0xb7 ||
    (c >= 0x300 && c <= 0x36f) ||
    c === 0x203f ||
    c === 0x2040
  );
}

/** Namespaces in XML 1.0 section 3: the fixed bindings of `xml` and `xmlns`, and no undeclaring a prefix. */
function wrongBinding(prefix: string, uri: string): string | undefined {
  if (prefix === 'xmlns') return 'the prefix xmlns must not be declared';
  if (prefix === 'xml' && uri !== XML_NS) return `the prefix xml must be bound to ${XML_NS}, not "${uri}"`;
  if (uri === XML_NS && prefix !== 'xml') return `the namespace ${XML_NS} belongs to the prefix xml only`;
  if (uri === XMLNS_NS) return `the namespace ${XMLNS_NS} must not be declared`;
  if (uri === '' && prefix !== '') return `xmlns:${prefix}="": a prefix cannot be undeclared in XML 1.0`;
  return undefined;
}
