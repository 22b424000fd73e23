import { openEnum, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';

const F = {
  model: field('@model', openEnum<'virtio'>('crypto model')),
  type: field('@type', openEnum<'qemu'>('crypto type')),
  /** QEMU's own implementation (`builtin`) or the host kernel's crypto API (`lkcf`). */
  backendModel: field('backend/@model', openEnum<'builtin' | 'lkcf'>('crypto backend model')),
  backendQueues: field('backend/@queues', uint),
  ...virtioDriverFields,
} as const;

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
  // libvirt formats <backend> and <driver> before the device info.
  static override readonly childOrder = ['backend', 'driver', 'alias', 'address'];

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  get backendModel(): string | undefined {
    return this.read(F.backendModel);
  }
  set backendModel(v: string | undefined) {
    this.write(F.backendModel, v);
  }

  get backendQueues(): number | undefined {
    return this.read(F.backendQueues);
  }
  set backendQueues(v: number | undefined) {
    this.write(F.backendQueues, v);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
