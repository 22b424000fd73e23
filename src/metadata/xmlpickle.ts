/**
 * The xmlpickle codec: the pyxmlpickle layout of the seed mail, read and written.
 *
 * ```xml
 * <ovirt-instance:instance xmlns:ovirt-instance="http://ovirt.org/vm/instance/1.0">
 *   <ovirt-instance:value type="dict">
 *     <ovirt-instance:item key="ports" type="tuple">
 *       <ovirt-instance:item index="0" type="int">80</ovirt-instance:item>
 *     </ovirt-instance:item>
 *   </ovirt-instance:value>
 * </ovirt-instance:instance>
 * ```
 * Types dict, list, tuple, set, int, float, bool, str (the type name in any case), values per the
 * value model of `value.ts`. In the `ovirt-instance` namespace by default, in any namespace or none
 * (`<pyxmlpickle>`) on request; namespaces are matched by URI, never by prefix.
 *
 * Unlike pyxmlpickle: `''` round-trips; bad input is an error with the value path of the bad item
 * and its line:column, never a silent default (a missing `key`/`index`/`type`, an unknown type, bad
 * int/float/bool text, indexes other than 0..n-1 in order, duplicate dict keys or set members,
 * unhashable set members, elements other than `<item>` or text inside containers, elements inside
 * scalars); read leniently (`onUnreadable`), an int/float/bool whose text cannot be read is kept as
 * written and reported instead. Output is deterministic: dict keys in dict order, set members sorted by type, then text.
 * Decoding and encoding walk the tree with explicit stacks, so nesting depth is bounded only by the
 * parser's limit, never by the call stack.
 */
import { MetadataError } from '../errors.js';
import type { Document, Element, StartTag, XmlEventSource, XmlHandler } from '../xml/dom.js';
import { createDocument, readXml, serialize } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import {
  appendChild,
  createElement,
  findInvalidXmlChar,
  isXmlWhitespace,
  setAttr,
  setText,
  walkXml,
} from '../xml/tree.js';
import type { Dict, Value } from './value.js';
import {
  Float,
  RawXml,
  Tuple,
  dict,
  dictEntries,
  dictSet,
  displayPath,
  floatValue,
  formatFloat,
  hasKey,
  indexPath,
  isDict,
  keyPath,
  parseBoolText,
  parseFloatText,
  parseIntText,
  UnreadableValue,
} from './value.js';

export interface XmlpickleDecodeOptions {
  /** Namespace URI of the root, `value` and `item` elements; `null` for none. Default: `ovirt-instance`. */
  namespace?: string | null;
  /** Name of the input, carried by errors. */
  source?: string;
  /** Local name of the root element. Default: `instance`, or `pyxmlpickle` when `namespace` is null. */
  root?: string;
  /**
   * Lenient decoding: an int, float or bool whose text cannot be read is kept as an
   * UnreadableValue and reported here, with the error strict decoding throws. Errors of structure
   * still throw.
   */
  onUnreadable?: (problem: MetadataError) => void;
}

export interface XmlpickleEncodeOptions {
  /** Namespace URI of the elements; `null` for none. Default: `ovirt-instance`. */
  namespace?: string | null;
  /** Prefix of the elements. Default: the library's prefix for the namespace, else none (`xmlns="..."`). */
  prefix?: string;
  /** Local name of the root element. Default: `instance`, or `pyxmlpickle` when `namespace` is null. */
  root?: string;
  /** Create the elements in this document (detached: the caller inserts the root). */
  doc?: Document;
}

/** The type names of the layout, as the encoder writes them. */
export const XMLPICKLE_TYPES = ['dict', 'list', 'tuple', 'set', 'int', 'float', 'bool', 'str'] as const;
export type XmlpickleType = (typeof XMLPICKLE_TYPES)[number];

type ContainerType = 'dict' | 'list' | 'tuple' | 'set';

function defaultRoot(ns: string | null): string {
  return ns === null ? 'pyxmlpickle' : 'instance';
}

function namespaceOf(options: { namespace?: string | null }): string | null {
  return options.namespace === undefined ? NS['ovirt-instance'] : options.namespace;
}

