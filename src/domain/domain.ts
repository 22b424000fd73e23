/**
 * The API an agent holds: a domain's devices bound to their metadata, the flows that change them
 * (hotplug, unplug, refresh from libvirt's live XML), validation and save (their work is in
 * validate.ts and save.ts).
 */
import type { Ambiguity, BindResult, Rule } from '../binding/binder.js';
import type { RuleTrace } from '../binding/explain.js';
import { explainBinding } from '../binding/explain.js';
import { bind, contradiction, markTwins, match } from '../binding/binder.js';
import type { EntryIdentity, Layout, MetadataEntry } from '../binding/entry.js';
import { NO_ADDRESS, describeEntry, entryIdentity } from '../binding/entry.js';
import type { Device, DeviceIdentity } from '../devices/device.js';
import { NON_DEVICE_TAGS, buildDevice } from '../devices/registry.js';
import type { VmDevicesError } from '../errors.js';
import {
  AmbiguousBindingError,
  DuplicateDeviceError,
  InvalidDomainError,
  MetadataError,
  NoSuchDeviceError,
} from '../errors.js';
import type { Dict } from '../metadata/value.js';
import { dict, dictEntries, dictSet, hasKey, keepAttributes, keptAttributes } from '../metadata/value.js';
import type { Element, ParseOptions } from '../xml/dom.js';
import { NODE, positionOf } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import {
  childElementPaths,
  childElements,
  cloneInto,
  elementPath,
  firstElementChild,
  indentSubtree,
  insertAllIndented,
  insertIndented,
  localNameOf,
  nextElementSibling,
  removeIndented,
  sameElementWithout,
} from '../xml/tree.js';
import { DomainDocument } from './domain-document.js';
import { saveMetadata } from './save.js';
import type { DeviceBinding, Problem, Slot } from './slot.js';
import { NO_PROBLEMS, addProblems } from './slot.js';
import { findProblems } from './validate.js';
import type { DescriptorStore } from './metadata-store.js';
import { loadDescriptorStore, loadXmlpickleEntries } from './metadata-store.js';

/** @internal A drive create built from metadata: its element (in the domain's document) and the entries it came from. */
export interface CreatedDrive {
  element: Element;
  data: Dict;
  from: MetadataEntry[];
}

/** Every unbound slot's binding (frozen: slots share it). */
const NONE: DeviceBinding = Object.freeze({ rule: 'none', descriptor: undefined, xmlpickle: undefined });

export interface BindOptions extends ParseOptions {
  /**
   * true: an ambiguity is a thrown AmbiguousBindingError (create); false: it is reported on the
   * devices concerned and every other device is bound (recover).
   */
  strict?: boolean;
}

export class Domain {
  private dom: DomainDocument;
  private slots: Slot[] = [];
  /** Slot by device, built on first use after the slots change: bindingOf() per device stays O(1). */
  private slotIndex: Map<Device, Slot> | undefined;
  private store: DescriptorStore;
  private xmlpickle: MetadataEntry[];
  /** Both frozen: the getters hand them out as they are. */
  private ambiguities: readonly Ambiguity[] = [];
  /** Undefined once devices or entries changed, until asked for: unplugging many stays linear. */
  private orphanEntries: readonly MetadataEntry[] | undefined = [];
  /**
   * The binding of load, for explain: the results only (the identities, 18 KB of a realistic
   * domain's 150, are made again when asked for: each is a function of its device's element).
   */
  private lastBind: { layout: Layout; result: BindResult }[] | undefined;
  /** Values recover could not read, kept as written: per entry (problems of the device bound to it)... */
  private unread: ReadonlyMap<MetadataEntry, readonly VmDevicesError[]> = new Map();
  /** ...and at the VM level. */
  private domainProblems: Problem[] = [];

  private constructor(dom: DomainDocument, store: DescriptorStore, xmlpickle: MetadataEntry[]) {
    this.dom = dom;
    this.store = store;
    this.xmlpickle = xmlpickle;
  }

