/**
 * The descriptor: the `ovirt-vm` metadata group Vdsm shipped (`<ovirt-vm:vm>` in the domain's
 * `<metadata>`), read and written in Vdsm's wire format without Vdsm's bugs:
 * - VM-level `values`, a `custom` dict, and ordered device entries (identifying attributes + data);
 * - lookups never create entries, more than one match is an error listing them, and entries are
 *   set, replaced and removed explicitly;
 * - nested data no rule knows is kept (RawXml) and written back unchanged, and so are attributes
 *   Vdsm reads past (`unit="MiB"` on a leaf, `version` on the group); bad leaves are errors
 *   with a value path and line:column (read leniently, `onUnreadable`: kept as written, reported);
 * - writing changes only this group inside `<metadata>`; every other child stays as it was. Into a
 *   group the document holds, only what changed is written (descriptor-merge.ts): the rest keeps
 *   its bytes, comments and prefix included.
 * The grammar is in descriptor-layout.ts, reading in descriptor-decode.ts, writing in
 * descriptor-encode.ts.
 */
import { AmbiguousMetadataError, InvalidDomainError, MetadataError, NoSuchDeviceError } from '../errors.js';
import type { Document, Element, ParseOptions } from '../xml/dom.js';
import { NODE, createDocument, parseXml, serialize } from '../xml/dom.js';
import { childElements, firstChild, indentOf, insertIndented, localNameOf, ownerOf } from '../xml/tree.js';
import type { DescriptorDecodeOptions, DeviceAttrs } from './descriptor-decode.js';
import { decodeGroup, findGroup } from './descriptor-decode.js';
import type { DescriptorEncodeOptions } from './descriptor-encode.js';
import { encodeGroup } from './descriptor-encode.js';
import { mergeGroup } from './descriptor-merge.js';
import { DESCRIPTOR_GROUP, DESCRIPTOR_PREFIX, DESCRIPTOR_URI } from './descriptor-layout.js';
import type { TypedJson } from './typed-json.js';
import { fromTypedJson, toTypedJson } from './typed-json.js';
import type { Dict, Value } from './value.js';
import { dict, dictKeys, indexPath, isDict, keyPath, nullObject } from './value.js';

export { DESCRIPTOR_GROUP, DESCRIPTOR_PREFIX, DESCRIPTOR_URI };
/** The group element in a domain, a `<metadata>` element, or the group itself (see findGroup). */
export { findGroup as findDescriptorGroup };
export type { DescriptorDecodeOptions, DeviceAttrs };
export type { DescriptorEncodeOptions };

/** One device block: the attributes that identify it and its data. */
export class DescriptorEntry {
  /** A prototype-free copy of the given attributes, in their order. */
  readonly attrs: DeviceAttrs;
  /** The data, kept as given (not copied): edits to it are what gets written. */
  readonly data: Dict;
  /**
   * @internal The `<device>` element the entry was read from or last written to: writing into
   * the group that holds it updates that element, in its place.
   */
  element: Element | undefined;

  constructor(attrs: Readonly<Record<string, string>>, data: Dict = dict(), element?: Element) {
    this.attrs = copyAttrs(attrs);
    this.data = data;
    this.element = element;
  }

  /** `{devtype="disk" name="vda"}`, as errors and reports name an entry. */
  describe(): string {
    return describeAttrs(this.attrs);
  }
}

export interface DescriptorInit {
  values?: Dict;
  custom?: Dict;
  entries?: Iterable<{
    readonly attrs: Readonly<Record<string, string>>;
    readonly data: Dict;
    /** The element it was read from (see DescriptorEntry.element). */
    readonly element?: Element | undefined;
  }>;
}

/** The JSON form (`vmdevices metadata decode`): typed JSON values, data and custom. */
export interface DescriptorJson {
  values: TypedJson;
  custom: TypedJson;
  devices: { attrs: Record<string, string>; data: TypedJson }[];
}

/** A match of {@link Descriptor.findAll}: the entry and its 0-based position. */
export interface EntryMatch {
  index: number;
  entry: DescriptorEntry;
}