function describeNs(ns: string | null): string {
  return ns === null ? 'no namespace' : `namespace ${ns}`;
}

// ---------------------------------------------------------------------------------------------
// Decoding: one decoder reads the events of the tokenizer (from text, no DOM is built) or of a
// walk over an element already parsed.

/** A frame per open element: the root, or a `<value>`/`<item>` node being decoded. */
interface DecodeFrame {
  /** 'root', a container type, or a scalar type. */
  type: 'root' | ContainerType | ScalarType;
  qname: string;
  /** Where the element starts (a mark of the event source). */
  mark: unknown;
  path: string;
  /** Items read so far (containers), or `<value>`s (root). */
  count: number;
  /** The key of the item being decoded in a dict, and that item's mark (set members). */
  key: string;
  itemMark: unknown;
  dict: Dict | undefined;
  members: Value[] | undefined;
  /** Set members seen, by hashKey. */
  seen: Set<string> | undefined;
  /** Text of a scalar. */
  text: string;
  /** The decoded `<value>` (root). */
  value: Value | undefined;
}

type ScalarType = 'str' | 'int' | 'float' | 'bool';

/**
 * The first fault stops the decoding, not the reading: a document that is not well-formed XML is
 * reported as such, whatever its content.
 */
class XmlpickleDecoder implements XmlHandler {
  private events!: XmlEventSource;
  private readonly stack: DecodeFrame[] = [];
  result: Value | undefined;
  error: MetadataError | undefined;

  constructor(
    private readonly ns: string | null,
    private readonly rootName: string,
    private readonly source: string | undefined,
    private readonly onUnreadable: XmlpickleDecodeOptions['onUnreadable'],
  ) {}

  begin(events: XmlEventSource): void {
    this.events = events;
  }

  private fail(
    code: 'METADATA_VALUE' | 'METADATA_SHAPE',
    detail: string,
    path: string,
    mark: unknown,
  ): never {
    throw new MetadataError(code, detail, {
      path: displayPath(path),
      source: this.source,
      ...this.events.positionOf(mark),
    });
  }

  startElement(tag: StartTag): void {
    if (this.error !== undefined) return;
    try {
      this.start(tag);
    } catch (e) {
      this.stop(e);
    }
  }

  endElement(): void {
    if (this.error !== undefined) return;
    try {
      this.end();
    } catch (e) {
      this.stop(e);
    }
  }

  text(data: string): void {
    if (this.error !== undefined) return;
    try {
      this.characters(data);
    } catch (e) {
      this.stop(e);
    }
  }

  private stop(e: unknown): void {
    if (!(e instanceof MetadataError)) throw e;
    this.error = e;
  }

