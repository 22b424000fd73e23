/**
 * The fast parse engine: the events of our tokenizer (tokenizer.ts) build xmldom's own node objects
 * directly, so the result is a genuine xmldom Document (xmldom's node classes, NodeLists,
 * NamedNodeMaps, attribute indexes and namespace maps, as xmldom's DOMParser leaves them) built
 * many times faster than by DOMParser. test/xml/fast-parse.test.ts proves it builds the same
 * tree as DOMParser on the corpus and on generated and garbled documents; it is stricter only
 * where xmldom accepts what XML 1.0 forbids (listed at {@link parseFast}).
 *
 * Why not a general tokenizer driving xmldom's factories: the factories validate every name
 * again, and a SAX library's events, attribute objects and per-element namespace scopes cost
 * more than this whole parse (see bench/README.md). The nodes are made here with the fields
 * xmldom's factories give them, from constructors whose prototypes are xmldom's (the tests check
 * every such field, and that xmldom's own methods work on the result).
 *
 * An element's attribute nodes are made when `attributes` is first read (by xmldom's own methods,
 * xpath, or a caller), not during the parse: until then the library reads its start tag in the
 * source (start-tag.ts). They are half of a parsed domain's memory, and most are never asked for.
 * Tags that start-tag.ts does not read (namespace declarations, prefixed attributes, values with
 * references or white space to normalize) get their nodes at once. *
 * An agent holds hundreds of parsed documents, and the collector copies every object held (twice,
 * while it is young), so the nodes are kept small: an element's childNodes is made from its
 * sibling links when first read, and the fields that follow from others (nodeName, a plain
 * element's localName, a text's length, line and column packed into one field) are read through
 * the node's prototype. Every read gives what DOMParser's node gives; only the own properties
 * differ (Object.keys of a node lists fewer), and cloneNode gives copies xmldom's own fields.
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
import { Node } from '@xmldom/xmldom';
import type { Document } from '@xmldom/xmldom';
import { SOURCE_AT, TAG_AT, TAG_TEXT, TagScan } from './start-tag.js';
import type { StartTagFields } from './start-tag.js';
import { Tokenizer, XMLNS_NS } from './tokenizer.js';
import type { TokenizerOptions, XmlHandler } from './tokenizer.js';
import { END_TAG_SOURCE, SOURCE, TRAILING } from './verbatim.js';
import type { DocumentFields, SourceFields } from './verbatim.js';

const TEXT_NODE = 3;

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
export function parseFast(text: string, options: TokenizerOptions): Document {
  const builder = new DomBuilder(text);
  const tokenizer = new Tokenizer(text, builder, options);
  builder.tokenizer = tokenizer;
  tokenizer.run();
  keepTrailingSpace(builder.doc, text);
  return builder.doc;
}

/** The white space after the last markup, which xmldom drops: kept for the serializer (verbatim.ts). */
function keepTrailingSpace(doc: Document, text: string): void {
  let at = text.length;
  for (
    let c = text.charCodeAt(at - 1);
    c === 0x20 || c === 0x0a || c === 0x09;
    c = text.charCodeAt(--at - 1)
  );
  if (at < text.length)
    (doc as unknown as DocumentFields)[TRAILING] = { space: text.slice(at), after: doc.lastChild };
}

// ---- xmldom's nodes, made directly ----------------------------------------------------------

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
  [POSITION]: number;
  nodeType: number;
  _data: string;
  length: number;
}

/**
 * A parsed element's or character data's line and column, as one small integer (one field where
 * xmldom's nodes have two): lineNumber and columnNumber are read from it through the prototype. A
 * position that does not fit (a line past 2^19, a column past 2^11) is -1, and the node gets its
 * own lineNumber and columnNumber instead (DomBuilder.widePosition).
 */
const POSITION = Symbol('position');
const COLUMN_BITS = 11;
const MAX_COLUMN = (1 << COLUMN_BITS) - 1;
const MAX_LINE = (1 << (30 - COLUMN_BITS)) - 1;

/** `line` and `column` as a POSITION, or -1 when they do not fit. */
function packPosition(line: number, column: number): number {
  return line <= MAX_LINE && column <= MAX_COLUMN ? (line << COLUMN_BITS) | column : -1;
}

