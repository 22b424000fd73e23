/**
 * What a save changed, line by line: the descriptor entries whose value differs between two texts
 * of a domain, and the texts without those entries' lines, which a minimal-diff save leaves equal.
 */
import { findDescriptorGroup } from '../../src/metadata/descriptor.js';
import { decodeGroup } from '../../src/metadata/descriptor-decode.js';
import type { DecodedEntry } from '../../src/metadata/descriptor-decode.js';
import { valueEquals } from '../../src/metadata/value.js';
import type { Element } from '../../src/xml/index.js';
import { firstChild, parseXml, positionOf, serialize } from '../../src/xml/index.js';

/** 1-based, inclusive. */
export interface LineRange {
  from: number;
  to: number;
}

interface Entries {
  list: (DecodedEntry & LineRange)[];
  /** The lines of the group's start and end tags (none without a group). */
  group: LineRange[];
}

function rangeOf(el: Element): LineRange {
  const from = positionOf(el).line ?? 0;
  return { from, to: from + (serialize(el).match(/\n/g)?.length ?? 0) };
}

function entriesOf(text: string): Entries {
  const doc = parseXml(text);
  const group = findDescriptorGroup(doc);
  if (group === undefined) return { list: [], group: [] };
  const { from, to } = rangeOf(group);
  return {
    list: decodeGroup(group, { onUnreadable: () => undefined }).entries.map((e) => ({
      ...e,
      ...rangeOf(e.element),
    })),
    group: [
      { from, to: from },
      { from: to, to },
    ],
  };
}

function sameEntry(a: DecodedEntry, b: DecodedEntry): boolean {
  const ka = Object.keys(a.attrs);
  return (
    ka.length === Object.keys(b.attrs).length &&
    ka.every((k) => a.attrs[k] === b.attrs[k]) &&
    valueEquals(a.data, b.data)
  );
}

function without(text: string, ranges: readonly LineRange[]): string {
  const lines = text.split('\n');
  return lines.filter((_, i) => !ranges.some((r) => i + 1 >= r.from && i + 1 <= r.to)).join('\n');
}

/** The outcome of comparing a domain before and after a save. */
export interface SaveDiff {
  /** Entries of `before` that `after` does not hold as they were (changed or gone). */
  changedBefore: number;
  /** Entries of `after` that `before` did not hold as they are (changed or new). */
  changedAfter: number;
  /** The texts without the changed entries' lines and the group's own tags: equal when the save was minimal. */
  restBefore: string;
  restAfter: string;
}

/**
 * Compares the entries of the two texts by value. Where `before` has no group, the whole group of
 * `after` counts as changed (and its `<metadata>` when `before` had none either).
 */
export function saveDiff(before: string, after: string): SaveDiff {
  const b = entriesOf(before);
  const a = entriesOf(after);
  const gone = b.list.filter((e) => !a.list.some((x) => sameEntry(e, x)));
  const fresh = a.list.filter((e) => !b.list.some((x) => sameEntry(e, x)));
  let afterRanges: LineRange[] = [...fresh, ...a.group];
  if (b.group.length === 0 && a.group.length > 0) {
    const doc = parseXml(after);
    const group = findDescriptorGroup(doc) as Element;
    const root = doc.documentElement as Element;
    const hadMetadata = firstChild(parseXml(before).documentElement as Element, 'metadata') !== undefined;
    afterRanges = [rangeOf(hadMetadata ? group : (firstChild(root, 'metadata') as Element))];
  }
  return {
    changedBefore: gone.length,
    changedAfter: fresh.length,
    restBefore: without(before, [...gone, ...b.group]),
    restAfter: without(after, afterRanges),
  };
}
