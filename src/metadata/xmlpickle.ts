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
 * scalars). Output is deterministic: dict keys in dict order, set members sorted by type, then text.
 * Decoding and encoding walk the tree with explicit stacks, so nesting depth is bounded only by the
 * parser's limit, never by the call stack.
 */
import { MetadataError } from '../errors.js';
import type { Document, Element, Node } from '../xml/dom.js';
import { NODE, createDocument, parseXml, positionOf, serialize } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import {
  appendChild,
  createElement,
  findInvalidXmlChar,
  getAttr,
  localNameOf,
  setAttr,
  setText,
  textOf,
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
} from './value.js';

export interface XmlpickleDecodeOptions {
  /** Namespace URI of the root, `value` and `item` elements; `null` for none. Default: `ovirt-instance`. */
  namespace?: string | null;
  /** Name of the input, carried by errors. */
  source?: string;
  /** Local name of the root element. Default: `instance`, or `pyxmlpickle` when `namespace` is null. */
  root?: string;
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
// Decoding

interface DecodeContext {
  ns: string | null;
  source: string | undefined;
}

/** A container being decoded: its items are decoded one by one, then it is closed. */
interface DecodeFrame {
  type: ContainerType;
  el: Element;
  path: string;
  items: Element[];
  next: number;
  /** The item being decoded, and its key in a dict. */
  current: Element | undefined;
  key: string;
  dict: Dict;
  members: Value[];
  /** Set members seen, by hashKey. */
  seen: Set<string>;
}

function decodeError(
  ctx: DecodeContext,
  code: 'METADATA_VALUE' | 'METADATA_SHAPE',
  detail: string,
  path: string,
  node: Node,
): MetadataError {
  return new MetadataError(code, detail, {
    path: displayPath(path),
    source: ctx.source,
    ...positionOf(node),
  });
}

/**
 * Decodes an xmlpickle document: `input` is its root element (`<ovirt-instance:instance>` by
 * default) or XML text, whose single `<value>` child holds the value.
 */
export function decodeXmlpickle(input: Element | string, options: XmlpickleDecodeOptions = {}): Value {
  const ns = namespaceOf(options);
  const ctx: DecodeContext = { ns, source: options.source };
  const rootName = options.root ?? defaultRoot(ns);
  let root: Element;
  if (typeof input === 'string') {
    const doc = parseXml(input, { source: options.source });
    if (doc.documentElement === null) {
      throw new MetadataError('METADATA_SHAPE', 'the document has no root element', {
        source: options.source,
      });
    }
    root = doc.documentElement;
  } else root = input;
  const rootNs = root.namespaceURI ?? null;
  if (localNameOf(root) !== rootName || rootNs !== ns) {
    throw decodeError(
      ctx,
      'METADATA_SHAPE',
      `expected <${rootName}> in ${describeNs(ns)}, got <${root.nodeName}> in ${describeNs(rootNs)}`,
      '',
      root,
    );
  }
  const values = childrenNamed(root, 'value', ctx, '', `<${root.nodeName}>`);
  const [value, extra] = values;
  if (value === undefined) {
    throw decodeError(ctx, 'METADATA_SHAPE', `<${root.nodeName}> holds no <value>`, '', root);
  }
  if (extra !== undefined) {
    // pyxmlpickle would read the first one only: the others would be lost without a word.
    throw decodeError(ctx, 'METADATA_SHAPE', `<${root.nodeName}> holds more than one <value>`, '', extra);
  }
  return decodeTree(value, ctx);
}

/** Whitespace as XML means it (not NBSP or U+2028, which are data). */
const XML_BLANK = /^[ \t\r\n]*$/;

/**
 * The element children of `parent`, which must all be `<name>` in the codec's namespace; other
 * elements and non-blank text are errors (pyxmlpickle ignored them, and their data with them).
 * Comments and processing instructions carry no data and are skipped.
 */
function childrenNamed(
  parent: Element,
  name: string,
  ctx: DecodeContext,
  path: string,
  what: string,
): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === NODE.ELEMENT) {
      const el = c as Element;
      const elNs = el.namespaceURI ?? null;
      if (localNameOf(el) !== name || elNs !== ctx.ns) {
        const where = localNameOf(el) === name ? ` in ${describeNs(elNs)}` : '';
        throw decodeError(
          ctx,
          'METADATA_SHAPE',
          `unexpected <${el.nodeName}>${where} in ${what}: only <${name}> in ${describeNs(ctx.ns)} may be here`,
          path,
          el,
        );
      }
      out.push(el);
    } else if (
      (c.nodeType === NODE.TEXT || c.nodeType === NODE.CDATA) &&
      !XML_BLANK.test(c.nodeValue ?? '')
    ) {
      throw decodeError(ctx, 'METADATA_SHAPE', `stray text ${quote(c.nodeValue ?? '')} in ${what}`, path, c);
    }
  }
  return out;
}

function withArticle(type: string): string {
  return `${type === 'int' ? 'an' : 'a'} ${type}`;
}

