import { str, yesNo } from '../xml/codecs.js';
import { childElements } from '../xml/tree.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { Part } from './part.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { redirfilterMembers } from './schema/redirfilter.js';

const USBDEV = {
  /** `-1` (or absent) matches any class, vendor, product or version. */
  class: field('@class', str),
  vendor: field('@vendor', str),
  product: field('@product', str),
  /** The USB version as `major.minor` (`2.0`, `1.10`). */
  version: field('@version', str),
  allow: field('@allow', yesNo),
} as const;

export interface RedirfilterUsbdev extends Accessors<typeof USBDEV> {}
/** One `<usbdev>` rule of a redirection filter: the devices it matches, and whether they may go. */
export class RedirfilterUsbdev extends Part {
  static override readonly fields = USBDEV;
  static {
    defineAccessors(this);
  }
}

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

  /** The `<usbdev>` rules, in the order they are tried. */
  get usbdevs(): RedirfilterUsbdev[] {
    return childElements(this.element, 'usbdev').map((el) => new RedirfilterUsbdev(el));
  }

  protected override derivedFields(): Record<string, unknown> {
    const usbdevs = this.usbdevs;
    return usbdevs.length > 0 ? { usbdevs: usbdevs.map((u) => u.toJSON()) } : {};
  }
}
