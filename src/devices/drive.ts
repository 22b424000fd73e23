/**
 * `<disk>`: a disk, cdrom, floppy or lun, backed by a file, block device, network volume, storage
 * pool volume or NVMe namespace (libvirt formatdomain, "Hard drives, floppy disks, CDROMs").
 * `Drive.create(conf)` builds a new one from a Vdsm-style drive dict.
 */
import { ConfError, isVmDevicesError } from '../errors.js';
import { driveMetaSchema } from '../metadata/schemas/drive.js';
import type { Dict } from '../metadata/value.js';
import { nullObject } from '../metadata/value.js';
import type { DeviceMeta } from '../metadata/view.js';
import { onOff, openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { Document } from '../xml/dom.js';
import {
  attributesOf,
  childElements,
  firstChild,
  hasElementChildren,
  localNameOf,
  removeIndented,
  textOf,
} from '../xml/tree.js';
import type { AddressRecord } from './address.js';
import { readAddress } from './address.js';
import { Device, baseMetaSchema } from './device.js';
import { makeDriveName } from './drive-name.js';
import { field, flag, readField } from './field.js';
import { Part } from './part.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { addChildElement, defineAccessors } from './view.js';
import { DiskIoTune, diskMembers } from './schema/disk.js';
import type { Conf } from './conf.js';
import { driveFromConf } from './drive-conf.js';

const F = {
  device: field('@device', openEnum<'disk' | 'cdrom' | 'floppy' | 'lun'>('disk device')),
  /** The disk type (file, block, network, volume, nvme...); libvirt reads an absent one as file. */
  type: field(
    '@type',
    openEnum<'file' | 'block' | 'network' | 'volume' | 'nvme' | 'dir' | 'vhostuser'>('disk type'),
  ),
  snapshot: field('@snapshot', openEnum<'no' | 'internal' | 'external' | 'manual'>('disk snapshot')),
  sgio: field('@sgio', openEnum<'filtered' | 'unfiltered'>('sgio')),
  rawio: field('@rawio', yesNo),
  model: field(
    '@model',
    openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('disk model'),
  ),
  driverName: field('driver/@name', openEnum<'qemu' | 'tap' | 'phy' | 'file'>('driver name')),
  /** The image format (`raw`, `qcow2`). */
  driverType: field(
    'driver/@type',
    openEnum<'raw' | 'qcow2' | 'vmdk' | 'qed' | 'vdi' | 'iso'>('driver type'),
  ),
  driverCache: field(
    'driver/@cache',
    openEnum<'default' | 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe'>('driver cache'),
  ),
  driverIo: field('driver/@io', openEnum<'threads' | 'native' | 'io_uring'>('driver io')),
  driverDiscard: field('driver/@discard', openEnum<'unmap' | 'ignore'>('driver discard')),
  driverErrorPolicy: field(
    'driver/@error_policy',
    openEnum<'stop' | 'report' | 'ignore' | 'enospace'>('error policy'),
  ),
  driverRerrorPolicy: field(
    'driver/@rerror_policy',
    openEnum<'stop' | 'report' | 'ignore'>('read error policy'),
  ),
  driverIothread: field('driver/@iothread', uint),
  driverCopyOnRead: field('driver/@copy_on_read', onOff),
  driverDetectZeroes: field('driver/@detect_zeroes', openEnum<'off' | 'on' | 'unmap'>('detect zeroes')),
  /** The guest device name (`vda`): read as written, never recomputed from bus and index. */
  targetDev: field('target/@dev', str),
  targetBus: field(
    'target/@bus',
    openEnum<'ide' | 'fdc' | 'scsi' | 'virtio' | 'xen' | 'usb' | 'sata' | 'sd'>('disk bus'),
  ),
  targetTray: field('target/@tray', openEnum<'open' | 'closed'>('tray')),
  targetRemovable: field('target/@removable', onOff),
  readonly: flag('readonly'),
  shareable: flag('shareable'),
  transient: flag('transient'),
  /** undefined when there is no `<serial>`, '' for an empty one. */
  serial: field('serial', str),
  wwn: field('wwn', str),
  vendor: field('vendor', str),
  product: field('product', str),
  iotuneGroupName: field('iotune/group_name', str),
} as const;

/** libvirt's order of a `<disk>`'s children (virDomainDiskDefFormat), for inserting new ones. */
export const DISK_CHILD_ORDER = [
  'driver',
  'auth',
  'source',
  'backingStore',
  'backenddomain',
  'geometry',
  'blockio',
  'mirror',
  'target',
  'iotune',
  'readonly',
  'shareable',
  'transient',
  'serial',
  'wwn',
  'vendor',
  'product',
  'encryption',
  'boot',
  'alias',
  'address',
] as const;

/** The one `<iotune>` child that is text, not a number. */
export const IOTUNE_GROUP = 'group_name';
export const IOTUNE_KEY = /^[a-z][a-z0-9_]*$/;

export interface NetworkHost {
  name?: string;
  port?: number;
  transport?: string;
  socket?: string;
}

const AUTH = {
  username: field('@username', str),
  secretType: field('secret/@type', openEnum<'ceph' | 'iscsi'>('secret type')),
  secretUsage: field('secret/@usage', str),
  secretUuid: field('secret/@uuid', str),
} as const;

export interface DiskAuth extends Accessors<typeof AUTH> {}
/** A network disk's `<auth>` (a child of `<disk>` or, in newer XML, of `<source>`). */
export class DiskAuth extends Part {
  static override readonly fields = AUTH;
  static override readonly childOrder = ['secret'];
  static {
    defineAccessors(this);
  }
}

const BACKING = {
  type: field('@type', openEnum<'file' | 'block' | 'network' | 'volume' | 'nvme'>('backing store type')),
  index: field('@index', uint),
  format: field('format/@type', openEnum<'raw' | 'qcow2' | 'vmdk'>('backing store format')),
  protocol: field('source/@protocol', str),
} as const;

/**
 * The path attributes of a `<source>` below a disk or a backing layer, read without a view (identity
 * reads them for every disk).
 */
const SOURCE_PATH = {
  file: field('source/@file', str),
  dev: field('source/@dev', str),
  name: field('source/@name', str),
} as const;

export interface BackingStore extends Accessors<typeof BACKING> {}
/**
 * One layer of a disk's `<backingStore>` chain, summarized as toJSON shows the chain
 * (`backingChain()`); `disk.backingStore` is the schema's whole view.
 */
export class BackingStore extends Part {
  static override readonly fields = BACKING;
  static {
    defineAccessors(this);
  }

  /** The layer's source: its file, dev, or network name (whichever the source has). */
  get path(): string | undefined {
    return this.read(SOURCE_PATH.file) ?? this.read(SOURCE_PATH.dev) ?? this.read(SOURCE_PATH.name);
  }

  override toJSON(): Record<string, unknown> {
    const out = super.toJSON();
    const path = this.path;
    if (path !== undefined) out['path'] = path;
    return out;
  }
}

/** Present attributes of a disk's `<source>` common to the source kinds. */
interface SourceCommon {
  index?: number;
  startupPolicy?: string;
}
export interface FileSource extends SourceCommon {
  type: 'file';
  file?: string;
}
export interface BlockSource extends SourceCommon {
  type: 'block';
  dev?: string;
}
export interface NetworkSource extends SourceCommon {
  type: 'network';
  protocol?: string;
  name?: string;
  tls?: boolean;
  hosts: NetworkHost[];
}
export interface VolumeSource extends SourceCommon {
  type: 'volume';
  pool?: string;
  volume?: string;
  mode?: string;
}
export interface NvmeSource extends SourceCommon {
  type: 'nvme';
  /** The source's own `type` (`pci`). */
  nvmeType?: string;
  managed?: boolean;
  namespace?: number;
  /** The host PCI address of the NVMe controller. */
  address?: AddressRecord;
}
/** A disk type this class does not model (dir, vhostuser, tomorrow's): the source's attributes. */
export interface OtherSource {
  type: 'other';
  diskType: string;
  attributes: Record<string, string>;
}
export type DriveSource = FileSource | BlockSource | NetworkSource | VolumeSource | NvmeSource | OtherSource;

/** The metadata a Drive reads (base keys plus the storage keys). */
const DRIVE_META = { ...baseMetaSchema, ...driveMetaSchema } as const;

export interface Drive extends Accessors<typeof F & typeof diskMembers> {}
export class Drive extends Device {
  static override readonly tag = 'disk';
  static override readonly vdsmNames = ['drive', 'cdrom', 'floppy', 'lun'];
  /**
   * The target dev (Vdsm saves it as `name`; its conf may give it as iface + index). Serial and
   * source path find a disk but never refuse one: a snapshot changes the path.
   */
  static override readonly identifiedBy = identifiedBy(
    key({ name: 'target/@dev' }, { conf: (c) => ({ name: confDriveName(c) }) }),
    key(
      { serial: 'serial' },
      { refuse: false, save: false, conf: (c) => ({ serial: confText(c, 'serial') }) },
    ),
    key<Drive>(
      { path: (d) => d.sourcePath },
      { refuse: false, save: false, conf: (c) => ({ path: confText(c, 'path') }) },
    ),
  );
  static override readonly fields = F;
  static override readonly members = diskMembers;
  static override readonly childOrder = DISK_CHILD_ORDER;
  static override readonly metaSchema = DRIVE_META;
  declare readonly meta: DeviceMeta<typeof DRIVE_META>;
  static {
    defineAccessors(this);
  }

  // <source>: one accessor per attribute, and the typed view in `source`.

  /**
   * The source path Vdsm and the binder go by: the file (file disks), dev (block) or network name;
   * undefined for other disk types and when the source or attribute is absent.
   */
  get sourcePath(): string | undefined {
    const attr = this.pathAttribute();
    return attr === undefined ? undefined : this.read(SOURCE_PATH[attr]);
  }
  set sourcePath(v: string | undefined) {
    const attr = this.pathAttribute();
    if (attr === undefined) {
      throw new ConfError(
        'CONF_VALUE',
        `${this.description}: a disk of type ${JSON.stringify(this.type)} has no source path`,
        {
          path: 'path',
        },
      );
    }
    this.source[attr] = v;
  }

  private pathAttribute(): 'file' | 'dev' | 'name' | undefined {
    const type = this.type ?? 'file';
    return type === 'file' ? 'file' : type === 'block' ? 'dev' : type === 'network' ? 'name' : undefined;
  }

  /**
   * What `<source>` says for the disk's type, as one typed value (toJSON's `source`); undefined
   * when there is no `<source>` (an empty cdrom). Reading and writing go through `source`.
   */
  sourceSummary(): DriveSource | undefined {
    const el = firstChild(this.element, 'source');
    if (el === undefined) return undefined;
    const S = this.source;
    const type: string = this.type ?? 'file';
    const common: SourceCommon = {};
    const index = S.index;
    if (index !== undefined) common.index = index;
    const startupPolicy = S.startupPolicy;
    if (startupPolicy !== undefined) common.startupPolicy = startupPolicy;
    switch (type) {
      case 'file':
        return present({ type, file: S.file, ...common });
      case 'block':
        return present({ type, dev: S.dev, ...common });
      case 'network':
        return present({
          type,
          protocol: S.protocol,
          name: S.name,
          tls: S.tls,
          hosts: S.hosts.map((h) =>
            present({ name: h.name, port: h.port, transport: h.transport, socket: h.socket }),
          ),
          ...common,
        });
      case 'volume':
        return present({
          type,
          pool: S.pool,
          volume: S.volume,
          mode: S.mode,
          ...common,
        });
      case 'nvme':
        return present({
          type,
          nvmeType: S.type,
          managed: S.managed,
          namespace: S.namespace,
          address: readAddress(el),
          ...common,
        });
      default:
        return { type: 'other', diskType: type, attributes: Object.fromEntries(attributesOf(el)) };
    }
  }

  /** The network disk's `<auth>`: the disk's own child, else the source's. */
  get auth(): DiskAuth | undefined {
    const source = firstChild(this.element, 'source');
    const el =
      firstChild(this.element, 'auth') ?? (source === undefined ? undefined : firstChild(source, 'auth'));
    return el === undefined ? undefined : new DiskAuth(el);
  }

  /**
   * The `<iotune>` limits as numbers, by libvirt key (`total_bytes_sec`, `read_iops_sec_max`...;
   * any key libvirt adds is read too); `group_name` is text, see iotuneGroupName. undefined when
   * there is no `<iotune>`.
   */
  get iotune(): Record<string, number> | undefined {
    const el = firstChild(this.element, 'iotune');
    if (el === undefined) return undefined;
    const out = nullObject<number>();
    // Children in another namespace are someone else's extension, not limits.
    for (const c of childElements(el, undefined, el.namespaceURI ?? null)) {
      const key = localNameOf(c);
      if (key === IOTUNE_GROUP || key in out) continue;
      out[key] = readField(el, field(key, uint)) as number;
    }
    return out;
  }
  /** Sets exactly these limits (other numeric children go, group_name stays); undefined removes `<iotune>`. */
  set iotune(values: Readonly<Record<string, number>> | undefined) {
    const el = firstChild(this.element, 'iotune');
    if (values === undefined) {
      if (el !== undefined) removeIndented(el);
      return;
    }
    for (const [key, v] of Object.entries(values)) this.setIotune(key, v);
    for (const key of Object.keys(this.iotune ?? {}))
      if (!Object.prototype.hasOwnProperty.call(values, key)) this.setIotune(key, undefined);
  }

  /** Sets (or, with undefined, removes) one `<iotune>` limit, inserted in libvirt's order. */
  setIotune(key: string, value: number | undefined): void {
    if (!IOTUNE_KEY.test(key) || key === IOTUNE_GROUP) {
      throw new ConfError(
        'CONF_VALUE',
        `${this.description}: ${JSON.stringify(key)} is not an iotune limit`,
        { path: 'iotune' },
      );
    }
    if (value !== undefined && !uint.is(value)) {
      throw new ConfError(
        'CONF_VALUE',
        `${this.description}: iotune ${key} must be a non-negative integer, got ${String(value)}`,
        {
          path: `iotune.${key}`,
        },
      );
    }
    if (value !== undefined) {
      const el =
        firstChild(this.element, 'iotune') ?? addChildElement(this.element, 'iotune', DISK_CHILD_ORDER);
      if (firstChild(el, key) === undefined) addChildElement(el, key, DiskIoTune.childOrder);
    }
    this.write(field(`iotune/${key}`, uint), value);
  }

  /**
   * The `<backingStore>` chain, top layer first, without the empty `<backingStore/>` that ends it;
   * undefined when the disk has no `<backingStore>` at all ([] when it has only the terminator).
   */
  backingChain(): BackingStore[] | undefined {
    let el = firstChild(this.element, 'backingStore');
    if (el === undefined) return undefined;
    const out: BackingStore[] = [];
    while (
      el !== undefined &&
      (attributesOf(el).length > 0 || hasElementChildren(el) || textOf(el).trim() !== '')
    ) {
      out.push(new BackingStore(el));
      el = firstChild(el, 'backingStore');
    }
    return out;
  }

  protected override derivedFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const source = this.sourceSummary();
    if (source !== undefined) out['source'] = source;
    const auth = this.auth;
    if (auth !== undefined) out['auth'] = auth.toJSON();
    const iotune = this.iotune;
    if (iotune !== undefined) out['iotune'] = iotune;
    const chain = this.backingChain();
    if (chain !== undefined) out['backingStore'] = chain.map((b) => b.toJSON());
    return out;
  }

  /**
   * Builds a new `<disk>` from a Vdsm-style drive dict (the seed's `devices` entries): see
   * `driveFromConf` (drive-conf.ts) for the keys. The element is the root of its own document, or a
   * detached element of `doc` for the caller to insert.
   */
  static create(conf: Conf, doc?: Document): Drive {
    return driveFromConf(conf, doc);
  }
}

/** The object without its undefined members (absent fields are left out of views and JSON). */
function present<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A disk conf's target dev: `name`, else the one iface + index name (none for a bad pair: a conf is not an error here). */
export function confDriveName(conf: Dict): string | undefined {
  const name = confText(conf, 'name');
  if (name !== undefined) return name;
  const iface = confText(conf, 'iface');
  const index = confText(conf, 'index');
  if (iface === undefined || index === undefined || !/^\d+$/.test(index)) return undefined;
  try {
    return makeDriveName(iface, Number(index));
  } catch (e) {
    if (isVmDevicesError(e)) return undefined;
    throw e;
  }
}