// libvirt writes these domain children before <metadata> (domain_conf.c, virDomainDefFormat).
const BEFORE_METADATA = new Set(['name', 'uuid', 'genid', 'title', 'description']);
const INDENT_UNIT = '  ';

export class Descriptor {
  /** VM-level values (the live dict: edits are written). */
  readonly values: Dict;
  /** VM custom properties (the live dict: edits are written). */
  readonly custom: Dict;
  private readonly list: DescriptorEntry[];

  constructor(init: DescriptorInit = {}) {
    this.values = init.values ?? dict();
    this.custom = init.custom ?? dict();
    this.list = [...(init.entries ?? [])].map((e) => new DescriptorEntry(e.attrs, e.data, e.element));
  }

  /** Parses `text` (a domain, a `<metadata>` element, or a group) and reads the group. */
  static fromXml(text: string, options: ParseOptions = {}): Descriptor {
    return Descriptor.fromNode(parseXml(text, options), { source: options.source });
  }

  /**
   * Reads the group from a domain document or element (or any wrapper with a `<metadata>` child),
   * a `<metadata>` element, or the group itself, namespaced or bare. Found by namespace URI, never
   * by prefix. No group gives an empty descriptor.
   */
  static fromNode(node: Document | Element, options: DescriptorDecodeOptions = {}): Descriptor {
    const group = findGroup(node, options);
    return group === undefined ? new Descriptor() : new Descriptor(decodeGroup(group, options));
  }

  /** Reads the JSON form ({@link toJSON}). */
  static fromJSON(json: unknown): Descriptor {
    const o = asObject(json, '(value)');
    const values = asDict(o['values'] ?? {}, 'values');
    const custom = asDict(o['custom'] ?? {}, 'custom');
    const devices = o['devices'] ?? [];
    if (!Array.isArray(devices)) shapeError('devices', 'must be a list');
    const entries = devices.map((d: unknown, i) => {
      const path = indexPath('devices', i);
      const e = asObject(d, path);
      const attrs = asObject(e['attrs'] ?? {}, keyPath(path, 'attrs'));
      for (const k of Object.keys(attrs)) {
        if (typeof attrs[k] !== 'string')
          shapeError(keyPath(keyPath(path, 'attrs'), k), 'an attribute must be a string');
      }
      return { attrs: attrs as Record<string, string>, data: asDict(e['data'] ?? {}, keyPath(path, 'data')) };
    });
    return new Descriptor({ values, custom, entries });
  }

  /** Nothing at all: no values, no custom, no entries. */
  isEmpty(): boolean {
    return dictKeys(this.values).length === 0 && dictKeys(this.custom).length === 0 && this.list.length === 0;
  }

  /** The entries in order (a copy of the list; the entries themselves are live). */
  entries(): readonly DescriptorEntry[] {
    return [...this.list];
  }

  /**
   * The entries whose attributes include every attribute of `attrs` with the same value. A query
   * that names no attribute, or gives one as `''`, identifies nothing and matches no entry.
   */
  findAll(attrs: Readonly<Record<string, string>>): EntryMatch[] {
    const keys = Object.keys(attrs);
    if (keys.length === 0 || keys.some((k) => attrs[k] === '')) return [];
    const out: EntryMatch[] = [];
    this.list.forEach((entry, index) => {
      if (
        keys.every((k) => Object.prototype.hasOwnProperty.call(entry.attrs, k) && entry.attrs[k] === attrs[k])
      ) {
        out.push({ index, entry });
      }
    });
    return out;
  }

  /** The one entry matching `attrs`, or undefined; never creates one. Several: AmbiguousMetadataError. */
  find(attrs: Readonly<Record<string, string>>): DescriptorEntry | undefined {
    return this.unique(attrs)?.entry;
  }

  /**
   * Sets the data of the entry matching `attrs` (it keeps its attributes and place), or appends a
   * new entry `{attrs, data}`. `attrs` must identify an entry: at least one attribute, none empty.
   */
  set(attrs: Readonly<Record<string, string>>, data: Dict): DescriptorEntry {
    if (Object.keys(attrs).length === 0 || Object.values(attrs).some((v) => v === '')) {
      throw new MetadataError(
        'METADATA_SHAPE',
        `device attributes ${describeAttrs(attrs)} identify no entry: give at least one, none empty`,
      );
    }
    const match = this.unique(attrs);
    if (match === undefined) {
      const entry = new DescriptorEntry(attrs, data);
      this.list.push(entry);
      return entry;
    }
    const entry = new DescriptorEntry(match.entry.attrs, data, match.entry.element);
    this.list[match.index] = entry;
    return entry;
  }

