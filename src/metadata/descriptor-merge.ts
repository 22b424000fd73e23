/**
 * Writing the `ovirt-vm` group into the one a document already holds, changing only what changed:
 * what reads back equal keeps its elements, and with them their bytes (prefix, quotes, comments,
 * key order, attribute order); what changed is written again in its place, what is new goes where
 * the layout's order puts it among what is there, indented like its neighbours; what is gone is
 * removed with its line.
 *
 * What the group holds is read again here (not remembered from when it was read), so the
 * comparison is with the document as it is: an edit made to the DOM directly is seen. Everything
 * is encoded and checked before the first change to the document: a value the layout cannot hold
 * is an error that leaves the group as it was.
 */
import type { Element } from '../xml/dom.js';
import {
  addAttributes,
  attributesOf,
  childElements,
  firstElementChild,
  indentOf,
  insertAllIndented,
  localNameOf,
  nextElementSibling,
  ownerOf,
  removeAttr,
  removeIndented,
  setAttr,
  textOf,
} from '../xml/tree.js';
import type { DecodedEntry } from './descriptor-decode.js';
import { decodeGroup } from './descriptor-decode.js';
import type { EncodeInput, EntryInput } from './descriptor-encode.js';
import { Encoder } from './descriptor-encode.js';
import type { DictShape, ListShape } from './descriptor-layout.js';
import { DEVICE, FLAT, GROUP_CHILDREN, isOurs, keyOfElement } from './descriptor-layout.js';
import type { Attributes, Dict, Value } from './value.js';
import {
  RawXml,
  Tuple,
  dictKeys,
  hasKey,
  indexPath,
  isDict,
  keyPath,
  NO_ATTRIBUTES,
  keptAttributes,
  valueEquals,
} from './value.js';

/** An entry to write, with the element of the group it was read from or last written to, if any. */
export interface MergeEntry extends EntryInput {
  readonly element?: Element | undefined;
}

/**
 * Makes `group` (attached to its document) hold `input`, touching only what differs from what it
 * holds. Returns the element of each entry (undefined for an entry without data: not written).
 * Errors are the encoder's: what the layout cannot hold, named by its path.
 */
export function mergeGroup(
  group: Element,
  input: EncodeInput & { entries: readonly MergeEntry[] },
): (Element | undefined)[] {
  // Leniently, as the store reads: a value kept as written compares equal to itself.
  const old = decodeGroup(group, { onUnreadable: () => undefined });
  const merger = new Merger(group);
  const written = merger.merge(old, input);
  merger.apply();
  return written;
}

class Merger {
  private readonly encoder: Encoder;
  /** The document's indentation step, for what is written anew. */
  private readonly step: string;
  /** The changes to the document, made by `apply` once everything is encoded. */
  private readonly changes: (() => void)[] = [];

  constructor(private readonly root: Element) {
    this.encoder = new Encoder(ownerOf(root), root.namespaceURI ?? null, root.prefix ?? undefined);
    this.step = stepOf(root) ?? '  ';
  }

  apply(): void {
    for (const change of this.changes) change();
  }

  merge(
    old: ReturnType<typeof decodeGroup>,
    input: EncodeInput & { entries: readonly MergeEntry[] },
  ): (Element | undefined)[] {
    const group = this.root;
    this.syncAttributes(group, keptAttributes(old.values), this.checked(keptAttributes(input.values), ''));
    this.encoder.checkValues(input.values);
    this.dict(group, old.values, input.values, FLAT, '', 1, (el) => !GROUP_CHILDREN.has(keyOfElement(el)));
    const written = this.entries(old.entries, input.entries);
    this.custom(old.custom, input.custom);
    return written;
  }

  /**
   * The device entries: each one read from an element of this group is merged into it; the others
   * are written anew, after the entry before them; elements no entry claims go.
   */
  private entries(old: readonly DecodedEntry[], entries: readonly MergeEntry[]): (Element | undefined)[] {
    const byElement = new Map(old.map((e) => [e.element, e]));
    const claimed = new Set<Element>();
    // New elements, with the element they follow (undefined: before the first entry there is).
    const fresh: { after: Element | undefined; elements: Element[] }[] = [];
    let previous: Element | undefined;
    const written = entries.map((entry, i) => {
      const path = indexPath('devices', i);
      const from = entry.element === undefined ? undefined : byElement.get(entry.element);
      // An entry without data is not written, unless it was so already (nothing changed).
      if (dictKeys(entry.data).length === 0 && (from === undefined || dictKeys(from.data).length > 0))
        return undefined;
      if (from !== undefined && !claimed.has(from.element)) {
        claimed.add(from.element);
        this.syncAttributes(
          from.element,
          attributePairs(from.attrs),
          this.encoder.entryAttributes(entry.attrs, path),
        );
        this.dict(from.element, from.data, entry.data, DEVICE, path, 1);
        previous = from.element;
        return from.element;
      }
      const el = this.encoder.entry(entry, path);
      const last = fresh.at(-1);
      if (last !== undefined && last.after === previous) last.elements.push(el);
      else fresh.push({ after: previous, elements: [el] });
      return el;
    });
    for (const e of old) if (!claimed.has(e.element)) this.remove(e.element);
    for (const { after, elements } of fresh) {
      this.insert(this.root, elements, () =>
        after !== undefined ? (nextElementSibling(after) ?? null) : this.firstEntryOrCustom(),
      );
    }
    return written;
  }

