import { openEnum, str } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { pstoreMembers } from './schema/pstore.js';

const SIZE = scaled('size', 'size/@unit');

const F = {
  backend: field('@backend', openEnum<'acpi-erst'>('pstore backend')),
  // `path` is every device's XML path: the file is `filePath`.
  /** The host file that keeps the records. */
  filePath: field('path', str),
  size: SIZE.value,
  sizeUnit: SIZE.unit,
} as const;

export interface Pstore extends Accessors<typeof F & typeof pstoreMembers> {}
/**
 * `<pstore>`: persistent storage for the guest kernel's crash logs (an ACPI ERST device backed by a
 * host file); libvirt allows one per domain.
 */
export class Pstore extends Device {
  static override readonly tag = 'pstore';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({}));
  static override readonly fields = F;
  static override readonly members = pstoreMembers;
  static override readonly childOrder = ['path', 'size', 'alias', 'address'];
  static {
    defineAccessors(this);
  }

  /** The store's size in KiB, whatever unit the XML uses. */
  get sizeKiB(): number | undefined {
    return readKiB(this.element, SIZE);
  }
  set sizeKiB(v: number | undefined) {
    writeKiB(this.element, SIZE, v, (f, x) => this.write(f, x));
  }

  protected override derivedFields(): Record<string, unknown> {
    const kib = this.sizeKiB;
    return kib === undefined ? {} : { sizeKiB: kib };
  }
}
