/**
 * The binder: device ↔ metadata entry, by rules tried in passes (design, "Binding"). Pass 1 binds
 * what user aliases decide; bound devices and entries leave the pool before pass 2 (alias), then
 * guest address, then the class's natural key. Each pass builds hash maps over the devices still in
 * the pool, so binding is O(n). An entry whose identifying keys contradict a device never binds to
 * it; ambiguity (an entry claiming several devices, or several entries one device, in one pass) is
 * reported with every candidate and binds none of them.
 */
import type { DeviceIdentity } from '../devices/device.js';
import { userAliasId } from '../devices/device.js';
import type { EntryIdentity, MetadataEntry } from './entry.js';
import { NO_ADDRESS, describeEntry, entryIdentity } from './entry.js';

/** How a device got its entry (`envelope`: the hotplug envelope paired them, nothing contradicting). */
export type Rule = 'user-alias' | 'alias' | 'address' | 'key' | 'created' | 'envelope' | 'none';

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

/** Why an entry cannot be this device, or undefined when nothing contradicts. */
export function contradiction(e: EntryIdentity, d: DeviceIdentity): string | undefined {
  if (e.kind !== undefined && e.kind !== d.kind) return `it is for a ${e.kind}`;
  // A device named by its user alias belongs to that id only.
  if (e.deviceId !== undefined && d.userAliasId !== undefined && e.deviceId !== d.userAliasId) {
    return `its deviceId is ${e.deviceId}, the device's user alias says ${d.userAliasId}`;
  }
  // The id the device's other entry gives it (the xmlpickle layer binds after the descriptor's).
  if (e.deviceId !== undefined && d.deviceId !== undefined && e.deviceId !== d.deviceId) {
    return `its deviceId is ${e.deviceId}, the device's entry says ${d.deviceId}`;
  }
  return d.spec.refusal(e.keys, d.keys);
}

/**
 * Why the guest address the entry records (or that it records there was none) is not the
 * device's. An entry that records nothing says nothing: it may have been saved before libvirt gave
 * the device one.
 */
function addressRefusal(e: EntryIdentity, d: DeviceIdentity): string | undefined {
  if (e.address === undefined) return undefined;
  // A device without an address has none for good once libvirt named it (libvirt assigns addresses
  // first); before that (the manager's XML, a user alias) it may still get the one the entry has.
  const own = d.address ?? (d.alias !== undefined && d.userAliasId === undefined ? NO_ADDRESS : undefined);
  if (own === undefined) return undefined;
  return e.address === own ? undefined : `its address is ${e.address}, the device's is ${own}`;
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
    // gone, an alias names another device, and the guest address saved with the entry tells. Between
    // twins nothing does: the alias may be the other twin's since the last restart.
    veto: (e, d) =>
      addressRefusal(e, d) ??
      (d.twin === true && d.userAliasId === undefined
        ? `only libvirt's alias, a position, tells the device from another ${d.kind} with the same keys and address`
        : undefined),
  },
  {
    rule: 'address',
    deviceKeys: (d) => keyList(d.address),
    entryKeys: (e) => (e.address === NO_ADDRESS ? NO_KEYS : keyList(e.address)),
    describe: (e) => `address ${e.address ?? ''}`,
  },
  {
    rule: 'key',
    deviceKeys: (d) => d.lookups,
    entryKeys: (e) => e.lookups,
    describe: (e) => describeKeys(e),
    // Devices may share a key (failover NICs share a MAC): the recorded address tells them apart.
    veto: addressRefusal,
  },
];

/**
 * Marks the twins among `devices`: devices of one kind with the same keys and guest address (none
 * included), which nothing but libvirt's positional alias tells apart. The alias rule refuses them,
 * so that a restart that renumbered them never gives one the other's entry; save reports them. O(n).
 */
export function markTwins(devices: readonly DeviceIdentity[]): void {
  const first = new Map<string, DeviceIdentity>();
  for (const d of devices) {
    if (d.userAliasId !== undefined) continue;
    let signature = `${d.kind}\u0000${d.address ?? ''}`;
    for (const part in d.keys) signature += `\u0000${part}=${d.keys[part] ?? ''}`;
    const other = first.get(signature);
    if (other === undefined) first.set(signature, d);
    else {
      other.twin = true;
      d.twin = true;
    }
  }
}