  /** Reads a domain and binds its devices to the metadata it carries. */
  static load(xml: string, options: BindOptions = {}): Domain {
    const dom = DomainDocument.parse(xml, options);
    const devices = dom.devicesElement;
    if (devices === undefined) {
      throw new InvalidDomainError(`<${localNameOf(dom.root)}> has no <devices>`, {
        source: options.source,
        path: `/${dom.root.nodeName}`,
        ...positionOf(dom.root),
      });
    }
    const groups = dom.metadataGroups;
    // Recover reads leniently: a value it cannot read is a problem, not a VM it cannot manage.
    const read = { source: options.source, lenient: options.strict !== true };
    const descriptor = loadDescriptorStore(groups.descriptor, read);
    const xmlpickle = loadXmlpickleEntries(groups.xmlpickle, read);
    const domain = new Domain(dom, descriptor.store, xmlpickle.entries);
    domain.unread = new Map([...descriptor.problems.entries, ...xmlpickle.problems.entries]);
    domain.domainProblems = [...descriptor.problems.vm, ...xmlpickle.problems.vm].map((e) =>
      unreadProblem(e),
    );
    domain.rebind({ strict: options.strict === true });
    return domain;
  }

  /** The parsed document and its domain-level values (name, uuid, memory...). */
  get document(): DomainDocument {
    return this.dom;
  }

  get name(): string | undefined {
    return this.dom.name;
  }

  get uuid(): string | undefined {
    return this.dom.uuid;
  }

  /** The devices in document order. */
  get devices(): Device[] {
    return this.slots.map((s) => s.device);
  }

  /** The descriptor entries (bound ones included), as they will be saved. */
  get descriptorEntries(): readonly MetadataEntry[] {
    // A copy: the store's own list grows at save and hotplug.
    return [...this.store.entries];
  }

  /** Entries bound to no device: reported and kept. */
  get orphans(): readonly MetadataEntry[] {
    return this.orphanList();
  }

  get ambiguityReports(): readonly Ambiguity[] {
    return this.ambiguities;
  }

  private slotOf(device: Device): Slot {
    this.slotIndex ??= new Map(this.slots.map((x) => [x.device, x]));
    const s = this.slotIndex.get(device);
    if (s === undefined)
      throw new NoSuchDeviceError(`${device.kind} ${device.path} is not a device of this domain`);
    return s;
  }

  /** How the device got its metadata: a copy, so that no caller's write changes another's. */
  bindingOf(device: Device): DeviceBinding {
    return { ...this.slotOf(device).binding };
  }

  /** The device's problems (a copy of the list; the problems are frozen). */
  problemsOf(device: Device): readonly Problem[] {
    return [...this.slotOf(device).problems];
  }

  /** The device with this alias, or undefined. An absent or empty alias names no device: NoSuchDeviceError. */
  deviceByAlias(alias: string): Device | undefined {
    const wanted = this.lookupValue(alias, 'alias');
    return this.slots.find((s) => s.device.alias === wanted)?.device;
  }

  /** The device with this id (its `ua-<id>` alias, or its metadata's deviceId), or undefined. */
  deviceById(deviceId: string): Device | undefined {
    const wanted = this.lookupValue(deviceId, 'device id');
    return this.slots.find((s) => s.device.deviceId === wanted)?.device;
  }

  /** The disk with this target dev (`vda`), or undefined. */
  deviceByTargetDev(dev: string): Device | undefined {
    return this.deviceByPart('disk', 'name', this.lookupValue(dev, 'target dev'));
  }

  /**
   * The interface with this MAC (any case), or undefined. Interfaces may share a MAC (failover
   * pairs): then this is a DuplicateDeviceError naming them, never one of them by chance.
   */
  deviceByMac(mac: string): Device | undefined {
    return this.deviceByPart('interface', 'mac_address', this.lookupValue(mac, 'MAC').toLowerCase());
  }

  private deviceByPart(kind: string, part: string, value: string): Device | undefined {
    const found = this.slots.filter(
      (s) => s.device.kind === kind && s.device.identity().keys[part] === value,
    );
    if (found.length > 1) {
      throw new DuplicateDeviceError(
        `${String(found.length)} devices have the ${part} ${value}: ${found.map((s) => `${s.device.kind} ${s.device.path}`).join(', ')}`,
        { source: this.dom.source },
      );
    }
    return found[0]?.device;
  }

  /** A lookup value as given: undefined or '' (an alias-less device's `alias`) is an error, never "any". */
  private lookupValue(value: string | undefined, what: string): string {
    if (typeof value !== 'string' || value === '') {
      throw new NoSuchDeviceError(
        `no device has ${value === '' ? 'an empty' : 'no'} ${what}: give a ${what} to look up`,
        {
          source: this.dom.source,
        },
      );
    }
    return value;
  }

