/**
 * The binder: device ↔ metadata entry, by rules tried in passes (design, "Binding"). Pass 1 binds
 * what user aliases decide; bound devices and entries leave the pool before pass 2 (alias), then
 * guest address, then the class's natural key. Each pass builds hash maps over the devices still in
 * the pool, so binding is O(n). An entry whose identifying keys contradict a device never binds to
 * it; ambiguity (an entry claiming several devices, or several entries one device, in one pass) is
 * reported once per collision, the entries and devices that claim each other as one group, and
 * binds none of them. A key that gathers hundreds of entries and devices, each a different case
 * (MAX_CLASSES), is such a collision as a whole: comparing them pair by pair would be quadratic.
 */
import type { DeviceIdentity } from '../devices/device.js';
import type { KeyValues } from '../devices/identity.js';
import { userAliasId } from '../devices/device.js';
import type { EntryIdentity, MetadataEntry } from './entry.js';
import { NO_ADDRESS, describeEntry, entryIdentity } from './entry.js';

/** How a device got its entry (`envelope`: the hotplug envelope paired them, nothing contradicting). */
export type Rule = 'user-alias' | 'alias' | 'address' | 'key' | 'created' | 'envelope' | 'none';

export interface Binding {
  entry: MetadataEntry;
  rule: Rule;
}

/** One collision: the entries and devices that claim each other in one pass, none of them bound. */
export interface Ambiguity {
  rule: Rule;
  /** The entries involved, in order. */
  entries: MetadataEntry[];
  /** Indexes of the devices involved, ascending. */
  devices: number[];
  /**
   * A sentence naming the key values that collided and the members, the first few of each side by
   * name: it goes on every device of the group, so its size stays bounded.
   */
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
  // An entry without parts refuses nothing (Vdsm's entries name parts for a few kinds only): the
  // device's parts are read only when there is something to compare them with.
  return hasParts(e.keys) ? d.spec.refusal(e.keys, d) : undefined;
}