  private start(tag: StartTag): void {
    const { stack, ns } = this;
    const mark = this.events.mark();
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (tag.localName !== this.rootName || tag.namespaceURI !== ns) {
        this.fail(
          'METADATA_SHAPE',
          `expected <${this.rootName}> in ${describeNs(ns)}, got <${tag.qname}> in ${describeNs(tag.namespaceURI)}`,
          '',
          mark,
        );
      }
      stack.push(frame('root', tag.qname, mark, ''));
      return;
    }
    if (top.type === 'root') {
      this.expectNamed(tag, 'value', `<${top.qname}>`, '', mark);
      // pyxmlpickle would read the first one only: the others would be lost without a word.
      if (top.count > 0) this.fail('METADATA_SHAPE', `<${top.qname}> holds more than one <value>`, '', mark);
      top.count++;
      stack.push(this.open(tag, '', mark));
      return;
    }
    if (!isContainer(top.type)) {
      this.fail(
        'METADATA_SHAPE',
        `${withArticle(top.type)} holds text only, but contains <${tag.qname}>`,
        top.path,
        mark,
      );
    }
    this.expectNamed(tag, 'item', withArticle(top.type), top.path, mark);
    const path = this.itemPath(top, tag, mark);
    top.itemMark = mark;
    top.count++;
    stack.push(this.open(tag, path, mark));
  }

  private end(): void {
    const f = this.stack.pop() as DecodeFrame;
    if (f.type === 'root') {
      if (f.value === undefined) this.fail('METADATA_SHAPE', `<${f.qname}> holds no <value>`, '', f.mark);
      this.result = f.value;
      return;
    }
    const v = this.close(f);
    const parent = this.stack[this.stack.length - 1] as DecodeFrame;
    if (parent.type === 'root') parent.value = v;
    else this.addMember(parent, v);
  }

  private characters(data: string): void {
    const top = this.stack[this.stack.length - 1] as DecodeFrame;
    if (top.type === 'root' || isContainer(top.type)) {
      if (!isXmlWhitespace(data)) {
        const what = top.type === 'root' ? `<${top.qname}>` : withArticle(top.type);
        this.fail('METADATA_SHAPE', `stray text ${quote(data)} in ${what}`, top.path, this.events.mark());
      }
      return;
    }
    top.text += data;
  }

  cdata(data: string): void {
    this.text(data);
  }

  // Comments and processing instructions carry no data; what is outside the root is not ours.
  comment(): void {
    // Nothing.
  }
  processingInstruction(): void {
    // Nothing.
  }
  outerSpace(): void {
    // Nothing.
  }
  xmlDeclaration(): void {
    // Nothing.
  }

  /**
   * Only `<name>` in the codec's namespace may be here: other elements are errors (pyxmlpickle
   * ignored them, and their data with them).
   */
  private expectNamed(tag: StartTag, name: string, what: string, path: string, mark: unknown): void {
    if (tag.localName === name && tag.namespaceURI === this.ns) return;
    const where = tag.localName === name ? ` in ${describeNs(tag.namespaceURI)}` : '';
    this.fail(
      'METADATA_SHAPE',
      `unexpected <${tag.qname}>${where} in ${what}: only <${name}> in ${describeNs(this.ns)} may be here`,
      path,
      mark,
    );
  }

  /** Opens a `<value>` or `<item>` by its type. */
  private open(tag: StartTag, path: string, mark: unknown): DecodeFrame {
    const typeAttr = tag.attribute('type');
    if (typeAttr === undefined)
      this.fail('METADATA_SHAPE', `<${tag.qname}> has no type attribute`, path, mark);
    const type = typeAttr.toLowerCase();
    switch (type) {
      case 'dict':
      case 'list':
      case 'tuple':
      case 'set':
      case 'str':
      case 'int':
      case 'float':
      case 'bool':
        return frame(type, tag.qname, mark, path);
      default:
        this.fail(
          'METADATA_SHAPE',
          `unknown type ${JSON.stringify(typeAttr)}: expected one of ${XMLPICKLE_TYPES.join(', ')}`,
          path,
          mark,
        );
    }
  }

  /** The value of a node whose element ended. */
  private close(f: DecodeFrame): Value {
    switch (f.type) {
      case 'dict':
        return f.dict ?? dict();
      case 'list':
        return f.members ?? [];
      case 'tuple':
        return Tuple.of_(f.members ?? []);
      case 'set':
        return new Set(f.members);
      case 'str':
        return f.text;
      case 'int':
      case 'float':
      case 'bool': {
        const { text, type } = f;
        if (text === '') return this.unreadable(f, `empty ${type}`);
        const parsed =
          type === 'int' ? parseIntText(text) : type === 'float' ? parseFloatText(text) : parseBoolText(text);
        if (parsed === undefined) {
          const expected = type === 'bool' ? ': expected true or false (in any case)' : '';
          return this.unreadable(f, `bad ${type} ${JSON.stringify(text)}${expected}`);
        }
        return typeof parsed === 'number' && type === 'float' ? floatValue(parsed) : parsed;
      }
      case 'root':
        throw new Error('the root has no value of its own');
    }
  }

  /** A scalar whose text cannot be read: an error, or leniently a value kept as written. */
  private unreadable(f: DecodeFrame, reason: string): UnreadableValue {
    if (this.onUnreadable === undefined) this.fail('METADATA_VALUE', reason, f.path, f.mark);
    const at = { path: displayPath(f.path), source: this.source, ...this.events.positionOf(f.mark) };
    this.onUnreadable(new MetadataError('METADATA_VALUE', reason, at));
    return new UnreadableValue(f.text, f.type, reason, at);
  }

  /** Checks an item's key or index and returns its value path. */
  private itemPath(f: DecodeFrame, item: StartTag, mark: unknown): string {
    const position = f.count;
    if (f.type === 'dict') {
      const key = item.attribute('key');
      if (key === undefined) {
        this.fail('METADATA_SHAPE', 'an item of the dict has no key attribute', f.path, mark);
      }
      const path = keyPath(f.path, key);
      if (f.dict !== undefined && hasKey(f.dict, key)) {
        this.fail('METADATA_SHAPE', `duplicate key ${JSON.stringify(key)} in the dict`, path, mark);
      }
      f.key = key;
      return path;
    }
    const path = indexPath(f.path, position);
    const index = item.attribute('index');
    if (index === undefined) {
      this.fail('METADATA_SHAPE', `item of the ${f.type} has no index attribute`, path, mark);
    }
    if (index !== String(position)) {
      this.fail(
        'METADATA_SHAPE',
        `index ${JSON.stringify(index)} where ${position} was expected: the indexes of ${withArticle(f.type)} are 0..n-1 in order`,
        path,
        mark,
      );
    }
    return path;
  }

  private addMember(f: DecodeFrame, v: Value): void {
    if (f.type === 'dict') {
      dictSet((f.dict ??= dict()), f.key, v);
      return;
    }
    if (f.type === 'set') {
      const path = indexPath(f.path, f.count - 1);
      const key = hashKey(v);
      if (key === undefined) {
        this.fail(
          'METADATA_SHAPE',
          `a set member must be hashable (a scalar or a tuple of them), got a ${typeName(v)}`,
          path,
          f.itemMark,
        );
      }
      f.seen ??= new Set();
      if (f.seen.has(key)) this.fail('METADATA_SHAPE', 'the set holds this member twice', path, f.itemMark);
      f.seen.add(key);
    }
    (f.members ??= []).push(v);
  }
}

