import { str, yesNo } from '../xml/codecs.js';
import { childElements } from '../xml/tree.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { Part } from './part.js';
import { identifiedBy, key } from './identity.js';

const USBDEV = {
  /** `-1` (or absent) matches any class, vendor, product or version. */
  class: field('@class', str),
  vendor: field('@vendor', str),
  product: field('@product', str),
  /** The USB version as `major.minor` (`2.0`, `1.10`). */
  version: field('@version', str),
  allow: field('@allow', yesNo),
} as const;

/** One `<usbdev>` rule of a redirection filter: the devices it matches, and whether they may go. */
export class RedirfilterUsbdev extends Part {
  static override readonly fields = USBDEV;

  /** The USB class code (`0x08`: mass storage). */
  get class(): string | undefined {
    return this.read(USBDEV.class);
  }
  set class(v: string | undefined) {
    this.write(USBDEV.class, v);
  }

  get vendor(): string | undefined {
    return this.read(USBDEV.vendor);
  }
  set vendor(v: string | undefined) {
    this.write(USBDEV.vendor, v);
  }

  get product(): string | undefined {
    return this.read(USBDEV.product);
  }
  set product(v: string | undefined) {
    this.write(USBDEV.product, v);
  }

  get version(): string | undefined {
    return this.read(USBDEV.version);
  }
  set version(v: string | undefined) {
    this.write(USBDEV.version, v);
  }

  get allow(): boolean | undefined {
    return this.read(USBDEV.allow);
  }
  set allow(v: boolean | undefined) {
    this.write(USBDEV.allow, v);
  }
}

/**
 * `<redirfilter>`: which USB devices a client may redirect to the guest (`<redirdev>`), as rules
 * tried in order. libvirt allows one per domain and gives it neither alias nor address; its only
 * content is its rules.
 */
export class Redirfilter extends Device {
  static override readonly tag = 'redirfilter';
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
