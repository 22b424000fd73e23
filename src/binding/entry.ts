/**
 * Metadata entries as the binder sees them, whatever their layout: a descriptor device block
 * (identifying attributes + data) or a dict of an xmlpickle `devices` list (Vdsm conf keys).
 */
import { addressKey } from '../devices/address.js';
import type { IdentitySpec, KeyValues } from '../devices/identity.js';
import { NO_IDENTITY } from '../devices/identity.js';
import { classForTag, kindOfName } from '../devices/registry.js';
import type { Dict, Value } from '../metadata/value.js';
import { hasKey, isDict, nullObject } from '../metadata/value.js';

export type Layout = 'descriptor' | 'xmlpickle';

export interface MetadataEntry {
  layout: Layout;
  /** 0-based position among that layout's entries. */
  index: number;
  /** Descriptor: the device block's attributes. */
  attrs?: Readonly<Record<string, string>>;
  data: Dict;
}

/** What an entry says about the device it belongs to. */
export interface EntryIdentity {
  /** The libvirt tag it names, when it names one. */
  kind: string | undefined;
  alias: string | undefined;
  /** A `deviceId` value (matches the id of a `ua-<id>` alias). */
  deviceId: string | undefined;
  /** The guest address it records, normalized; NO_ADDRESS when it records that the device had none. */
  address: string | undefined;
  /** The identifying parts its kind declares, as the entry records them. */
  keys: KeyValues;
  /** The binder's lookups by key (rule 4). */
  lookups: readonly string[];
}

/**
 * What an entry records for a device that had no guest address when it was saved under a libvirt
 * alias (the descriptor attribute `address="none"`): libvirt assigns addresses before aliases, so
 * that device never gets one, and an entry saying so refuses a device that has one.
 */
export const NO_ADDRESS = 'none';

/** The kind a descriptor's `devtype` or a conf dict's `type` names: a tag, Vdsm's name for one, or a tag no class has. */
function normalizeKind(kind: string): string {
  return kindOfName(kind) ?? kind;
}

/** The identity spec of a kind (none for an entry that names no kind). */
function specOf(kind: string | undefined): IdentitySpec {
  return kind === undefined ? NO_IDENTITY : classForTag(kind).identifiedBy;
}

/** Empty identifying values never match anything. */
function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** The identity of a descriptor device block with these attributes and data. */
export function descriptorIdentity(attrs: Readonly<Record<string, string>>, data: Dict): EntryIdentity {
  const devtype = nonEmpty(attr(attrs, 'devtype'));
  let kind = devtype !== undefined ? normalizeKind(devtype) : undefined;
  if (kind === undefined && nonEmpty(attr(attrs, 'mac_address')) !== undefined) kind = 'interface';
  const spec = specOf(kind);
  // Vdsm's convention: `name` is the alias, but for the kinds that save a key under it (a disk's
  // target dev, a graphics type, a lease key).
  let alias = nonEmpty(attr(attrs, 'alias'));
  if (!spec.namesAPart) alias ??= nonEmpty(attr(attrs, 'name'));
  const deviceId = text(get(data, 'deviceId'));
  const noAddress = attr(attrs, 'address') === NO_ADDRESS;
  return new LazyEntryIdentity(kind, spec, alias, deviceId, data, noAddress, spec.ofAttributes(attrs));
}

function xmlpickleIdentity(d: Dict): EntryIdentity {
  const type = text(get(d, 'type'));
  const device = text(get(d, 'device'));
  let kind: string | undefined;
  if (type !== undefined) kind = normalizeKind(type);
  // Without `type`, `device` is a sub-type (`cdrom`, `spice`) or the kind itself.
  else if (device !== undefined) kind = kindOfName(device);
  if (kind === undefined && text(get(d, 'macAddr')) !== undefined) kind = 'interface';
  const spec = specOf(kind);
  return new LazyEntryIdentity(
    kind,
    spec,
    text(get(d, 'alias')),
    text(get(d, 'deviceId')),
    d,
    false,
    spec.ofConf(d),
  );
}

/**
 * An entry's identity; the address and the lookups, which the binder asks only of the entries that
 * the user alias did not bind (most of a saved domain's are bound so), are read when asked.
 */
class LazyEntryIdentity implements EntryIdentity {
  /** null: read, and the entry records no address. */
  private addressRead: string | null | undefined;
  private lookupsRead: readonly string[] | undefined;

  constructor(
    readonly kind: string | undefined,
    private readonly spec: IdentitySpec,
    readonly alias: string | undefined,
    readonly deviceId: string | undefined,
    private readonly data: Dict,
    /** Whether the entry records that the device had no guest address (`address="none"`). */
    private readonly noAddress: boolean,
    readonly keys: KeyValues,
  ) {}

  get address(): string | undefined {
    if (this.addressRead === undefined)
      this.addressRead = dataAddress(this.data) ?? (this.noAddress ? NO_ADDRESS : null);
    return this.addressRead ?? undefined;
  }

  get lookups(): readonly string[] {
    return (this.lookupsRead ??= this.spec.lookups(this.keys));
  }

  /** The identity as plain values, every part read. */
  toJSON(): EntryIdentity {
    const { kind, alias, deviceId, address, keys, lookups } = this;
    return { kind, alias, deviceId, address, keys, lookups };
  }
}

function attr(attrs: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(attrs, name) ? attrs[name] : undefined;
}

/** The guest address in an entry's data (Vdsm's `address` dict), normalized. */
function dataAddress(data: Dict): string | undefined {
  const address = get(data, 'address');
  return isDict(address) ? addressKey(address) : undefined;
}

/** Scalar text of a value ("2" and 2 alike); undefined for absent, empty or non-scalar values. */
function text(v: Value | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

function get(d: Dict, key: string): Value | undefined {
  return hasKey(d, key) ? d[key] : undefined;
}

export function entryIdentity(entry: MetadataEntry): EntryIdentity {
  return entry.layout === 'descriptor'
    ? descriptorIdentity(entry.attrs ?? {}, entry.data)
    : xmlpickleIdentity(entry.data);
}

/** A copy of an entry's attributes, without a prototype: their names come from documents. */
export function copyAttrs(attrs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.assign(nullObject<string>(), attrs);
}

/** How many attributes, and how much of a value, `describeEntry` shows. */
const SHOWN_ATTRS = 8;
const SHOWN_VALUE = 64;

/**
 * How reports and errors name an entry: bounded (the first attributes, long values cut), since a
 * collision names it on every device concerned.
 */
export function describeEntry(entry: MetadataEntry): string {
  if (entry.layout === 'descriptor') {
    const all = Object.entries(entry.attrs ?? {});
    const attrs = all
      .slice(0, SHOWN_ATTRS)
      .map(([k, v]) => `${cut(k)}="${cut(v)}"`)
      .join(' ');
    const more = all.length > SHOWN_ATTRS ? ` and ${String(all.length - SHOWN_ATTRS)} more` : '';
    return `descriptor entry #${entry.index} (${attrs}${more})`;
  }
  return `xmlpickle devices[${entry.index}]`;
}

function cut(s: string): string {
  return s.length > SHOWN_VALUE ? `${s.slice(0, SHOWN_VALUE)}...` : s;
}