function frame(type: DecodeFrame['type'], qname: string, mark: unknown, path: string): DecodeFrame {
  return {
    type,
    qname,
    mark,
    path,
    count: 0,
    key: '',
    itemMark: undefined,
    dict: undefined,
    members: undefined,
    seen: undefined,
    text: '',
    value: undefined,
  };
}

function isContainer(type: DecodeFrame['type']): type is ContainerType {
  return type === 'dict' || type === 'list' || type === 'tuple' || type === 'set';
}

/**
 * Decodes an xmlpickle document: `input` is its root element (`<ovirt-instance:instance>` by
 * default) or XML text (read without building a Document), whose single `<value>` child holds the
 * value.
 */
export function decodeXmlpickle(input: Element | string, options: XmlpickleDecodeOptions = {}): Value {
  const ns = namespaceOf(options);
  const decoder = new XmlpickleDecoder(
    ns,
    options.root ?? defaultRoot(ns),
    options.source,
    options.onUnreadable,
  );
  if (typeof input === 'string') readXml(input, decoder, { source: options.source });
  else walkXml(input, decoder);
  if (decoder.error !== undefined) throw decoder.error;
  if (decoder.result === undefined) throw new Error('the decoder ended without a value');
  return decoder.result;
}

function withArticle(type: string): string {
  return `${type === 'int' ? 'an' : 'a'} ${type}`;
}

function quote(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}...` : t);
}

// ---------------------------------------------------------------------------------------------
// Set members: Python sets hold hashable values only. hashKey is a canonical text of such a value
// (undefined for an unhashable one); it finds duplicates and orders members on output.

const CLOSE_TUPLE = Symbol('close tuple');

function scalarKey(v: unknown): string | undefined {
  if (typeof v === 'string') return `str:${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `bool:${v ? 'True' : 'False'}`;
  if (typeof v === 'bigint') return `int:${v.toString()}`;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? `int:${v}` : `float:${formatFloat(v)}`;
  if (v instanceof Float) return `float:${formatFloat(v.value)}`;
  if (v instanceof UnreadableValue) return `unreadable:${v.type}:${JSON.stringify(v.text)}`;
  return undefined;
}

