/**
 * Why each device got its metadata: per device, every rule tried, the entries that carry the same
 * key, and why each did or did not bind.
 */
import type { DeviceIdentity } from '../devices/device.js';
import { describeLookup } from '../devices/identity.js';
import type { BindResult } from './binder.js';
import { PASSES, keyArray, vetoIn } from './binder.js';
import type { MetadataEntry } from './entry.js';
import type { EntryIdentity } from './entry.js';
import { describeEntry, entryIdentity } from './entry.js';

export interface RuleTrace {
  rule: string;
  /** The device's keys for this rule ('' when it has none). */
  keys: string[];
  /** Entries carrying one of those keys, with the verdict: the first MAX_TRACED of them. */
  candidates: { entry: string; verdict: string }[];
  /**
   * How many more times an entry carries one of the keys, untraced (an entry carrying two keys
   * counts twice): listing every one for every device would grow as the square of the devices
   * that share a key.
   */
  untraced: number;
}

/** The candidates traced per device and rule. */
export const MAX_TRACED = 16;

/** Traces, per device, of every rule over `entries` (one layout), given the binder's result. */
export function explainBinding(
  devices: readonly DeviceIdentity[],
  entries: readonly MetadataEntry[],
  result: BindResult,
): RuleTrace[][] {
  const ids = entries.map(entryIdentity);
  // Per rule: key → entries carrying it (hash maps: one pass over entries per rule).
  const indexes = PASSES.map((pass) => {
    const m = new Map<string, number[]>();
    ids.forEach((e, j) => {
      for (const k of keyArray(pass.entryKeys(e))) {
        const l = m.get(k);
        if (l === undefined) m.set(k, [j]);
        else l.push(j);
      }
    });
    return m;
  });
  // The collision each entry and device is in (at most one per layout): a lookup per candidate.
  const entryGroup = new Map<MetadataEntry, number>();
  const deviceGroup = new Map<number, number>();
  result.ambiguities.forEach((a, g) => {
    for (const e of a.entries) entryGroup.set(e, g);
    for (const i of a.devices) deviceGroup.set(i, g);
  });
  return devices.map((d, i) => {
    const bound = result.bindings[i];
    return PASSES.map((pass, p) => {
      const keys = keyArray(pass.deviceKeys(d));
      const seen = new Set<number>();
      const candidates: { entry: string; verdict: string }[] = [];
      let untraced = 0;
      for (const k of keys) {
        const carriers = indexes[p]?.get(k) ?? [];
        for (const [n, j] of carriers.entries()) {
          if (candidates.length === MAX_TRACED) {
            untraced += carriers.length - n;
            break;
          }
          if (seen.has(j)) continue;
          seen.add(j);
          const entry = entries[j] as MetadataEntry;
          const why = vetoIn(pass, ids[j] as EntryIdentity, d);
          let verdict: string;
          if (why !== undefined) verdict = `vetoed: ${why}`;
          else if (bound?.entry === entry && bound.rule === pass.rule) verdict = 'bound';
          else if (bound?.entry === entry) verdict = `bound earlier by rule ${bound.rule}`;
          else if (entryGroup.has(entry) && entryGroup.get(entry) === deviceGroup.get(i))
            verdict = 'ambiguous';
          else if (bound !== undefined) verdict = `not taken: the device was bound by rule ${bound.rule}`;
          else verdict = 'not taken: the entry went to another device or was ambiguous';
          candidates.push({ entry: describeEntry(entry), verdict });
        }
      }
      return { rule: pass.rule, keys: keys.map(describeLookup), candidates, untraced };
    });
  });
}
