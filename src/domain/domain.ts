/**
 * The API an agent holds: a domain's devices bound to their metadata, the flows that change them
 * (hotplug, unplug, refresh from libvirt's live XML), validation, and save.
 */
import type { Ambiguity, BindResult, Rule } from '../binding/binder.js';
import type { RuleTrace } from '../binding/explain.js';
import { explainBinding } from '../binding/explain.js';
import { bind, hasNaturalKey } from '../binding/binder.js';
import type { Layout, MetadataEntry } from '../binding/entry.js';
import { descriptorIdentity } from '../binding/entry.js';
import type { Device, DeviceIdentity } from '../devices/device.js';
import { USER_ALIAS_PATTERN, USER_ALIAS_PREFIX } from '../devices/device.js';
import { buildDevice } from '../devices/registry.js';
import type { ErrorCode } from '../errors.js';
import { AmbiguousBindingError, InvalidDomainError, NoSuchDeviceError, isVmDevicesError } from '../errors.js';
import type { Dict } from '../metadata/value.js';
import type { Value } from '../metadata/value.js';
import {
  dict,
  dictDelete,
  dictEntries,
  dictKeys,
  dictSet,
  hasKey,
  isScalar,
  valueEquals,
} from '../metadata/value.js';
import { descriptorCanHold } from '../metadata/descriptor.js';
import type { Document, Element, ParseOptions } from '../xml/dom.js';
import { NODE } from '../xml/dom.js';
import {
  childElementPaths,
  cloneInto,
  firstElementChild,
  insertAllIndented,
  insertIndented,
  localNameOf,
  nextElementSibling,
  removeIndented,
} from '../xml/tree.js';
import { DomainDescriptor } from './domain-descriptor.js';
import type { DescriptorStore } from './metadata-store.js';
import { loadDescriptorStore, loadXmlpickleEntries } from './metadata-store.js';

/** A problem found on a device or on the domain (validate(), lenient recovery). */
export interface Problem {
  code: ErrorCode;
  message: string;
  /** Index of the device concerned, when one is. */
  device?: number;
  /** Where in the input, when known. */
  line?: number;
  column?: number;
}

/** How a device got its metadata. */
export interface DeviceBinding {
  /** The deciding rule (descriptor's when both layouts bound). */
  rule: Rule;
  /** The entries bound, per layout. */
  descriptor: MetadataEntry | undefined;
  xmlpickle: MetadataEntry | undefined;
}

/** @internal A drive create built from metadata: its element (in the domain's document) and the entries it came from. */
export interface CreatedDrive {
  element: Element;
  data: Dict;
  from: MetadataEntry[];
}

interface Slot {
  device: Device;
  binding: DeviceBinding;
  problems: Problem[];
}

const NONE: DeviceBinding = { rule: 'none', descriptor: undefined, xmlpickle: undefined };

export interface BindOptions extends ParseOptions {
  /**
   * true: an ambiguity is a thrown AmbiguousBindingError (create); false: it is reported on the
   * devices concerned and every other device is bound (recover).
   */
  strict?: boolean;
}

export class Domain {
  private dom: DomainDescriptor;
  private slots: Slot[] = [];
  /** Slot by device, built on first use after the slots change: bindingOf() per device stays O(1). */
  private slotIndex: Map<Device, Slot> | undefined;
  private store: DescriptorStore;
  private xmlpickle: MetadataEntry[];
  private ambiguities: Ambiguity[] = [];
  private orphanEntries: MetadataEntry[] = [];
  private lastBind:
    { identities: DeviceIdentity[]; results: { layout: Layout; result: BindResult }[] } | undefined;

  private constructor(dom: DomainDescriptor, store: DescriptorStore, xmlpickle: MetadataEntry[]) {
    this.dom = dom;
    this.store = store;
    this.xmlpickle = xmlpickle;
  }