function quote(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}...` : t);
}

/** A decoded scalar, or a container whose items are still to decode. */
type Opened = { value: Value; frame?: undefined } | { frame: DecodeFrame };

function decodeTree(valueEl: Element, ctx: DecodeContext): Value {
  const stack: DecodeFrame[] = [];
  let opened = openNode(valueEl, '', ctx);
  for (;;) {
    let top: DecodeFrame;
    if (opened.frame !== undefined) {
      top = opened.frame;
      stack.push(top);
    } else {
      const parent = stack[stack.length - 1];
      if (parent === undefined) return opened.value;
      addMember(parent, opened.value, ctx);
      top = parent;
    }
    const item = top.items[top.next];
    if (item === undefined) {
      stack.pop();
      opened = { value: closeFrame(top) };
    } else {
      const path = itemPath(top, item, ctx);
      top.current = item;
      top.next++;
      opened = openNode(item, path, ctx);
    }
  }
}

/** Decodes a scalar node, or opens a container node. */
function openNode(el: Element, path: string, ctx: DecodeContext): Opened {
  const typeAttr = getAttr(el, 'type');
  if (typeAttr === undefined)
    throw decodeError(ctx, 'METADATA_SHAPE', `<${el.nodeName}> has no type attribute`, path, el);
  const type = typeAttr.toLowerCase();
  switch (type) {
    case 'dict':
    case 'list':
    case 'tuple':
    case 'set':
      return {
        frame: {
          type,
          el,
          path,
          items: childrenNamed(el, 'item', ctx, path, withArticle(type)),
          next: 0,
          current: undefined,
          key: '',
          dict: dict(),
          members: [],
          seen: new Set(),
        },
      };
    case 'str':
      scalarContent(el, type, path, ctx);
      return { value: textOf(el) };
    case 'int':
    case 'float':
    case 'bool': {
      scalarContent(el, type, path, ctx);
      const text = textOf(el);
      if (text === '') throw decodeError(ctx, 'METADATA_VALUE', `empty ${type}`, path, el);
      const parsed =
        type === 'int' ? parseIntText(text) : type === 'float' ? parseFloatText(text) : parseBoolText(text);
      if (parsed === undefined) {
        const expected = type === 'bool' ? ': expected true or false (in any case)' : '';
        throw decodeError(ctx, 'METADATA_VALUE', `bad ${type} ${JSON.stringify(text)}${expected}`, path, el);
      }
      return { value: typeof parsed === 'number' && type === 'float' ? floatValue(parsed) : parsed };
    }
    default:
      throw decodeError(
        ctx,
        'METADATA_SHAPE',
        `unknown type ${JSON.stringify(typeAttr)}: expected one of ${XMLPICKLE_TYPES.join(', ')}`,
        path,
        el,
      );
  }
}

/** A scalar holds text only: an element inside it is mixed content pyxmlpickle would truncate. */
function scalarContent(el: Element, type: string, path: string, ctx: DecodeContext): void {
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === NODE.ELEMENT) {
      throw decodeError(
        ctx,
        'METADATA_SHAPE',
        `${withArticle(type)} holds text only, but contains <${(c as Element).nodeName}>`,
        path,
        c,
      );
    }
  }
}

/** Checks the item's key or index and returns its value path. */
function itemPath(frame: DecodeFrame, item: Element, ctx: DecodeContext): string {
  const position = frame.next;
  if (frame.type === 'dict') {
    const key = getAttr(item, 'key');
    if (key === undefined) {
      throw decodeError(ctx, 'METADATA_SHAPE', 'an item of the dict has no key attribute', frame.path, item);
    }
    const path = keyPath(frame.path, key);
    if (hasKey(frame.dict, key)) {
      throw decodeError(
        ctx,
        'METADATA_SHAPE',
        `duplicate key ${JSON.stringify(key)} in the dict`,
        path,
        item,
      );
    }
    frame.key = key;
    return path;
  }
  const path = indexPath(frame.path, position);
  const index = getAttr(item, 'index');
  if (index === undefined) {
    throw decodeError(ctx, 'METADATA_SHAPE', `item of the ${frame.type} has no index attribute`, path, item);
  }
  if (index !== String(position)) {
    throw decodeError(
      ctx,
      'METADATA_SHAPE',
      `index ${JSON.stringify(index)} where ${position} was expected: the indexes of ${withArticle(frame.type)} are 0..n-1 in order`,
      path,
      item,
    );
  }
  return path;
}

function addMember(frame: DecodeFrame, v: Value, ctx: DecodeContext): void {
  if (frame.type === 'dict') {
    dictSet(frame.dict, frame.key, v);
    return;
  }
  if (frame.type === 'set') {
    const item = frame.current ?? frame.el;
    const path = indexPath(frame.path, frame.next - 1);
    const key = hashKey(v);
    if (key === undefined) {
      throw decodeError(
        ctx,
        'METADATA_SHAPE',
        `a set member must be hashable (a scalar or a tuple of them), got a ${typeName(v)}`,
        path,
        item,
      );
    }
    if (frame.seen.has(key))
      throw decodeError(ctx, 'METADATA_SHAPE', 'the set holds this member twice', path, item);
    frame.seen.add(key);
  }
  frame.members.push(v);
}

function closeFrame(frame: DecodeFrame): Value {
  switch (frame.type) {
    case 'dict':
      return frame.dict;
    case 'list':
      return frame.members;
    case 'tuple':
      return Tuple.of_(frame.members);
    case 'set':
      return new Set(frame.members);
  }
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

function encodeScalar(v: unknown, path: string): { type: XmlpickleType; text: string } | undefined {
  switch (typeof v) {
    case 'string': {
      const at = findInvalidXmlChar(v);
      if (at >= 0) throw encodeError(`the string holds ${codePoint(v, at)}, which XML cannot carry`, path);
      return { type: 'str', text: v };
    }
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
      return v instanceof Float ? { type: 'float', text: formatFloat(v.value) } : undefined;
  }
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
