/**
 * Writing the `ovirt-vm` group the way Vdsm wrote it (vdsm-behaviour 1b.2, 1b.5, 1b.6): typed
 * leaves sorted by key, then the sub-keys in Vdsm's order, then the elements kept verbatim; the
 * VM-level values, then the device entries that have data, then `custom`.
 *
 * Unlike Vdsm, empty sub-keys are written (`<address/>` reads back as `{}`: absent and empty stay
 * apart), and what the layout cannot hold is an error naming its value path, never a silent drop.
 * A leaf lenient decoding could not read (UnreadableValue) is written with its text and type hint.
 * Attributes the decoder kept beside a value (keepAttributes) go back on its element, after those
 * the layout writes (`type`, `path`).
 */
import { MetadataError } from '../errors.js';
import type { Document, Element } from '../xml/dom.js';
import { DEFAULT_MAX_DEPTH } from '../xml/dom.js';
import { isNCName } from '../xml/names.js';
import { XMLNS_NS } from '../xml/tokenizer.js';
import { addAttributes, cloneInto, createElement, findInvalidXmlChar } from '../xml/tree.js';
import type { DeviceAttrs } from './descriptor-decode.js';
import type { DictShape, ListShape, Shape } from './descriptor-layout.js';
import {
  DESCRIPTOR_GROUP,
  DESCRIPTOR_PREFIX,
  DESCRIPTOR_URI,
  DEVICE,
  FLAT,
  GROUP_CHILDREN,
  compareCodePoints,
  keyOfElement,
} from './descriptor-layout.js';
import type { Attributes, Dict, Scalar, Value } from './value.js';
import {
  Float,
  RawXml,
  Tuple,
  UnreadableValue,
  dictEntries,
  dictKeys,
  formatFloat,
  indexPath,
  intProblem,
  isDict,
  isScalar,
  keptAttributes,
  keyPath,
} from './value.js';

/** The elements around a value's own in a domain (see `fill`). */
const ROOM = 5;

export interface EncodeInput {
  values: Dict;
  custom: Dict;
  entries: readonly EntryInput[];
}

/** A device entry to write: its identifying attributes and data. */
export interface EntryInput {
  readonly attrs: DeviceAttrs;
  readonly data: Dict;
}

export interface DescriptorEncodeOptions {
  /** The bare form (no namespace), as libvirt's metadata API takes it. */
  bare?: boolean;
  /**
   * Pretty-print: the indentation of the line the group element starts on (`''` for a document
   * of its own). Nested elements are indented by two more spaces per level, as libvirt does.
   * Omitted: no whitespace at all.
   */
  indent?: string;
}

const INDENT_UNIT = '  ';

/**
 * Builds the group element, owned by `doc` and not yet attached, with the element written for each
 * entry (undefined for an entry without data, which is not written).
 */
export function encodeGroup(
  doc: Document,
  input: EncodeInput,
  options: DescriptorEncodeOptions = {},
): { group: Element; written: (Element | undefined)[] } {
  const encoder = new Encoder(doc, options.bare === true ? null : DESCRIPTOR_URI, DESCRIPTOR_PREFIX);
  const { group, written } = encoder.group(input);
  encoder.finish(group, options.indent);
  return { group, written };
}

function fail(code: 'METADATA_VALUE' | 'METADATA_SHAPE', path: string, detail: string): never {
  throw new MetadataError(code, detail, { path });
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Tuple) return 'a tuple';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Set) return 'a set';
  if (isDict(v)) return 'a dict';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/**
 * Makes the elements of the layout; they are laid out (indented) by `finish`. Used whole by
 * encodeGroup, and piece by piece by descriptor-merge.ts for what changed in a group a document
 * already holds.
 */
export class Encoder {
  /** Containers being written: a value that contains itself is an error, not a stack overflow. */
  private readonly open = new Set<object>();
  /** Elements copied verbatim: indentation never goes inside them. */
  private readonly kept = new Set<Element>();
  /** Element children not yet attached, per parent (see `append`). */
  private readonly pending = new Map<Element, Element[]>();