  /** Reads a domain and binds its devices to the metadata it carries. */
  static load(xml: string, options: BindOptions = {}): Domain {
    const dom = DomainDescriptor.parse(xml, options);
    const devices = dom.devicesElement;
    if (devices === undefined) {
      throw new InvalidDomainError(`<${localNameOf(dom.root)}> has no <devices>`, {
        source: options.source,
        path: `/${dom.root.nodeName}`,
      });
    }
    const groups = dom.metadataGroups;
    const domain = new Domain(
      dom,
      loadDescriptorStore(groups.descriptor, options.source),
      loadXmlpickleEntries(groups.xmlpickle, options.source),
    );
    domain.rebind({ strict: options.strict === true });
    return domain;
  }

  /** The parsed document and its domain-level values (name, uuid, memory...). */
  get descriptor(): DomainDescriptor {
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
    return this.store.entries;
  }

  /** Entries bound to no device: reported and kept. */
  get orphans(): readonly MetadataEntry[] {
    return this.orphanEntries;
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

  bindingOf(device: Device): DeviceBinding {
    return this.slotOf(device).binding;
  }

  problemsOf(device: Device): readonly Problem[] {
    return this.slotOf(device).problems;
  }

  deviceByAlias(alias: string): Device | undefined {
    return this.slots.find((s) => s.device.alias === alias)?.device;
  }

  deviceById(deviceId: string): Device | undefined {
    return this.slots.find((s) => s.device.deviceId === deviceId)?.device;
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
      slots.push({ device: buildDevice(c as Element, dict()), binding: NONE, problems: [] });
    }
    this.slots = slots;
    this.slotIndex = undefined;
    this.bindSlots(slots, options.strict === true);
  }

  private bindSlots(slots: Slot[], strict: boolean): void {
    const identities = slots.map((s) => s.device.identity());
    // Paths made once, on the first message: one by one, each counts its siblings.
    let paths: Map<Element, string> | undefined;
    const label = (i: number): string => {
      const d = (slots[i] as Slot).device;
      paths ??= childElementPaths(this.devicesElement);
      return `${d.kind} #${i} (${paths.get(d.element) ?? d.path})`;
    };
    const results = (['descriptor', 'xmlpickle'] as const).map((layout) => ({
      layout,
      result: bind(identities, layout === 'descriptor' ? this.store.entries : this.xmlpickle, label),
    }));
    this.lastBind = { identities, results };
    this.ambiguities = results.flatMap((r) => r.result.ambiguities);
    if (strict && this.ambiguities.length > 0) {
      throw ambiguityError(this.ambiguities);
    }
    this.orphanEntries = results.flatMap((r) => r.result.orphans);
    for (const a of this.ambiguities) {
      for (const i of a.devices)
        (slots[i] as Slot).problems.push({ code: 'AMBIGUOUS_BINDING', message: a.message, device: i });
    }
    slots.forEach((slot, i) => {
      const d = results[0]?.result.bindings[i];
      const x = results[1]?.result.bindings[i];
      const rule = d?.rule ?? x?.rule;
      if (rule === undefined) return;
      slot.binding = { rule, descriptor: d?.entry, xmlpickle: x?.entry };
      fillMeta(slot.device, [x?.entry, d?.entry]);
    });
  }

  /**
   * Takes libvirt's live XML (after start or hotplug: aliases and addresses assigned) and binds its
   * devices to this domain's metadata as it is in memory now. The live XML's own `<metadata>` is
   * replaced by ours on save.
   */
  refresh(liveXml: string, options: ParseOptions = {}): void {
    const dom = DomainDescriptor.parse(liveXml, options);
    if (dom.devicesElement === undefined)
      throw new InvalidDomainError('the live XML has no <devices>', { source: options.source });
    this.dom = dom;
    this.rebind();
  }

