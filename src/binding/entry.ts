/**
 * Metadata entries as the binder sees them, whatever their layout: a descriptor device block
 * (identifying attributes + data) or a dict of an xmlpickle `devices` list (Vdsm conf keys).
 */
import { addressKey } from '../devices/address.js';
import type { NaturalKeys } from '../devices/device.js';
import { makeDriveName } from '../devices/drive-name.js';
import { isVmDevicesError } from '../errors.js';
import type { Dict, Value } from '../metadata/value.js';
import { hasKey, isDict } from '../metadata/value.js';

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
  address: string | undefined;
  keys: NaturalKeys;
}

/** Vdsm's device class names that differ from libvirt tags. */
const KIND_ALIASES: Readonly<Record<string, string>> = {
  balloon: 'memballoon',
  redir: 'redirdev',
  nic: 'interface',
  bridge: 'interface',
  drive: 'disk',
};

/** xmlpickle dicts without `type`: the kind follows from `device` (the sub-type). */
const KIND_OF_DEVICE: Readonly<Record<string, string>> = {
  disk: 'disk',
  cdrom: 'disk',
  floppy: 'disk',
  lun: 'disk',
  vnc: 'graphics',
  spice: 'graphics',
  memballoon: 'memballoon',
  balloon: 'memballoon',
  bridge: 'interface',
  interface: 'interface',
  hostdev: 'hostdev',
  console: 'console',
  rng: 'rng',
  smartcard: 'smartcard',
  tpm: 'tpm',
  watchdog: 'watchdog',
  lease: 'lease',
  redir: 'redirdev',
  redirdev: 'redirdev',
};

export function normalizeKind(kind: string): string {
  return KIND_ALIASES[kind] ?? kind;
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

/** Empty identifying values never match anything. */
function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** The identity of a descriptor device block with these attributes and data. */
export function descriptorIdentity(attrs: Readonly<Record<string, string>>, data: Dict): EntryIdentity {
  const devtype = nonEmpty(attrs['devtype']);
  const mac = nonEmpty(attrs['mac_address']);
  const uuid = nonEmpty(attrs['uuid']);
  const name = nonEmpty(attrs['name']);
  let kind = devtype !== undefined ? normalizeKind(devtype) : undefined;
  if (kind === undefined && mac !== undefined) kind = 'interface';
  const keys: NaturalKeys = {};
  let alias = nonEmpty(attrs['alias']);
  if (mac !== undefined) keys.mac = mac.toLowerCase();
  if (uuid !== undefined) keys.uuid = uuid.toLowerCase();
  if (name !== undefined) {
    // Vdsm's convention: `name` is the target dev for disks, the type for graphics, the key for
    // leases, and the alias for every other kind.
    if (kind === 'disk') keys.name = name;
    else if (kind === 'graphics') keys.type = name;
    else if (kind === 'lease') keys.leaseKey = name;
    else alias ??= name;
  }
  return identityWith(kind, alias, keys, data);
}

/** The identity, with what both layouts keep the same way in the data: deviceId, address, a controller's model. */
function identityWith(
  kind: string | undefined,
  alias: string | undefined,
  keys: NaturalKeys,
  data: Dict,
): EntryIdentity {
  const address = get(data, 'address');
  const model = kind === 'controller' ? text(get(data, 'model')) : undefined;
  if (model !== undefined) keys.model = model;
  return {
    kind,
    alias,
    deviceId: text(get(data, 'deviceId')),
    address: isDict(address) ? addressKey(address) : undefined,
    keys,
  };
}

function xmlpickleIdentity(d: Dict): EntryIdentity {
  const type = text(get(d, 'type'));
  const device = text(get(d, 'device'));
  let kind: string | undefined;
  if (type !== undefined) kind = KIND_OF_DEVICE[type] ?? normalizeKind(type);
  else if (device !== undefined) kind = KIND_OF_DEVICE[device];
  const keys: NaturalKeys = {};
  const mac = text(get(d, 'macAddr'));
  if (mac !== undefined) {
    keys.mac = mac.toLowerCase();
    kind ??= 'interface';
  }
  if (kind === 'disk') {
    const name = text(get(d, 'name'));
    const iface = text(get(d, 'iface'));
    const index = text(get(d, 'index'));
    if (name !== undefined) keys.name = name;
    else if (iface !== undefined && index !== undefined && /^\d+$/.test(index)) {
      const derived = safeDriveName(iface, Number(index));
      if (derived !== undefined) keys.name = derived;
    }
    const path = text(get(d, 'path'));
    if (path !== undefined) keys.path = path;
    const serial = text(get(d, 'serial'));
    if (serial !== undefined) keys.serial = serial;
  }
  if (kind === 'graphics' && device !== undefined && device !== 'graphics') keys.type = device;
  if (kind === 'controller') {
    // Vdsm's controller dicts: the controller type is `device`, with its `index`.
    const index = text(get(d, 'index'));
    if (device !== undefined && device !== 'controller' && index !== undefined)
      keys.controller = `${device}:${index}`;
  }
  if (kind === 'lease') {
    const key = text(get(d, 'lease_id'));
    if (key !== undefined) keys.leaseKey = key;
  }
  const uuid = text(get(d, 'uuid'));
  if (uuid !== undefined) keys.uuid = uuid.toLowerCase();
  return identityWith(kind, text(get(d, 'alias')), keys, d);
}

/** The drive name of iface+index, or undefined when they name none (an entry is not an error). */
function safeDriveName(iface: string, index: number): string | undefined {
  try {
    return makeDriveName(iface, index);
  } catch (e) {
    if (isVmDevicesError(e)) return undefined;
    throw e;
  }
}

export function entryIdentity(entry: MetadataEntry): EntryIdentity {
  return entry.layout === 'descriptor'
    ? descriptorIdentity(entry.attrs ?? {}, entry.data)
    : xmlpickleIdentity(entry.data);
}

/** How reports and errors name an entry. */
export function describeEntry(entry: MetadataEntry): string {
  if (entry.layout === 'descriptor') {
    const attrs = Object.entries(entry.attrs ?? {})
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ');
    return `descriptor entry #${entry.index} (${attrs})`;
  }
  return `xmlpickle devices[${entry.index}]`;
}
