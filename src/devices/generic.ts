import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';

/**
 * Every device element without a class of its own (a tag libvirt adds tomorrow): its alias,
 * guest address, boot order and the element itself. Unlike Vdsm's SkipDevice, such a device is
 * never dropped; its metadata binds by alias or address.
 */
export class Generic extends Device {
  static override readonly tag = '';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /** libvirt writes these common children last, in this order, after the device's own. */
  static override readonly childOrder = ['boot', 'alias', 'acpi', 'address'];
}
