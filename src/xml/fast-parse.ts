/**
 * The fast parse engine: a tokenizer written for this library builds xmldom's own node objects
 * directly, so the result is a genuine xmldom Document (xmldom's node classes, NodeLists,
 * NamedNodeMaps, attribute indexes and namespace maps, as xmldom's DOMParser leaves them) built
 * many times faster than by DOMParser. test/xml/fast-parse.test.ts proves it builds the same
 * tree as DOMParser on the corpus and on generated and garbled documents; it is stricter only
 * where xmldom accepts what XML 1.0 forbids (listed at {@link parseFast}).
 *
 * Why not a general tokenizer driving xmldom's factories: the factories validate every name
 * again, and a SAX library's events, attribute objects and per-element namespace scopes cost
 * more than this whole parse (see bench/README.md). The nodes are made here with the fields
 * xmldom's factories give them, in the same order, from constructors whose prototypes are
 * xmldom's (the tests check every such field, and that xmldom's own methods work on the result).
 */
import {
  Attr,
  CDATASection,
  Comment,
  DOMImplementation,
  Element,
  NamedNodeMap,
  NodeList,
  ProcessingInstruction,
  Text,
} from '@xmldom/xmldom';
import type { Document, Node } from '@xmldom/xmldom';
import { XmlLimitError, XmlParseError } from '../errors.js';
import { isNameCodePoint, isNameStartCodePoint } from './names.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const SEMICOLON = 0x3b;
const HASH = 0x23;
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const TEXT_NODE = 3;

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

// ---- xmldom's nodes, made directly ----------------------------------------------------------

/** Prefix → namespace URI; a child scope inherits through its prototype (one per declaring element). */
type Scope = Record<string, string>;

/** A dictionary without inherited keys that stays a fast V8 object (Object.create(null) does not). */
type Dict = Record<string, unknown>;

/** The fields of xmldom nodes this builder writes (read-only in xmldom's types, plain at run time). */
interface NodeFields {
  ownerDocument: Document;
  childNodes: ListFields;
  parentNode: NodeFields | null;
  previousSibling: NodeFields | null;
  nextSibling: NodeFields | null;
  firstChild: NodeFields | null;
  lastChild: NodeFields | null;
  lineNumber: number;
  columnNumber: number;
  nodeType: number;
  _data: string;
  length: number;
}

interface ElementFields extends NodeFields {
  _nsMap: Dict;
  attributes: AttributesFields;
  tagName: string;
}

interface ListFields {
  length: number;
  [index: number]: unknown;
}

interface AttributesFields extends ListFields {
  _nsIndex: Dict;
  _noNsIndex: Dict;
  _ownerElement: ElementFields;
}

/** Gives a constructor made here the prototype of an xmldom class (so instanceof and methods work). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- C names the constructor type the function has at run time
function withPrototype<C>(ctor: unknown, proto: unknown): C {
  (ctor as { prototype: unknown }).prototype = proto;
  return ctor as C;
}

type CharacterDataConstructor = new (doc: Document, data: string, line: number, column: number) => NodeFields;

const EMPTY_PROTOTYPE = Object.create(null) as object;
const DictNode = withPrototype<new () => Dict>(function DictNode() {
  // Nothing: an empty object whose prototype has no keys.
}, EMPTY_PROTOTYPE);

const NodeListNode = withPrototype<new () => ListFields>(function NodeListNode(this: ListFields) {
  this.length = 0;
}, NodeList.prototype);

/**
 * The childNodes of every attribute, text, comment and processing instruction: they never have
 * children (xmldom refuses to insert any), so one frozen empty list serves them all.
 */
const LEAF_CHILDREN = Object.freeze(new NodeListNode());

/**
 * A finished list of children as xmldom's NodeList: an array of the exact size with NodeList's
 * prototype (xmldom's own code, `cs[cs.length++] = child` and `cs.length = i`, works on it).
 * Filling an xmldom NodeList item by item makes V8 reserve room for 17 items: 150 bytes for each
 * element with a child. (Not for NamedNodeMap: xmldom appends to it with `list[list.length] = a;
 * list.length++`, which an array would count twice.)
 */
function nodeList(items: NodeFields[]): ListFields {
  return Object.setPrototypeOf(items, NodeList.prototype) as ListFields;
}

