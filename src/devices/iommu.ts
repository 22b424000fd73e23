import { int, onOff, openEnum, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { iommuMembers } from './schema/iommu.js';

const GRANULE = scaled('driver/granule/@size', 'driver/granule/@unit');

const F = {
  model: field('@model', openEnum<'intel' | 'smmuv3' | 'virtio' | 'amd'>('iommu model')),
  /** intel: interrupt remapping (needs a split I/O APIC). */
  driverIntremap: field('driver/@intremap', onOff),
  /** intel: VT-d caching mode, which device assignment to a nested guest needs. */
  driverCachingMode: field('driver/@caching_mode', onOff),
  /** intel: extended interrupt mode (x2APIC beyond 255 vCPUs). */
  driverEim: field('driver/@eim', onOff),
  /** intel: the device IOTLB (needs `ats` on the devices behind it). */
  driverIotlb: field('driver/@iotlb', onOff),
  /** intel: the guest address width in bits (39 or 48). */
  driverAwBits: field('driver/@aw_bits', uint),
  driverDmaTranslation: field('driver/@dma_translation', onOff),
  /** amd: x2APIC support. */
  driverXtsup: field('driver/@xtsup', onOff),
  driverPassthrough: field('driver/@passthrough', onOff),
  /** smmuv3: the index of the PCI controller the IOMMU is plugged into. */
  driverPciBus: field('driver/@pciBus', uint),
  /** virtio: `host` takes the host's page size as the granule (instead of a size). */
  driverGranuleMode: field('driver/granule/@mode', openEnum<'host'>('iommu granule mode')),
  driverGranuleSize: GRANULE.value,
  driverGranuleUnit: GRANULE.unit,
  /** smmuv3: host-accelerated nested translation. */
  driverAccel: field('driver/@accel', onOff),
  driverAts: field('driver/@ats', onOff),
  /** smmuv3: range invalidation. */
  driverRil: field('driver/@ril', onOff),
  /** smmuv3: the substream id size in bits. */
  driverSsidsize: field('driver/@ssidsize', int),
  /** smmuv3: the output address size in bits. */
  driverOas: field('driver/@oas', int),
  /** smmuv3: NVIDIA's command queue virtualization. */
  driverCmdqv: field('driver/@cmdqv', onOff),
} as const;

export interface Iommu extends Accessors<typeof F & typeof iommuMembers> {}
/**
 * `<iommu>`: the guest's IOMMU. Until libvirt 11.10 a domain had at most one; since then several
 * smmuv3 devices may each sit on their own PCI controller (`driver/@pciBus`). The model finds the
 * device, and the controller index refuses another one's entry: nothing else tells two apart, and
 * a restart renumbers their aliases.
 */
export class Iommu extends Device {
  static override readonly tag = 'iommu';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(
    key({ model: '@model' }),
    key({ pci_bus: 'driver/@pciBus' }, { find: false }),
  );
  static override readonly fields = F;
  static override readonly members = iommuMembers;
  static {
    defineAccessors(this);
  }
  // libvirt formats <driver> before the device info.
  static override readonly childOrder = ['driver', 'alias', 'acpi', 'address'];

  /** virtio: the granule in KiB, whatever unit the XML uses. */
  get granuleKiB(): number | undefined {
    return readKiB(this.element, GRANULE);
  }
  set granuleKiB(v: number | undefined) {
    writeKiB(this.element, GRANULE, v, (f, x) => this.write(f, x));
  }

  protected override derivedFields(): Record<string, unknown> {
    const kib = this.granuleKiB;
    return kib === undefined ? {} : { granuleKiB: kib };
  }
}
