import { onOff, openEnum, str, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field, flag } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';

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
  driverType: field(
    'driver/@type',
    openEnum<'path' | 'handle' | 'loop' | 'nbd' | 'ploop' | 'virtiofs'>('fs driver type'),
  ),
  driverFormat: field('driver/@format', openEnum('fs driver format')),
  driverWrpolicy: field('driver/@wrpolicy', openEnum<'immediate'>('fs driver wrpolicy')),
  driverQueue: field('driver/@queue', uint),
  ...virtioDriverFields,
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
  sourceName: field('source/@name', str),
  sourceSocket: field('source/@socket', str),
  sourceUsage: USAGE.value,
  sourceUnits: USAGE.unit,
  targetDir: field('target/@dir', str),
  readonly: flag('readonly'),
} as const;

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
  /** libvirt's order of virtiofsd's settings (virDomainFSDefFormat), for creating them. */
  static override readonly nestedOrder: NestedOrder = {
    binary: ['cache', 'sandbox', 'lock', 'thread_pool', 'openfiles'],
  };

  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  get accessmode(): string | undefined {
    return this.read(F.accessmode);
  }
  set accessmode(v: string | undefined) {
    this.write(F.accessmode, v);
  }

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  get multidevs(): string | undefined {
    return this.read(F.multidevs);
  }
  set multidevs(v: string | undefined) {
    this.write(F.multidevs, v);
  }

  get fmode(): string | undefined {
    return this.read(F.fmode);
  }
  set fmode(v: string | undefined) {
    this.write(F.fmode, v);
  }

  get dmode(): string | undefined {
    return this.read(F.dmode);
  }
  set dmode(v: string | undefined) {
    this.write(F.dmode, v);
  }

  /** The filesystem driver (`path`, `handle` for 9p; `virtiofs`; `loop`, `nbd` for LXC). */
  get driverType(): string | undefined {
    return this.read(F.driverType);
  }
  set driverType(v: string | undefined) {
    this.write(F.driverType, v);
  }

  /** The image format of a file or nbd filesystem (`raw`, `qcow2`...). */
  get driverFormat(): string | undefined {
    return this.read(F.driverFormat);
  }
  set driverFormat(v: string | undefined) {
    this.write(F.driverFormat, v);
  }

  get driverWrpolicy(): string | undefined {
    return this.read(F.driverWrpolicy);
  }
  set driverWrpolicy(v: string | undefined) {
    this.write(F.driverWrpolicy, v);
  }

  /** virtiofs: the request queue size. */
  get driverQueue(): number | undefined {
    return this.read(F.driverQueue);
  }
  set driverQueue(v: number | undefined) {
    this.write(F.driverQueue, v);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }

  /** virtiofs: the virtiofsd binary. */
  get binaryPath(): string | undefined {
    return this.read(F.binaryPath);
  }
  set binaryPath(v: string | undefined) {
    this.write(F.binaryPath, v);
  }

  get binaryXattr(): boolean | undefined {
    return this.read(F.binaryXattr);
  }
  set binaryXattr(v: boolean | undefined) {
    this.write(F.binaryXattr, v);
  }

  get binaryCacheMode(): string | undefined {
    return this.read(F.binaryCacheMode);
  }
  set binaryCacheMode(v: string | undefined) {
    this.write(F.binaryCacheMode, v);
  }

  get binarySandboxMode(): string | undefined {
    return this.read(F.binarySandboxMode);
  }
  set binarySandboxMode(v: string | undefined) {
    this.write(F.binarySandboxMode, v);
  }

  get binaryLockPosix(): boolean | undefined {
    return this.read(F.binaryLockPosix);
  }
  set binaryLockPosix(v: boolean | undefined) {
    this.write(F.binaryLockPosix, v);
  }

  get binaryLockFlock(): boolean | undefined {
    return this.read(F.binaryLockFlock);
  }
  set binaryLockFlock(v: boolean | undefined) {
    this.write(F.binaryLockFlock, v);
  }

  get binaryThreadPoolSize(): number | undefined {
    return this.read(F.binaryThreadPoolSize);
  }
  set binaryThreadPoolSize(v: number | undefined) {
    this.write(F.binaryThreadPoolSize, v);
  }

  get sourceDir(): string | undefined {
    return this.read(F.sourceDir);
  }
  set sourceDir(v: string | undefined) {
    this.write(F.sourceDir, v);
  }

  get sourceFile(): string | undefined {
    return this.read(F.sourceFile);
  }
  set sourceFile(v: string | undefined) {
    this.write(F.sourceFile, v);
  }

  get sourceDev(): string | undefined {
    return this.read(F.sourceDev);
  }
  set sourceDev(v: string | undefined) {
    this.write(F.sourceDev, v);
  }

  /** type='template': the template's name. */
  get sourceName(): string | undefined {
    return this.read(F.sourceName);
  }
  set sourceName(v: string | undefined) {
    this.write(F.sourceName, v);
  }

  /** virtiofs: the socket of a virtiofsd started outside libvirt. */
  get sourceSocket(): string | undefined {
    return this.read(F.sourceSocket);
  }
  set sourceSocket(v: string | undefined) {
    this.write(F.sourceSocket, v);
  }

  /** type='ram': the size in KiB, honouring `units`. */
  get usageKiB(): number | undefined {
    return readKiB(this.element, USAGE);
  }
  set usageKiB(v: number | undefined) {
    writeKiB(this.element, USAGE, v, (f, x) => this.write(f, x));
  }

  /** Where the guest sees it: a mount tag (9p, virtiofs) or a path (LXC). */
  get targetDir(): string | undefined {
    return this.read(F.targetDir);
  }
  set targetDir(v: string | undefined) {
    this.write(F.targetDir, v);
  }

  get readonly(): boolean {
    return this.read(F.readonly) === true;
  }
  set readonly(v: boolean) {
    this.write(F.readonly, v);
  }

  protected override derivedFields(): Record<string, unknown> {
    const usage = this.usageKiB;
    return usage === undefined ? {} : { usageKiB: usage };
  }
}
