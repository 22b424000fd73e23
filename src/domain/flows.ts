/**
 * The agent flows: create (Engine XML → the XML for libvirt) and recover (libvirt's live XML →
 * the same device map). Hotplug, unplug, refresh and save are methods of the Domain they return.
 */
import type { MetadataEntry } from '../binding/entry.js';
import { describeEntry, entryIdentity } from '../binding/entry.js';
import { Drive } from '../devices/drive.js';
import { Lease } from '../devices/lease.js';
import { DuplicateDeviceError, VmDevicesError } from '../errors.js';
import type { Dict } from '../metadata/value.js';
import { dict, dictEntries, dictSet } from '../metadata/value.js';
import type { ParseOptions } from '../xml/dom.js';
import type { CreatedDrive } from './domain.js';
import type { Problem } from './slot.js';
import { Domain } from './domain.js';

export interface CreateResult {
  /** The final domain XML for libvirt: built disks inserted, metadata saved into `ovirt-vm`. */
  xml: string;
  domain: Domain;
}

/**
 * Flow 1, the Engine XML: storage devices that exist only as metadata (an xmlpickle `devices` dict,
 * or a descriptor `devtype="disk"` entry with no `<disk>`) are built with Drive.create and inserted
 * where libvirt puts disks; every other device is bound. Devices already in the XML are never
 * rebuilt. Ambiguous metadata, two disks with one target dev, duplicate aliases, a MAC nothing
 * distinguishes and a bad user alias are errors.
 */
export function create(engineXml: string, options: ParseOptions = {}): CreateResult {
  const domain = Domain.load(engineXml, { ...options, strict: true });
  const existing = new Set(
    domain.devices.filter((d) => d.kind === 'disk').map((d) => d.identity().keys.name),
  );

  // One drive per target dev, even when both layouts describe it.
  const groups = new Map<string, MetadataEntry[]>();
  for (const entry of domain.orphans) {
    const id = entryIdentity(entry);
    if (id.kind !== 'disk') continue;
    const key = id.keys.name ?? `${entry.layout}#${entry.index}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [entry]);
    else list.push(entry);
  }
  const created: CreatedDrive[] = [];
  for (const [name, entries] of groups) {
    if (existing.has(name)) {
      throw new DuplicateDeviceError(
        `metadata describes a disk "${name}" that the XML already has, and does not bind to it`,
        {
          source: options.source,
        },
      );
    }
    const conf = driveConf(entries);
    let drive: Drive;
    try {
      // Made in the domain's document: no document and no copy per drive.
      drive = Drive.create(conf, domain.document.document);
    } catch (e) {
      if (e instanceof VmDevicesError) rethrow(e, entries, options.source);
      throw e;
    }
    existing.add(drive.identity().keys.name);
    created.push({ element: drive.element, data: conf, from: entries });
  }
  domain.addCreated(created);

  fillLeasePlaceholders(domain);
  const problems = domain.validate();
  const fatal = problems.find((p) => p.code !== 'AMBIGUOUS_BINDING');
  if (fatal !== undefined) throw problemError(fatal, options.source);
  domain.save();
  return { xml: domain.toXml(), domain };
}

/**
 * Engine XML may carry volume leases whose target is a placeholder (`LEASE-PATH...`,
 * `LEASE-OFFSET...`): the drive whose top volume the lease guards (lockspace = its domainID, key =
 * its volumeID) gives the lease path and offset. Leases no drive claims are VM leases and stay.
 */
function fillLeasePlaceholders(domain: Domain): void {
  const devices = domain.devices;
  if (!devices.some((d) => d instanceof Lease && d.hasPlaceholders)) return;
  const byVolume = new Map<string, { path: string; offset: number }>();
  for (const d of devices) {
    if (!(d instanceof Drive)) continue;
    const top = d.meta.get('volumeChain')?.at(-1);
    if (top?.domainID === undefined || top.volumeID === undefined) continue;
    if (top.leasePath === undefined || top.leaseOffset === undefined) continue;
    byVolume.set(`${top.domainID}/${top.volumeID}`, { path: top.leasePath, offset: top.leaseOffset });
  }
  for (const d of devices) {
    if (!(d instanceof Lease) || !d.hasPlaceholders) continue;
    const volume = byVolume.get(`${d.lockspace ?? ''}/${d.key ?? ''}`);
    if (volume !== undefined) d.fillPlaceholders(volume.path, volume.offset);
  }
}

/** A conf error, naming the metadata entries the drive was built from. */
function rethrow(e: VmDevicesError, entries: readonly MetadataEntry[], source: string | undefined): never {
  const where = entries.map(describeEntry).join(' + ');
  throw new VmDevicesError(e.code, `${where}: ${e.detail}`, {
    source: e.source ?? source,
    path: e.path,
    line: e.line,
    column: e.column,
  });
}

/** The conf of a drive from its entries: xmlpickle dict, then descriptor data (+ its `name`) winning. */
function driveConf(entries: readonly MetadataEntry[]): Dict {
  const conf = dict();
  const ordered = [...entries].sort((a, b) =>
    a.layout === b.layout ? 0 : a.layout === 'xmlpickle' ? -1 : 1,
  );
  for (const e of ordered) {
    for (const [k, v] of dictEntries(e.data)) dictSet(conf, k, v);
    const name = e.attrs?.['name'];
    if (e.layout === 'descriptor' && name !== undefined && name !== '') dictSet(conf, 'name', name);
  }
  return conf;
}

function problemError(p: Problem, source: string | undefined): VmDevicesError {
  return new VmDevicesError(p.code, p.message, { source, line: p.line, column: p.column });
}

/**
 * Flow 2, recovery: libvirt's live XML with the metadata the agent saved → the device map. Lenient:
 * an ambiguity is reported on the devices concerned and every other device is bound.
 */
export function recover(liveXml: string, options: ParseOptions = {}): Domain {
  return Domain.load(liveXml, { ...options, strict: false });
}