  /** The `<devices>` element. */
  private get devicesElement(): Element {
    const el = this.dom.devicesElement;
    if (el === undefined) throw new InvalidDomainError('the domain has no <devices>');
    return el;
  }

  /**
   * (Re)builds every device from the document and binds it: descriptor entries and xmlpickle entries
   * are bound separately (a device binds to at most one entry of each layout), then merged, the
   * descriptor's values winning.
   */
  private rebind(options: { strict?: boolean } = {}): void {
    const slots: Slot[] = [];
    for (let c = this.devicesElement.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== NODE.ELEMENT || localNameOf(c as Element) === 'emulator') continue;
      slots.push({ device: buildDevice(c as Element, dict()), binding: NONE, problems: NO_PROBLEMS });
    }
    this.slots = slots;
    this.slotIndex = undefined;
    this.bindSlots(slots, options.strict === true);
  }

  private bindSlots(slots: Slot[], strict: boolean): void {
    const identities = slots.map((s) => s.device.identity());
    markTwins(identities);
    // Paths made once, on the first message: one by one, each counts its siblings.
    let paths: Map<Element, string> | undefined;
    const label = (i: number): string => {
      const d = (slots[i] as Slot).device;
      paths ??= childElementPaths(this.devicesElement);
      return `${d.kind} #${i} (${paths.get(d.element) ?? d.path})`;
    };
    const results = bindLayouts(identities, this.store.entries, this.xmlpickle, label);
    this.lastBind = results;
    this.ambiguities = frozenAmbiguities(results.flatMap((r) => r.result.ambiguities));
    if (strict && this.ambiguities.length > 0) {
      throw ambiguityError(this.ambiguities, this.dom.source);
    }
    this.orphanEntries = Object.freeze(results.flatMap((r) => r.result.orphans));
    for (const a of this.ambiguities) {
      const p = ambiguityProblem(a.message, a.devices);
      for (const i of a.devices) addProblems(slots[i] as Slot, p);
    }
    slots.forEach((slot, i) => {
      const d = results[0]?.result.bindings[i];
      const x = results[1]?.result.bindings[i];
      const rule = d?.rule ?? x?.rule;
      if (rule === undefined) return;
      slot.binding = { rule, descriptor: d?.entry, xmlpickle: x?.entry };
      slot.device.meta.bindTo(d?.entry.data ?? dict(), x?.entry.data);
      // Most domains have no unread value: no lists made per device then.
      if (this.unread.size > 0) addProblems(slot, ...this.unreadIn([d?.entry, x?.entry], i));
    });
    if (!strict) this.reportUnclaimed(slots, identities, label);
  }

  /**
   * A device left without an entry while entries of its kind are left without a device (nothing
   * tells which is its, or whether one is: two identical devices, an alias libvirt renumbered) is a
   * problem on the device: its metadata may be there, and never silently lost. O(n).
   */
  private reportUnclaimed(
    slots: readonly Slot[],
    identities: readonly DeviceIdentity[],
    label: (i: number) => string,
  ): void {
    const orphansByKind = new Map<string, MetadataEntry[]>();
    for (const e of this.orphanList()) {
      const kind = entryIdentity(e).kind;
      if (kind === undefined) continue;
      const list = orphansByKind.get(kind);
      if (list === undefined) orphansByKind.set(kind, [e]);
      else list.push(e);
    }
    if (orphansByKind.size === 0) return;
    slots.forEach((slot, i) => {
      if (slot.binding !== NONE || slot.problems.length > 0) return;
      const kind = (identities[i] as DeviceIdentity).kind;
      const orphans = orphansByKind.get(kind);
      if (orphans === undefined) return;
      addProblems(
        slot,
        Object.freeze({
          code: 'UNIDENTIFIABLE_DEVICE',
          message: `${label(i)}: no entry binds it, and ${String(orphans.length)} ${kind} ${orphans.length === 1 ? 'entry binds' : 'entries bind'} no device (${orphans
            .slice(0, 3)
            .map(describeEntry)
            .join('; ')}${orphans.length > 3 ? '; ...' : ''}): nothing tells whether one is its`,
          device: i,
        }),
      );
    });
  }

  /** The values of these entries that recover could not read, as problems of device `i`. */
  private unreadIn(entries: (MetadataEntry | undefined)[], i?: number): Problem[] {
    return entries.flatMap((e) =>
      e === undefined ? [] : (this.unread.get(e) ?? []).map((p) => unreadProblem(p, i)),
    );
  }

  /**
   * Takes libvirt's live XML (after start or hotplug: aliases and addresses assigned). Each device
   * the domain holds is found in it by its identity (user alias, alias, guest address, its kind's
   * keys; a device hot-plugged since, as the element sent plus alias and address) and keeps its
   * object, metadata and binding: the object now views the live element, so what an agent holds
   * stays the domain's device. Devices new in the live XML are bound to the orphan entries; devices
   * gone from it leave the domain, and their entries stay as orphans. The live XML's own
   * `<metadata>` is replaced by ours on save.
   */
  refresh(liveXml: string, options: ParseOptions = {}): void {
    const dom = DomainDocument.parse(liveXml, options);
    const devicesEl = dom.devicesElement;
    if (devicesEl === undefined)
      throw new InvalidDomainError('the live XML has no <devices>', {
        source: options.source,
        path: `/${dom.root.nodeName}`,
        ...positionOf(dom.root),
      });
    const live = deviceElementsOf(devicesEl).map((el) => buildDevice(el, dict()));
    const liveIds = live.map((d) => d.identity());
    const held = this.slots;
    const heldIds: EntryIdentity[] = held.map((s) => heldIdentity(s));
    const found = match(
      liveIds,
      heldIds,
      (i) => `live ${(live[i] as Device).kind} #${i}`,
      (j) => `held ${(held[j] as Slot).device.kind} #${j}`,
    );
    const heldAt = new Array<number | undefined>(live.length);
    const taken = new Array<boolean>(held.length).fill(false);
    found.entryOf.forEach((j, i) => {
      if (j < 0) return;
      heldAt[i] = j;
      taken[j] = true;
    });
    // A hot-plugged device the keys did not find: the live element is the one sent, plus alias and address.
    held.forEach((s, j) => {
      if (taken[j] === true || s.sent === undefined) return;
      const sent = s.sent;
      const i = live.findIndex(
        (d, k) => heldAt[k] === undefined && sameElementWithout(sent, d.element, ASSIGNED),
      );
      if (i < 0) return;
      heldAt[i] = j;
      taken[j] = true;
    });
    this.dom = dom;
    const slots: Slot[] = live.map((device, i) => {
      const j = heldAt[i];
      if (j === undefined) return { device, binding: NONE, problems: NO_PROBLEMS };
      const slot = held[j] as Slot;
      slot.device.adopt(device.element);
      delete slot.sent;
      return slot;
    });
    this.slots = slots;
    this.slotIndex = undefined;
    this.lastBind = undefined;
    this.bindNew(slots.filter((s) => s.binding === NONE && s.problems.length === 0));
  }

  /** The identities of the devices as they are now, twins marked. */
  private identitiesNow(): DeviceIdentity[] {
    const identities = this.slots.map((s) => s.device.identity());
    markTwins(identities);
    return identities;
  }

  /** Binds devices new to the domain (refresh) to the entries no device holds. */
  private bindNew(fresh: Slot[]): void {
    const held = new Set<MetadataEntry>();
    for (const s of this.slots) {
      if (s.binding.descriptor !== undefined) held.add(s.binding.descriptor);
      if (s.binding.xmlpickle !== undefined) held.add(s.binding.xmlpickle);
    }
    const free = (layout: Layout): MetadataEntry[] => this.entriesOf(layout).filter((e) => !held.has(e));
    const all = new Map(this.slots.map((s) => [s, s.device.identity()]));
    markTwins([...all.values()]);
    const identities = fresh.map((s) => all.get(s) as DeviceIdentity);
    const label = (i: number): string =>
      `${(fresh[i] as Slot).device.kind} ${(fresh[i] as Slot).device.path}`;
    const [d, x] = bindLayouts(identities, free('descriptor'), free('xmlpickle'), label).map(
      (r) => r.result,
    ) as [BindResult, BindResult];
    const ambiguities = frozenAmbiguities([...d.ambiguities, ...x.ambiguities]);
    // The group's devices by their index in the domain, not among the fresh ones.
    const at = new Map(this.slots.map((s, i) => [s, i]));
    for (const a of ambiguities) {
      const p = ambiguityProblem(
        a.message,
        a.devices.map((i) => at.get(fresh[i] as Slot) as number),
      );
      for (const i of a.devices) addProblems(fresh[i] as Slot, p);
    }
    fresh.forEach((slot, i) => {
      const de = d.bindings[i];
      const xe = x.bindings[i];
      const rule = de?.rule ?? xe?.rule;
      if (rule === undefined) return;
      slot.binding = { rule, descriptor: de?.entry, xmlpickle: xe?.entry };
      slot.device.meta.bindTo(de?.entry.data ?? dict(), xe?.entry.data);
      addProblems(slot, ...this.unreadIn([de?.entry, xe?.entry]));
    });
    this.ambiguities = ambiguities;
    this.orphanEntries = undefined;
  }

  /** The entries no device holds and no ambiguity names: reported and kept. */
  private orphanList(): readonly MetadataEntry[] {
    return (this.orphanEntries ??= this.countOrphans());
  }

  private countOrphans(): readonly MetadataEntry[] {
    const held = new Set<MetadataEntry>();
    for (const s of this.slots) {
      if (s.binding.descriptor !== undefined) held.add(s.binding.descriptor);
      if (s.binding.xmlpickle !== undefined) held.add(s.binding.xmlpickle);
    }
    for (const a of this.ambiguities) for (const e of a.entries) held.add(e);
    return Object.freeze([...this.store.entries, ...this.xmlpickle].filter((e) => !held.has(e)));
  }

  /**
   * Hotplug: `<hotplug><devices><X/></devices><metadata>...</metadata></hotplug>` gives one device and
   * its metadata (at most one entry per layout, in our namespaces only). The device joins
   * `<devices>` (disks after the last disk) and is bound to the envelope's entry by the usual rules,
   * or as the one entry nothing contradicts. When the domain still holds an orphan entry of the same
   * identity (the device was here before), the envelope's values are merged into it: one entry per
   * device. Refused, with nothing changed: an entry that contradicts the device (another MAC, target
   * dev...), a second device with the same target dev, MAC or alias, metadata in another namespace.
   * Returns the new device, whose `toXml()` is what to attach; after libvirt attached it,
   * `refresh(liveXml)` finds it again, as the same object.
   */
  hotplug(envelopeXml: string, options: ParseOptions = {}): Device {
    const env = DomainDocument.parse(envelopeXml, {
      ...options,
      source: options.source ?? 'hotplug envelope',
    });
    const devicesEl = env.devicesElement;
    const source = firstElementOf(devicesEl);
    if (devicesEl === undefined || source === undefined) {
      throw new InvalidDomainError('the hotplug envelope has no device under <devices>', {
        source: env.source,
        path: devicesEl === undefined ? `/${env.root.nodeName}` : elementPath(devicesEl),
        ...positionOf(devicesEl ?? env.root),
      });
    }
    if (nextElementSibling(source) !== undefined) {
      throw new InvalidDomainError('the hotplug envelope holds more than one device', {
        source: env.source,
        path: `/${env.root.nodeName}/devices`,
      });
    }
    refuseForeignMetadata(env);
    const groups = env.metadataGroups;
    // Strict: what the agent hands over now must be readable.
    const envEntries = loadDescriptorStore(groups.descriptor, { source: env.source }).store.entries;
    const envPickle = loadXmlpickleEntries(groups.xmlpickle, { source: env.source }).entries;
    for (const [layout, list] of [
      ['descriptor', envEntries],
      ['xmlpickle', envPickle],
    ] as const) {
      if (list.length > 1) {
        throw new InvalidDomainError(
          `the hotplug envelope holds ${String(list.length)} ${layout} entries for one device`,
          { source: env.source },
        );
      }
    }

    const element = cloneInto(source, this.dom.document);
    insertDevice(this.devicesElement, element);
    const slot: Slot = {
      device: buildDevice(element, dict()),
      binding: NONE,
      problems: NO_PROBLEMS,
      sent: cloneInto(source),
    };
    try {
      const id = slot.device.identity();
      const dEntry = envelopeEntry(id, envEntries, env.source);
      const xEntry = envelopeEntry(id, envPickle, env.source);
      this.slots.push(slot);
      this.slotIndex = undefined;
      this.sortSlots();
      this.refuseDuplicates(slot);
      // The domain's orphan of the same identity (the device was here before) takes the envelope's values.
      const previous = this.orphanOf(id);
      let stored = previous;
      if (dEntry !== undefined && previous !== undefined) {
        const data = previous.data;
        for (const [k, v] of dictEntries(dEntry.entry.data)) {
          dictSet(data, k, v);
          // With the attributes the envelope's leaf carries (`unit="MiB"`), as a fresh entry keeps them.
          keepAttributes(data, k, keptAttributes(dEntry.entry.data, k));
        }
        this.store.update(previous, { ...previous.attrs, ...dEntry.entry.attrs }, data);
      } else if (dEntry !== undefined) stored = this.store.add(dEntry.entry.attrs ?? {}, dEntry.entry.data);
      const rule = dEntry?.rule ?? xEntry?.rule ?? (previous !== undefined ? 'key' : undefined);
      if (rule !== undefined) slot.binding = { rule, descriptor: stored, xmlpickle: undefined };
      slot.device.meta.bindTo(stored?.data ?? dict(), xEntry?.entry.data);
    } catch (e) {
      removeIndented(element);
      this.slots = this.slots.filter((x) => x !== slot);
      this.slotIndex = undefined;
      throw e;
    }
    this.lastBind = undefined;
    this.orphanEntries = undefined;
    return slot.device;
  }

  /** The orphan descriptor entry the binder gives this identity, if exactly one. */
  private orphanOf(id: DeviceIdentity): MetadataEntry | undefined {
    const orphans = this.orphanList().filter((e) => e.layout === 'descriptor');
    return bind([id], orphans, () => `${id.kind} (hotplug)`).bindings[0]?.entry;
  }

  /** Duplicates that create refuses (validate's DUPLICATE_DEVICE) and that involve this new slot. */
  private refuseDuplicates(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    const dup = this.validate().find(
      (p) => p.code === 'DUPLICATE_DEVICE' && p.devices?.includes(index) === true,
    );
    if (dup !== undefined) {
      throw new DuplicateDeviceError(dup.message, {
        source: this.dom.source,
        path: slot.device.path,
        ...positionOf(slot.device.element),
      });
    }
  }

  /** Puts the slots back in document order after an insertion. */
  private sortSlots(): void {
    const byElement = new Map(this.slots.map((s) => [s.device.element, s]));
    const ordered: Slot[] = [];
    for (let c = this.devicesElement.firstChild; c !== null; c = c.nextSibling) {
      const s = byElement.get(c as Element);
      if (s !== undefined) ordered.push(s);
    }
    this.slots = ordered;
    this.slotIndex = undefined;
  }

  /**
   * Unplug: removes the device (given as the object, or by its alias) and its descriptor entry.
   * An absent or empty alias, or a device of another domain, is a NoSuchDeviceError.
   */
  unplug(target: Device | string): Device {
    let slot: Slot | undefined;
    if (typeof target === 'object' && target !== null) slot = this.slotOf(target);
    else {
      const alias = this.lookupValue(target, 'alias');
      slot = this.slots.find((s) => s.device.alias === alias);
      if (slot === undefined)
        throw new NoSuchDeviceError(`no device has alias "${alias}"`, { source: this.dom.source });
    }
    removeIndented(slot.device.element);
    if (slot.binding.descriptor !== undefined) this.store.remove(slot.binding.descriptor);
    // In place, the index kept: each unplug costs no new list or map.
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.slotIndex?.delete(slot.device);
    this.lastBind = undefined;
    this.orphanEntries = undefined;
    return slot.device;
  }

  /** What libvirt would refuse or an agent would trip on. */
  validate(): Problem[] {
    return findProblems(this.slots, this.domainProblems);
  }

  /**
   * Per device, per layout, every rule tried and why it matched or not: as of the binding of load
   * (for the devices as they are now), or, after hotplug, unplug, refresh or create's new drives
   * changed the devices, as the rules would bind them now.
   */
  explain(): { device: Device; layouts: { layout: Layout; rules: RuleTrace[] }[] }[] {
    const identities = this.identitiesNow();
    const label = (i: number): string => `${(this.slots[i] as Slot).device.kind} #${i}`;
    const results = this.lastBind ?? bindLayouts(identities, this.store.entries, this.xmlpickle, label);
    const traces = results.map((r) => ({
      layout: r.layout,
      rules: explainBinding(identities, this.entriesOf(r.layout), r.result),
    }));
    return this.slots.map((s, i) => ({
      device: s.device,
      layouts: traces.map((t) => ({ layout: t.layout, rules: t.rules[i] ?? [] })),
    }));
  }

  /**
   * Writes every device's metadata into the descriptor group: bound entries are updated (their
   * data replaced by what the device persists: keys it did not read are kept), devices without an
   * entry get one under the attributes their class's identity saves, orphans stay. The guest
   * address is recorded where the entry needs it to be found again: under a libvirt-assigned alias
   * (libvirt numbers those by position; "none" when the device has no address, as libvirt assigns
   * addresses before aliases), and for a device whose keys another device shares or that has no key.
   * Every entry is then bound again to the devices as they are: an entry that would not find its
   * own device is a problem returned (UNIDENTIFIABLE_DEVICE), never a silent loss at the next
   * recover. Only our group changes in `<metadata>`, and in it only what changed (see
   * Descriptor.writeInto): a domain whose metadata did not change is written back byte for byte.
   */
  save(): Problem[] {
    return saveMetadata(this.slots, this.store, this.dom.document);
  }

  toXml(): string {
    return this.dom.toXml();
  }

  /**
   * @internal for create: inserts the drives built from metadata (after the last disk, in the given
   * order) and records the entries each was built from. One call for all drives keeps create linear.
   */
  addCreated(drives: readonly CreatedDrive[]): void {
    insertAllIndented(
      this.devicesElement,
      drives.map((d) => d.element),
      diskInsertionPoint(this.devicesElement),
    );
    for (const { element } of drives) indentSubtree(element);
    const consumed = new Set<MetadataEntry>();
    for (const { element, data, from } of drives) {
      const device = buildDevice(element, data);
      const descriptor = from.find((e) => e.layout === 'descriptor');
      const xmlpickle = from.find((e) => e.layout === 'xmlpickle');
      this.slots.push({ device, binding: { rule: 'created', descriptor, xmlpickle }, problems: NO_PROBLEMS });
      for (const e of from) consumed.add(e);
    }
    this.orphanEntries = Object.freeze(this.orphanList().filter((e) => !consumed.has(e)));
    this.sortSlots();
    // The devices changed (and their order): explain binds them as they are now.
    this.lastBind = undefined;
  }

  /** @internal the binder's layouts, for flows. */
  entriesOf(layout: Layout): readonly MetadataEntry[] {
    return layout === 'descriptor' ? this.store.entries : this.xmlpickle;
  }
}