  /** Where new entries go when none comes before them: before the first entry, else before custom. */
  private firstEntryOrCustom(): Element | null {
    for (const c of childElements(this.root)) if (GROUP_CHILDREN.has(keyOfElement(c))) return c;
    return null;
  }

  private custom(old: Dict, custom: Dict): void {
    const el = childElements(this.root).find((c) => keyOfElement(c) === 'custom');
    if (el === undefined) {
      if (dictKeys(custom).length === 0) return;
      this.insert(this.root, [this.encoder.custom(custom)], () => null);
      return;
    }
    if (dictKeys(custom).length === 0 && dictKeys(old).length > 0) {
      this.remove(el);
      return;
    }
    this.syncAttributes(el, keptAttributes(old), this.checked(keptAttributes(custom), 'custom'));
    this.dict(el, old, custom, FLAT, 'custom', 1);
  }

  /**
   * Makes `el`, which reads as `old`, hold `next` (a dict of `shape` at `path`, `depth` levels
   * below the group): keys that read back equal keep their elements, changed ones are merged (a
   * sub-key of the layout) or written again in place, new ones go after the key before them in
   * the layout's order. `member` picks the children that are the dict's (the group's are not all).
   */
  private dict(
    el: Element,
    old: Dict,
    next: Dict,
    shape: DictShape,
    path: string,
    depth: number,
    member: (child: Element) => boolean = () => true,
  ): void {
    const byKey = new Map<string, Element[]>();
    for (const child of childElements(el)) {
      if (!member(child)) continue;
      const key =
        shape.files && isOurs(child) && localNameOf(child) === 'file' ? 'file' : keyOfElement(child);
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [child]);
      else list.push(child);
    }
    const keys = this.encoder.keysInOrder(next, shape, path);
    const kept = new Set(keys);
    for (const key of dictKeys(old)) {
      if (!kept.has(key)) for (const e of byKey.get(key) ?? []) this.remove(e);
    }
    let previous: Element | undefined;
    for (const key of keys) {
      const elements = hasKey(old, key) ? (byKey.get(key) ?? []) : [];
      if (hasKey(old, key) && sameMember(old, next, key)) {
        previous = elements.at(-1) ?? previous;
        continue;
      }
      const first = elements[0];
      if (
        first !== undefined &&
        this.mergeable(first, elements.length, old[key] as Value, next[key] as Value)
      ) {
        this.nested(first, old[key] as Value, next[key] as Value, shape, key, keyPath(path, key), depth);
        previous = first;
        continue;
      }
      const fresh = this.encoder.members(next, key, shape, path, depth);
      const after = previous;
      this.insert(
        el,
        fresh,
        () => first ?? (after !== undefined ? nextElementSibling(after) : firstElementChild(el)) ?? null,
      );
      for (const e of elements) this.remove(e);
      previous = fresh.at(-1) ?? previous;
    }
  }

  /** Whether the one element of a changed sub-key can be merged into rather than written again. */
  private mergeable(el: Element, count: number, old: Value, next: Value): boolean {
    if (count !== 1 || old instanceof RawXml || next instanceof RawXml || !isOurs(el)) return false;
    if (isDict(old) && isDict(next)) return true;
    return Array.isArray(old) && Array.isArray(next) && !(old instanceof Tuple) && !(next instanceof Tuple);
  }

  private nested(
    el: Element,
    old: Value,
    next: Value,
    shape: DictShape,
    key: string,
    path: string,
    depth: number,
  ): void {
    const sub = shape.subkeys.get(key);
    if (sub === undefined) return;
    if (sub.kind === 'dict') {
      const [o, n] = [old as Dict, next as Dict];
      this.syncAttributes(el, keptAttributes(o), this.checked(keptAttributes(n), path));
      this.dict(el, o, n, sub, path, depth + 1);
    } else {
      this.list(el, old as Value[], next as Value[], sub, path, depth + 1);
    }
  }

  /** A list: items compared by position; changed dict items merged, others written again. */
  private list(
    el: Element,
    old: readonly Value[],
    next: readonly Value[],
    shape: ListShape,
    path: string,
    depth: number,
  ): void {
    const items = childElements(el);
    next.forEach((item, i) => {
      const at = indexPath(path, i);
      const was = items[i];
      if (was === undefined) {
        this.insert(el, [this.encoder.item(item, shape, at, depth)], () => null);
        return;
      }
      const before = old[i] as Value;
      if (valueEquals(before, item) && sameAttributes(ownAttributes(before), ownAttributes(item))) return;
      if (shape.items === 'dict' && isDict(before) && isDict(item) && isOurs(was)) {
        this.syncAttributes(was, keptAttributes(before), this.checked(keptAttributes(item), at));
        this.dict(was, before, item, FLAT, at, depth + 1);
        return;
      }
      this.insert(el, [this.encoder.item(item, shape, at, depth)], () => was);
      this.remove(was);
    });
    for (const gone of items.slice(next.length)) this.remove(gone);
  }

  private remove(el: Element): void {
    this.changes.push(() => removeIndented(el));
  }

  /** Gives `el` the attributes `next` instead of `old` (see the function), once applied. */
  private syncAttributes(el: Element, old: Attributes, next: Attributes): void {
    if (!sameAttributes(old, next)) this.changes.push(() => syncAttributes(el, old, next));
  }

  /**
   * Inserts new elements before `ref()` (null: last; found when the change is made, after those
   * before it), each on a line like its siblings', and lays them out. Into an element without
   * element children (`<ovirt-vm:vm/>`), they go one step deeper than it, where it stands on a
   * line of its own.
   */
  private insert(parent: Element, elements: readonly Element[], ref: () => Element | null): void {
    this.changes.push(() => this.place(parent, elements, ref()));
  }

  private place(parent: Element, elements: readonly Element[], ref: Element | null): void {
    const at = indentOf(parent);
    if (firstElementChild(parent) === undefined && at !== undefined && isBlank(parent)) {
      const doc = ownerOf(parent);
      while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
      for (const el of elements) {
        parent.appendChild(doc.createTextNode(`\n${at}${this.step}`));
        parent.appendChild(el);
      }
      parent.appendChild(doc.createTextNode(`\n${at}`));
    } else {
      insertAllIndented(parent, elements, ref);
    }
    for (const el of elements) this.encoder.finish(el, indentOf(el), this.step);
  }

  private checked(attrs: Attributes, path: string): Attributes {
    return attrs.map(([name, value]) => [name, this.encoder.text(value, `${path}@${name}`)] as const);
  }
}