  /**
   * Hotplug: `<hotplug><devices><X/></devices><metadata>...</metadata></hotplug>` gives one device and
   * its metadata. The device joins `<devices>` (disks after the last disk), its metadata entries join
   * the domain's descriptor, and it is bound by the usual rules. Returns the new device, whose
   * `toXml()` is what to attach.
   */
  hotplug(envelopeXml: string, options: ParseOptions = {}): Device {
    const env = DomainDescriptor.parse(envelopeXml, {
      ...options,
      source: options.source ?? 'hotplug envelope',
    });
    const devicesEl = env.devicesElement;
    const source = firstElementOf(devicesEl);
    if (devicesEl === undefined || source === undefined) {
      throw new InvalidDomainError('the hotplug envelope has no device under <devices>', {
        source: env.source,
        path: `/${env.root.nodeName}`,
      });
    }
    if (nextElementSibling(source) !== undefined) {
      throw new InvalidDomainError('the hotplug envelope holds more than one device', {
        source: env.source,
        path: `/${env.root.nodeName}/devices`,
      });
    }
    const groups = env.metadataGroups;
    const envStore = loadDescriptorStore(groups.descriptor, env.source);
    const envPickle = loadXmlpickleEntries(groups.xmlpickle, env.source);

    const element = cloneInto(source, this.dom.document);
    insertDevice(this.devicesElement, element);
    const slot: Slot = { device: buildDevice(element, dict()), binding: NONE, problems: [] };
    const identity = [slot.device.identity()];
    const label = (): string => `${slot.device.kind} (hotplug)`;
    const d = bind(identity, envStore.entries, label);
    const x = bind(identity, envPickle, label);
    const ambiguities = [...d.ambiguities, ...x.ambiguities];
    if (ambiguities.length > 0) {
      removeIndented(element);
      throw ambiguityError(ambiguities);
    }
    const dBound = d.bindings[0];
    const xBound = x.bindings[0];
    // The envelope pairs the device with its metadata: a lone entry that no rule contradicts is it.
    const lone =
      dBound === undefined && d.orphans.length === 1 && envStore.entries.length === 1
        ? d.orphans[0]
        : undefined;
    const dEntry = dBound?.entry ?? lone;
    // Every entry of the envelope joins the domain's metadata (an unbound one stays an orphan).
    let stored: MetadataEntry | undefined;
    for (const e of envStore.entries) {
      const added = this.store.add(e.attrs ?? {}, e.data);
      if (e === dEntry) stored = added;
    }
    if (dEntry !== undefined || xBound !== undefined) {
      slot.binding = {
        rule: dBound?.rule ?? xBound?.rule ?? 'key',
        descriptor: stored,
        xmlpickle: undefined,
      };
    }
    fillMeta(slot.device, [xBound?.entry, dEntry]);
    this.slots.push(slot);
    this.slotIndex = undefined;
    this.sortSlots();
    return slot.device;
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

  /** Unplug by alias: removes the device element and its descriptor entry. */
  unplug(alias: string): Device {
    const slot = this.slots.find((s) => s.device.alias === alias);
    if (slot === undefined)
      throw new NoSuchDeviceError(`no device has alias "${alias}"`, { source: this.dom.source });
    removeIndented(slot.device.element);
    if (slot.binding.descriptor !== undefined) this.store.remove(slot.binding.descriptor);
    this.slots = this.slots.filter((s) => s !== slot);
    this.slotIndex = undefined;
    return slot.device;
  }

  /** Per device, per layout, every rule tried and why it matched or not (as of the last binding). */
  explain(): { device: Device; layouts: { layout: Layout; rules: RuleTrace[] }[] }[] {
    const last = this.lastBind;
    const traces = (last?.results ?? []).map((r) => ({
      layout: r.layout,
      rules: explainBinding(last?.identities ?? [], this.entriesOf(r.layout), r.result),
    }));
    return this.slots.map((s, i) => ({
      device: s.device,
      layouts: traces.map((t) => ({ layout: t.layout, rules: t.rules[i] ?? [] })),
    }));
  }

  /** What libvirt would refuse or an agent would trip on. */
  validate(): Problem[] {
    const problems: Problem[] = [];
    const byTarget = new Map<string, number[]>();
    const byAlias = new Map<string, number[]>();
    const byMac = new Map<string, number[]>();
    this.slots.forEach((s, i) => {
      problems.push(...s.problems);
      const d = s.device;
      let id;
      try {
        id = d.identity();
        d.toJSON();
      } catch (e) {
        if (!isVmDevicesError(e)) throw e;
        problems.push({ code: e.code, message: e.message, device: i, line: e.line, column: e.column });
        return;
      }
      if (id.kind === 'disk' && id.keys.name !== undefined) push(byTarget, id.keys.name, i);
      // libvirt gives a serial console the alias of the serial port it shows (`serial0` twice).
      if (id.alias !== undefined && id.kind !== 'console') push(byAlias, id.alias, i);
      if (id.kind === 'interface' && id.keys.mac !== undefined) push(byMac, id.keys.mac, i);
      const alias = d.alias;
      if (alias?.startsWith(USER_ALIAS_PREFIX) === true && !USER_ALIAS_PATTERN.test(alias)) {
        problems.push({
          code: 'XML_VALUE',
          message: `${d.kind} #${i} (${d.path}): user alias "${alias}" has characters libvirt rejects (allowed: a-z A-Z 0-9 _ -)`,
          device: i,
        });
      }
    });
    const devs = this.slots.map((s) => s.device);
    for (const [target, list] of byTarget) {
      if (list.length > 1) problems.push(dup(`disks share the target dev "${target}"`, list, devs));
    }
    for (const [alias, list] of byAlias) {
      if (list.length > 1) problems.push(dup(`devices share the alias "${alias}"`, list, devs));
    }
    for (const [mac, list] of byMac) {
      // A shared MAC is legal (failover pairs) only while aliases tell the interfaces apart.
      const aliases = new Set(list.map((i) => devs[i]?.alias).filter((a) => a !== undefined));
      if (list.length > 1 && aliases.size < list.length) {
        problems.push(dup(`interfaces share the MAC ${mac} and no alias tells them apart`, list, devs));
      }
    }
    return problems;
  }

  /**
   * Writes every device's metadata into the descriptor group: bound entries are updated (their
   * data replaced by what the device persists: keys it did not read are kept; `alias` added once
   * known), devices without an entry get one keyed by their natural identifying attributes, orphans
   * stay. A device that only libvirt's own alias identifies also keeps its guest address, as Vdsm's
   * `address` key: libvirt numbers those aliases by position, and the binder's alias rule refuses
   * an entry whose address is another device's. Only our group changes in `<metadata>`.
   */
  save(): Problem[] {
    const problems: Problem[] = [];
    this.slots.forEach((s, i) => {
      const data = s.device.metadataToSave();
      if (dictKeys(data).length === 0) return;
      const entry = s.binding.descriptor;
      // The attributes the entry is saved under: its own, then those the device adds, and the
      // device's alias as it is now (libvirt may have numbered its aliases again).
      const attrs: Record<string, string> = { ...(entry?.attrs ?? {}) };
      for (const [k, v] of Object.entries(saveAttrs(s.device))) if (attrs[k] === undefined) attrs[k] = v;
      if (s.device.alias !== undefined && s.device.alias !== '') attrs['alias'] = s.device.alias;
      const address = positionalAliasAddress(s.device, attrs);
      if (address !== undefined) {
        dictSet(data, 'address', address);
        s.device.meta.set('address', address);
      }
      // What is saved is what the device holds from now on (e.g. the deviceId of a ua- alias).
      for (const [k, v] of dictEntries(data)) if (!s.device.meta.has(k)) s.device.meta.set(k, v);
      leaveToXmlpickle(data, s.binding.xmlpickle, this.dom.document);
      if (entry !== undefined) {
        this.store.update(entry, attrs, data);
        return;
      }
      if (Object.keys(attrs).length === 0) {
        problems.push({
          code: 'INVALID_DOMAIN',
          message: `${s.device.kind} #${i} (${s.device.path}): nothing identifies it (no alias, no natural key): its metadata cannot be saved`,
          device: i,
        });
        return;
      }
      s.binding = { ...s.binding, descriptor: this.store.add(attrs, data) };
    });
    this.store.writeInto(this.dom.document);
    return problems;
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
    const consumed = new Set<MetadataEntry>();
    for (const { element, data, from } of drives) {
      const device = buildDevice(element, data);
      const descriptor = from.find((e) => e.layout === 'descriptor');
      const xmlpickle = from.find((e) => e.layout === 'xmlpickle');
      this.slots.push({ device, binding: { rule: 'created', descriptor, xmlpickle }, problems: [] });
      for (const e of from) consumed.add(e);
    }
    this.orphanEntries = this.orphanEntries.filter((e) => !consumed.has(e));
    this.sortSlots();
  }

  /** @internal the binder's layouts, for flows. */
  entriesOf(layout: Layout): readonly MetadataEntry[] {
    return layout === 'descriptor' ? this.store.entries : this.xmlpickle;
  }
}

function push(m: Map<string, number[]>, k: string, i: number): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [i]);
  else l.push(i);
}