function hashKey(v: unknown): string | undefined {
  let out = '';
  const todo: unknown[] = [v];
  while (todo.length > 0) {
    const x = todo.pop();
    if (x === CLOSE_TUPLE) {
      out += ')';
    } else if (x instanceof Tuple) {
      out += 'tuple(';
      todo.push(CLOSE_TUPLE);
      for (let i = x.length - 1; i >= 0; i--) todo.push(x[i]);
    } else {
      const k = scalarKey(x);
      if (k === undefined) return undefined;
      out += `${k},`;
    }
  }
  return out;
}

function typeName(v: unknown): string {
  if (v instanceof Tuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Set) return 'set';
  if (v instanceof RawXml) return 'kept XML element (RawXml)';
  if (v instanceof Float) return 'float';
  if (isDict(v)) return 'dict';
  if (v === null) return 'null';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' ? name : 'object';
  }
  return typeof v;
}

// ---------------------------------------------------------------------------------------------
// Encoding

interface EncodeContext {
  doc: Document;
  ns: string | null;
  prefix: string;
  /** Containers on the current path: meeting one again means the value contains itself. */
  open: Set<object>;
}

interface Entry {
  attr: 'key' | 'index';
  label: string;
  value: unknown;
  path: string;
}

interface EncodeFrame {
  container: object;
  el: Element;
  entries: Entry[];
  next: number;
}

function encodeError(detail: string, path: string): MetadataError {
  return new MetadataError('METADATA_VALUE', detail, { path: displayPath(path) });
}

/**
 * Encodes a value as an xmlpickle root element (`<ovirt-instance:instance>` by default). Without
 * `doc`, the element is the root of a new document; with `doc`, it is created detached in it.
 */
export function encodeXmlpickle(value: Value, options: XmlpickleEncodeOptions = {}): Element {
  const ns = namespaceOf(options);
  if (ns === null && options.prefix !== undefined && options.prefix !== '') {
    throw new MetadataError('METADATA_SHAPE', `prefix "${options.prefix}" given without a namespace`);
  }
  const prefix = ns === null ? '' : (options.prefix ?? libraryPrefix(ns) ?? '');
  const rootName = options.root ?? defaultRoot(ns);
  const qname = prefix === '' ? rootName : `${prefix}:${rootName}`;
  let doc: Document;
  let root: Element;
  try {
    if (options.doc !== undefined) {
      doc = options.doc;
      root = createElement(doc, rootName, ns, prefix);
    } else {
      doc = createDocument(qname, ns);
      if (doc.documentElement === null) throw new Error('no root element was created');
      root = doc.documentElement;
    }
  } catch (e) {
    throw new MetadataError(
      'METADATA_SHAPE',
      `cannot create the root element <${qname}>: ${String(e)}`,
      {},
      { cause: e },
    );
  }
  const ctx: EncodeContext = { doc, ns, prefix, open: new Set() };
  const valueEl = createElement(doc, 'value', ns, prefix);
  appendChild(root, valueEl);
  encodeTree(valueEl, value, ctx);
  return root;
}

/** encodeXmlpickle, serialized. */
export function encodeXmlpickleText(value: Value, options: XmlpickleEncodeOptions = {}): string {
  return serialize(encodeXmlpickle(value, options));
}

function libraryPrefix(ns: string): string | undefined {
  for (const [prefix, uri] of Object.entries(NS)) if (uri === ns) return prefix;
  return undefined;
}

function encodeTree(valueEl: Element, value: unknown, ctx: EncodeContext): void {
  const stack: EncodeFrame[] = [];
  const first = encodeNode(valueEl, value, '', ctx);
  if (first !== undefined) stack.push(first);
  for (;;) {
    const top = stack[stack.length - 1];
    if (top === undefined) return;
    const entry = top.entries[top.next];
    if (entry === undefined) {
      stack.pop();
      ctx.open.delete(top.container);
      continue;
    }
    top.next++;
    const item = createElement(ctx.doc, 'item', ctx.ns, ctx.prefix);
    setAttr(item, entry.attr, entry.label);
    appendChild(top.el, item);
    const frame = encodeNode(item, entry.value, entry.path, ctx);
    if (frame !== undefined) stack.push(frame);
  }
}

