/**
 * libvirt's virtio options, which every virtio device carries on its `<driver>` element
 * (controller, input, video, memballoon, disk, interface, rng...): written once here.
 */
import { onOff } from '../xml/codecs.js';
import { field } from './field.js';

export const virtioDriverFields = {
  driverIommu: field('driver/@iommu', onOff),
  driverAts: field('driver/@ats', onOff),
  driverPacked: field('driver/@packed', onOff),
  driverPagePerVq: field('driver/@page_per_vq', onOff),
} as const;