/** The identifying parts of an entry, for messages (`type=mouse, bus=ps2`). */
function describeKeys(e: EntryIdentity): string {
  return Object.entries(e.keys)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** What `match` decides: per device, the index of its entry and the rule, with the same reports by index. */
export interface MatchResult {
  bindings: ({ entry: number; rule: Rule } | undefined)[];
  /** Indexes of the entries bound to no device and in no ambiguity. */
  orphans: number[];
  ambiguities: { rule: Rule; entries: number[]; devices: number[]; message: string }[];
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
  const m = match(devices, entries.map(entryIdentity), label, (j) =>
    describeEntry(entries[j] as MetadataEntry),
  );
  const at = (j: number): MetadataEntry => entries[j] as MetadataEntry;
  return {
    bindings: m.bindings.map((b) => (b === undefined ? undefined : { entry: at(b.entry), rule: b.rule })),
    orphans: m.orphans.map(at),
    ambiguities: m.ambiguities.map((a) => ({ ...a, entries: a.entries.map(at) })),
  };
}

/**
 * The binder over identities: what `bind` does for metadata entries, and what a refresh does to find
 * each device it holds in libvirt's live XML (the devices held are the "entries" there).
 * `describe(j)` names entry j in messages.
 */
export function match(
  devices: readonly DeviceIdentity[],
  entryIds: readonly EntryIdentity[],
  label: (index: number) => string,
  describe: (index: number) => string,
): MatchResult {
  const bindings: ({ entry: number; rule: Rule } | undefined)[] = new Array<
    { entry: number; rule: Rule } | undefined
  >(devices.length).fill(undefined);
  const ambiguities: MatchResult['ambiguities'] = [];
  // No entries (a domain without this layout's group): nothing to index the devices for.
  if (entryIds.length === 0) return { bindings, orphans: [], ambiguities };
  const deviceDone = new Array<boolean>(devices.length).fill(false);
  const entryDone = new Array<boolean>(entryIds.length).fill(false);
  const entryBound = new Array<boolean>(entryIds.length).fill(false);
  const entryAmbiguous = new Array<boolean>(entryIds.length).fill(false);
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
    const claims = new Array<number[] | undefined>(entryIds.length);
    const claimCount = new Int32Array(devices.length);
    for (let j = 0; j < entryIds.length; j++) {
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
    for (let j = 0; j < entryIds.length; j++) {
      const candidates = claims[j];
      if (candidates === undefined) continue;
      if (candidates.length >= 2) {
        entryAmbiguous[j] = true;
        ambiguities.push({
          rule: pass.rule,
          entries: [j],
          devices: candidates,
          message: `${describe(j)} matches ${candidates.length} devices by ${pass.describe(entryIds[j] as EntryIdentity)}: ${candidates.map(label).join(', ')}`,
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
      for (const r of claimers) entryAmbiguous[r] = true;
      ambiguities.push({
        rule: pass.rule,
        entries: claimers,
        devices: [i],
        message: `${claimers.length} entries claim ${label(i)}: ${claimers
          .map((r) => `${describe(r)} by ${pass.describe(entryIds[r] as EntryIdentity)}`)
          .join('; ')}`,
      });
    }
    for (let j = 0; j < entryIds.length; j++) {
      const candidates = claims[j];
      if (candidates === undefined) continue;
      const i = candidates[0] as number;
      if (candidates.length === 1 && claimCount[i] === 1) {
        bindings[i] = { entry: j, rule: pass.rule };
        entryBound[j] = true;
      }
      // Bound or ambiguous, claimed devices and claiming entries leave the pool.
      entryDone[j] = true;
      for (const c of candidates) deviceDone[c] = true;
    }
  }

  const orphans: number[] = [];
  // Entries set aside as ambiguous are not orphans: the ambiguity names them.
  for (let j = 0; j < entryIds.length; j++)
    if (entryBound[j] !== true && entryAmbiguous[j] !== true) orphans.push(j);
  return { bindings, orphans, ambiguities };
}
