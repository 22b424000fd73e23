import { openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { videoMembers } from './schema/video.js';

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
export interface Video extends Accessors<typeof F & typeof videoMembers> {}
export class Video extends Device {
  static override readonly tag = 'video';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(
    key({ model: 'model/@type' }, { conf: (c) => ({ model: confText(c, 'device') }) }),
  );
  static override readonly fields = F;
  static override readonly members = videoMembers;
  static override readonly childOrder = ['driver', 'model', 'alias', 'acpi', 'address'];
  /** libvirt's order of the children of `<model>`. */
  static override readonly nestedOrder: NestedOrder = { model: ['acceleration', 'resolution'] };
  static {
    defineAccessors(this);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
