import { openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { confText, identifiedBy, key } from './identity.js';

const F = {
  /** vhostuser: the GPU runs in an external vhost-user process. */
  driverName: field('driver/@name', openEnum<'qemu' | 'vhostuser'>('video driver name')),
  /** How QEMU exposes the VGA ioports (io, on, off). */
  driverVgaconf: field('driver/@vgaconf', openEnum<'io' | 'on' | 'off'>('vgaconf')),
  ...virtioDriverFields,
  modelType: field(
    'model/@type',
    openEnum<
      'vga' | 'cirrus' | 'vmvga' | 'xen' | 'vbox' | 'qxl' | 'virtio' | 'gop' | 'none' | 'bochs' | 'ramfb'
    >('video model type'),
  ),
  /** Video memory in KiB. */
  modelVram: field('model/@vram', uint),
  /** qxl: the primary bar in KiB. */
  modelRam: field('model/@ram', uint),
  modelVram64: field('model/@vram64', uint),
  modelVgamem: field('model/@vgamem', uint),
  modelHeads: field('model/@heads', uint),
  /** The primary video device of the guest (libvirt lists it first). */
  modelPrimary: field('model/@primary', yesNo),
  accel3d: field('model/acceleration/@accel3d', yesNo),
  accel2d: field('model/acceleration/@accel2d', yesNo),
  /** The host DRM render node used for 3D acceleration. */
  rendernode: field('model/acceleration/@rendernode', str),
  resolutionX: field('model/resolution/@x', uint),
  resolutionY: field('model/resolution/@y', uint),
} as const;

/** `<video>`: a video adapter; its `<model>` carries the type, memory sizes and acceleration. */
export class Video extends Device {
  static override readonly tag = 'video';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(
    key({ model: 'model/@type' }, { conf: (c) => ({ model: confText(c, 'device') }) }),
  );
  static override readonly fields = F;
  static override readonly childOrder = ['driver', 'model', 'alias', 'acpi', 'address'];
  /** libvirt's order of the children of `<model>`. */
  static override readonly nestedOrder: NestedOrder = { model: ['acceleration', 'resolution'] };

  get driverName(): string | undefined {
    return this.read(F.driverName);
  }
  set driverName(v: string | undefined) {
    this.write(F.driverName, v);
  }

  get driverVgaconf(): string | undefined {
    return this.read(F.driverVgaconf);
  }
  set driverVgaconf(v: string | undefined) {
    this.write(F.driverVgaconf, v);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }

  get modelType(): string | undefined {
    return this.read(F.modelType);
  }
  set modelType(v: string | undefined) {
    this.write(F.modelType, v);
  }

  get modelVram(): number | undefined {
    return this.read(F.modelVram);
  }
  set modelVram(v: number | undefined) {
    this.write(F.modelVram, v);
  }

  get modelRam(): number | undefined {
    return this.read(F.modelRam);
  }
  set modelRam(v: number | undefined) {
    this.write(F.modelRam, v);
  }

  get modelVram64(): number | undefined {
    return this.read(F.modelVram64);
  }
  set modelVram64(v: number | undefined) {
    this.write(F.modelVram64, v);
  }

  get modelVgamem(): number | undefined {
    return this.read(F.modelVgamem);
  }
  set modelVgamem(v: number | undefined) {
    this.write(F.modelVgamem, v);
  }

  get modelHeads(): number | undefined {
    return this.read(F.modelHeads);
  }
  set modelHeads(v: number | undefined) {
    this.write(F.modelHeads, v);
  }

  get modelPrimary(): boolean | undefined {
    return this.read(F.modelPrimary);
  }
  set modelPrimary(v: boolean | undefined) {
    this.write(F.modelPrimary, v);
  }

  get accel3d(): boolean | undefined {
    return this.read(F.accel3d);
  }
  set accel3d(v: boolean | undefined) {
    this.write(F.accel3d, v);
  }

  get accel2d(): boolean | undefined {
    return this.read(F.accel2d);
  }
  set accel2d(v: boolean | undefined) {
    this.write(F.accel2d, v);
  }

  get rendernode(): string | undefined {
    return this.read(F.rendernode);
  }
  set rendernode(v: string | undefined) {
    this.write(F.rendernode, v);
  }

  get resolutionX(): number | undefined {
    return this.read(F.resolutionX);
  }
  set resolutionX(v: number | undefined) {
    this.write(F.resolutionX, v);
  }

  get resolutionY(): number | undefined {
    return this.read(F.resolutionY);
  }
  set resolutionY(v: number | undefined) {
    this.write(F.resolutionY, v);
  }
}