/** lineNumber and columnNumber from POSITION, for a parsed node's prototype. */
const POSITION_FIELDS: PropertyDescriptorMap = {
  lineNumber: derivedField(function (this: NodeFields) {
    return this[POSITION] >> COLUMN_BITS;
  }, 'lineNumber'),
  columnNumber: derivedField(function (this: NodeFields) {
    return this[POSITION] & MAX_COLUMN;
  }, 'columnNumber'),
};

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

/** The constructor a function filling `this` becomes (see withPrototype), making a T. */
type ConstructorOf<F, T> = F extends (this: never, ...args: infer A) => void ? new (...args: A) => T : never;

type CharacterDataConstructor = new (doc: Document, data: string, position: number) => NodeFields;

const EMPTY_PROTOTYPE = Object.create(null) as object;
const DictNode = withPrototype<new () => Dict>(function DictNode() {
  // Nothing: an empty object whose prototype has no keys.
}, EMPTY_PROTOTYPE);

/**
 * A prototype under `proto` whose `key` is a dictionary made on first use (then an own property,
 * as xmldom's constructors make it): most elements never declare a namespace or carry a
 * namespaced attribute, so their `_nsMap` and `_nsIndex` are never used.
 */
function withLazyDict(proto: object, key: string): object {
  return Object.create(proto, {
    [key]: derivedField(function (this: object): Dict {
      const d = new DictNode();
      ownProperty(this, key, d);
      return d;
    }, key),
  }) as object;
}

const NodeListNode = withPrototype<new () => ListFields>(function NodeListNode(this: ListFields) {
  this.length = 0;
}, NodeList.prototype);

/**
 * The childNodes of every attribute, text, comment and processing instruction: they never have
 * children (xmldom refuses to insert any), so one frozen empty list serves them all.
 */
const LEAF_CHILDREN = Object.freeze(new NodeListNode());

/**
 * An element's childNodes, made from its sibling links when first read (then an own property, as
 * xmldom's constructors make it). A parsed document's elements keep no list until then: a list per
 * element was a fifth of a held domain's objects, and the library walks the links. The list is an
 * array of the exact size with NodeList's prototype (xmldom's own code, `cs[cs.length++] = child`
 * and `cs.length = i`, works on it); filling an xmldom NodeList item by item makes V8 reserve room
 * for 17 items. (Not for NamedNodeMap: xmldom appends to it with `list[list.length] = a;
 * list.length++`, which an array would count twice.)
 */
function childNodesFromLinks(this: NodeFields): ListFields {
  const items: NodeFields[] = [];
  for (let c = this.firstChild; c !== null; c = c.nextSibling) items.push(c);
  const list = Object.setPrototypeOf(items, NodeList.prototype) as ListFields;
  ownProperty(this, 'childNodes', list);
  return list;
}