/** A value recover kept unread, as a problem of device `device` (none: of the domain). */
function unreadProblem(e: VmDevicesError, device?: number): Problem {
  return Object.freeze({
    code: e.code,
    message: e.message,
    device,
    path: e.path,
    line: e.line,
    column: e.column,
  });
}

/**
 * One problem per collision, shared by the slots of its devices (frozen: validate() lists it once,
 * and a caller's write reaches no other device).
 */
function ambiguityProblem(message: string, devices: readonly number[]): Problem {
  const [first] = devices;
  if (devices.length === 1) return Object.freeze({ code: 'AMBIGUOUS_BINDING', message, device: first });
  return Object.freeze({
    code: 'AMBIGUOUS_BINDING',
    message,
    device: first,
    devices: Object.freeze([...devices]) as number[],
  });
}

/** The binder's reports, frozen with their lists (the domain hands them out as they are). */
function frozenAmbiguities(list: Ambiguity[]): readonly Ambiguity[] {
  for (const a of list) {
    Object.freeze(a.entries);
    Object.freeze(a.devices);
    Object.freeze(a);
  }
  return Object.freeze(list);
}

function ambiguityError(
  ambiguities: readonly Ambiguity[],
  source: string | undefined,
): AmbiguousBindingError {
  return new AmbiguousBindingError(
    'metadata binds ambiguously',
    ambiguities.map((a) => a.message),
    { source },
  );
}