function hasParts(keys: KeyValues): boolean {
  for (const _ in keys) return true;
  return false;
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

/**
 * A device's or an entry's keys in one pass: none, one (most passes give at most one: no array
 * for it, since binding runs for every device of every domain) or several.
 */
export type PassKeys = string | readonly string[] | undefined;

/** The keys as a list (for the callers that are not on the hot path). */
export function keyArray(keys: PassKeys): readonly string[] {
  return keys === undefined ? [] : typeof keys === 'string' ? [keys] : keys;
}

export interface Pass {
  rule: Rule;
  /** The lookup keys of a device in this pass. */
  deviceKeys(d: DeviceIdentity): PassKeys;
  /** The lookup keys of an entry in this pass. */
  entryKeys(e: EntryIdentity): PassKeys;
  /** What collided, for ambiguity messages. */
  describe(e: EntryIdentity): string;
  /** Why, in this pass only, the entry cannot be this device (besides any contradiction). */
  veto?(e: EntryIdentity, d: DeviceIdentity): string | undefined;
}

/** The rules, in the order they decide. */
export const PASSES: readonly Pass[] = [
  {
    rule: 'user-alias',
    deviceKeys: (d) => d.userAliasId,
    entryKeys: (e) => {
      const fromAlias = userAliasId(e.alias);
      if (e.deviceId === undefined) return fromAlias;
      // Vdsm's entries name the device's user alias and its deviceId alike: one key, looked up once.
      return fromAlias === undefined || fromAlias === e.deviceId ? e.deviceId : [e.deviceId, fromAlias];
    },
    describe: (e) => `deviceId ${e.deviceId ?? e.alias ?? ''}`,
  },
  {
    rule: 'alias',
    deviceKeys: (d) => d.alias,
    entryKeys: (e) => e.alias,
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
    deviceKeys: (d) => d.address,
    entryKeys: (e) => (e.address === NO_ADDRESS ? undefined : e.address),
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
  /** Per device: the index of its entry, or -1. */
  entryOf: Int32Array;
  /** Per device: the rule that bound it (undefined where `entryOf` is -1). */
  ruleOf: (Rule | undefined)[];
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
  const bindings = new Array<Binding | undefined>(devices.length);
  for (let i = 0; i < devices.length; i++) {
    const j = m.entryOf[i] as number;
    bindings[i] = j < 0 ? undefined : { entry: at(j), rule: m.ruleOf[i] as Rule };
  }
  return {
    bindings,
    orphans: m.orphans.map(at),
    ambiguities: m.ambiguities.map((a) => ({ ...a, entries: a.entries.map(at) })),
  };
}

/**
 * The devices an entry may be in one pass: one device (no array for the common case), several
 * (arrays shared between entries: never written), or none.
 */
type Candidates = number | readonly number[] | undefined;

/** The first candidate, and whether it is the only one. */
function firstOf(c: number | readonly number[]): number {
  return typeof c === 'number' ? c : (c[0] as number);
}

function isSingle(c: number | readonly number[]): boolean {
  return typeof c === 'number' || c.length === 1;
}

/** Key → the device with it, or the devices sharing it (a device's keys in a pass are distinct). */
function addKey(byKey: Map<string, number | number[]>, key: string, i: number): void {
  const known = byKey.get(key);
  if (known === undefined) byKey.set(key, i);
  else if (typeof known === 'number') byKey.set(key, [known, i]);
  else known.push(i);
}

/**
 * The binder over identities: what `bind` does for metadata entries, and what a refresh does to find
 * each device it holds in libvirt's live XML (the devices held are the "entries" there).
 * `describe(j)` names entry j in messages.
 *
 * Pairs are never enumerated: the devices of one key that no veto tells apart (same veto class)
 * form a bucket, claimed or vetoed as a whole, and entries of one veto class claim the same
 * buckets, decided once. So many devices and entries sharing a key cost O(n); the vetoes asked
 * under a key are at most (entry classes × device classes) there.
 */
export function match(
  devices: readonly DeviceIdentity[],
  entryIds: readonly EntryIdentity[],
  label: (index: number) => string,
  describe: (index: number) => string,
): MatchResult {
  const nd = devices.length;
  const ne = entryIds.length;
  const entryOf = new Int32Array(nd).fill(-1);
  const ruleOf = new Array<Rule | undefined>(nd).fill(undefined);
  const ambiguities: MatchResult['ambiguities'] = [];
  // No entries (a domain without this layout's group): nothing to index the devices for.
  if (ne === 0) return { entryOf, ruleOf, orphans: [], ambiguities };
  const deviceDone = new Uint8Array(nd);
  const entryState = new Uint8Array(ne);
  const classes = new VetoClasses(devices, entryIds);
  // Made once, cleared per pass: most domains bind in a few microseconds, and the passes share them.
  const byKey = new Map<string, number | number[]>();
  const claims = new Array<Candidates>(ne);
  const singleClaims = new Int32Array(nd);
  const taken = new Uint8Array(nd);
  for (const pass of PASSES) {
    byKey.clear();
    let added = 0;
    for (let i = 0; i < nd; i++) {
      if (deviceDone[i] === 1) continue;
      const keys = pass.deviceKeys(devices[i] as DeviceIdentity);
      if (keys === undefined) continue;
      if (typeof keys === 'string') addKey(byKey, keys, i);
      else for (const key of keys) addKey(byKey, key, i);
      added += typeof keys === 'string' ? 1 : keys.length;
    }
    if (byKey.size === 0) continue;
    const claimsOf = new Claims(pass, devices, entryIds, byKey, classes);
    // Fewer keys than were added: devices share some.
    if (byKey.size < added) claimsOf.findCrowded(entryState);

    // Claims of this pass: entry → candidate devices. A device claimed by one entry alone counts
    // its claimer; one among several candidates is taken (each shared list marked once).
    claims.fill(undefined);
    singleClaims.fill(0);
    taken.fill(0);
    let shared: Set<readonly number[]> | undefined;
    for (let j = 0; j < ne; j++) {
      if (entryState[j] !== OPEN) continue;
      const candidates = claimsOf.of(j);
      if (candidates === undefined) continue;
      claims[j] = candidates;
      if (isSingle(candidates)) {
        const i = firstOf(candidates);
        singleClaims[i] = (singleClaims[i] as number) + 1;
      } else if (!(shared ??= new Set()).has(candidates as readonly number[])) {
        shared.add(candidates as readonly number[]);
        for (const i of candidates as readonly number[]) taken[i] = 1;
      }
    }

    // Bound or ambiguous, claimed devices and claiming entries leave the pool.
    let ambiguous = false;
    for (let j = 0; j < ne; j++) {
      const candidates = claims[j];
      if (candidates === undefined) continue;
      const i = firstOf(candidates);
      if (isSingle(candidates) && singleClaims[i] === 1 && taken[i] === 0) {
        entryOf[i] = j;
        ruleOf[i] = pass.rule;
        entryState[j] = BOUND;
      } else {
        entryState[j] = AMBIGUOUS;
        ambiguous = true;
      }
    }
    for (let i = 0; i < nd; i++) if (singleClaims[i] !== 0 || taken[i] !== 0) deviceDone[i] = 1;
    if (ambiguous) {
      const groups = collisions(nd, claims, shared, entryState, entryOf, singleClaims, taken);
      for (const g of groups) {
        const message = collision(pass, g, entryIds, label, describe);
        ambiguities.push({
          rule: pass.rule,
          ...g,
          message: g.entries.some((j) => claimsOf.isCrowded(j)) ? `${message} ${CROWDED_NOTE}` : message,
        });
      }
    }
  }

  const orphans: number[] = [];
  // Entries set aside as ambiguous are not orphans: the ambiguity names them.
  for (let j = 0; j < ne; j++) if (entryState[j] === OPEN) orphans.push(j);
  return { entryOf, ruleOf, orphans, ambiguities };
}

/** An entry's state in `match`: in the pool, bound, or set aside in a collision. */
const OPEN = 0;
const BOUND = 1;
const AMBIGUOUS = 2;

/**
 * One pass's collisions: the entries set aside in it and the devices they claim, grouped by who
 * claims whom (devices are nodes 0..nd-1, entry j is node nd + j). Only a pass with a collision
 * makes them: claims never reach across passes, since what a pass claims leaves the pool.
 */
function collisions(
  nd: number,
  claims: readonly Candidates[],
  shared: ReadonlySet<readonly number[]> | undefined,
  entryState: Uint8Array,
  entryOf: Int32Array,
  singleClaims: Int32Array,
  taken: Uint8Array,
): { entries: number[]; devices: number[] }[] {
  const groups = new UnionFind(nd + claims.length);
  claims.forEach((candidates, j) => {
    if (candidates !== undefined) groups.union(nd + j, firstOf(candidates));
  });
  for (const list of shared ?? []) for (const i of list) groups.union(list[0] as number, i);
  const byRoot = new Map<number, { entries: number[]; devices: number[] }>();
  const found: { entries: number[]; devices: number[] }[] = [];
  claims.forEach((candidates, j) => {
    if (candidates === undefined || entryState[j] !== AMBIGUOUS) return;
    const root = groups.find(nd + j);
    const group = byRoot.get(root);
    if (group !== undefined) group.entries.push(j);
    else {
      const fresh = { entries: [j], devices: [] };
      byRoot.set(root, fresh);
      found.push(fresh);
    }
  });
  for (let i = 0; i < nd; i++) {
    if ((singleClaims[i] === 0 && taken[i] === 0) || entryOf[i] !== -1) continue;
    byRoot.get(groups.find(i))?.devices.push(i);
  }
  return found;
}

/** How many members of each side a collision names (its message goes on every device of the group). */
const NAMED = 8;

/** The first NAMED names, then how many more. */
function some<T>(items: readonly T[], name: (item: T) => string): string {
  const named = items.slice(0, NAMED).map(name).join(', ');
  return items.length > NAMED ? `${named} and ${String(items.length - NAMED)} more` : named;
}

/** The sentence for one collision: its key values, then its members. */
function collision(
  pass: Pass,
  g: { entries: readonly number[]; devices: readonly number[] },
  entryIds: readonly EntryIdentity[],
  label: (index: number) => string,
  describe: (index: number) => string,
): string {
  const keys = new Set<string>();
  for (const j of g.entries) keys.add(pass.describe(entryIds[j] as EntryIdentity));
  const by = some([...keys], (k) => k);
  const [j] = g.entries as [number];
  const [i] = g.devices as [number];
  if (g.entries.length === 1)
    return `${describe(j)} matches ${String(g.devices.length)} devices by ${by}: ${some(g.devices, label)}`;
  if (g.devices.length === 1)
    return `${String(g.entries.length)} entries claim ${label(i)} by ${by}: ${some(g.entries, describe)}`;
  return `${String(g.entries.length)} entries and ${String(g.devices.length)} devices collide by ${by}: entries ${some(g.entries, describe)}; devices ${some(g.devices, label)}`;
}

/**
 * What a veto reads of a device or an entry, as a class number: members of one class are vetoed
 * alike by every pass (see `contradiction`, `addressRefusal` and the alias pass's veto), so a
 * class is asked once. Computed on first use, for the keys several devices share.
 */
class VetoClasses {
  // Made on first use: most domains share no key, and never ask.
  private ids: Map<string, number> | undefined;
  private specs: Map<object, number> | undefined;
  private device: Int32Array | undefined;
  private entry: Int32Array | undefined;

  constructor(
    private readonly devices: readonly DeviceIdentity[],
    private readonly entries: readonly EntryIdentity[],
  ) {}

  ofDevice(i: number): number {
    const classes = (this.device ??= new Int32Array(this.devices.length).fill(-1));
    let c = classes[i] as number;
    if (c < 0) {
      const d = this.devices[i] as DeviceIdentity;
      const specs = (this.specs ??= new Map<object, number>());
      let spec = specs.get(d.spec);
      if (spec === undefined) specs.set(d.spec, (spec = specs.size));
      // JSON: an unambiguous encoding of values that may hold any character.
      const signature = JSON.stringify([
        'd',
        d.kind,
        spec,
        d.userAliasId ?? null,
        d.deviceId ?? null,
        d.address ?? null,
        d.alias !== undefined,
        d.twin === true,
        Object.entries(d.keys),
      ]);
      classes[i] = c = this.idOf(signature);
    }
    return c;
  }

  ofEntry(j: number): number {
    const classes = (this.entry ??= new Int32Array(this.entries.length).fill(-1));
    let c = classes[j] as number;
    if (c < 0) {
      const e = this.entries[j] as EntryIdentity;
      // What the pass keys read too: one class claims the same buckets.
      const signature = JSON.stringify([
        'e',
        e.kind ?? null,
        e.alias ?? null,
        e.deviceId ?? null,
        e.address ?? null,
        Object.entries(e.keys),
        e.lookups,
      ]);
      classes[j] = c = this.idOf(signature);
    }
    return c;
  }

  private idOf(signature: string): number {
    const ids = (this.ids ??= new Map<string, number>());
    let id = ids.get(signature);
    if (id === undefined) ids.set(signature, (id = ids.size));
    return id;
  }
}

/**
 * How many classes of entries, and of devices, one key may gather for the binder to compare them all
 * (one veto per pair of classes). Beyond this many of each, on one key, that comparison would be
 * quadratic: only a crafted document comes near (a domain's largest legitimate group, its memory
 * modules sharing `model`, has at most 256), and its entries and devices there are set aside as one
 * collision, decided for none of them. So a pass asks at most about 2 * MAX_CLASSES vetoes per
 * device and entry.
 */
const MAX_CLASSES = 256;

/** What the message of a collision on a crowded key adds. */
const CROWDED_NOTE = `(over ${String(MAX_CLASSES)} different entries and devices share the key: too many to compare one by one, none was bound)`;

/** One pass's candidates per entry, over the pool's devices by key. */
class Claims {
  /** Per shared key: its devices split into buckets, one per veto class (made on first use). */
  private buckets: Map<string, number[][]> | undefined;
  /** Per entry class that reaches a shared key: its candidates, decided once (made on first use). */
  private byClass: Map<number, Candidates> | undefined;
  /** Per device, the last merge that took it (allocated on the first merge). */
  private stamp: Int32Array | undefined;
  /** The keys too crowded to compare (see MAX_CLASSES), when there are any. */
  private crowded: Set<string> | undefined;
  private round = 0;

  constructor(
    private readonly pass: Pass,
    private readonly devices: readonly DeviceIdentity[],
    private readonly entryIds: readonly EntryIdentity[],
    private readonly byKey: ReadonlyMap<string, number | number[]>,
    private readonly classes: VetoClasses,
  ) {}

  /**
   * Marks the keys whose devices and open entries are too many classes apart to compare
   * (MAX_CLASSES): an entry on such a key claims all its devices, a collision. Asked only when
   * devices share a key.
   */
  findCrowded(entryState: Uint8Array): void {
    const entryClasses = new Map<string, Set<number>>();
    for (let j = 0; j < this.entryIds.length; j++) {
      if (entryState[j] !== OPEN) continue;
      const keys = this.pass.entryKeys(this.entryIds[j] as EntryIdentity);
      for (const key of keyArray(keys)) {
        if (typeof this.byKey.get(key) !== 'object') continue;
        let classes = entryClasses.get(key);
        if (classes === undefined) entryClasses.set(key, (classes = new Set()));
        if (classes.size <= MAX_CLASSES) classes.add(this.classes.ofEntry(j));
      }
    }
    for (const [key, classes] of entryClasses) {
      if (classes.size <= MAX_CLASSES) continue;
      if (this.bucketsOf(key, this.byKey.get(key) as number[]).length > MAX_CLASSES)
        (this.crowded ??= new Set()).add(key);
    }
  }

  /** Whether entry j claims a crowded key in this pass. */
  isCrowded(j: number): boolean {
    return this.crowdedKeyOf(this.pass.entryKeys(this.entryIds[j] as EntryIdentity)) !== undefined;
  }

  private crowdedKeyOf(keys: PassKeys): string | undefined {
    if (this.crowded === undefined) return undefined;
    return keyArray(keys).find((key) => this.crowded?.has(key) === true);
  }

  /** The devices entry j may be (none vetoes it), or undefined for none. */
  of(j: number): Candidates {
    const e = this.entryIds[j] as EntryIdentity;
    const keys = this.pass.entryKeys(e);
    if (keys === undefined) return undefined;
    const crowded = this.crowdedKeyOf(keys);
    if (crowded !== undefined) return this.byKey.get(crowded);
    let shared = false;
    if (typeof keys === 'string') shared = typeof this.byKey.get(keys) === 'object';
    else for (const key of keys) if (typeof this.byKey.get(key) === 'object') shared = true;
    if (!shared) return this.collect(e, keys);
    const c = this.classes.ofEntry(j);
    const byClass = (this.byClass ??= new Map<number, Candidates>());
    if (byClass.has(c)) return byClass.get(c);
    const candidates = this.collect(e, keys);
    byClass.set(c, candidates);
    return candidates;
  }

  /** The union, without repeats, of the buckets no veto refuses under the entry's keys. */
  private collect(e: EntryIdentity, keys: string | readonly string[]): Candidates {
    // The common case, one key finding one device, makes no array.
    let first: Candidates;
    let parts: (number | readonly number[])[] | undefined;
    const count = typeof keys === 'string' ? 1 : keys.length;
    for (let k = 0; k < count; k++) {
      const key = typeof keys === 'string' ? keys : (keys[k] as string);
      const known = this.byKey.get(key);
      if (known === undefined) continue;
      if (typeof known === 'number') {
        if (vetoIn(this.pass, e, this.devices[known] as DeviceIdentity) !== undefined) continue;
        if (first === undefined) first = known;
        else (parts ??= [first]).push(known);
        continue;
      }
      for (const bucket of this.bucketsOf(key, known)) {
        if (vetoIn(this.pass, e, this.devices[bucket[0] as number] as DeviceIdentity) !== undefined) continue;
        if (first === undefined) first = bucket;
        else (parts ??= [first]).push(bucket);
      }
    }
    if (parts === undefined) return first;
    // Several buckets (several keys may find one device): each device once.
    const stamp = (this.stamp ??= new Int32Array(this.devices.length));
    const round = ++this.round;
    const out: number[] = [];
    const add = (i: number): void => {
      if (stamp[i] === round) return;
      stamp[i] = round;
      out.push(i);
    };
    for (const part of parts) {
      if (typeof part === 'number') add(part);
      else for (const i of part) add(i);
    }
    return out;
  }

  private bucketsOf(key: string, shared: readonly number[]): number[][] {
    const all = (this.buckets ??= new Map<string, number[][]>());
    let buckets = all.get(key);
    if (buckets === undefined) {
      const byClass = new Map<number, number[]>();
      for (const i of shared) {
        const c = this.classes.ofDevice(i);
        const bucket = byClass.get(c);
        if (bucket === undefined) byClass.set(c, [i]);
        else bucket.push(i);
      }
      buckets = [...byClass.values()];
      all.set(key, buckets);
    }
    return buckets;
  }
}

/** Disjoint sets of nodes, by path halving: near O(1) per operation. */
class UnionFind {
  private readonly parent: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    let n = x;
    while (this.parent[n] !== n) {
      const up = this.parent[this.parent[n] as number] as number;
      this.parent[n] = up;
      n = up;
    }
    return n;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