  /**
   * @param ns the namespace of the elements (null: the bare form)
   * @param prefix their prefix (that of the group they go into)
   */
  constructor(
    private readonly doc: Document,
    private readonly ns: string | null,
    private readonly prefix: string | undefined,
  ) {}

  private element(name: string): Element {
    return createElement(this.doc, name, this.ns, this.prefix);
  }

  group(input: EncodeInput): { group: Element; written: (Element | undefined)[] } {
    const group = this.element(DESCRIPTOR_GROUP);
    const own = keptAttributes(input.values);
    // Declared first, where the serializer would put it last: a kept `version="1"` then follows it
    // as in the group libvirt and Vdsm write.
    if (this.ns !== null && own.length > 0)
      group.setAttributeNS(XMLNS_NS, `xmlns:${DESCRIPTOR_PREFIX}`, this.ns);
    this.attributes(group, own, '');
    this.checkValues(input.values);
    this.fill(group, input.values, FLAT, '', 1);
    const written = input.entries.map((entry, i) => {
      // An entry without data is not written: that is how Vdsm deletes a device's metadata.
      if (dictKeys(entry.data).length === 0) return undefined;
      const device = this.entry(entry, indexPath('devices', i));
      this.append(group, device);
      return device;
    });
    if (dictKeys(input.custom).length > 0) this.append(group, this.custom(input.custom));
    return { group, written };
  }

  /** The VM-level values may not take the names of the group's own children. */
  checkValues(values: Dict): void {
    for (const key of dictKeys(values)) {
      if (GROUP_CHILDREN.has(key)) {
        fail('METADATA_SHAPE', keyPath('', key), `"${key}" is the group's own element: not a VM-level value`);
      }
    }
  }

  /** A `<device>` element: the entry's attributes, in their order, and its data. */
  entry(entry: EntryInput, path: string): Element {
    const device = this.element('device');
    addAttributes(device, this.entryAttributes(entry.attrs, path));
    this.fill(device, entry.data, DEVICE, path, 1);
    return device;
  }

  /** The entry's attributes as they are written, checked. */
  entryAttributes(attrs: DeviceAttrs, path: string): [string, string][] {
    const out: [string, string][] = [];
    for (const name of Object.keys(attrs)) {
      const value = attrs[name];
      const at = `${path}@${name}`;
      if (!isNCName(name) || name === 'xmlns')
        fail('METADATA_VALUE', at, `"${name}" is not a valid attribute name`);
      if (typeof value !== 'string')
        fail('METADATA_VALUE', at, `an attribute value must be a string, got ${describe(value)}`);
      out.push([name, this.text(value, at)]);
    }
    return out;
  }

  /** The `<custom>` element. */
  custom(custom: Dict): Element {
    return this.dict(custom, FLAT, 'custom', 'custom', 1);
  }

  /** Writes `d` into `el`: sorted typed leaves, sub-keys in the layout's order, files, kept elements. */
  private fill(el: Element, d: Dict, shape: DictShape, path: string, depth: number): void {
    this.checkDepth(path, depth);
    this.enter(d, path);
    for (const key of this.keysInOrder(d, shape, path))
      for (const child of this.members(d, key, shape, path, depth)) this.append(el, child);
    this.open.delete(d);
  }

  /** The depth a dict at `depth` below a device (or the group) may not reach. */
  private checkDepth(path: string, depth: number): void {
    // What the parser would refuse to read back, in a domain: <domain><metadata><ovirt-vm:vm> and
    // the device are above the values, and a value's own leaf element below.
    if (depth + ROOM > DEFAULT_MAX_DEPTH)
      fail('METADATA_SHAPE', path, `nested deeper than the limit of ${DEFAULT_MAX_DEPTH - ROOM}`);
  }

  /**
   * The keys of `d` in the order they are written (sorted typed leaves, sub-keys in the layout's
   * order, files, kept elements), each checked to be one the layout can hold where it stands.
   */
  keysInOrder(d: Dict, shape: DictShape, path: string): string[] {
    const leaves: string[] = [];
    const subs = new Set<string>();
    const kept: string[] = [];
    let files = false;
    for (const [key, v] of dictEntries(d)) {
      const kind = memberKind(key, v, shape, path);
      if (kind === 'kept') kept.push(key);
      else if (kind === 'files') files = true;
      else if (kind === 'sub') subs.add(key);
      else leaves.push(key);
    }
    leaves.sort(compareCodePoints);
    for (const key of shape.subkeys.keys()) if (subs.has(key)) leaves.push(key);
    if (files) leaves.push('file');
    return leaves.concat(kept);
  }

