/**
 * The binder: device ↔ metadata entry, by rules tried in passes (design, "Binding"). Pass 1 binds
 * what user aliases decide; bound devices and entries leave the pool before pass 2 (alias), then
 * guest address, then the class's natural key. Each pass builds hash maps over the devices still in
 * the pool, so binding is O(n). An entry whose identifying keys contradict a device never binds to
 * it; ambiguity (an entry claiming several devices, or several entries one device, in one pass) is
 * reported with every candidate and binds none of them.
 */
import type { DeviceIdentity, NaturalKeys } from '../devices/device.js';
import { userAliasId } from '../devices/device.js';
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
const VETO_KEYS: readonly (keyof NaturalKeys)[] = [
  'mac',
  'name',
  'type',
  'leaseKey',
  'uuid',
  'controller',
  'model',
];
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

/** Why, in `pass`, the entry cannot be this device (any contradiction, or the pass's own veto). */
export function vetoIn(pass: Pass, e: EntryIdentity, d: DeviceIdentity): string | undefined {
  return contradiction(e, d) ?? pass.veto?.(e, d);
}

/** Adds device `i` to an entry's candidates unless it is there already or the pass vetoes the pair. */
function consider(
  pass: Pass,
  candidates: number[] | undefined,
  i: number,
  e: EntryIdentity,
  devices: readonly DeviceIdentity[],
): number[] | undefined {
  if (candidates?.includes(i) === true || vetoIn(pass, e, devices[i] as DeviceIdentity) !== undefined)
    return candidates;
  if (candidates === undefined) return [i];
  candidates.push(i);
  return candidates;
}

export interface Pass {
  rule: Rule;
  /** The lookup keys of a device in this pass. */
  deviceKeys(d: DeviceIdentity): readonly string[];
  /** The lookup keys of an entry in this pass. */
  entryKeys(e: EntryIdentity): readonly string[];
  /** What collided, for ambiguity messages. */
  describe(e: EntryIdentity): string;
  /** Why, in this pass only, the entry cannot be this device (besides any contradiction). */
  veto?(e: EntryIdentity, d: DeviceIdentity): string | undefined;
}

/**
 * No keys: one shared empty list (most devices lack most keys, and binding runs for every device
 * of every domain). Not frozen: V8 iterates a frozen array through the slow iterator protocol.
 */
const NO_KEYS: readonly string[] = [];

function keyList(key: string | undefined): readonly string[] {
  return key === undefined ? NO_KEYS : [key];
}

/** The rules, in the order they decide. */
export const PASSES: readonly Pass[] = [
  {
    rule: 'user-alias',
    deviceKeys: (d) => keyList(d.userAliasId),
    entryKeys: (e) => {
      const fromAlias = userAliasId(e.alias);
      if (e.deviceId === undefined) return keyList(fromAlias);
      return fromAlias === undefined ? [e.deviceId] : [e.deviceId, fromAlias];
    },
    describe: (e) => `deviceId ${e.deviceId ?? e.alias ?? ''}`,
  },
  {
    rule: 'alias',
    deviceKeys: (d) => keyList(d.alias),
    entryKeys: (e) => keyList(e.alias),
    describe: (e) => `alias ${e.alias ?? ''}`,
    // libvirt numbers its own aliases by position (input0, input1...): once a device of the kind is
    // gone, an alias names another device, and the guest address saved with the entry tells. (An
    // entry without an address says nothing: it may have been saved before libvirt gave one.)
    veto: (e, d) =>
      e.address !== undefined && e.address !== d.address
        ? `its address is ${e.address}, the device's is ${d.address ?? 'none'}`
        : undefined,
  },
  {
    rule: 'address',
    deviceKeys: (d) => keyList(d.address),
    entryKeys: (e) => keyList(e.address),
    describe: (e) => `address ${e.address ?? ''}`,
  },
  {
    rule: 'key',
    deviceKeys: (d) => naturalKeyList(d.keys),
    entryKeys: (e) => naturalKeyList(e.keys),
    describe: (e) => naturalKeyList(e.keys).join(', '),
  },
];

/** Whether the keys hold a natural key the binder looks up by (the key rule). */
export function hasNaturalKey(keys: NaturalKeys): boolean {
  return naturalKeyList(keys).length > 0;
}

function naturalKeyList(keys: NaturalKeys): readonly string[] {
  let out: string[] | undefined;
  for (const k of KEY_NAMES) {
    const v = keys[k];
    if (v !== undefined && v !== '') (out ??= []).push(`${k}=${v}`);
  }
  return out ?? NO_KEYS;
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
  // No entries (a domain without this layout's group): nothing to index the devices for.
  if (entries.length === 0) return { bindings, orphans: [], ambiguities };
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

    // Claims of this pass: entry → candidate devices, and how many entries claim each device.
    // Arrays by index, not maps: this runs for every device and entry of every domain recovered.
    const claims = new Array<number[] | undefined>(entries.length);
    const claimCount = new Int32Array(devices.length);
    for (let j = 0; j < entries.length; j++) {
      if (entryDone[j] === true) continue;
      const e = entryIds[j] as EntryIdentity;
      let candidates: number[] | undefined;
      for (const key of pass.entryKeys(e)) {
        const known = byKey.get(key);
        if (typeof known === 'number') candidates = consider(pass, candidates, known, e, devices);
        else if (known !== undefined)
          for (const i of known) candidates = consider(pass, candidates, i, e, devices);
      }
      if (candidates === undefined) continue;
      claims[j] = candidates;
      for (const i of candidates) claimCount[i] = (claimCount[i] as number) + 1;
    }

    // The devices several entries claim, each with its claimers (in the order of first claim).
    let contested: Map<number, number[]> | undefined;
    for (let j = 0; j < entries.length; j++) {
      const candidates = claims[j];
      if (candidates === undefined) continue;
      if (candidates.length >= 2) {
        const entry = entries[j] as MetadataEntry;
        ambiguities.push({
          rule: pass.rule,
          entries: [entry],
          devices: candidates,
          message: `${describeEntry(entry)} matches ${candidates.length} devices by ${pass.describe(entryIds[j] as EntryIdentity)}: ${candidates.map(label).join(', ')}`,
        });
      }
      for (const i of candidates) {
        if ((claimCount[i] as number) < 2) continue;
        contested ??= new Map();
        const claimers = contested.get(i);
        if (claimers === undefined) contested.set(i, [j]);
        else claimers.push(j);
      }
    }
    for (const [i, claimers] of contested ?? []) {
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
    for (let j = 0; j < entries.length; j++) {
      const candidates = claims[j];
      if (candidates === undefined) continue;
      const i = candidates[0] as number;
      if (candidates.length === 1 && claimCount[i] === 1) {
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
