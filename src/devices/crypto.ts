import { openEnum, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { cryptoMembers } from './schema/crypto.js';

const F = {
  model: field('@model', openEnum<'virtio'>('crypto model')),
  type: field('@type', openEnum<'qemu'>('crypto type')),
  /** QEMU's own implementation (`builtin`) or the host kernel's crypto API (`lkcf`). */
  backendModel: field('backend/@model', openEnum<'builtin' | 'lkcf'>('crypto backend model')),
  backendQueues: field('backend/@queues', uint),
  ...virtioDriverFields,
} as const;

export interface Crypto extends Accessors<typeof F & typeof cryptoMembers> {}
/** `<crypto>`: a virtio crypto accelerator; its backend refuses another device's entry. */
export class Crypto extends Device {
  static override readonly tag = 'crypto';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(
    key({ model: '@model' }),
    key({ type: '@type' }),
    key({ backend: 'backend/@model' }, { find: false }),
  );
  static override readonly fields = F;
  static override readonly members = cryptoMembers;
  static {
    defineAccessors(this);
  }
  // libvirt formats <backend> and <driver> before the device info.
  static override readonly childOrder = ['backend', 'driver', 'alias', 'address'];

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