function firstElementOf(el: Element | undefined): Element | undefined {
  return el === undefined ? undefined : firstElementChild(el);
}

/** Inserts a device element where libvirt puts its kind: disks after the last disk, others last. */
export function insertDevice(devices: Element, element: Element): void {
  insertIndented(devices, element, localNameOf(element) === 'disk' ? diskInsertionPoint(devices) : null);
}

/** The node a new disk goes before: the one after the last disk (or the emulator), else the first. */
function diskInsertionPoint(devices: Element): Element | null {
  let after: Element | undefined;
  for (let c = firstElementChild(devices); c !== undefined; c = nextElementSibling(c)) {
    const n = localNameOf(c);
    if (n === 'disk' || (n === 'emulator' && after === undefined)) after = c;
  }
  return (after !== undefined ? nextElementSibling(after) : firstElementChild(devices)) ?? null;
}

/** What libvirt adds to a device it attaches. */
const ASSIGNED: ReadonlySet<string> = new Set(['alias', 'address']);

/** The device elements under `<devices>`, in document order. */
function deviceElementsOf(devices: Element): Element[] {
  return childElements(devices).filter((el) => !NON_DEVICE_TAGS.has(localNameOf(el)));
}

/**
 * A device the domain holds, as the binder's "entry" when refresh looks for it in the live XML.
 * A device that has a libvirt alias and no address never gets one (libvirt assigns addresses
 * first); a hot-plugged one may still get both.
 */
