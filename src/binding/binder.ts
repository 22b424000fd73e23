/**
 * The binder: device ↔ metadata entry, by rules tried in passes (design, "Binding"). Pass 1 binds
 * what user aliases decide; bound devices and entries leave the pool before pass 2 (alias), then
 * guest address, then the class's natural key. Each pass builds hash maps over the devices still in
 * the pool, so binding is O(n). An entry whose identifying keys contradict a device never binds to
 * it; ambiguity (an entry claiming several devices, or several entries one device, in one pass) is
 * reported with every candidate and binds none of them.
 */
import type { DeviceIdentity, NaturalKeys } from '../devices/device.js';
import type { EntryIdentity, MetadataEntry } from './entry.js';
import { describeEntry, entryIdentity } from './entry.js';

export type Rule = 'user-alias' | 'alias' | 'address' | 'key' | 'created' | 'none';

export interface Binding {
  entry: MetadataEntry;
  rule: Rule;
}

export interface Ambiguity {
  rule: Rule;
  /** The entries involved. */
  entries: MetadataEntry[];
  /** Indexes of the devices involved. */
  devices: number[];
  /** A sentence naming the entries, the devices and the key values that collided. */
  message: string;
}

export interface BindResult {
  /** Per device index: its entry and the rule that decided, or undefined. */
  bindings: (Binding | undefined)[];
  /** Entries bound to no device (kept, never dropped). */
  orphans: MetadataEntry[];
  ambiguities: Ambiguity[];
}

/** Natural keys whose disagreement means "not this device" (other keys may legitimately change). */
const VETO_KEYS: readonly (keyof NaturalKeys)[] = ['mac', 'name', 'type', 'leaseKey', 'uuid', 'controller'];
const KEY_NAMES: readonly (keyof NaturalKeys)[] = [
  'mac',
  'name',
  'serial',
  'path',
  'type',
  'leaseKey',
  'uuid',
  'hostSource',
  'controller',
];

/** Why an entry cannot be this device, or undefined when nothing contradicts. */
export function contradiction(e: EntryIdentity, d: DeviceIdentity): string | undefined {
  if (e.kind !== undefined && e.kind !== d.kind) return `it is for a ${e.kind}`;
  for (const k of VETO_KEYS) {
    const ev = e.keys[k];
    const dv = d.keys[k];
    if (ev !== undefined && dv !== undefined && ev !== dv) return `its ${k} is ${ev}, the device's is ${dv}`;
  }
  // A device named by its user alias belongs to that id only.
  if (e.deviceId !== undefined && d.userAliasId !== undefined && e.deviceId !== d.userAliasId) {
    return `its deviceId is ${e.deviceId}, the device's user alias says ${d.userAliasId}`;
  }
  return undefined;
}

function compatible(e: EntryIdentity, d: DeviceIdentity): boolean {
  return contradiction(e, d) === undefined;
}

export interface Pass {
  rule: Rule;
  /** The lookup keys of a device in this pass. */
  deviceKeys(d: DeviceIdentity): string[];
  /** The lookup keys of an entry in this pass. */
  entryKeys(e: EntryIdentity): string[];
  /** What collided, for ambiguity messages. */
  describe(e: EntryIdentity): string;
}

const USER_ALIAS_PREFIX = 'ua-';

/** The rules, in the order they decide. */
export const PASSES: readonly Pass[] = [
  {
    rule: 'user-alias',
    deviceKeys: (d) => (d.userAliasId !== undefined ? [d.userAliasId] : []),
    entryKeys: (e) => {
      const out: string[] = [];
      if (e.deviceId !== undefined) out.push(e.deviceId);
      if (e.alias?.startsWith(USER_ALIAS_PREFIX) === true && e.alias.length > USER_ALIAS_PREFIX.length) {
        out.push(e.alias.slice(USER_ALIAS_PREFIX.length));
      }
      return out;
    },
    describe: (e) => `deviceId ${e.deviceId ?? e.alias ?? ''}`,
  },
  {
    rule: 'alias',
    deviceKeys: (d) => (d.alias !== undefined ? [d.alias] : []),
    entryKeys: (e) => (e.alias !== undefined ? [e.alias] : []),
    describe: (e) => `alias ${e.alias ?? ''}`,
  },
  {
    rule: 'address',
    deviceKeys: (d) => (d.address !== undefined ? [d.address] : []),
    entryKeys: (e) => (e.address !== undefined ? [e.address] : []),
    describe: (e) => `address ${e.address ?? ''}`,
  },
  {
    rule: 'key',
    deviceKeys: (d) => naturalKeyList(d.keys),
    entryKeys: (e) => naturalKeyList(e.keys),
    describe: (e) => naturalKeyList(e.keys).join(', '),
  },
];