function dup(what: string, list: number[], devs: Device[]): Problem {
  return {
    code: 'DUPLICATE_DEVICE',
    message: `${what}: ${list.map((i) => `${devs[i]?.kind ?? ''} #${i} (${devs[i]?.path ?? ''})`).join(', ')}`,
    device: list[1],
  };
}

function ambiguityError(ambiguities: readonly Ambiguity[]): AmbiguousBindingError {
  return new AmbiguousBindingError(
    'metadata binds ambiguously',
    ambiguities.map((a) => a.message),
  );
}

/**
 * Keys the descriptor layout cannot hold (a list of dicts in a NIC's conf, nested specParams) stay
 * in the xmlpickle group they came from, which is kept as it is: they are dropped from what the
 * descriptor writes only when the xmlpickle entry holds the very same value, so nothing is lost.
 * Anything else the layout cannot hold is the encoder's error, with its path.
 */
function leaveToXmlpickle(data: Dict, xmlpickle: MetadataEntry | undefined, doc: Document): void {
  if (xmlpickle === undefined) return;
  for (const [k, v] of dictEntries(data)) {
    if (isScalar(v) || !hasKey(xmlpickle.data, k)) continue;
    if (valueEquals(xmlpickle.data[k] as Value, v) && !descriptorCanHold(k, v, doc)) dictDelete(data, k);
  }
}