function heldIdentity(slot: Slot): EntryIdentity {
  const id = slot.device.identity();
  const settled = slot.sent === undefined && id.alias !== undefined;
  return {
    kind: id.kind,
    alias: id.alias,
    deviceId: id.userAliasId,
    address: id.address ?? (settled ? NO_ADDRESS : undefined),
    keys: id.keys,
    lookups: id.lookups,
  };
}

/**
 * The envelope's entry of one layout for its device: bound by the rules, or the one entry that
 * nothing contradicts (the envelope pairs them). An entry that contradicts the device is refused:
 * the binder would never give it to this device, and it would be lost at the next recover.
 */
function envelopeEntry(
  id: DeviceIdentity,
  entries: readonly MetadataEntry[],
  source: string | undefined,
): { entry: MetadataEntry; rule: Rule } | undefined {
  const entry = entries[0];
  if (entry === undefined) return undefined;
  const r = bind([id], entries, () => `${id.kind} (hotplug)`);
  const bound = r.bindings[0];
  if (bound !== undefined) return bound;
  const why = contradiction(entryIdentity(entry), id);
  if (why !== undefined) {
    throw new MetadataError(
      'METADATA_MISMATCH',
      `${describeEntry(entry)} is not for the ${id.kind} it comes with: ${why}`,
      {
        source,
      },
    );
  }
  return { entry, rule: 'envelope' };
}