const AttributesNode = withPrototype<new (owner: ElementFields) => AttributesFields>(function AttributesNode(
  this: AttributesFields,
  owner: ElementFields,
) {
  this._nsIndex = new DictNode();
  this._noNsIndex = new DictNode();
  this._ownerElement = owner;
  this.length = 0;
}, NamedNodeMap.prototype);

/** What createElementNS gives, with its position and links (xmldom's field order). */
const ElementNode = withPrototype<
  new (
    doc: Document,
    qname: string,
    ns: string | null,
    prefix: string | null,
    local: string,
    line: number,
    column: number,
  ) => ElementFields
>(function ElementNode(
  this: Record<string, unknown>,
  doc: Document,
  qname: string,
  ns: string | null,
  prefix: string | null,
  local: string,
  line: number,
  column: number,
) {
  this['_nsMap'] = new DictNode();
  // Set when known: the attributes after they are read, the children when the element closes.
  this['attributes'] = null;
  this['childNodes'] = null;
  this['ownerDocument'] = doc;
  this['nodeName'] = qname;
  this['tagName'] = qname;
  this['namespaceURI'] = ns;
  this['prefix'] = prefix;
  this['localName'] = local;
  this['previousSibling'] = null;
  this['nextSibling'] = null;
  this['parentNode'] = null;
  this['lineNumber'] = line;
  this['columnNumber'] = column;
  this['firstChild'] = null;
  this['lastChild'] = null;
}, Element.prototype);

/** What createAttributeNS gives, with its value and position. */
const AttrNode = withPrototype<
  new (
    doc: Document,
    qname: string,
    ns: string | null,
    prefix: string | null,
    local: string,
    value: string,
    owner: ElementFields,
    line: number,
    column: number,
  ) => NodeFields
>(function AttrNode(
  this: Record<string, unknown>,
  doc: Document,
  qname: string,
  ns: string | null,
  prefix: string | null,
  local: string,
  value: string,
  owner: ElementFields,
  line: number,
  column: number,
) {
  this['namespaceURI'] = ns;
  this['prefix'] = prefix;
  this['ownerElement'] = owner;
  this['ownerDocument'] = doc;
  this['childNodes'] = LEAF_CHILDREN;
  this['nodeName'] = qname;
  this['name'] = qname;
  this['specified'] = true;
  this['localName'] = local;
  this['lineNumber'] = line;
  this['columnNumber'] = column;
  this['nodeValue'] = value;
  this['value'] = value;
}, Attr.prototype);

/** Text, CDATA sections and comments: what createTextNode & co. give (`_data` backs `data`). */
function characterData(proto: unknown): CharacterDataConstructor {
  return withPrototype<CharacterDataConstructor>(function CharacterDataNode(
    this: NodeFields,
    doc: Document,
    data: string,
    line: number,
    column: number,
  ) {
    this.ownerDocument = doc;
    this.childNodes = LEAF_CHILDREN;
    this._data = data;
    this.length = data.length;
    this.previousSibling = null;
    this.nextSibling = null;
    this.parentNode = null;
    this.lineNumber = line;
    this.columnNumber = column;
  }, proto);
}
const TextNode = characterData(Text.prototype);
const CDATANode = characterData(CDATASection.prototype);
const CommentNode = characterData(Comment.prototype);

const PINode = withPrototype<
  new (doc: Document, target: string, data: string, line: number, column: number) => NodeFields
>(function PINode(
  this: Record<string, unknown>,
  doc: Document,
  target: string,
  data: string,
  line: number,
  column: number,
) {
  this['ownerDocument'] = doc;
  this['childNodes'] = LEAF_CHILDREN;
  this['target'] = target;
  this['nodeName'] = target;
  this['_data'] = data;
  this['length'] = data.length;
  this['lineNumber'] = line;
  this['columnNumber'] = column;
  this['previousSibling'] = null;
  this['nextSibling'] = null;
  this['parentNode'] = null;
}, ProcessingInstruction.prototype);

// ---- The tokenizer --------------------------------------------------------------------------

