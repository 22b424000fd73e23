import { openEnum, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { vsockMembers } from './schema/vsock.js';

const F = {
  model: field(
    '@model',
    openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('vsock model'),
  ),
  /** libvirt picks a free guest CID at start (`yes`) or uses `address`. */
  cidAuto: field('cid/@auto', yesNo),
  /** The guest's context id (3 and up; 0-2 are reserved). */
  cidAddress: field('cid/@address', uint),
  ...virtioDriverFields,
} as const;

export interface Vsock extends Accessors<typeof F & typeof vsockMembers> {}
/** `<vsock>`: the guest's virtio socket to the host; libvirt allows one per domain. */
export class Vsock extends Device {
  static override readonly tag = 'vsock';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({}));
  static override readonly fields = F;
  static override readonly members = vsockMembers;
  static {
    defineAccessors(this);
  }
  // libvirt formats <cid> before the device info and <driver> after it.
  static override readonly childOrder = ['cid', 'alias', 'acpi', 'address', 'driver'];

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