/** Whether `next[key]` reads as `old[key]` does, with the same attributes kept beside it. */
function sameMember(old: Dict, next: Dict, key: string): boolean {
  const o = old[key] as Value;
  const n = next[key] as Value;
  return (
    valueEquals(o, n) &&
    sameAttributes(keptAttributes(old, key), keptAttributes(next, key)) &&
    sameAttributes(ownAttributes(o), ownAttributes(n))
  );
}

function ownAttributes(v: Value): Attributes {
  return isDict(v) ? keptAttributes(v) : NO_ATTRIBUTES;
}

/** Whether `a` and `b` hold the same attributes, in any order. */
function sameAttributes(a: Attributes, b: Attributes): boolean {
  if (a.length !== b.length) return false;
  // Save compares every member of every entry: most have no attributes beside them, a few have one
  // or two, and a map is made only for the many a hostile document may give.
  if (a.length <= FEW_ATTRIBUTES)
    return b.every(([name, value]) => a.some(([n, v]) => n === name && v === value));
  const byName = new Map(a);
  return b.every(([name, value]) => byName.get(name) === value);
}

/** Up to this many attributes, sameAttributes compares them pairwise. */
const FEW_ATTRIBUTES = 8;

function attributePairs(attrs: Readonly<Record<string, string>>): Attributes {
  return Object.keys(attrs).map((k) => [k, attrs[k] as string] as const);
}

/**
 * Gives `el` the attributes `next` instead of `old` (both without namespace declarations): those
 * that stay keep their place and bytes, a changed value is set in place, a new one goes last.
 */
function syncAttributes(el: Element, old: Attributes, next: Attributes): void {
  if (sameAttributes(old, next)) return;
  // One read of the tag and one batch of additions: per attribute lookups and setAttribute calls
  // scan the tag each, quadratic for an entry of thousands of attributes.
  const current = new Map(attributesOf(el));
  const keep = new Set(next.map(([name]) => name));
  for (const [name] of old) if (!keep.has(name)) removeAttr(el, name);
  const added: (readonly [string, string])[] = [];
  for (const [name, value] of next) {
    const was = current.get(name);
    if (was === undefined) added.push([name, value]);
    else if (was !== value) setAttr(el, name, value);
  }
  addAttributes(el, added);
}

/** Whether `el` holds nothing but white space. */
function isBlank(el: Element): boolean {
  return textOf(el).trim() === '';
}

/** The step between the group's indentation and its children's, when the document shows one. */
function stepOf(group: Element): string | undefined {
  const outer = indentOf(group);
  const child = firstElementChild(group);
  const inner = child === undefined ? undefined : indentOf(child);
  if (outer === undefined || inner === undefined || !inner.startsWith(outer) || inner === outer)
    return undefined;
  return inner.slice(outer.length);
}