  /**
   * Replaces the entry `target` (an entry of this descriptor, or the attributes matching one) by
   * `next`, in the same place: new attributes (an alias learnt from libvirt) and new data.
   */
  replace(
    target: DescriptorEntry | Readonly<Record<string, string>>,
    next: { readonly attrs: Readonly<Record<string, string>>; readonly data: Dict },
  ): DescriptorEntry {
    const index = this.indexOf(target);
    if (index < 0) throw new NoSuchDeviceError(`no metadata entry matches ${describeTarget(target)}`);
    const entry = new DescriptorEntry(next.attrs, next.data, this.list[index]?.element);
    this.list[index] = entry;
    return entry;
  }

  /** Removes the entry `target` (an entry, or the attributes matching one); undefined when none. */
  remove(target: DescriptorEntry | Readonly<Record<string, string>>): DescriptorEntry | undefined {
    const index = this.indexOf(target);
    if (index < 0) return undefined;
    return this.list.splice(index, 1)[0];
  }

  /** The group element, owned by `doc` and not attached (see DescriptorEncodeOptions for `bare`, `indent`). */
  toElement(doc: Document, options: DescriptorEncodeOptions = {}): Element {
    return this.encode(doc, options);
  }

  /** The group element, each entry's element recorded as the one it is written to. */
  private encode(doc: Document, options: DescriptorEncodeOptions): Element {
    const { group, written } = encodeGroup(
      doc,
      { values: this.values, custom: this.custom, entries: this.list },
      options,
    );
    this.list.forEach((e, i) => (e.element = written[i]));
    return group;
  }

  /** The group as an XML text of its own, pretty-printed (namespaced, or bare). */
  toXml(options: { bare?: boolean } = {}): string {
    const doc = createDocument(DESCRIPTOR_GROUP);
    return serialize(this.toElement(doc, { bare: options.bare, indent: '' }));
  }

  /**
   * Writes the group into a domain (a document, its root, any wrapper element, or its `<metadata>`
   * element). Only our group is replaced, in its place; every other child of `<metadata>` stays
   * unchanged. A missing `<metadata>` is created where libvirt puts it (after name, uuid, genid,
   * title, description). Indentation follows the document's.
   *
   * Into a group the document holds, only what changed is written: what reads back equal keeps its
   * elements and bytes (comments, prefix, namespace declaration, key and attribute order), new
   * keys and entries go where the layout's order puts them. Where there is no group, one is
   * written as Vdsm writes it, unless there is nothing to write: then the document is left as it is.
   */
  writeInto(target: Document | Element): void {
    const domain = target.nodeType === NODE.DOCUMENT ? target.documentElement : target;
    if (domain === null) throw new InvalidDomainError('the document has no root element');
    if (findGroup(domain) === domain) {
      throw new InvalidDomainError(
        'writeInto takes a domain or its <metadata>, not a group: use toElement or toXml',
      );
    }
    const doc = ownerOf(domain);
    let metadata = localNameOf(domain) === 'metadata' ? domain : firstChild(domain, 'metadata');
    const old = metadata === undefined ? undefined : groupIn(metadata);
    if (old !== undefined) {
      const written = mergeGroup(old, { values: this.values, custom: this.custom, entries: this.list });
      this.list.forEach((e, i) => (e.element = written[i]));
      return;
    }
    if (!this.hasContent()) return;
    if (metadata === undefined) {
      metadata =
        domain.namespaceURI !== null
          ? doc.createElementNS(domain.namespaceURI, 'metadata')
          : doc.createElement('metadata');
      insertIndented(domain, metadata, afterHead(domain));
    }
    const lastElement = childElements(metadata).at(-1);
    const parentIndent = indentOf(metadata);
    const indent =
      lastElement !== undefined
        ? indentOf(lastElement)
        : parentIndent !== undefined
          ? parentIndent + INDENT_UNIT
          : undefined;
    insertIndented(metadata, this.encode(doc, { indent }), null);
  }

