import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { RedirfilterUsbdev, redirfilterMembers } from './schema/redirfilter.js';

export { RedirfilterUsbdev };

export interface Redirfilter extends Accessors<typeof redirfilterMembers> {}
/**
 * `<redirfilter>`: which USB devices a client may redirect to the guest (`<redirdev>`), as rules
 * tried in order. libvirt allows one per domain and gives it neither alias nor address; its only
 * content is its rules.
 */
export class Redirfilter extends Device {
  static override readonly tag = 'redirfilter';
  static override readonly members = redirfilterMembers;
  static {
    defineAccessors(this);
  }
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({}));
  static override readonly childOrder = ['usbdev'];

  protected override derivedFields(): Record<string, unknown> {
    const usbdevs = this.usbdevs;
    return usbdevs.length > 0 ? { usbdevs: usbdevs.map((u) => u.toJSON()) } : {};
  }
}