function ownProperty(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * xmldom's insertBefore and replaceChild, with the list made first: when the new child ends up
 * last, xmldom links it and then appends it to the list, which a list made from the links in
 * between would hold twice. Every xmldom path that adds a child to an element comes through these
 * two (appendChild, textContent and cloneNode call insertBefore).
 */
function insertBefore(this: NodeFields, child: Node, ref: Node | null): Node {
  listChildren(this);
  return XMLDOM_NODE.insertBefore.call(this, child, ref);
}
function replaceChild(this: NodeFields, child: Node, old: Node): Node {
  listChildren(this);
  return XMLDOM_NODE.replaceChild.call(this, child, old);
}

function listChildren(node: NodeFields): void {
  if (!Object.hasOwn(node, 'childNodes')) childNodesFromLinks.call(node);
}

/** The methods of xmldom's Node that parsed nodes wrap (its types leave Node.prototype untyped). */
interface NodeMethods {
  insertBefore(this: unknown, child: Node, ref: Node | null): Node;
  replaceChild(this: unknown, child: Node, old: Node): Node;
  cloneNode(this: unknown, deep?: boolean): Node;
}
const XMLDOM_NODE = Node.prototype as NodeMethods;

const AttributesNode = withPrototype<new (owner: ElementFields) => AttributesFields>(
  function AttributesNode(this: AttributesFields, owner: ElementFields) {
    this._noNsIndex = new DictNode();
    this._ownerElement = owner;
    this.length = 0;
  },
  withLazyDict(NamedNodeMap.prototype, '_nsIndex'),
);

/**
 * What createElementNS gives, with its position and links (xmldom's field order), for an element
 * with a namespace or a prefix; but for `nodeName` (its tagName), `childNodes` (made from the
 * sibling links when first read, see childNodesFromLinks) and `attributes` (made from the start tag
 * at `tagAt` in `text` when first asked for, see start-tag.ts, or by the builder at once for the
 * tags start-tag.ts does not read), which its prototype gives.
 */
function elementFields(
  this: Record<string | symbol, unknown>,
  doc: Document,
  qname: string,
  ns: string | null,
  prefix: string | null,
  local: string,
  position: number,
  text: string,
  tagAt: number,
): void {
  // Stores to `this`, which V8 counts to size the object (through an alias, it would not).
  this['ownerDocument'] = doc;
  this['tagName'] = qname;
  this['namespaceURI'] = ns;
  this['prefix'] = prefix;
  this['localName'] = local;
  this['previousSibling'] = null;
  this['nextSibling'] = null;
  this['parentNode'] = null;
  this[POSITION] = position;
  this['firstChild'] = null;
  this['lastChild'] = null;
  this[TAG_AT] = tagAt;
  this[TAG_TEXT] = text;
}

/**
 * The same for an element in no namespace and without a prefix, most of a domain's: its null
 * namespaceURI and prefix are xmldom's Node.prototype's, its localName (its tagName) its prototype's.
 */
function plainElementFields(
  this: Record<string | symbol, unknown>,
  doc: Document,
  qname: string,
  position: number,
  text: string,
  tagAt: number,
): void {
  this['ownerDocument'] = doc;
  this['tagName'] = qname;
  this['previousSibling'] = null;
  this['nextSibling'] = null;
  this['parentNode'] = null;
  this[POSITION] = position;
  this['firstChild'] = null;
  this['lastChild'] = null;
  this[TAG_AT] = tagAt;
  this[TAG_TEXT] = text;
}

/** Gives `el` its attribute nodes, an own `attributes` from then on. */
function ownAttributes(el: ElementFields & StartTagFields, attributes: unknown): void {
  ownProperty(el, 'attributes', attributes);
  el[SOURCE_AT] = el[TAG_AT];
  el[TAG_AT] = -1;
}

/** The attribute nodes of an element's start tag that start-tag.ts reads, as the builder would make them. */
function attributesFromTag(this: ElementFields & StartTagFields): AttributesFields {
  const attributes = new AttributesNode(this);
  const text = this[TAG_TEXT];
  const tagAt = this[TAG_AT];
  const scan = new TagScan(this as unknown as Element);
  ownAttributes(this, attributes);
  // The line breaks of the tag are passed once, attribute after attribute: searching from the tag's
  // start for each attribute would be quadratic in a tag of thousands of attributes on one line.
  let line = this.lineNumber;
  let lastBreak = -1;
  let nextBreak = text.indexOf('\n', tagAt);
  while (scan.next()) {
    // The position of the opening quote, counted from the element's own.
    const quoteAt = scan.valueAt - 1;
    while (nextBreak !== -1 && nextBreak < quoteAt) {
      line++;
      lastBreak = nextBreak;
      nextBreak = text.indexOf('\n', nextBreak + 1);
    }
    const column = lastBreak === -1 ? this.columnNumber + quoteAt - tagAt : quoteAt - lastBreak;
    const name = scan.name;
    const attr = new AttrNode(this.ownerDocument, name, null, null, name, scan.value, this, line, column);
    addAttribute(this, attr, null, name);
  }
  return attributes;
}

/**
 * A field a parsed node reads through its prototype, from its other fields, until something
 * assigns it (xmldom's own code may): from then on an own property, as on xmldom's nodes.
 */
function derivedField(get: (this: never) => unknown, key: string): PropertyDescriptor {
  return {
    configurable: true,
    get,
    set(this: object, value: unknown) {
      ownProperty(this, key, value);
    },
  };
}

/** The fields parsed nodes derive (see derivedField), which xmldom's cloneNode would not copy. */
const DERIVED_FIELDS = ['nodeName', 'localName', 'length', 'lineNumber', 'columnNumber'] as const;

/**
 * xmldom's cloneNode, which copies a node's own scalar fields: the fields a parsed node derives
 * are given to its copy here (and to the copies of its descendants, in a deep clone).
 */
function cloneNode(this: Node, deep?: boolean): Node {
  const copy = XMLDOM_NODE.cloneNode.call(this, deep);
  const pairs: Node[] = [this, copy];
  while (pairs.length > 0) {
    const to = pairs.pop() as unknown as Record<string, unknown>;
    const from = pairs.pop() as unknown as Record<string, unknown>;
    for (const key of DERIVED_FIELDS) {
      if (!Object.hasOwn(from, key) && from[key] !== to[key]) to[key] = from[key];
    }
    if (deep !== true) continue;
    let b = (to as unknown as Node).firstChild;
    for (let a = (from as unknown as Node).firstChild; a !== null && b !== null; a = a.nextSibling) {
      pairs.push(a, b);
      b = b.nextSibling;
    }
  }
  return copy;
}

const ELEMENT_PROTOTYPE = Object.create(withLazyDict(Element.prototype as object, '_nsMap'), {
  ...POSITION_FIELDS,
  nodeName: derivedField(function (this: ElementFields) {
    return this.tagName;
  }, 'nodeName'),
  childNodes: derivedField(childNodesFromLinks, 'childNodes'),
  attributes: {
    configurable: true,
    get: attributesFromTag,
    set(this: ElementFields & StartTagFields, value: unknown) {
      ownAttributes(this, value);
    },
  },
  insertBefore: { configurable: true, writable: true, value: insertBefore },
  replaceChild: { configurable: true, writable: true, value: replaceChild },
  cloneNode: { configurable: true, writable: true, value: cloneNode },
}) as object;

const ElementNode = withPrototype<ConstructorOf<typeof elementFields, ElementFields & StartTagFields>>(
  elementFields,
  ELEMENT_PROTOTYPE,
);

const PlainElementNode = withPrototype<
  ConstructorOf<typeof plainElementFields, ElementFields & StartTagFields>
>(
  plainElementFields,
  Object.create(ELEMENT_PROTOTYPE, {
    localName: derivedField(function (this: ElementFields) {
      return this.tagName;
    }, 'localName'),
  }) as object,
);

/** What createAttributeNS gives, with its value and position. */
function attrFields(
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
): void {
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
}
const AttrNode = withPrototype<ConstructorOf<typeof attrFields, NodeFields>>(attrFields, Attr.prototype);

/**
 * Text, CDATA sections and comments: what createTextNode & co. give (`_data` backs `data`), but for
 * `length` (of `_data`) and `childNodes` (one frozen empty list), which their prototype gives.
 */
function characterData(proto: object): CharacterDataConstructor {
  return withPrototype<CharacterDataConstructor>(
    function CharacterDataNode(this: NodeFields, doc: Document, data: string, position: number) {
      this.ownerDocument = doc;
      this._data = data;
      this.previousSibling = null;
      this.nextSibling = null;
      this.parentNode = null;
      this[POSITION] = position;
    },
    Object.create(proto, {
      ...POSITION_FIELDS,
      length: derivedField(function (this: NodeFields) {
        return this._data.length;
      }, 'length'),
      childNodes: { configurable: true, writable: true, value: LEAF_CHILDREN },
      cloneNode: { configurable: true, writable: true, value: cloneNode },
    }),
  );
}
const TextNode = characterData(Text.prototype as object);
const CDATANode = characterData(CDATASection.prototype as object);
const CommentNode = characterData(Comment.prototype as object);

/**
 * V8 sizes the objects of a constructor by the fields that the first few it makes end up with
 * ("slack tracking"). Some parsed nodes get fields later (an element its attribute nodes and the
 * offset of its tag, a text node its source), and the first document parsed would make every node
 * of the process that much bigger: the first few are made here, with their constructor's fields only.
 */
function sizeNodeConstructors(): void {
  const doc = new DOMImplementation().createDocument(null, '', null);
  for (let i = 0; i < 8; i++) {
    new PlainElementNode(doc, 'a', 0, '', 0);
    new ElementNode(doc, 'p:a', 'urn:a', 'p', 'a', 0, '', 0);
    for (const ctor of [TextNode, CDATANode, CommentNode]) new ctor(doc, '', 0);
  }
}
sizeNodeConstructors();

function piFields(
  this: Record<string, unknown>,
  doc: Document,
  target: string,
  data: string,
  line: number,
  column: number,
): void {
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
}
const PINode = withPrototype<ConstructorOf<typeof piFields, NodeFields>>(
  piFields,
  ProcessingInstruction.prototype,
);

/** As xmldom's setAttributeNode for a new attribute: the ordered list and the index. */
function addAttribute(el: ElementFields, attr: NodeFields, uri: string | null, local: string): void {
  const attributes = el.attributes;
  attributes[attributes.length++] = attr;
  const bucket =
    uri === null ? attributes._noNsIndex : ((attributes._nsIndex[uri] ??= new DictNode()) as Dict);
  bucket[local] = attr;
}

// ---- The builder ----------------------------------------------------------------------------

/** Builds xmldom's Document from the tokenizer's events. */
class DomBuilder implements XmlHandler {
  readonly doc: Document = new DOMImplementation().createDocument(null, '', null);

  /** `input`: the text the tokenizer reads, where elements read their start tags until asked for attribute nodes. */
  constructor(private readonly input: string) {}

  /** The tokenizer reporting to this builder: its start tag fields and positions are read directly. */
  tokenizer!: Tokenizer;
  private parent: ElementFields | undefined;
  private readonly open: ElementFields[] = [];
  /** Where the empty CDATA sections read since the last node start (-1: none). */
  private emptyCdataAt = -1;

  begin(): void {
    // parseFast hands this builder the tokenizer itself, whose fields it reads.
  }

  xmlDeclaration(data: string): void {
    // xmldom keeps the declaration as a processing instruction.
    this.appendToDocument(this.withSource(new PINode(this.doc, 'xml', data, 1, 1), 'xml', data));
  }

  startElement(): void {
    const t = this.tokenizer;
    const { doc } = this;
    t.locate(t.eventAt);
    const count = t.attributeCount;
    const position = packPosition(t.line, t.column);
    const el =
      t.namespaceURI === null && t.prefix === null
        ? new PlainElementNode(doc, t.qname, position, this.input, t.eventAt)
        : new ElementNode(
            doc,
            t.qname,
            t.namespaceURI,
            t.prefix,
            t.localName,
            position,
            this.input,
            t.eventAt,
          );
    if (position === -1) this.widePosition(el);
    // Start tags that start-tag.ts does not read get their attribute nodes now.
    if (!t.attributesPlain || t.attributesQualified) this.attributes(el, count);
    // The root goes into the document when it ends: xmldom's checks read the childNodes of the
    // node they insert, which would make its list before it has children.
    const parent = this.parent;
    if (parent !== undefined) this.appendChild(parent, el);
    this.open.push(el);
    this.parent = el;
  }

  /** The attribute nodes of the start tag just read, in `el`. */
  private attributes(el: ElementFields & StartTagFields, count: number): void {
    const t = this.tokenizer;
    const { doc } = this;
    ownAttributes(el, new AttributesNode(el));
    const qualified = t.attributesQualified;
    for (let i = 0; i < count; i++) {
      const name = t.attributeNames[i] as string;
      const uri = qualified ? (t.attributeUris[i] as string | null) : null;
      const local = qualified ? (t.attributeLocals[i] as string) : name;
      const prefix = qualified ? (t.attributePrefixes[i] as string | null) : null;
      const value = t.attributeValue(i);
      t.locate(t.attributeQuotes[i] as number);
      const attr = new AttrNode(doc, name, uri, prefix, local, value, el, t.line, t.column);
      addAttribute(el, attr, uri, local);
      if (uri === XMLNS_NS) el._nsMap[prefix === null ? '' : local] = value;
    }
  }

  endElement(): void {
    const el = this.parent as ElementFields;
    this.emptyCdataAt = -1;
    const endTag = this.tokenizer.endTagSource;
    if (endTag !== undefined) (el as unknown as SourceFields)[END_TAG_SOURCE] = endTag;
    this.open.pop();
    this.parent = this.open[this.open.length - 1];
    if (this.parent === undefined) this.appendToDocument(el);
  }

  text(data: string): void {
    const t = this.tokenizer;
    const parent = this.parent as ElementFields;
    const last = parent.lastChild;
    // The empty CDATA sections just before (which xmldom drops) are kept in the text's source.
    const dropped = this.emptyCdataAt;
    this.emptyCdataAt = -1;
    if (last !== null && last.nodeType === TEXT_NODE) {
      // Text around an empty CDATA section is one node, as after xmldom's normalize().
      const merged = last as NodeFields & SourceFields;
      merged[SOURCE] = (merged[SOURCE] ?? merged._data) + this.input.slice(dropped, t.eventEnd);
      merged._data += data;
      return;
    }
    const node = this.characterData(TextNode, data);
    const source = dropped === -1 ? t.textSource : this.input.slice(dropped, t.eventEnd);
    if (source !== undefined) (node as NodeFields & SourceFields)[SOURCE] = source;
    this.appendChild(parent, node);
  }

  outerSpace(data: string): void {
    // xmldom keeps it as Text children of the document.
    this.appendToDocument(this.characterData(TextNode, data));
  }

  cdata(data: string): void {
    // xmldom drops an empty section.
    if (data !== '') this.appendMarkup(this.characterData(CDATANode, data));
    else if (this.emptyCdataAt === -1) this.emptyCdataAt = this.tokenizer.eventAt;
  }

  comment(data: string): void {
    this.appendMarkup(this.characterData(CommentNode, data));
  }

  processingInstruction(target: string, data: string): void {
    const t = this.tokenizer;
    t.locate(t.eventAt);
    this.appendMarkup(this.withSource(new PINode(this.doc, target, data, t.line, t.column), target, data));
  }

  /** A processing instruction with its source, when it is not written `<?target data?>`. */
  private withSource(pi: NodeFields, target: string, data: string): NodeFields {
    const t = this.tokenizer;
    const at = t.eventAt;
    const input = this.input;
    const written =
      t.eventEnd - at === target.length + data.length + 5 &&
      input.charCodeAt(at + 2 + target.length) === 0x20;
    if (!written) (pi as NodeFields & SourceFields)[SOURCE] = input.slice(at, t.eventEnd);
    return pi;
  }

  private characterData(ctor: CharacterDataConstructor, data: string): NodeFields {
    const t = this.tokenizer;
    t.locate(t.eventAt);
    const position = packPosition(t.line, t.column);
    const node = new ctor(this.doc, data, position);
    if (position === -1) this.widePosition(node);
    return node;
  }

  /** The tokenizer's line and column on `node`, whose POSITION cannot hold them. */
  private widePosition(node: NodeFields): void {
    ownProperty(node, 'lineNumber', this.tokenizer.line);
    ownProperty(node, 'columnNumber', this.tokenizer.column);
  }

  /** A comment, CDATA section or processing instruction, in the open element or the document. */
  private appendMarkup(node: NodeFields): void {
    if (this.parent === undefined) this.appendToDocument(node);
    else this.appendChild(this.parent, node);
  }

  /**
   * Appends as xmldom's appendChild does for a node without a parent, without its checks, which
   * hold by construction here, and without a list of children (see childNodesFromLinks).
   */
  private appendChild(parent: NodeFields, node: NodeFields): void {
    const last = parent.lastChild;
    this.emptyCdataAt = -1;
    node.parentNode = parent;
    node.previousSibling = last;
    if (last === null) parent.firstChild = node;
    else last.nextSibling = node;
    parent.lastChild = node;
  }

  /** The document's own appendChild: it also sets documentElement. */
  private appendToDocument(node: NodeFields): void {
    this.doc.appendChild(node as unknown as Node);
  }
}