  /** Whether writing would write anything: a value, custom, or an entry with data. */
  private hasContent(): boolean {
    return (
      dictKeys(this.values).length > 0 ||
      dictKeys(this.custom).length > 0 ||
      this.list.some((e) => dictKeys(e.data).length > 0)
    );
  }

  /** The JSON form: typed JSON values, custom and data; attributes as strings. */
  toJSON(): DescriptorJson {
    // One value, so that an error names its path from the top (`devices[1].path`).
    const data = this.list.map((e) => e.data);
    const json = toTypedJson(
      dict([
        ['values', this.values],
        ['custom', this.custom],
        ['devices', data],
      ]),
    ) as {
      values: TypedJson;
      custom: TypedJson;
      devices: TypedJson[];
    };
    return {
      values: json.values,
      custom: json.custom,
      devices: this.list.map((e, i) => ({ attrs: { ...e.attrs }, data: json.devices[i] ?? null })),
    };
  }

  private unique(attrs: Readonly<Record<string, string>>): EntryMatch | undefined {
    const matches = this.findAll(attrs);
    if (matches.length > 1) {
      throw new AmbiguousMetadataError(
        `device attributes ${describeAttrs(attrs)} match ${matches.length} entries`,
        matches.map((m) => `${indexPath('devices', m.index)} ${m.entry.describe()}`),
      );
    }
    return matches[0];
  }

  private indexOf(target: DescriptorEntry | Readonly<Record<string, string>>): number {
    if (target instanceof DescriptorEntry) return this.list.indexOf(target);
    return this.unique(target)?.index ?? -1;
  }
}

function copyAttrs(attrs: Readonly<Record<string, string>>): DeviceAttrs {
  const out: DeviceAttrs = nullObject<string>();
  // Without a prototype, a `__proto__` attribute is an ordinary key.
  for (const k of Object.keys(attrs)) out[k] = attrs[k] as string;
  return out;
}

function describeAttrs(attrs: Readonly<Record<string, string>>): string {
  return `{${Object.keys(attrs)
    .map((k) => `${k}=${JSON.stringify(attrs[k])}`)
    .join(' ')}}`;
}

function describeTarget(target: DescriptorEntry | Readonly<Record<string, string>>): string {
  return target instanceof DescriptorEntry ? `the entry ${target.describe()}` : describeAttrs(target);
}

function shapeError(path: string, detail: string): never {
  throw new MetadataError('METADATA_SHAPE', detail, { path });
}

function asObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) shapeError(path, 'must be an object');
  return v as Record<string, unknown>;
}

function asDict(v: unknown, path: string): Dict {
  const d = fromTypedJson(v, path);
  if (!isDict(d)) shapeError(path, 'must be a dict');
  return d;
}

/** The group in `metadata`; more than one is findGroup's error, naming the second. */
function groupIn(metadata: Element): Element | undefined {
  const groups = childElements(metadata, DESCRIPTOR_GROUP, DESCRIPTOR_URI);
  if (groups.length > 1) findGroup(metadata);
  return groups[0];
}

/** The element child that `<metadata>` goes before: the one after the last of the head elements. */
function afterHead(domain: Element): Element | null {
  const children = childElements(domain);
  let last = -1;
  children.forEach((c, i) => {
    if (BEFORE_METADATA.has(localNameOf(c))) last = i;
  });
  return children[last + 1] ?? null;
}

/**
 * Whether a device entry can hold `value` under `key` in this layout (a probe encoding, into `doc`
 * when given: its nodes stay detached; a document per probe costs more than the probe).
 */
export function descriptorCanHold(key: string, value: Value, doc?: Document): boolean {
  try {
    encodeGroup(doc ?? createDocument(DESCRIPTOR_GROUP), {
      values: dict(),
      custom: dict(),
      entries: [new DescriptorEntry({ probe: 'probe' }, dict([[key, value]]))],
    });
    return true;
  } catch (e) {
    if (e instanceof MetadataError) return false;
    throw e;
  }
}
