import { onOff, openEnum, str, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { Field } from './field.js';
import { field, flag } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { shmemMembers } from './schema/shmem.js';

// libvirt reads a size without unit as bytes here (not KiB, as for memory).
const SIZE = scaled('size', 'size/@unit', 'b');

const F = {
  name: field('@name', str),
  /** Which peer copies the memory on migration (`master`); a `peer` cannot migrate. */
  role: field('@role', openEnum<'master' | 'peer'>('shmem role')),
  modelType: field('model/@type', openEnum<'ivshmem' | 'ivshmem-plain' | 'ivshmem-doorbell'>('shmem model')),
  size: SIZE.value,
  sizeUnit: SIZE.unit,
  /** A doorbell server: `<server/>` alone is libvirt's default socket. */
  server: flag('server'),
  serverPath: field('server/@path', str),
  /** MSI interrupts (with a server only): `<msi/>` alone keeps QEMU's defaults. */
  msi: flag('msi'),
  msiVectors: field('msi/@vectors', uint),
  msiIoeventfd: field('msi/@ioeventfd', onOff),
} as const;

export interface Shmem extends Accessors<typeof F & typeof shmemMembers> {}
/**
 * `<shmem>`: an ivshmem region shared with the host and other guests, named uniquely in the domain.
 * Its name is saved as `shmem_name`: Vdsm's descriptor attribute `name` is the device's alias.
 */
export class Shmem extends Device {
  static override readonly tag = 'shmem';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ shmem_name: '@name' }));
  static override readonly fields = F;
  static override readonly members = shmemMembers;
  static override readonly childOrder = ['model', 'size', 'server', 'msi', 'alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }

  /** The region's size in KiB, whatever unit the XML uses (bytes when it names none). */
  get sizeKiB(): number | undefined {
    return readKiB(this.element, SIZE);
  }
  set sizeKiB(v: number | undefined) {
    writeKiB(this.element, SIZE, v, (f, x) => this.write(f, x));
  }

  /** The doorbell server's UNIX socket. */
  get serverPath(): string | undefined {
    return this.read(F.serverPath);
  }
  set serverPath(v: string | undefined) {
    this.writeKeeping(F.server, F.serverPath, v);
  }

  get msiVectors(): number | undefined {
    return this.read(F.msiVectors);
  }
  set msiVectors(v: number | undefined) {
    this.writeKeeping(F.msi, F.msiVectors, v);
  }

  get msiIoeventfd(): boolean | undefined {
    return this.read(F.msiIoeventfd);
  }
  set msiIoeventfd(v: boolean | undefined) {
    this.writeKeeping(F.msi, F.msiIoeventfd, v);
  }

  /**
   * Writes an attribute of `<server>` or `<msi>` without dropping the element when it is left
   * bare: a bare element still enables the server or MSI (only its flag removes it).
   */
  private writeKeeping<A>(element: Field<boolean>, f: Field<A>, v: A | undefined): void {
    const present = this.read(element) === true;
    this.write(f, v);
    if (present) this.write(element, true);
  }

  protected override derivedFields(): Record<string, unknown> {
    const kib = this.sizeKiB;
    return kib === undefined ? {} : { sizeKiB: kib };
  }
}
