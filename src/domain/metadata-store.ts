/**
 * The domain's metadata as binder entries: the descriptor group (read and written) and the
 * xmlpickle `instance` group's `devices` list (input only: never rewritten). Read leniently, a value
 * that cannot be read is kept as written (UnreadableValue) and reported where it is: on its entry,
 * or at the VM level.
 */
import type { MetadataEntry } from '../binding/entry.js';
import { copyAttrs } from '../binding/entry.js';
import { MetadataError } from '../errors.js';
import { Descriptor } from '../metadata/descriptor.js';
import type { Dict } from '../metadata/value.js';
import { freezeValue, hasKey, isDict } from '../metadata/value.js';
import { decodeXmlpickle } from '../metadata/xmlpickle-decode.js';
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

/** The values lenient reading kept unread, as the errors strict reading throws, by where they are. */
export interface ReadProblems {
  /** Those in a device entry, by entry. */
  readonly entries: ReadonlyMap<MetadataEntry, readonly MetadataError[]>;
  /** Those outside the device entries: VM-level values and `custom` (xmlpickle: outside `devices`). */
  readonly vm: readonly MetadataError[];
}

/** How to read: strictly (a value that cannot be read is an error), or leniently. */
export interface ReadOptions {
  source?: string;
  lenient?: boolean;
}

export function loadDescriptorStore(
  group: Element | undefined,
  options: ReadOptions = {},
): { store: DescriptorStore; problems: ReadProblems } {
  const byIndex = new Map<number | undefined, MetadataError[]>();
  const descriptor =
    group === undefined
      ? new Descriptor()
      : Descriptor.fromNode(group, {
          source: options.source,
          onUnreadable:
            options.lenient === true ? (problem, entry) => addTo(byIndex, entry, problem) : undefined,
        });
  const store = new DescriptorEntries(descriptor);
  return { store, problems: readProblems(byIndex, store.entries) };
}

class DescriptorEntries implements DescriptorStore {
  private list: MetadataEntry[];
  /** Removed, not yet taken out of `list`: removing many entries one by one stays linear. */
  private readonly removed = new Set<MetadataEntry>();
  /** The `<device>` element each entry was read from or last written to: writing updates it in place. */
  private readonly elements = new Map<MetadataEntry, Element>();

  constructor(private readonly descriptor: Descriptor) {
    this.list = descriptor.entries().map((e, index) => {
      const entry: MetadataEntry = { layout: 'descriptor', index, attrs: e.attrs, data: e.data };
      if (e.element !== undefined) this.elements.set(entry, e.element);
      return entry;
    });
  }

  get entries(): readonly MetadataEntry[] {
    return this.compacted();
  }

  private compacted(): MetadataEntry[] {
    if (this.removed.size > 0) {
      this.list = this.list.filter((e) => !this.removed.has(e));
      this.removed.clear();
    }
    return this.list;
  }

  add(attrs: Readonly<Record<string, string>>, data: Dict): MetadataEntry {
    const entry: MetadataEntry = {
      layout: 'descriptor',
      index: this.compacted().length,
      attrs: copyAttrs(attrs),
      data,
    };
    this.list.push(entry);
    return entry;
  }

  update(entry: MetadataEntry, attrs: Readonly<Record<string, string>>, data: Dict): void {
    entry.attrs = copyAttrs(attrs);
    entry.data = data;
  }

  remove(entry: MetadataEntry): void {
    this.removed.add(entry);
    this.elements.delete(entry);
  }

  writeInto(doc: Document): void {
    // VM-level values and custom are carried over as read; the entries are ours.
    const written = new Descriptor({
      values: this.descriptor.values,
      custom: this.descriptor.custom,
      entries: this.compacted().map((e) => ({
        attrs: e.attrs ?? {},
        data: e.data,
        element: this.elements.get(e),
      })),
    });
    written.writeInto(doc);
    written.entries().forEach((w, i) => {
      const entry = this.list[i] as MetadataEntry;
      if (w.element === undefined) this.elements.delete(entry);
      else this.elements.set(entry, w.element);
    });
  }
}

/**
 * The dicts of the xmlpickle instance's `devices` list, as entries (none without the group). The
 * values are read-only: the group is never rewritten, so an edit in place would be lost.
 */
export function loadXmlpickleEntries(
  group: Element | undefined,
  options: ReadOptions = {},
): { entries: MetadataEntry[]; problems: ReadProblems } {
  const { source } = options;
  const unread: MetadataError[] = [];
  const none = { entries: [], problems: { entries: new Map(), vm: unread } };
  if (group === undefined) return none;
  const value = freezeValue(
    decodeXmlpickle(group, {
      source,
      onUnreadable: options.lenient === true ? (problem) => unread.push(problem) : undefined,
    }),
  );
  if (!isDict(value) || !hasKey(value, 'devices')) return none;
  const devices = value['devices'];
  if (!Array.isArray(devices)) {
    throw new MetadataError('METADATA_SHAPE', 'the instance\'s "devices" is not a list', {
      source,
      path: 'devices',
      ...positionOf(group),
    });
  }
  const entries = devices.map((d, index): MetadataEntry => {
    if (!isDict(d)) {
      throw new MetadataError('METADATA_SHAPE', 'a device of the instance is not a dict', {
        source,
        path: `devices[${index}]`,
        ...positionOf(group),
      });
    }
    return { layout: 'xmlpickle', index, data: d };
  });
  const byIndex = new Map<number | undefined, MetadataError[]>();
  for (const problem of unread) addTo(byIndex, deviceIndexOf(problem.path), problem);
  return { entries, problems: readProblems(byIndex, entries) };
}

/** The index of the `devices` item a value path of the instance is in (`devices[2].path`: 2). */
function deviceIndexOf(path: string | undefined): number | undefined {
  const m = /^devices\[(\d+)\]/.exec(path ?? '');
  return m === null ? undefined : Number(m[1]);
}

function addTo(
  byIndex: Map<number | undefined, MetadataError[]>,
  index: number | undefined,
  p: MetadataError,
): void {
  const list = byIndex.get(index);
  if (list === undefined) byIndex.set(index, [p]);
  else list.push(p);
}

/** Problems by entry index as problems by entry (undefined: the VM level). */
function readProblems(
  byIndex: ReadonlyMap<number | undefined, MetadataError[]>,
  entries: readonly MetadataEntry[],
): ReadProblems {
  const byEntry = new Map<MetadataEntry, MetadataError[]>();
  for (const [index, list] of byIndex) {
    const entry = index === undefined ? undefined : entries[index];
    if (entry !== undefined) byEntry.set(entry, list);
  }
  return { entries: byEntry, vm: byIndex.get(undefined) ?? [] };
}
