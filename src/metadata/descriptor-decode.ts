/**
 * Reading the `ovirt-vm` group (see descriptor-layout.ts for the grammar). Unlike Vdsm: an empty
 * typed leaf, a bad int/float/bool text, an unknown type hint and a `file` without `path` are errors
 * with the value path and line:column; a duplicate key is an error (Vdsm kept the last one);
 * nested elements no rule knows are kept as RawXml, not dropped. Leniently (`onUnreadable`), a bad
 * typed leaf is kept as an UnreadableValue and reported instead: one bad value must not make a
 * whole VM unreadable.
 *
 * What Vdsm reads past is read past too, where nothing is lost: an attribute the layout has no
 * place for (`<size type="int" unit="MiB">`, `<file path="a" mode="0644">`, `<vm version="1">`)
 * is kept beside the value (keepAttributes) and written back; items of `hosts` and `volumeChain`
 * are read whatever their tag; a bool is also an int (`1`, `0`), as Vdsm's `tobool` reads it.
 */
import { MetadataError, XmlLimitError } from '../errors.js';
import type { Document, Element, Node } from '../xml/dom.js';
import { DEFAULT_MAX_DEPTH, NODE, positionOf } from '../xml/dom.js';
import { childElements, firstChild, getAttr, hasElementChildren, localNameOf, textOf } from '../xml/tree.js';
import type { DictShape, ListShape, Shape } from './descriptor-layout.js';
import {
  DESCRIPTOR_GROUP,
  DESCRIPTOR_URI,
  DEVICE,
  FLAT,
  forEachDataAttribute,
  hasDataAttributes,
  hasText,
  isOurs,
  keyOfElement,
} from './descriptor-layout.js';
import type { Attributes, Dict, Scalar, Value } from './value.js';
import {
  DEFAULT_MAX_INT_DIGITS,
  dict,
  dictSet,
  floatValue,
  hasKey,
  indexPath,
  intTextProblem,
  keepAttributes,
  keyPath,
  NO_ATTRIBUTES,
  nullObject,
  parseBoolText,
  parseFloatText,
  parseIntText,
  quoteExcerpt,
  RawXml,
  UnreadableValue,
} from './value.js';

/** A device entry's identifying attributes: ordered, prototype-free. */
export type DeviceAttrs = Record<string, string>;

/** A device entry as read, with the element it was read from. */
export interface DecodedEntry {
  attrs: DeviceAttrs;
  data: Dict;
  element: Element;
}

export interface DecodedGroup {
  values: Dict;
  custom: Dict;
  entries: DecodedEntry[];
}

export interface DescriptorDecodeOptions {
  /** Name of the input, carried by every error. */
  source?: string;
  /**
   * Lenient decoding: a typed leaf that cannot be read (bad or empty text, unknown type hint) is
   * kept as an UnreadableValue and reported here, with the error strict decoding throws and the
   * index of the device entry it is in (undefined: a VM-level value or `custom`). Errors of
   * structure still throw.
   */
  onUnreadable?: (problem: MetadataError, entry: number | undefined) => void;
  /**
   * Refuse an int of more digits, as Python does: converting one costs more than linear time.
   * Default DEFAULT_MAX_INT_DIGITS (4300, Python's); 0: no limit.
   */
  maxIntDigits?: number;
}

/**
 * The group element in `node`: `node` itself when it is the group (`<ovirt-vm:vm>`, or a bare
 * `<vm>` as libvirt's metadata API gives it), the `vm` child (by URI) of a `<metadata>` element,
 * or that of the `<metadata>` child of a domain or any wrapper (a hotplug envelope). Undefined when
 * there is none. More than one group is an error: libvirt keeps one per namespace, and reading one
 * would silently ignore the other.
 */
export function findGroup(
  node: Document | Element,
  options: DescriptorDecodeOptions = {},
): Element | undefined {
  const el = node.nodeType === NODE.DOCUMENT ? node.documentElement : node;
  if (el === null) return undefined;
  const name = localNameOf(el);
  if (name === DESCRIPTOR_GROUP && (el.namespaceURI ?? null) === null) return el;
  if (name === DESCRIPTOR_GROUP && el.namespaceURI === DESCRIPTOR_URI) return el;
  const metadata = name === 'metadata' ? el : firstChild(el, 'metadata');
  if (metadata === undefined) return undefined;
  const groups = childElements(metadata, DESCRIPTOR_GROUP, DESCRIPTOR_URI);
  const second = groups[1];
  if (second !== undefined) {
    throw new MetadataError('METADATA_SHAPE', `<metadata> holds more than one group in ${DESCRIPTOR_URI}`, {
      source: options.source,
      ...positionOf(second),
    });
  }
  return groups[0];
}

/** Decodes a group element (namespaced or bare). */
export function decodeGroup(group: Element, options: DescriptorDecodeOptions = {}): DecodedGroup {
  return new Decoder(
    options.source,
    options.onUnreadable,
    options.maxIntDigits ?? DEFAULT_MAX_INT_DIGITS,
  ).group(group);
}

