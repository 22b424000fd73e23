import { onOff, openEnum, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { memballoonMembers } from './schema/memballoon.js';

const F = {
  model: field(
    '@model',
    openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional' | 'xen' | 'none'>(
      'memballoon model',
    ),
  ),
  /** Let the guest take pages back from the balloon when it runs out of memory. */
  autodeflate: field('@autodeflate', onOff),
  freePageReporting: field('@freePageReporting', onOff),
  /** Seconds between guest memory statistics updates. */
  statsPeriod: field('stats/@period', uint),
  ...virtioDriverFields,
} as const;

export interface Balloon extends Accessors<typeof F & typeof memballoonMembers> {}
/** `<memballoon>`: the memory balloon (Vdsm's `balloon`). */
export class Balloon extends Device {
  static override readonly tag = 'memballoon';
  static override readonly vdsmNames = ['balloon'];
  static override readonly vdsmDevtype = 'balloon';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ model: '@model' }));
  static override readonly fields = F;
  static override readonly members = memballoonMembers;
  static {
    defineAccessors(this);
  }
  // libvirt formats <stats> before the device info and <driver> after it.
  static override readonly childOrder = ['stats', 'alias', 'acpi', 'address', 'driver'];

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
