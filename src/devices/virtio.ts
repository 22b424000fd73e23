/**
 * libvirt's virtio options, which every virtio device carries on its `<driver>` element
 * (controller, input, video, memballoon, filesystem, rng; disk and interface too): declared once
 * here, read and written through one view (`device.virtio.iommu`) rather than the same accessors
 * in every class.
 */
import { onOff } from '../xml/codecs.js';
import type { Element } from '../xml/dom.js';
import type { FieldWriter } from './field.js';
import { field, readField } from './field.js';

const VIRTIO = {
  iommu: field('driver/@iommu', onOff),
  ats: field('driver/@ats', onOff),
  packed: field('driver/@packed', onOff),
  pagePerVq: field('driver/@page_per_vq', onOff),
} as const;

/** The options as fields of the device, for its `fields` table (toJSON and the coverage gate). */
export const virtioDriverFields = {
  driverIommu: VIRTIO.iommu,
  driverAts: VIRTIO.ats,
  driverPacked: VIRTIO.packed,
  driverPagePerVq: VIRTIO.pagePerVq,
} as const;

/**
 * The virtio options of one device: reads its element, writes through the device (so a missing
 * `<driver>` is created where that device's libvirt order puts it).
 */
export class VirtioOptions {
  constructor(
    private readonly element: Element,
    private readonly write: FieldWriter,
  ) {}

  /** Route the device's DMA through the guest IOMMU. */
  get iommu(): boolean | undefined {
    return readField(this.element, VIRTIO.iommu);
  }
  set iommu(v: boolean | undefined) {
    this.write(VIRTIO.iommu, v);
  }

  /** PCI Address Translation Services. */
  get ats(): boolean | undefined {
    return readField(this.element, VIRTIO.ats);
  }
  set ats(v: boolean | undefined) {
    this.write(VIRTIO.ats, v);
  }

  /** The packed virtqueue layout. */
  get packed(): boolean | undefined {
    return readField(this.element, VIRTIO.packed);
  }
  set packed(v: boolean | undefined) {
    this.write(VIRTIO.packed, v);
  }

  /** One page per virtqueue for notifications (page_per_vq). */
  get pagePerVq(): boolean | undefined {
    return readField(this.element, VIRTIO.pagePerVq);
  }
  set pagePerVq(v: boolean | undefined) {
    this.write(VIRTIO.pagePerVq, v);
  }
}
