import { onOff, openEnum, str, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field, flag } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { filesystemMembers } from './schema/filesystem.js';

/** type='ram': the RAM filesystem's size; `units` (not `unit`) names its unit, KiB by default. */
const USAGE = scaled('source/@usage', 'source/@units');

const F = {
  type: field(
    '@type',
    openEnum<'mount' | 'bind' | 'file' | 'block' | 'ram' | 'template' | 'volume'>('filesystem type'),
  ),
  accessmode: field('@accessmode', openEnum<'passthrough' | 'mapped' | 'squash'>('filesystem accessmode')),
  model: field(
    '@model',
    openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('filesystem model'),
  ),
  multidevs: field('@multidevs', openEnum<'default' | 'remap' | 'forbid' | 'warn'>('filesystem multidevs')),
  // Octal permission modes (`0644`): kept as written.
  fmode: field('@fmode', str),
  dmode: field('@dmode', str),
  /** The filesystem driver (`path`, `handle` for 9p; `virtiofs`; `loop`, `nbd` for LXC). */
  driverType: field(
    'driver/@type',
    openEnum<'path' | 'handle' | 'loop' | 'nbd' | 'ploop' | 'virtiofs'>('fs driver type'),
  ),
  /** The image format of a file or nbd filesystem (`raw`, `qcow2`...). */
  driverFormat: field('driver/@format', openEnum('fs driver format')),
  driverWrpolicy: field('driver/@wrpolicy', openEnum<'immediate'>('fs driver wrpolicy')),
  /** virtiofs: the request queue size. */
  driverQueue: field('driver/@queue', uint),
  ...virtioDriverFields,
  /** virtiofs: the virtiofsd binary. */
  binaryPath: field('binary/@path', str),
  binaryXattr: field('binary/@xattr', onOff),
  binaryCacheMode: field('binary/cache/@mode', openEnum<'none' | 'always'>('virtiofsd cache mode')),
  binarySandboxMode: field(
    'binary/sandbox/@mode',
    openEnum<'namespace' | 'chroot'>('virtiofsd sandbox mode'),
  ),
  binaryLockPosix: field('binary/lock/@posix', onOff),
  binaryLockFlock: field('binary/lock/@flock', onOff),
  binaryThreadPoolSize: field('binary/thread_pool/@size', uint),
  sourceDir: field('source/@dir', str),
  sourceFile: field('source/@file', str),
  sourceDev: field('source/@dev', str),
  /** type='template': the template's name. */
  sourceName: field('source/@name', str),
  /** virtiofs: the socket of a virtiofsd started outside libvirt. */
  sourceSocket: field('source/@socket', str),
  sourceUsage: USAGE.value,
  sourceUnits: USAGE.unit,
  /** Where the guest sees it: a mount tag (9p, virtiofs) or a path (LXC). */
  targetDir: field('target/@dir', str),
  readonly: flag('readonly'),
} as const;

export interface Filesystem extends Accessors<typeof F & typeof filesystemMembers> {}
/**
 * `<filesystem>`: a host directory, file, block device or RAM area the guest mounts (9p, virtiofs,
 * or an LXC container's filesystem). The source attribute depends on the type: dir (mount, bind),
 * file, dev (block), name (template), socket (an externally started virtiofsd), usage (ram).
 */
export class Filesystem extends Device {
  static override readonly tag = 'filesystem';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ target: 'target/@dir' }));
  static override readonly fields = F;
  static override readonly members = filesystemMembers;
  static override readonly childOrder = [
    'driver',
    'binary',
    'source',
    'target',
    'idmap',
    'readonly',
    'boot',
    'alias',
    'acpi',
    'address',
    'space_hard_limit',
    'space_soft_limit',
  ];
  static {
    defineAccessors(this);
  }
  /** libvirt's order of virtiofsd's settings (virDomainFSDefFormat), for creating them. */
  static override readonly nestedOrder: NestedOrder = {
    binary: ['cache', 'sandbox', 'lock', 'thread_pool', 'openfiles'],
  };

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }

  /** type='ram': the size in KiB, honouring `units`. */
  get usageKiB(): number | undefined {
    return readKiB(this.element, USAGE);
  }
  set usageKiB(v: number | undefined) {
    writeKiB(this.element, USAGE, v, (f, x) => this.write(f, x));
  }

  protected override derivedFields(): Record<string, unknown> {
    const usage = this.usageKiB;
    return usage === undefined ? {} : { usageKiB: usage };
  }
}