  /** The elements `d` is written with under `key` (several for a payload's `file`), not laid out. */
  members(d: Dict, key: string, shape: DictShape, path: string, depth: number): Element[] {
    const v = d[key] as Value;
    const at = keyPath(path, key);
    const kind = memberKind(key, v, shape, path);
    if (kind === 'kept') return [this.keep((v as RawXml).element)];
    if (kind === 'files') return this.files(v, at);
    if (kind === 'sub') return [this.shaped(v, shape.subkeys.get(key) as Shape, key, at, depth + 1)];
    const leaf = this.leaf(key, v as Scalar, at);
    this.attributes(leaf, keptAttributes(d, key), at);
    return [leaf];
  }

  private enter(container: object, path: string): void {
    if (this.open.has(container)) fail('METADATA_VALUE', path, 'the value contains itself');
    this.open.add(container);
  }

  private shaped(v: Value, shape: Shape, name: string, path: string, depth: number): Element {
    if (shape.kind === 'dict') {
      if (!isDict(v)) fail('METADATA_SHAPE', path, `${name} must be a dict, got ${describe(v)}`);
      return this.dict(v, shape, name, path, depth);
    }
    if (!Array.isArray(v) || v instanceof Tuple)
      fail('METADATA_SHAPE', path, `${name} must be a list, got ${describe(v)}`);
    return this.list(v, shape, name, path, depth);
  }

  private dict(d: Dict, shape: DictShape, name: string, path: string, depth: number): Element {
    const el = this.element(name);
    this.attributes(el, keptAttributes(d), path);
    this.fill(el, d, shape, path, depth);
    return el;
  }

  private list(items: Value[], shape: ListShape, name: string, path: string, depth: number): Element {
    this.enter(items, path);
    const el = this.element(name);
    items.forEach((item, i) => this.append(el, this.item(item, shape, indexPath(path, i), depth)));
    this.open.delete(items);
    return el;
  }

  /** The element of an item of a list at `depth`. */
  item(item: Value, shape: ListShape, path: string, depth: number): Element {
    if (item instanceof RawXml) return this.keep(item.element);
    if (shape.items === 'dict') {
      if (!isDict(item))
        fail('METADATA_SHAPE', path, `a ${shape.item} must be a dict, got ${describe(item)}`);
      return this.dict(item, FLAT, shape.item, path, depth + 1);
    }
    if (typeof item !== 'string')
      fail('METADATA_VALUE', path, `a ${shape.item} must be a string, got ${describe(item)}`);
    return this.textElement(shape.item, item, path);
  }

  /** `<file path="P">content</file>` per entry, sorted by path. */
  private files(files: Value, path: string): Element[] {
    if (!isDict(files))
      fail('METADATA_SHAPE', path, `file must be a dict of path to content, got ${describe(files)}`);
    return dictKeys(files)
      .sort(compareCodePoints)
      .map((p) => {
        const at = keyPath(path, p);
        const content = files[p];
        if (typeof content !== 'string')
          fail('METADATA_VALUE', at, `file content must be a string, got ${describe(content)}`);
        const file = this.textElement('file', content, at);
        file.setAttribute('path', this.text(p, at));
        this.attributes(file, keptAttributes(files, p), at);
        return file;
      });
  }