/**
 * The envelope's `<metadata>` may hold our two groups only: anything else would be dropped
 * without a word (the domain's own foreign groups are kept, but an envelope's are not merged).
 */
function refuseForeignMetadata(env: DomainDocument): void {
  const md = env.metadataElement;
  if (md === undefined) return;
  for (const el of childElements(md)) {
    const ns = el.namespaceURI ?? null;
    if (
      (ns === NS['ovirt-vm'] && localNameOf(el) === 'vm') ||
      (ns === NS['ovirt-instance'] && localNameOf(el) === 'instance')
    )
      continue;
    throw new MetadataError(
      'METADATA_SHAPE',
      `the hotplug envelope's <metadata> holds <${el.nodeName}> in namespace ${ns ?? '(none)'}: only the ovirt-vm group (${NS['ovirt-vm']}) and the ovirt-instance group (${NS['ovirt-instance']}) are read`,
      { source: env.source, ...positionOf(el) },
    );
  }
}

/**
 * Binds both layouts: the descriptor's entries first, then the xmlpickle's, each device carrying the
 * deviceId its descriptor entry gives it, so that an xmlpickle entry of another device (one unplugged
 * since: that group is never rewritten) is refused.
 */
function bindLayouts(
  identities: DeviceIdentity[],
  descriptor: readonly MetadataEntry[],
  xmlpickle: readonly MetadataEntry[],
  label: (i: number) => string,
): { layout: Layout; result: BindResult }[] {
  const d = bind(identities, descriptor, label);
  if (xmlpickle.length > 0) {
    d.bindings.forEach((b, i) => {
      const id = b === undefined || !hasKey(b.entry.data, 'deviceId') ? undefined : b.entry.data['deviceId'];
      if (typeof id === 'string' && id !== '') (identities[i] as DeviceIdentity).deviceId = id;
    });
  }
  return [
    { layout: 'descriptor', result: d },
    { layout: 'xmlpickle', result: bind(identities, xmlpickle, label) },
  ];
}