function naturalKeyList(keys: NaturalKeys): string[] {
  const out: string[] = [];
  for (const k of KEY_NAMES) {
    const v = keys[k];
    if (v !== undefined && v !== '') out.push(`${k}=${v}`);
  }
  return out;
}

/**
 * Binds `entries` (of one layout: a device binds to at most one entry of each layout) to
 * `devices`. `label(i)` names device i in messages (computed only when needed).
 */
export function bind(
  devices: readonly DeviceIdentity[],
  entries: readonly MetadataEntry[],
  label: (index: number) => string,
): BindResult {
  const bindings: (Binding | undefined)[] = new Array<Binding | undefined>(devices.length).fill(undefined);
  const ambiguities: Ambiguity[] = [];
  const entryIds = entries.map(entryIdentity);
  const deviceDone = new Array<boolean>(devices.length).fill(false);
  const entryDone = new Array<boolean>(entries.length).fill(false);
  const entryBound = new Array<boolean>(entries.length).fill(false);

  for (const pass of PASSES) {
    // Key → the device with it, or the devices sharing it (a device's keys in a pass are distinct).
    const byKey = new Map<string, number | number[]>();
    for (let i = 0; i < devices.length; i++) {
      if (deviceDone[i] === true) continue;
      for (const key of pass.deviceKeys(devices[i] as DeviceIdentity)) {
        const known = byKey.get(key);
        if (known === undefined) byKey.set(key, i);
        else if (typeof known === 'number') byKey.set(key, [known, i]);
        else known.push(i);
      }
    }
    if (byKey.size === 0) continue;

    // Claims of this pass: entry → candidate devices, device → claiming entries.
    const claims = new Map<number, number[]>();
    const claimedBy = new Map<number, number[]>();
    for (let j = 0; j < entries.length; j++) {
      if (entryDone[j] === true) continue;
      const e = entryIds[j] as EntryIdentity;
      const candidates: number[] = [];
      for (const key of pass.entryKeys(e)) {
        const known = byKey.get(key);
        if (known === undefined) continue;
        for (const i of typeof known === 'number' ? [known] : known) {
          if (!candidates.includes(i) && compatible(e, devices[i] as DeviceIdentity)) candidates.push(i);
        }
      }
      if (candidates.length === 0) continue;
      claims.set(j, candidates);
      for (const i of candidates) {
        const list = claimedBy.get(i);
        if (list === undefined) claimedBy.set(i, [j]);
        else list.push(j);
      }
    }

    for (const [j, candidates] of claims) {
      if (candidates.length < 2) continue;
      const entry = entries[j] as MetadataEntry;
      ambiguities.push({
        rule: pass.rule,
        entries: [entry],
        devices: candidates,
        message: `${describeEntry(entry)} matches ${candidates.length} devices by ${pass.describe(entryIds[j] as EntryIdentity)}: ${candidates.map(label).join(', ')}`,
      });
    }
    for (const [i, claimers] of claimedBy) {
      if (claimers.length < 2) continue;
      ambiguities.push({
        rule: pass.rule,
        entries: claimers.map((r) => entries[r] as MetadataEntry),
        devices: [i],
        message: `${claimers.length} entries claim ${label(i)}: ${claimers
          .map(
            (r) =>
              `${describeEntry(entries[r] as MetadataEntry)} by ${pass.describe(entryIds[r] as EntryIdentity)}`,
          )
          .join('; ')}`,
      });
    }
    for (const [j, candidates] of claims) {
      const i = candidates[0] as number;
      if (candidates.length === 1 && claimedBy.get(i)?.length === 1) {
        bindings[i] = { entry: entries[j] as MetadataEntry, rule: pass.rule };
        entryBound[j] = true;
      }
      // Bound or ambiguous, claimed devices and claiming entries leave the pool.
      entryDone[j] = true;
      for (const c of candidates) deviceDone[c] = true;
    }
  }

  const ambiguous = new Set(ambiguities.flatMap((a) => a.entries));
  return {
    bindings,
    // Entries set aside as ambiguous are not orphans: the ambiguity names them.
    orphans: entries.filter((entry, j) => entryBound[j] !== true && !ambiguous.has(entry)),
    ambiguities,
  };
}