/** ASCII characters of names: 1 may start a name, 2 may only continue one. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[:A-Z_a-z]/.test(ch)) ASCII_NAME[c] = 1;
  else if (/[-.0-9]/.test(ch)) ASCII_NAME[c] = 2;
}

/** The first character XML 1.0 does not allow anywhere (production [2]), or a lone surrogate. */
const BAD_CHARACTER =
  // eslint-disable-next-line no-control-regex -- the control characters XML forbids are what it finds
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The XML declaration (production [23]), when the text starts with one. */
const XML_DECLARATION_START = /^<\?xml[ \t\n?]/;
const XML_DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
const XML_VERSION = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')/;
const LEADING_SPACE = /^[ \t\n]+/;
const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

class Builder {
  private readonly doc: Document = new DOMImplementation().createDocument(null, '', null);
  private readonly source: string | undefined;
  private readonly maxDepth: number;
  /** Where the first character XML forbids is (-1: none): reported when the scan reaches it. */
  private readonly badAt: number;
  /** The open elements, innermost last, with their start offsets and the scopes around them. */
  private readonly open: ElementFields[] = [];
  private readonly openAt: number[] = [];
  private readonly scopes: Scope[] = [];
  private parent: ElementFields | undefined;
  private scope: Scope;
  private rootSeen = false;
  /** Where the markup being read starts (errors found by the scan are reported no later). */
  private scanAt = 0;
  // Attributes of the start tag being read (reused: most tags have few).
  private readonly attrNames: string[] = [];
  private readonly attrValues: string[] = [];
  private readonly attrQuotes: number[] = [];
  /** The children of the open elements, in order; each open element's start in openKids. */
  private readonly kids: NodeFields[] = [];
  private readonly openKids: number[] = [];
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
    this.scope = Object.create(null) as Scope;
    this.scope['xml'] = XML_NS;
    this.nextNewline = text.indexOf('\n');
    this.badAt = BAD_CHARACTER.exec(text)?.index ?? -1;
  }

  parse(): Document {
    const { text } = this;
    const n = text.length;
    if (text.charCodeAt(0) === 0xfeff) {
      this.fail('the text starts with a byte order mark (U+FEFF): decode the input without it', 0);
    }
    let pos = 0;
    if (XML_DECLARATION_START.test(text)) pos = this.xmlDeclaration();
    for (;;) {
      const lt = text.indexOf('<', pos);
      const end = lt === -1 ? n : lt;
      if (end > pos) this.characters(pos, end, lt === -1);
      if (lt === -1) break;
      this.scanAt = lt;
      const c = text.charCodeAt(lt + 1);
      if (c === SLASH) pos = this.endTag(lt);
      else if (c === BANG) pos = this.markupDeclaration(lt);
      else if (c === QUESTION) pos = this.processingInstruction(lt);
      else pos = this.startTag(lt);
    }
    this.scanAt = n;
    const open = this.parent;
    if (open !== undefined) {
      this.fail(
        `<${open.tagName}> is not closed before the end of the text`,
        this.openAt[this.openAt.length - 1] ?? 0,
      );
    }
    if (!this.rootSeen) this.fail('no root element', Math.max(0, n - 1));
    if (this.badAt !== -1) this.failBadCharacter();
    return this.doc;
  }

  /** `<?xml ...?>` at the start: kept, as xmldom does, as a processing instruction. */
  private xmlDeclaration(): number {
    const { text } = this;
    const m = XML_DECLARATION.exec(text);
    if (m === null) {
      if (!text.includes('?>')) {
        this.fail("the text ends inside a processing instruction (no closing '?>')", 0);
      }
      this.fail(
        XML_VERSION.test(text)
          ? 'the XML declaration is malformed: expected <?xml version="1.x" encoding="..." standalone="yes|no"?>'
          : "the XML declaration's version must be 1.x",
        0,
      );
    }
    const end = m[0].length;
    // xmldom's data is what follows `<?xml` and its whitespace, up to `?>`.
    const data = text.slice(5, end - 2).replace(LEADING_SPACE, '');
    this.appendToDocument(new PINode(this.doc, 'xml', data, 1, 1));
    return end;
  }

  /** Character data from `start` to `end` (the next `<`, or the end of the text). */
  private characters(start: number, end: number, atEnd: boolean): void {
    const { text } = this;
    const parent = this.parent;
    if (parent === undefined) {
      // Outside the root only whitespace; xmldom keeps it as Text children of the document,
      // except the run after the last markup.
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c !== SPACE && c !== NEWLINE && c !== TAB) {
          this.scanAt = i;
          this.fail('text outside the root element', i);
        }
      }
      if (!atEnd) this.appendToDocument(this.textNode(TextNode, text.slice(start, end), start));
      return;
    }
    const raw = text.slice(start, end);
    const cdataEnd = raw.indexOf(']]>');
    if (cdataEnd !== -1) {
      this.scanAt = start + cdataEnd;
      this.fail("']]>' is not allowed in text (write ]]&gt;)", start + cdataEnd);
    }
    const data = raw.includes('&') ? this.decode(start, end, false) : raw;
    const last = parent.lastChild;
    if (last !== null && last.nodeType === TEXT_NODE) {
      // Text around an empty CDATA section (which xmldom drops) is one node, as after xmldom's
      // normalize().
      last._data += data;
      last.length = last._data.length;
      return;
    }
    this.appendChild(parent, this.textNode(TextNode, data, start));
  }

  private startTag(lt: number): number {
    const { text } = this;
    const n = text.length;
    const nameEnd = this.nameEnd(lt + 1);
    if (nameEnd === lt + 1) {
      if (lt + 1 >= n) this.fail("the text ends inside a start tag (no closing '>')", lt);
      this.notName(lt + 1, "'<' is not followed by a name (write &lt; for a literal '<')", lt);
    }
    if (this.parent === undefined && this.rootSeen) this.fail('more than one root element', lt);
    const qname = text.slice(lt + 1, nameEnd);
    if (this.open.length >= this.maxDepth) {
      throw new XmlLimitError(`elements nested deeper than the limit of ${this.maxDepth}`, {
        source: this.source,
        ...this.positionOf(lt),
      });
    }
    const { attrNames, attrValues, attrQuotes } = this;
    let count = 0;
    let seen: Set<string> | undefined;
    let p = nameEnd;
    let empty = false;
    for (;;) {
      let c = text.charCodeAt(p);
      let spaced = false;
      while (c === SPACE || c === NEWLINE || c === TAB) {
        c = text.charCodeAt(++p);
        spaced = true;
      }
      if (c === GT) {
        p++;
        break;
      }
      if (c === SLASH) {
        if (text.charCodeAt(p + 1) !== GT) {
          if (p + 1 >= n) this.fail("the text ends inside a start tag (no closing '>')", lt);
          this.fail(`'/' in the start tag of <${qname}> must be followed by '>'`, p);
        }
        p += 2;
        empty = true;
        break;
      }
      if (p >= n) this.fail("the text ends inside a start tag (no closing '>')", lt);
      if (c === LT) this.unclosedStartTag(lt, p, qname);
      const attrEnd = this.nameEnd(p);
      if (attrEnd === p)
        this.notName(p, `unexpected ${quoteChar(text, p)} in the start tag of <${qname}>`, p);
      if (!spaced) this.fail(`no whitespace between attributes in the start tag of <${qname}>`, p);
      const name = text.slice(p, attrEnd);
      if (count < 16) {
        for (let i = 0; i < count; i++) {
          if (attrNames[i] === name) this.fail(`attribute ${name} appears twice on <${qname}>`, lt);
        }
      } else {
        // Many attributes (only hostile input has them): a set keeps the check linear.
        seen ??= new Set(attrNames.slice(0, count));
        if (seen.has(name)) this.fail(`attribute ${name} appears twice on <${qname}>`, lt);
        seen.add(name);
      }
      const nameAt = p;
      p = attrEnd;
      c = text.charCodeAt(p);
      while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
      if (c !== EQUALS) {
        if (p >= n) this.fail("the text ends inside a start tag (no closing '>')", lt);
        if (c === LT) this.unclosedStartTag(lt, p, qname);
        this.fail(`attribute ${name} has no value (write ${name}="...")`, nameAt);
      }
      c = text.charCodeAt(++p);
      while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
      if (c !== QUOTE && c !== APOSTROPHE) {
        if (p >= n) this.fail("the text ends inside a start tag (no closing '>')", lt);
        this.fail(`the value of attribute ${name} is not quoted (write ${name}="...")`, p);
      }
      const quoteAt = p;
      let plain = true;
      let d = text.charCodeAt(++p);
      while (d !== c) {
        if (d === LT) this.unclosedStartTag(lt, p, qname, true);
        if (d === AMP || d === NEWLINE || d === TAB) plain = false;
        else if (p >= n) this.fail("the text ends inside a start tag (no closing '>')", lt);
        d = text.charCodeAt(++p);
      }
      attrNames[count] = name;
      attrValues[count] = plain ? text.slice(quoteAt + 1, p) : this.decode(quoteAt + 1, p, true);
      attrQuotes[count] = quoteAt;
      count++;
      p++;
    }
    this.openElement(lt, qname, count, empty);
    return p;
  }

  /** Builds the element of a start tag read into attrNames/attrValues/attrQuotes. */
  private openElement(lt: number, qname: string, count: number, empty: boolean): void {
    const { doc, attrNames, attrValues, attrQuotes } = this;
    // Namespace declarations first: they apply to the element's name and to all its attributes.
    const outer = this.scope;
    let scope = outer;
    for (let i = 0; i < count; i++) {
      const name = attrNames[i] as string;
      if (name.charCodeAt(0) !== 0x78 /* x */ || !name.startsWith('xmlns')) continue;
      let prefix: string;
      if (name.length === 5) prefix = '';
      else if (name.charCodeAt(5) === 0x3a /* : */) {
        if (!isQName(name, 5)) this.fail(`attribute name "${name}" is not a valid qualified name`, lt);
        prefix = name.slice(6);
      } else continue;
      const uri = attrValues[i] as string;
      const wrong = wrongBinding(prefix, uri);
      if (wrong !== undefined) this.fail(wrong, lt);
      if (scope === outer) scope = Object.create(outer) as Scope;
      scope[prefix] = uri;
    }
    const colon = qname.indexOf(':');
    let ns: string | undefined;
    let prefix: string | null = null;
    let local = qname;
    if (colon === -1) {
      // As xmldom's createElementNS, which would throw.
      if (qname === 'xmlns') this.fail('the element name xmlns is reserved for namespace declarations', lt);
      ns = scope[''];
    } else {
      if (!isQName(qname, colon)) this.fail(`element name "${qname}" is not a valid qualified name`, lt);
      prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
      if (prefix === 'xmlns') this.fail(`element <${qname}> uses the reserved prefix xmlns`, lt);
      ns = scope[prefix];
      if (ns === undefined) this.fail(`element <${qname}>: namespace prefix "${prefix}" is not declared`, lt);
    }
    this.advanceTo(lt);
    const el = new ElementNode(
      doc,
      qname,
      ns === '' || ns === undefined ? null : ns,
      prefix,
      local,
      this.line,
      lt - this.lineStart + 1,
    );
    const attributes = new AttributesNode(el);
    el.attributes = attributes;
    let expanded: Set<string> | undefined;
    for (let i = 0; i < count; i++) {
      const name = attrNames[i] as string;
      const value = attrValues[i] as string;
      const c = name.indexOf(':');
      let uri: string | null = null;
      let attrPrefix: string | null = null;
      let attrLocal = name;
      let bucket = attributes._noNsIndex;
      if (c !== -1) {
        if (!isQName(name, c)) this.fail(`attribute name "${name}" is not a valid qualified name`, lt);
        attrPrefix = name.slice(0, c);
        attrLocal = name.slice(c + 1);
        if (attrPrefix === 'xmlns') uri = XMLNS_NS;
        else {
          const bound = scope[attrPrefix];
          if (bound === undefined) {
            this.fail(
              `attribute ${name} of <${qname}>: namespace prefix "${attrPrefix}" is not declared`,
              lt,
            );
          }
          uri = bound;
          // Two prefixes bound to one URI can name one attribute twice; xmldom would keep the last.
          expanded ??= new Set();
          const key = `{${uri}}${attrLocal}`;
          if (expanded.has(key)) this.fail(`attribute ${key} appears twice on <${qname}>`, lt);
          expanded.add(key);
        }
        bucket = (attributes._nsIndex[uri] ??= new DictNode()) as Dict;
      } else if (name === 'xmlns') {
        uri = XMLNS_NS;
        bucket = (attributes._nsIndex[uri] ??= new DictNode()) as Dict;
      }
      const quote = attrQuotes[i] as number;
      this.advanceTo(quote);
      const attr = new AttrNode(
        doc,
        name,
        uri,
        attrPrefix,
        attrLocal,
        value,
        el,
        this.line,
        quote - this.lineStart + 1,
      );
      // As xmldom's setAttributeNode: the ordered list, the index, and the namespace map.
      attributes[attributes.length++] = attr;
      bucket[attrLocal] = attr;
      if (uri === XMLNS_NS) el._nsMap[attrPrefix === null ? '' : attrLocal] = value;
    }
    const parent = this.parent;
    if (parent === undefined) {
      this.rootSeen = true;
      this.appendToDocument(el);
    } else this.appendChild(parent, el);
    if (empty) {
      el.childNodes = new NodeListNode();
      return;
    }
    this.openKids.push(this.kids.length);
    this.open.push(el);
    this.openAt.push(lt);
    this.scopes.push(outer);
    this.scope = scope;
    this.parent = el;
  }

  private endTag(lt: number): number {
    const { text } = this;
    const nameEnd = this.nameEnd(lt + 2);
    if (nameEnd === lt + 2) {
      if (lt + 2 >= text.length) this.fail("the text ends inside an end tag (no closing '>')", lt);
      this.notName(lt + 2, "'</' is not followed by a name", lt);
    }
    let p = nameEnd;
    let c = text.charCodeAt(p);
    while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
    if (c !== GT) {
      if (p >= text.length) this.fail("the text ends inside an end tag (no closing '>')", lt);
      this.notName(p, `unexpected ${quoteChar(text, p)} in the end tag </${text.slice(lt + 2, nameEnd)}>`, p);
    }
    const open = this.parent;
    if (open === undefined)
      this.fail(`end tag </${text.slice(lt + 2, nameEnd)}> has no open element to close`, lt);
    const tagName = open.tagName;
    // Compared in place: no string made for the name of every end tag.
    if (nameEnd - lt - 2 !== tagName.length || !text.startsWith(tagName, lt + 2)) {
      this.fail(
        `<${tagName}> is not closed: the end tag at ${this.describe(lt)} is </${text.slice(lt + 2, nameEnd)}>`,
        this.openAt[this.openAt.length - 1] ?? 0,
      );
    }
    const kids = this.kids;
    const first = this.openKids.pop() as number;
    if (first === kids.length) open.childNodes = new NodeListNode();
    else {
      open.childNodes = nodeList(kids.slice(first));
      kids.length = first;
    }
    this.open.pop();
    this.openAt.pop();
    this.scope = this.scopes.pop() as Scope;
    this.parent = this.open[this.open.length - 1];
    return p + 1;
  }

  /** `<!`: a comment or a CDATA section; a DOCTYPE or anything else is refused. */
  private markupDeclaration(lt: number): number {
    const { text } = this;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('--', lt + 4);
      if (end === -1) this.fail("the text ends inside a comment (no closing '-->')", lt);
      if (text.charCodeAt(end + 2) !== GT) {
        if (end + 2 >= text.length) this.fail("the text ends inside a comment (no closing '-->')", lt);
        this.scanAt = end;
        this.fail("'--' is not allowed inside a comment", end);
      }
      this.appendMarkup(this.textNode(CommentNode, text.slice(lt + 4, end), lt));
      return end + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      if (this.parent === undefined) this.fail('CDATA section outside the root element', lt);
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) this.fail("the text ends inside a CDATA section (no closing ']]>')", lt);
      // xmldom drops an empty section.
      if (end > lt + 9) this.appendMarkup(this.textNode(CDATANode, text.slice(lt + 9, end), lt));
      return end + 3;
    }
    if (text.startsWith('<!DOCTYPE', lt)) this.fail('DOCTYPE declarations are not allowed', lt);
    this.fail("'<!' starts neither a comment (<!--) nor a CDATA section (<![CDATA[)", lt);
  }

  private processingInstruction(lt: number): number {
    const { text } = this;
    const n = text.length;
    const targetEnd = this.nameEnd(lt + 2);
    if (targetEnd === lt + 2) {
      if (lt + 2 >= n) this.fail("the text ends inside a processing instruction (no closing '?>')", lt);
      this.notName(lt + 2, 'processing instruction without a target', lt);
    }
    const target = text.slice(lt + 2, targetEnd);
    if (target.toLowerCase() === 'xml') {
      this.fail('an XML declaration must be at the start of the document', lt);
    }
    let p = targetEnd;
    let c = text.charCodeAt(p);
    let data = '';
    if (c === SPACE || c === NEWLINE || c === TAB) {
      while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
      const end = text.indexOf('?>', p);
      if (end === -1) this.fail("the text ends inside a processing instruction (no closing '?>')", lt);
      data = text.slice(p, end);
      p = end;
    } else if (c !== QUESTION || text.charCodeAt(p + 1) !== GT) {
      if (p >= n || (c === QUESTION && p + 1 >= n))
        this.fail("the text ends inside a processing instruction (no closing '?>')", lt);
      this.notName(p, `processing instruction <?${target}: expected a space or '?>' after the target`, p);
    }
    this.advanceTo(lt);
    this.appendMarkup(new PINode(this.doc, target, data, this.line, lt - this.lineStart + 1));
    return p + 2;
  }

  /**
   * Decodes the references in text or an attribute value from `start` to `end`; in an attribute
   * value, tabs and newlines written as such become spaces (attribute-value normalization, as
   * xmldom does it), while references to them stay what they name.
   */
  private decode(start: number, end: number, attribute: boolean): string {
    const { text } = this;
    let out = '';
    let from = start;
    for (;;) {
      let amp = text.indexOf('&', from);
      if (amp === -1 || amp >= end) amp = end;
      const raw = text.slice(from, amp);
      out += attribute ? raw.replace(/[\t\n]/g, ' ') : raw;
      if (amp === end) return out;
      this.scanAt = amp;
      const semi = this.referenceEnd(amp, end);
      const body = text.slice(amp + 1, semi);
      if (body.charCodeAt(0) === HASH) {
        const cp =
          body.charCodeAt(1) === 0x78 /* x */ ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (!isXmlChar(cp)) {
          this.fail(`character reference &${body}; is not a character XML 1.0 allows`, amp);
        }
        out += String.fromCodePoint(cp);
      } else {
        const named = PREDEFINED.get(body);
        if (named === undefined) {
          this.fail(
            `undefined entity &${body};: only &lt; &gt; &amp; &quot; &apos; and character references are allowed`,
            amp,
          );
        }
        out += named;
      }
      from = semi + 1;
    }
  }

  /** The `;` of a well-formed reference starting at `amp` (before `end`), or fails with what is wrong. */
  private referenceEnd(amp: number, end: number): number {
    const { text } = this;
    let p = amp + 1;
    if (text.charCodeAt(p) === HASH) {
      p++;
      const hex = text.charCodeAt(p) === 0x78; /* x */
      if (hex) p++;
      const digitsAt = p;
      while (p < end && (hex ? isHexDigit(text.charCodeAt(p)) : isDigit(text.charCodeAt(p)))) p++;
      if (p > digitsAt && p < end && text.charCodeAt(p) === SEMICOLON) return p;
    } else {
      const nameEnd = Math.min(this.nameEnd(p), end);
      if (nameEnd > p && text.charCodeAt(nameEnd) === SEMICOLON) return nameEnd;
      if (p < end && text.charCodeAt(p) === SEMICOLON) this.fail("empty entity reference '&;'", amp);
    }
    // Something up to a `;` that is no reference, or a lone `&`.
    let q = amp + 1;
    for (; q < end; q++) {
      const c = text.charCodeAt(q);
      if (c === SEMICOLON || c === SPACE || c === NEWLINE || c === TAB || c === LT || c === AMP) break;
    }
    if (q < end && text.charCodeAt(q) === SEMICOLON && q > amp + 1) {
      const ref = text.slice(amp, q + 1);
      this.fail(
        text.charCodeAt(amp + 1) === HASH
          ? `malformed character reference ${ref}`
          : `malformed entity reference ${ref}`,
        amp,
      );
    }
    this.fail("'&' does not start an entity or character reference (write &amp; for a literal '&')", amp);
  }

  /** The end of the XML Name starting at `start` (`start` itself when none starts there). */
  private nameEnd(start: number): number {
    const { text } = this;
    let p = start;
    let c = text.charCodeAt(p);
    if (c < 128) {
      if (ASCII_NAME[c] !== 1) return p;
      p++;
    } else {
      const cp = text.codePointAt(p) ?? 0;
      if (Number.isNaN(c) || !isNameStartCodePoint(cp)) return p;
      p += cp > 0xffff ? 2 : 1;
    }
    for (;;) {
      c = text.charCodeAt(p);
      if (c < 128) {
        if (ASCII_NAME[c] === 0) return p;
        p++;
      } else {
        if (Number.isNaN(c)) return p;
        const cp = text.codePointAt(p) ?? 0;
        if (!isNameCodePoint(cp)) return p;
        p += cp > 0xffff ? 2 : 1;
      }
    }
  }

  /** Where a name was expected at `at`: a character outside ASCII is named, anything else described. */
  private notName(at: number, message: string, offset: number): never {
    const cp = this.text.codePointAt(at) ?? 0;
    if (cp >= 0x80 && at !== this.badAt) {
      this.scanAt = at;
      this.fail(`character U+${hex(cp)} is not allowed in a name`, at);
    }
    this.fail(message, offset);
  }

  /** A `<` inside a start tag: the tag misses its `>`, or an attribute value its closing quote. */
  private unclosedStartTag(lt: number, at: number, qname: string, inValue = false): never {
    this.fail(
      inValue
        ? `'<' at ${this.describe(at)} is inside an attribute value of <${qname}> (write &lt;, or close the quote before it)`
        : `start tag <${qname}> is not closed: '<' at ${this.describe(at)} is inside it`,
      lt,
    );
  }

  private textNode(ctor: CharacterDataConstructor, data: string, offset: number): NodeFields {
    this.advanceTo(offset);
    return new ctor(this.doc, data, this.line, offset - this.lineStart + 1);
  }

  /** A comment, CDATA section or processing instruction, in the open element or the document. */
  private appendMarkup(node: NodeFields): void {
    if (this.parent === undefined) this.appendToDocument(node);
    else this.appendChild(this.parent, node);
  }

  /**
   * Appends as xmldom's appendChild does for a node without a parent, without its checks, which
   * hold by construction here; the parent's childNodes is made when it closes.
   */
  private appendChild(parent: NodeFields, node: NodeFields): void {
    const last = parent.lastChild;
    node.parentNode = parent;
    node.previousSibling = last;
    if (last === null) parent.firstChild = node;
    else last.nextSibling = node;
    parent.lastChild = node;
    this.kids.push(node);
  }

  /** The document's own appendChild: it also sets documentElement. */
  private appendToDocument(node: NodeFields): void {
    this.doc.appendChild(node as unknown as Node);
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

  /** `line:column` of an offset. */
  private describe(offset: number): string {
    const { line, column } = this.positionOf(offset);
    return `${line}:${column}`;
  }

  /**
   * Fails with `message` at `offset`, unless a character XML forbids comes before the markup
   * being read: errors are reported in the order of the text.
   */
  private fail(message: string, offset: number): never {
    if (this.badAt !== -1 && this.badAt <= Math.max(this.scanAt, offset)) this.failBadCharacter();
    throw new XmlParseError(message, { source: this.source, ...this.positionOf(offset) });
  }

  private failBadCharacter(): never {
    const at = this.badAt;
    const c = this.text.charCodeAt(at);
    const message =
      c >= 0xd800 && c <= 0xdfff
        ? `lone surrogate U+${hex(c)} is not a character`
        : `character U+${hex(c)} is not allowed here`;
    throw new XmlParseError(message, { source: this.source, ...this.positionOf(at) });
  }
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** The character at `at`, quoted for a message. */
function quoteChar(text: string, at: number): string {
  return JSON.stringify(String.fromCodePoint(text.codePointAt(at) ?? 0));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** XML 1.0 production [2]: what a character reference may name. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * A prefixed name is two NCNames around one colon. The tokenizer checked that it is a Name, so
 * what is left is the colon's place and the local part's first character (a Name character that
 * cannot start one).
 */
function isQName(name: string, colon: number): boolean {
  return (
    colon !== 0 &&
    colon !== name.length - 1 &&
    name.indexOf(':', colon + 1) === -1 &&
    canStartName(name, colon + 1)
  );
}

function canStartName(name: string, at: number): boolean {
  const c = name.charCodeAt(at);
  return c < 128 ? ASCII_NAME[c] === 1 : isNameStartCodePoint(name.codePointAt(at) ?? 0);
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
