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
  entries: readonly { attrs: DeviceAttrs; data: Dict }[];
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

/** Builds the group element, owned by `doc` and not yet attached. */
export function encodeGroup(
  doc: Document,
  input: EncodeInput,
  options: DescriptorEncodeOptions = {},
): Element {
  const encoder = new Encoder(doc, options.bare === true ? null : DESCRIPTOR_URI);
  const group = encoder.group(input);
  encoder.finish(group, options.indent);
  return group;
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

class Encoder {
  /** Containers being written: a value that contains itself is an error, not a stack overflow. */
  private readonly open = new Set<object>();
  /** Elements copied verbatim: indentation never goes inside them. */
  private readonly kept = new Set<Element>();
  /** Element children not yet attached, per parent (see `append`). */
  private readonly pending = new Map<Element, Element[]>();

  constructor(
    private readonly doc: Document,
    private readonly ns: string | null,
  ) {}

  private element(name: string): Element {
    return createElement(this.doc, name, this.ns, DESCRIPTOR_PREFIX);
  }

  group(input: EncodeInput): Element {
    const group = this.element(DESCRIPTOR_GROUP);
    const own = keptAttributes(input.values);
    // Declared first, where the serializer would put it last: a kept `version="1"` then follows it
    // as in the group libvirt and Vdsm write.
    if (this.ns !== null && own.length > 0)
      group.setAttributeNS(XMLNS_NS, `xmlns:${DESCRIPTOR_PREFIX}`, this.ns);
    this.attributes(group, own, '');
    for (const key of dictKeys(input.values)) {
      if (GROUP_CHILDREN.has(key)) {
        fail('METADATA_SHAPE', keyPath('', key), `"${key}" is the group's own element: not a VM-level value`);
      }
    }
    this.fill(group, input.values, FLAT, '', 1);
    input.entries.forEach((entry, i) => {
      // An entry without data is not written: that is how Vdsm deletes a device's metadata.
      if (dictKeys(entry.data).length === 0) return;
      const path = indexPath('devices', i);
      const device = this.element('device');
      const attrs: [string, string][] = [];
      for (const name of Object.keys(entry.attrs)) {
        const value = entry.attrs[name];
        const at = `${path}@${name}`;
        if (!isNCName(name) || name === 'xmlns')
          fail('METADATA_VALUE', at, `"${name}" is not a valid attribute name`);
        if (typeof value !== 'string')
          fail('METADATA_VALUE', at, `an attribute value must be a string, got ${describe(value)}`);
        attrs.push([name, this.text(value, at)]);
      }
      addAttributes(device, attrs);
      this.fill(device, entry.data, DEVICE, path, 1);
      this.append(group, device);
    });
    if (dictKeys(input.custom).length > 0)
      this.append(group, this.dict(input.custom, FLAT, 'custom', 'custom', 1));
    return group;
  }

  /** Writes `d` into `el`: sorted typed leaves, sub-keys in the layout's order, files, kept elements. */
  private fill(el: Element, d: Dict, shape: DictShape, path: string, depth: number): void {
    // What the parser would refuse to read back, in a domain: <domain><metadata><ovirt-vm:vm> and
    // the device are above the values, and a value's own leaf element below.
    if (depth + ROOM > DEFAULT_MAX_DEPTH)
      fail('METADATA_SHAPE', path, `nested deeper than the limit of ${DEFAULT_MAX_DEPTH - ROOM}`);
    this.enter(d, path);
    const leaves: [string, Scalar][] = [];
    const subs = new Map<string, Value>();
    const kept: Element[] = [];
    let files: Value | undefined;
    for (const [key, v] of dictEntries(d)) {
      const at = keyPath(path, key);
      if (v instanceof RawXml) {
        if (keyOfElement(v.element) !== key) {
          fail(
            'METADATA_SHAPE',
            at,
            `a kept element <${v.element.nodeName}> must be stored under its own name`,
          );
        }
        kept.push(v.element);
      } else if (shape.files && key === 'file') {
        files = v;
      } else if (shape.subkeys.has(key)) {
        subs.set(key, v);
      } else if (isScalar(v)) {
        leaves.push([key, v]);
      } else if (typeof v === 'object' && (v as unknown) !== null) {
        fail(
          'METADATA_SHAPE',
          at,
          `${describe(v)} cannot be stored here: only the layout's sub-keys hold nested data`,
        );
      } else {
        fail('METADATA_VALUE', at, `${describe(v)} is not a metadata value`);
      }
    }
    leaves.sort(([a], [b]) => compareCodePoints(a, b));
    for (const [key, v] of leaves) {
      const at = keyPath(path, key);
      const leaf = this.leaf(key, v, at);
      this.attributes(leaf, keptAttributes(d, key), at);
      this.append(el, leaf);
    }
    for (const [key, sub] of shape.subkeys) {
      if (subs.has(key))
        this.append(el, this.shaped(subs.get(key) as Value, sub, key, keyPath(path, key), depth + 1));
    }
    if (files !== undefined) this.files(el, files, keyPath(path, 'file'));
    for (const k of kept) this.append(el, this.keep(k));
    this.open.delete(d);
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
    items.forEach((item, i) => {
      const at = indexPath(path, i);
      if (item instanceof RawXml) this.append(el, this.keep(item.element));
      else if (shape.items === 'dict') {
        if (!isDict(item))
          fail('METADATA_SHAPE', at, `a ${shape.item} must be a dict, got ${describe(item)}`);
        this.append(el, this.dict(item, FLAT, shape.item, at, depth + 1));
      } else {
        if (typeof item !== 'string')
          fail('METADATA_VALUE', at, `a ${shape.item} must be a string, got ${describe(item)}`);
        this.append(el, this.textElement(shape.item, item, at));
      }
    });
    this.open.delete(items);
    return el;
  }

  /** `<file path="P">content</file>` per entry, sorted by path. */
  private files(el: Element, files: Value, path: string): void {
    if (!isDict(files))
      fail('METADATA_SHAPE', path, `file must be a dict of path to content, got ${describe(files)}`);
    const paths = dictKeys(files).sort(compareCodePoints);
    for (const p of paths) {
      const at = keyPath(path, p);
      const content = files[p];
      if (typeof content !== 'string')
        fail('METADATA_VALUE', at, `file content must be a string, got ${describe(content)}`);
      const file = this.textElement('file', content, at);
      file.setAttribute('path', this.text(p, at));
      this.attributes(file, keptAttributes(files, p), at);
      this.append(el, file);
    }
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

  private text(s: string, path: string): string {
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
   * plus two spaces per level, or with no whitespace at all when `at` is undefined. Iterative:
   * nesting may be deep.
   */
  finish(root: Element, at: string | undefined): void {
    const stack: [Element, string | undefined][] = [[root, at]];
    while (stack.length > 0) {
      const [el, indent] = stack.pop() as [Element, string | undefined];
      const children = this.pending.get(el);
      if (children === undefined) continue;
      this.pending.delete(el);
      const inner = indent === undefined ? undefined : indent + INDENT_UNIT;
      for (const c of children) {
        if (inner !== undefined) el.appendChild(this.doc.createTextNode('\n' + inner));
        el.appendChild(c);
        if (!this.kept.has(c)) stack.push([c, inner]);
      }
      if (indent !== undefined) el.appendChild(this.doc.createTextNode('\n' + indent));
    }
  }
}