/** Fills a device's (empty) metadata dict from its entries, later ones winning. */
function fillMeta(device: Device, entries: (MetadataEntry | undefined)[]): void {
  const target = device.meta.toDict();
  for (const e of entries) {
    if (e === undefined) continue;
    for (const k of dictKeys(e.data)) dictSet(target, k, e.data[k] as Value);
  }
}

/**
 * The guest address of a device whose entry (saved under `attrs`) nothing but a libvirt-assigned
 * alias identifies (no user alias, no natural key in the attributes), as a metadata dict; undefined
 * for every other device.
 */
function positionalAliasAddress(device: Device, attrs: Record<string, string>): Dict | undefined {
  const alias = attrs['alias'];
  if (alias === undefined || alias.startsWith(USER_ALIAS_PREFIX)) return undefined;
  if (hasNaturalKey(descriptorIdentity(attrs, dict()).keys)) return undefined;
  const address = device.address;
  return address === undefined ? undefined : dict(Object.entries(address));
}

/** Vdsm's device class name for a tag, as written in `devtype`. */
function devtype(kind: string): string {
  return kind === 'memballoon' ? 'balloon' : kind;
}

/** The descriptor attributes that identify a device (design: natural keys, plus alias). */
export function saveAttrs(device: Device): Record<string, string> {
  const id = device.identity();
  const attrs: Record<string, string> = {};
  switch (id.kind) {
    case 'disk':
      if (id.keys.name !== undefined) Object.assign(attrs, { devtype: 'disk', name: id.keys.name });
      break;
    case 'interface': {
      const mac = (device.toJSON().fields as { mac?: unknown }).mac;
      if (typeof mac === 'string' && mac !== '') attrs['mac_address'] = mac;
      else if (id.keys.mac !== undefined) attrs['mac_address'] = id.keys.mac;
      break;
    }
    case 'graphics':
      if (id.keys.type !== undefined) Object.assign(attrs, { devtype: 'graphics', name: id.keys.type });
      break;
    case 'lease':
      if (id.keys.leaseKey !== undefined) Object.assign(attrs, { devtype: 'lease', name: id.keys.leaseKey });
      break;
    default:
      if (id.keys.uuid !== undefined) Object.assign(attrs, { devtype: devtype(id.kind), uuid: id.keys.uuid });
      else if (id.alias !== undefined) Object.assign(attrs, { devtype: devtype(id.kind), name: id.alias });
  }
  if (id.alias !== undefined) {
    attrs['devtype'] ??= devtype(id.kind);
    attrs['alias'] = id.alias;
  }
  return attrs;
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