  private leaf(key: string, v: Scalar, path: string): Element {
    if (typeof v === 'string') return this.textElement(key, v, path);
    let type: string;
    let text: string;
    if (v instanceof UnreadableValue) {
      // Written back as it was read.
      type = this.text(v.type, path);
      text = v.text;
    } else if (typeof v === 'boolean') {
      type = 'bool';
      text = v ? 'True' : 'False';
    } else if (typeof v === 'bigint') {
      // Refused before its decimal form is made: the decoder would refuse it.
      const problem = intProblem(v);
      if (problem !== undefined) fail('METADATA_VALUE', path, problem);
      type = 'int';
      text = v.toString();
    } else if (v instanceof Float) {
      type = 'float';
      text = formatFloat(v.value);
    } else if (Number.isInteger(v)) {
      if (!Number.isSafeInteger(v)) {
        fail(
          'METADATA_VALUE',
          path,
          `${v} is an integral number beyond 2^53: use a bigint for an int or a Float for a float`,
        );
      }
      type = 'int';
      text = String(v);
    } else {
      type = 'float';
      text = formatFloat(v);
    }
    const el = this.textElement(key, text, path);
    el.setAttribute('type', type);
    return el;
  }

  /** Attributes kept from the document, set after those the layout wrote (which win). */
  private attributes(el: Element, attrs: Attributes, path: string): void {
    if (attrs.length === 0) return;
    addAttributes(
      el,
      attrs.map(([name, value]) => [name, this.text(value, `${path}@${name}`)] as const),
    );
  }

  private textElement(name: string, text: string, path: string): Element {
    if (!isNCName(name)) fail('METADATA_VALUE', path, `"${name}" is not a valid XML element name`);
    const el = this.element(name);
    if (text !== '') el.appendChild(this.doc.createTextNode(this.text(text, path)));
    return el;
  }

  /** `s`, checked to be writable in XML. */
  text(s: string, path: string): string {
    const bad = findInvalidXmlChar(s);
    if (bad >= 0) {
      const code = (s.codePointAt(bad) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      fail('METADATA_VALUE', path, `U+${code} cannot be written in XML`);
    }
    return s;
  }

  private keep(el: Element): Element {
    const copy = cloneInto(el, this.doc);
    this.kept.add(copy);
    return copy;
  }

  /**
   * Element children are collected per parent and attached by `finish`, so that indentation is
   * appended with them: inserting text between existing children would re-index the parent's
   * child list each time (xmldom), quadratic over thousands of device entries.
   */
  private append(parent: Element, child: Element): void {
    const list = this.pending.get(parent);
    if (list === undefined) this.pending.set(parent, [child]);
    else list.push(child);
  }

  /**
   * Attaches the collected children of `el` and below, indented by `at` (the line `el` starts on)
   * plus `step` per level (two spaces, as libvirt), or with no whitespace at all when `at` is
   * undefined. Iterative: nesting may be deep.
   */
  finish(root: Element, at: string | undefined, step = INDENT_UNIT): void {
    const stack: [Element, string | undefined][] = [[root, at]];
    while (stack.length > 0) {
      const [el, indent] = stack.pop() as [Element, string | undefined];
      const children = this.pending.get(el);
      if (children === undefined) continue;
      this.pending.delete(el);
      const inner = indent === undefined ? undefined : indent + step;
      for (const c of children) {
        if (inner !== undefined) el.appendChild(this.doc.createTextNode('\n' + inner));
        el.appendChild(c);
        if (!this.kept.has(c)) stack.push([c, inner]);
      }
      if (indent !== undefined) el.appendChild(this.doc.createTextNode('\n' + indent));
    }
  }
}

/**
 * What the layout makes of `d[key]` where `shape` stands: a kept element, a payload's files, a
 * sub-key or a typed leaf; anything else is an error naming its path.
 */
function memberKind(
  key: string,
  v: Value,
  shape: DictShape,
  path: string,
): 'kept' | 'files' | 'sub' | 'leaf' {
  if (v instanceof RawXml) {
    if (keyOfElement(v.element) !== key) {
      fail(
        'METADATA_SHAPE',
        keyPath(path, key),
        `a kept element <${v.element.nodeName}> must be stored under its own name`,
      );
    }
    return 'kept';
  }
  if (shape.files && key === 'file') return 'files';
  if (shape.subkeys.has(key)) return 'sub';
  if (isScalar(v)) return 'leaf';
  if (typeof v === 'object' && (v as unknown) !== null) {
    fail(
      'METADATA_SHAPE',
      keyPath(path, key),
      `${describe(v)} cannot be stored here: only the layout's sub-keys hold nested data`,
    );
  }
  fail('METADATA_VALUE', keyPath(path, key), `${describe(v)} is not a metadata value`);
}
