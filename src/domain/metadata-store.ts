/**
 * The domain's metadata as binder entries: the descriptor group (read and written) and the
 * xmlpickle `instance` group's `devices` list (input only: never rewritten).
 */
import type { MetadataEntry } from '../binding/entry.js';
import { MetadataError } from '../errors.js';
import { Descriptor } from '../metadata/descriptor.js';
import type { Dict } from '../metadata/value.js';
import { hasKey, isDict } from '../metadata/value.js';
import { decodeXmlpickle } from '../metadata/xmlpickle.js';
import type { Document, Element } from '../xml/dom.js';
import { positionOf } from '../xml/dom.js';

/** The descriptor group as binder entries, with the operations flows need. */
export interface DescriptorStore {
  readonly entries: readonly MetadataEntry[];
  add(attrs: Readonly<Record<string, string>>, data: Dict): MetadataEntry;
  update(entry: MetadataEntry, attrs: Readonly<Record<string, string>>, data: Dict): void;
  remove(entry: MetadataEntry): void;
  /** Writes the group into the domain's `<metadata>`, leaving every other child as it is. */
  writeInto(doc: Document): void;
}

export function loadDescriptorStore(group: Element | undefined, source?: string): DescriptorStore {
  const descriptor = group === undefined ? new Descriptor() : Descriptor.fromNode(group, { source });
  return new DescriptorEntries(descriptor);
}

class DescriptorEntries implements DescriptorStore {
  private list: MetadataEntry[];

  constructor(private readonly descriptor: Descriptor) {
    this.list = descriptor
      .entries()
      .map((e, index) => ({ layout: 'descriptor', index, attrs: e.attrs, data: e.data }));
  }

  get entries(): readonly MetadataEntry[] {
    return this.list;
  }

  add(attrs: Readonly<Record<string, string>>, data: Dict): MetadataEntry {
    const entry: MetadataEntry = { layout: 'descriptor', index: this.list.length, attrs: { ...attrs }, data };
    this.list.push(entry);
    return entry;
  }

  update(entry: MetadataEntry, attrs: Readonly<Record<string, string>>, data: Dict): void {
    entry.attrs = { ...attrs };
    entry.data = data;
  }

  remove(entry: MetadataEntry): void {
    this.list = this.list.filter((e) => e !== entry);
  }

  writeInto(doc: Document): void {
    // VM-level values and custom are carried over as read; the entries are ours.
    new Descriptor({
      values: this.descriptor.values,
      custom: this.descriptor.custom,
      entries: this.list.map((e) => ({ attrs: e.attrs ?? {}, data: e.data })),
    }).writeInto(doc);
  }
}

/** The dicts of the xmlpickle instance's `devices` list, as entries (none without the group). */
export function loadXmlpickleEntries(group: Element | undefined, source?: string): MetadataEntry[] {
  if (group === undefined) return [];
  const value = decodeXmlpickle(group, { source });
  if (!isDict(value) || !hasKey(value, 'devices')) return [];
  const devices = value['devices'];
  if (!Array.isArray(devices)) {
    throw new MetadataError('METADATA_SHAPE', 'the instance\'s "devices" is not a list', {
      source,
      path: 'devices',
      ...positionOf(group),
    });
  }
  return devices.map((d, index) => {
    if (!isDict(d)) {
      throw new MetadataError('METADATA_SHAPE', 'a device of the instance is not a dict', {
        source,
        path: `devices[${index}]`,
        ...positionOf(group),
      });
    }
    return { layout: 'xmlpickle', index, data: d };
  });
}