class Decoder {
  /** The device entry being read; undefined for the VM level. */
  private entryIndex: number | undefined;

  constructor(
    private readonly source: string | undefined,
    private readonly onUnreadable: DescriptorDecodeOptions['onUnreadable'],
    private readonly maxIntDigits: number,
  ) {}

  private fail(code: 'METADATA_VALUE' | 'METADATA_SHAPE', detail: string, node: Node, path?: string): never {
    throw new MetadataError(code, detail, { source: this.source, path, ...positionOf(node) });
  }

  group(group: Element): DecodedGroup {
    const own = extraAttributes(group);
    if (own === undefined) {
      this.fail('METADATA_SHAPE', 'a namespaced attribute on the group element is not supported', group);
    }
    if (hasText(group)) this.fail('METADATA_SHAPE', 'the group element holds text', group);
    const values = dict();
    // The group's attributes (`version="1"`) go with the VM-level values, which are written back in it.
    keepAttributes(values, undefined, own);
    let custom: Dict | undefined;
    const entries: DecodedGroup['entries'] = [];
    for (const child of childElements(group)) {
      const key = keyOfElement(child);
      if (key === 'device') {
        this.entryIndex = entries.length;
        entries.push(this.entry(child, indexPath('devices', entries.length)));
        this.entryIndex = undefined;
      } else if (key === 'custom') {
        if (custom !== undefined) this.fail('METADATA_SHAPE', 'a second <custom> block', child, 'custom');
        const attrs = extraAttributes(child);
        if (attrs === undefined || hasText(child)) {
          this.fail(
            'METADATA_SHAPE',
            '<custom> must be a block of leaves, without text or namespaced attributes',
            child,
            'custom',
          );
        }
        custom = this.dict(child, FLAT, 'custom', 1);
        keepAttributes(custom, undefined, attrs);
      } else {
        if (hasKey(values, key)) this.fail('METADATA_SHAPE', `duplicate key ${key}`, child, keyPath('', key));
        dictSet(values, key, this.member(child, undefined, values, '', key, 1));
      }
    }
    return { values, custom: custom ?? dict(), entries };
  }

  private entry(el: Element, path: string): DecodedEntry {
    const attrs: DeviceAttrs = nullObject<string>();
    forEachDataAttribute(el, (name, value) => {
      if (name.includes(':')) {
        this.fail(
          'METADATA_SHAPE',
          `namespaced attribute ${name} on a device element is not supported`,
          el,
          path,
        );
      }
      attrs[name] = value;
    });
    // Text between a device's children is not read (as by Vdsm): no key reaches it, so no reader
    // would miss it, and the children are written sorted, so it would have no place to go back to.
    return { attrs, data: this.dict(el, DEVICE, path, 1), element: el };
  }

  /**
   * A child of the dict container `parent` (at `key`, the dict at path `base`): a kept element, a
   * sub-key, or a typed leaf; a leaf's other attributes are kept in `parent`, a dict's in itself.
   * Its path is made only for a container or an error (most members are leaves).
   */
  private member(
    el: Element,
    shape: Shape | undefined,
    parent: Dict,
    base: string,
    key: string,
    depth: number,
  ): Value {
    if (!isOurs(el)) return new RawXml(el);
    const attrs = extraAttributes(el, shape === undefined ? 'type' : undefined);
    if (attrs === undefined) return new RawXml(el);
    if (shape !== undefined) {
      // A list has nowhere to keep attributes.
      if (hasText(el) || (shape.kind === 'list' && attrs.length > 0)) return new RawXml(el);
      const path = keyPath(base, key);
      if (shape.kind === 'list') return this.list(el, shape, path, depth + 1);
      const d = this.dict(el, shape, path, depth + 1);
      keepAttributes(d, undefined, attrs);
      return d;
    }
    if (hasElementChildren(el)) return new RawXml(el);
    keepAttributes(parent, key, attrs);
    return this.leaf(el, base, key);
  }