/** Writes the type and text of a scalar, or the type of a container and returns its frame. */
function encodeNode(el: Element, v: unknown, path: string, ctx: EncodeContext): EncodeFrame | undefined {
  const scalar = encodeScalar(v, path);
  if (scalar !== undefined) {
    setAttr(el, 'type', scalar.type);
    setText(el, scalar.text);
    return undefined;
  }
  let type: ContainerType;
  let entries: Entry[];
  if (v instanceof Tuple || Array.isArray(v)) {
    type = v instanceof Tuple ? 'tuple' : 'list';
    entries = [];
    // An index loop, not forEach: a hole in the array must be seen (as undefined), not skipped.
    for (let i = 0; i < v.length; i++) {
      entries.push({ attr: 'index', label: String(i), value: v[i] as unknown, path: indexPath(path, i) });
    }
  } else if (v instanceof Set) {
    type = 'set';
    entries = setEntries(v, path);
  } else if (isDict(v)) {
    type = 'dict';
    entries = dictEntries(v).map(([k, x]) => {
      const at = findInvalidXmlChar(k);
      if (at >= 0)
        throw encodeError(`the key holds ${codePoint(k, at)}, which XML cannot carry`, keyPath(path, k));
      return { attr: 'key', label: k, value: x, path: keyPath(path, k) };
    });
  } else {
    throw encodeError(`${describeUnsupported(v)} has no xmlpickle form`, path);
  }
  if (ctx.open.has(v)) throw encodeError('the value contains itself', path);
  ctx.open.add(v);
  setAttr(el, 'type', type);
  return { container: v, el, entries, next: 0 };
}

/** The type and text of a scalar; an unreadable value's type may be none of the layout's types. */
function encodeScalar(v: unknown, path: string): { type: string; text: string } | undefined {
  switch (typeof v) {
    case 'string':
      return { type: 'str', text: xmlText(v, path) };
    case 'boolean':
      return { type: 'bool', text: v ? 'True' : 'False' };
    case 'bigint':
      return { type: 'int', text: v.toString() };
    case 'number':
      if (Number.isSafeInteger(v)) return { type: 'int', text: String(v) };
      if (Number.isInteger(v)) {
        throw encodeError(
          `${v} is an integral number beyond 2^53: use a bigint for an int or a Float for a float`,
          path,
        );
      }
      return { type: 'float', text: formatFloat(v) };
    default:
      if (v instanceof UnreadableValue) return { type: xmlText(v.type, path), text: xmlText(v.text, path) };
      return v instanceof Float ? { type: 'float', text: formatFloat(v.value) } : undefined;
  }
}

function xmlText(s: string, path: string): string {
  const at = findInvalidXmlChar(s);
  if (at >= 0) throw encodeError(`the string holds ${codePoint(s, at)}, which XML cannot carry`, path);
  return s;
}

function setEntries(s: Set<unknown>, path: string): Entry[] {
  const keyed: { key: string; value: unknown }[] = [];
  const seen = new Set<string>();
  for (const m of s) {
    const key = hashKey(m);
    // Paths of set members are their places in the written order, not known yet: name the set.
    if (key === undefined) {
      throw encodeError(
        `a set member must be hashable (a scalar or a tuple of them), got a ${typeName(m)}`,
        path,
      );
    }
    if (seen.has(key)) throw encodeError(`the set holds two equal members (${key.replace(/,$/, '')})`, path);
    seen.add(key);
    keyed.push({ key, value: m });
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((m, i) => ({ attr: 'index', label: String(i), value: m.value, path: indexPath(path, i) }));
}

function describeUnsupported(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  return `a ${typeName(v)}`;
}

function codePoint(text: string, at: number): string {
  const cp = text.codePointAt(at) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
