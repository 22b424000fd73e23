import { openEnum, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';

const F = {
  model: field(
    '@model',
    openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('vsock model'),
  ),
  /** libvirt picks a free guest CID at start (`yes`) or uses `address`. */
  cidAuto: field('cid/@auto', yesNo),
  cidAddress: field('cid/@address', uint),
  ...virtioDriverFields,
} as const;

/** `<vsock>`: the guest's virtio socket to the host; libvirt allows one per domain. */
export class Vsock extends Device {
  static override readonly tag = 'vsock';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({}));
  static override readonly fields = F;
  // libvirt formats <cid> before the device info and <driver> after it.
  static override readonly childOrder = ['cid', 'alias', 'acpi', 'address', 'driver'];

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  get cidAuto(): boolean | undefined {
    return this.read(F.cidAuto);
  }
  set cidAuto(v: boolean | undefined) {
    this.write(F.cidAuto, v);
  }

  /** The guest's context id (3 and up; 0-2 are reserved). */
  get cidAddress(): number | undefined {
    return this.read(F.cidAddress);
  }
  set cidAddress(v: number | undefined) {
    this.write(F.cidAddress, v);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
