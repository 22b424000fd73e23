/** The xmlpickle encoder (the layout is in xmlpickle.ts): a value as a root element, in a new or a given document. */
import { MetadataError } from '../errors.js';
import type { Document, Element } from '../xml/dom.js';
import { DEFAULT_MAX_DEPTH, createDocument, serialize } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { appendChild, createElement, findInvalidXmlChar, setAttr, setText } from '../xml/tree.js';
import type { Value } from './value.js';
import {
  DEFAULT_MAX_INT_DIGITS,
  Float,
  Tuple,
  dictEntries,
  displayPath,
  formatFloat,
  indexPath,
  intProblem,
  isDict,
  keyPath,
  UnreadableValue,
} from './value.js';
import type { ContainerType } from './xmlpickle.js';
import { defaultRoot, hashKey, namespaceOf, typeName } from './xmlpickle.js';

export interface XmlpickleEncodeOptions {
  /** Namespace URI of the elements; `null` for none. Default: `ovirt-instance`. */
  namespace?: string | null;
  /** Prefix of the elements. Default: the library's prefix for the namespace, else none (`xmlns="..."`). */
  prefix?: string;
  /** Local name of the root element. Default: `instance`, or `pyxmlpickle` when `namespace` is null. */
  root?: string;
  /** Create the elements in this document (detached: the caller inserts the root). */
  doc?: Document;
  /**
   * Refuse an int of more digits: the decoder's limit (its `maxIntDigits`), so that what is
   * written is read back. Default DEFAULT_MAX_INT_DIGITS (4300); 0: no limit.
   */
  maxIntDigits?: number;
  /**
   * Refuse a value whose elements would nest deeper, the root and `<value>` counted: the
   * decoder's limit (its `maxDepth`). Default 512, the parser's.
   */
  maxDepth?: number;
}

interface EncodeContext {
  doc: Document;
  ns: string | null;
  prefix: string;
  /** Containers on the current path: meeting one again means the value contains itself. */
  open: Set<object>;
  maxIntDigits: number;
  maxDepth: number;
}

interface Entry {
  attr: 'key' | 'index';
  label: string;
  value: unknown;
  path: string;
}

interface EncodeFrame {
  container: object;
  path: string;
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
  const ctx: EncodeContext = {
    doc,
    ns,
    prefix,
    open: new Set(),
    maxIntDigits: options.maxIntDigits ?? DEFAULT_MAX_INT_DIGITS,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
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
    // The root and <value> are above the first frame's items: the decoder's limit counts them.
    // As the decoder does, the error names the container whose item would be too deep.
    if (stack.length + 2 > ctx.maxDepth) {
      throw new MetadataError(
        'METADATA_SHAPE',
        `nested deeper than the decoder reads: over ${ctx.maxDepth} elements with the root and <value>`,
        { path: displayPath(top.path) },
      );
    }
    const item = createElement(ctx.doc, 'item', ctx.ns, ctx.prefix);
    setAttr(item, entry.attr, entry.label);
    appendChild(top.el, item);
    const frame = encodeNode(item, entry.value, entry.path, ctx);
    if (frame !== undefined) stack.push(frame);
  }
}

/** Writes the type and text of a scalar, or the type of a container and returns its frame. */
function encodeNode(el: Element, v: unknown, path: string, ctx: EncodeContext): EncodeFrame | undefined {
  const scalar = encodeScalar(v, path, ctx.maxIntDigits);
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
  return { container: v, path, el, entries, next: 0 };
}

/** The type and text of a scalar; an unreadable value's type may be none of the layout's types. */
function encodeScalar(
  v: unknown,
  path: string,
  maxIntDigits: number,
): { type: string; text: string } | undefined {
  switch (typeof v) {
    case 'string':
      return { type: 'str', text: xmlText(v, path) };
    case 'boolean':
      return { type: 'bool', text: v ? 'True' : 'False' };
    case 'bigint':
      return { type: 'int', text: intText(v, path, maxIntDigits) };
    case 'number':
      if (Number.isSafeInteger(v)) return { type: 'int', text: intText(v, path, maxIntDigits) };
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

/** The text of an int the decoder reads back. */
function intText(v: number | bigint, path: string, maxIntDigits: number): string {
  const problem = intProblem(v, maxIntDigits);
  if (problem !== undefined) throw encodeError(problem, path);
  return v.toString();
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