  private dict(el: Element, shape: DictShape, path: string, depth: number): Dict {
    this.checkDepth(el, depth, path);
    const out = dict();
    let files: Dict | undefined;
    for (let c = el.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== NODE.ELEMENT) continue;
      const child = c as Element;
      if (shape.files && isOurs(child) && localNameOf(child) === 'file') {
        if (files === undefined) {
          files = dict();
          dictSet(out, 'file', files);
        }
        this.file(child, files, keyPath(path, 'file'));
        continue;
      }
      const key = keyOfElement(child);
      if (hasKey(out, key)) this.fail('METADATA_SHAPE', `duplicate key ${key}`, child, keyPath(path, key));
      const sub = isOurs(child) ? shape.subkeys.get(key) : undefined;
      dictSet(out, key, this.member(child, sub, out, path, key, depth));
    }
    // Vdsm always gives a payload its `file` dict, possibly empty.
    if (shape.files && files === undefined) dictSet(out, 'file', dict());
    return out;
  }

  private list(el: Element, shape: ListShape, path: string, depth: number): Value[] {
    this.checkDepth(el, depth, path);
    return childElements(el).map((item, i): Value => {
      if (shape.items === 'dict') {
        // Vdsm reads each child whatever its tag (`<hosts><host>`); it is written back as `hostInfo`.
        const attrs = isOurs(item) && !hasText(item) ? extraAttributes(item) : undefined;
        if (attrs === undefined) return new RawXml(item);
        const d = this.dict(item, FLAT, indexPath(path, i), depth + 1);
        keepAttributes(d, undefined, attrs);
        return d;
      }
      const fits = isOurs(item) && localNameOf(item) === shape.item;
      return fits && !hasDataAttributes(item) && !hasElementChildren(item) ? textOf(item) : new RawXml(item);
    });
  }

  private file(el: Element, files: Dict, path: string): void {
    const filePath = getAttr(el, 'path');
    if (filePath === undefined) this.fail('METADATA_SHAPE', '<file> without a path attribute', el, path);
    const attrs = extraAttributes(el, 'path');
    if (attrs === undefined) {
      this.fail('METADATA_SHAPE', 'a namespaced attribute on <file> is not supported', el, path);
    }
    const at = keyPath(path, filePath);
    if (hasElementChildren(el)) this.fail('METADATA_SHAPE', '<file> must hold text only', el, at);
    if (hasKey(files, filePath))
      this.fail('METADATA_SHAPE', `a second <file> with path "${filePath}"`, el, at);
    keepAttributes(files, filePath, attrs);
    dictSet(files, filePath, textOf(el));
  }

  private leaf(el: Element, base: string, key: string): Scalar {
    const type = getAttr(el, 'type');
    const text = textOf(el);
    if (type === undefined || type === 'str') return text;
    if (type !== 'int' && type !== 'float' && type !== 'bool') {
      return this.unreadable(el, base, key, `unknown type hint type="${type}"`);
    }
    if (text === '') return this.unreadable(el, base, key, `empty leaf with type="${type}"`);
    const value =
      type === 'int'
        ? parseIntText(text, this.maxIntDigits)
        : type === 'bool'
          ? toBool(text, this.maxIntDigits)
          : floatOf(parseFloatText(text));
    if (value !== undefined) return value;
    const tooLong = type === 'float' ? undefined : intTextProblem(text, this.maxIntDigits);
    return this.unreadable(el, base, key, tooLong ?? `${quoteExcerpt(text)} is not a valid ${type}`);
  }

  /** A typed leaf that cannot be read: an error, or leniently a value kept as written. */
  private unreadable(el: Element, base: string, key: string, reason: string): UnreadableValue {
    const path = keyPath(base, key);
    if (this.onUnreadable === undefined) this.fail('METADATA_VALUE', reason, el, path);
    const at = { source: this.source, path, ...positionOf(el) };
    this.onUnreadable(new MetadataError('METADATA_VALUE', reason, at), this.entryIndex);
    return new UnreadableValue(textOf(el), getAttr(el, 'type') ?? '', reason, at);
  }

  /** Nested sub-keys (diskReplicate in diskReplicate...) recurse: bound it whatever the parser allowed. */
  private checkDepth(el: Element, depth: number, path: string): void {
    if (depth > DEFAULT_MAX_DEPTH) {
      throw new XmlLimitError(`metadata nested deeper than the limit of ${DEFAULT_MAX_DEPTH}`, {
        source: this.source,
        path,
        ...positionOf(el),
      });
    }
  }
}

/**
 * Vdsm's `conv.tobool`: `true`/`false` in any case, or an int (`1`, `0`: non-zero is true). Vdsm
 * reads anything else as false; here it stays an error, since `yes` or `on` would read as false.
 */
function toBool(text: string, maxIntDigits: number): boolean | undefined {
  const b = parseBoolText(text);
  if (b !== undefined) return b;
  const n = parseIntText(text, maxIntDigits);
  return n === undefined ? undefined : n !== 0;
}

/**
 * The attributes of `el` other than namespace declarations and `except`, kept beside its value;
 * undefined when one is namespaced (it could not be written back without its namespace).
 */
function extraAttributes(el: Element, except?: string): Attributes | undefined {
  let out: [string, string][] | undefined;
  let namespaced = false;
  forEachDataAttribute(el, (name, value) => {
    if (name === except || namespaced) return;
    if (name.includes(':')) namespaced = true;
    else (out ??= []).push([name, value]);
  });
  // Most members have none but their type: one shared empty list.
  return namespaced ? undefined : (out ?? NO_ATTRIBUTES);
}

function floatOf(v: number | undefined): Scalar | undefined {
  return v === undefined ? undefined : floatValue(v);
}
