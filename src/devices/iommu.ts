import { int, onOff, openEnum, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { identifiedBy, key } from './identity.js';

const GRANULE = scaled('driver/granule/@size', 'driver/granule/@unit');

const F = {
  model: field('@model', openEnum<'intel' | 'smmuv3' | 'virtio' | 'amd'>('iommu model')),
  driverIntremap: field('driver/@intremap', onOff),
  driverCachingMode: field('driver/@caching_mode', onOff),
  driverEim: field('driver/@eim', onOff),
  driverIotlb: field('driver/@iotlb', onOff),
  driverAwBits: field('driver/@aw_bits', uint),
  driverDmaTranslation: field('driver/@dma_translation', onOff),
  driverXtsup: field('driver/@xtsup', onOff),
  driverPassthrough: field('driver/@passthrough', onOff),
  /** smmuv3: the index of the PCI controller the IOMMU is plugged into. */
  driverPciBus: field('driver/@pciBus', uint),
  driverGranuleMode: field('driver/granule/@mode', openEnum<'host'>('iommu granule mode')),
  driverGranuleSize: GRANULE.value,
  driverGranuleUnit: GRANULE.unit,
  driverAccel: field('driver/@accel', onOff),
  driverAts: field('driver/@ats', onOff),
  driverRil: field('driver/@ril', onOff),
  driverSsidsize: field('driver/@ssidsize', int),
  driverOas: field('driver/@oas', int),
  driverCmdqv: field('driver/@cmdqv', onOff),
} as const;

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
  // libvirt formats <driver> before the device info.
  static override readonly childOrder = ['driver', 'alias', 'acpi', 'address'];

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  /** intel: interrupt remapping (needs a split I/O APIC). */
  get driverIntremap(): boolean | undefined {
    return this.read(F.driverIntremap);
  }
  set driverIntremap(v: boolean | undefined) {
    this.write(F.driverIntremap, v);
  }

  /** intel: VT-d caching mode, which device assignment to a nested guest needs. */
  get driverCachingMode(): boolean | undefined {
    return this.read(F.driverCachingMode);
  }
  set driverCachingMode(v: boolean | undefined) {
    this.write(F.driverCachingMode, v);
  }

  /** intel: extended interrupt mode (x2APIC beyond 255 vCPUs). */
  get driverEim(): boolean | undefined {
    return this.read(F.driverEim);
  }
  set driverEim(v: boolean | undefined) {
    this.write(F.driverEim, v);
  }

  /** intel: the device IOTLB (needs `ats` on the devices behind it). */
  get driverIotlb(): boolean | undefined {
    return this.read(F.driverIotlb);
  }
  set driverIotlb(v: boolean | undefined) {
    this.write(F.driverIotlb, v);
  }

  /** intel: the guest address width in bits (39 or 48). */
  get driverAwBits(): number | undefined {
    return this.read(F.driverAwBits);
  }
  set driverAwBits(v: number | undefined) {
    this.write(F.driverAwBits, v);
  }

  get driverDmaTranslation(): boolean | undefined {
    return this.read(F.driverDmaTranslation);
  }
  set driverDmaTranslation(v: boolean | undefined) {
    this.write(F.driverDmaTranslation, v);
  }

  /** amd: x2APIC support. */
  get driverXtsup(): boolean | undefined {
    return this.read(F.driverXtsup);
  }
  set driverXtsup(v: boolean | undefined) {
    this.write(F.driverXtsup, v);
  }

  get driverPassthrough(): boolean | undefined {
    return this.read(F.driverPassthrough);
  }
  set driverPassthrough(v: boolean | undefined) {
    this.write(F.driverPassthrough, v);
  }

  get driverPciBus(): number | undefined {
    return this.read(F.driverPciBus);
  }
  set driverPciBus(v: number | undefined) {
    this.write(F.driverPciBus, v);
  }

  /** virtio: `host` takes the host's page size as the granule (instead of a size). */
  get driverGranuleMode(): string | undefined {
    return this.read(F.driverGranuleMode);
  }
  set driverGranuleMode(v: string | undefined) {
    this.write(F.driverGranuleMode, v);
  }

  /** virtio: the granule in KiB, whatever unit the XML uses. */
  get granuleKiB(): number | undefined {
    return readKiB(this.element, GRANULE);
  }
  set granuleKiB(v: number | undefined) {
    writeKiB(this.element, GRANULE, v, (f, x) => this.write(f, x));
  }

  /** smmuv3: host-accelerated nested translation. */
  get driverAccel(): boolean | undefined {
    return this.read(F.driverAccel);
  }
  set driverAccel(v: boolean | undefined) {
    this.write(F.driverAccel, v);
  }

  get driverAts(): boolean | undefined {
    return this.read(F.driverAts);
  }
  set driverAts(v: boolean | undefined) {
    this.write(F.driverAts, v);
  }

  /** smmuv3: range invalidation. */
  get driverRil(): boolean | undefined {
    return this.read(F.driverRil);
  }
  set driverRil(v: boolean | undefined) {
    this.write(F.driverRil, v);
  }

  /** smmuv3: the substream id size in bits. */
  get driverSsidsize(): number | undefined {
    return this.read(F.driverSsidsize);
  }
  set driverSsidsize(v: number | undefined) {
    this.write(F.driverSsidsize, v);
  }

  /** smmuv3: the output address size in bits. */
  get driverOas(): number | undefined {
    return this.read(F.driverOas);
  }
  set driverOas(v: number | undefined) {
    this.write(F.driverOas, v);
  }

  /** smmuv3: NVIDIA's command queue virtualization. */
  get driverCmdqv(): boolean | undefined {
    return this.read(F.driverCmdqv);
  }
  set driverCmdqv(v: boolean | undefined) {
    this.write(F.driverCmdqv, v);
  }

  protected override derivedFields(): Record<string, unknown> {
    const kib = this.granuleKiB;
    return kib === undefined ? {} : { granuleKiB: kib };
  }
}
