export * from './device.js';
export * from './field.js';
export * from './address.js';
export * from './registry.js';
export {
  IdentitySpec,
  identifiedBy,
  key,
  describeLookup,
  type KeySpec,
  type KeyOptions,
  type KeyValues,
  type DeviceParts,
  type PartSource,
  type HasElement,
} from './identity.js';
export { Part } from './part.js';
export { Generic } from './generic.js';
export { Audio } from './audio.js';
export { Balloon } from './balloon.js';
export { Channel } from './channel.js';
export { CharDevice, ChardevBackedDevice, ChardevSource } from './chardev.js';
export type { ChardevType } from './chardev-type.js';
export { Console } from './console.js';
export { Controller, type ControllerType } from './controller.js';
export { Crypto } from './crypto.js';
export {
  Drive,
  BackingStore,
  DiskAuth,
  type BlockSource,
  type DriveSource,
  type FileSource,
  type NetworkHost,
  type NetworkSource,
  type NvmeSource,
  type OtherSource,
  type VolumeSource,
} from './drive.js';
export { makeDriveName, splitDriveName, type DriveIface, type DriveNameParts } from './drive-name.js';
export { Filesystem } from './filesystem.js';
export {
  Graphics,
  GraphicsChannel,
  GraphicsListen,
  type GraphicsListenInit,
  stripVdsmPrefix,
} from './graphics.js';
export { HostDevice, pciAddressOfNodedev } from './host-device.js';
export { Hub } from './hub.js';
export { Input } from './input.js';
export { Interface, InterfaceFilterParameter, InterfaceSource, InterfaceVlanTag } from './interface.js';
export { Iommu } from './iommu.js';
export { Lease, type LeaseOffsetPlaceholder } from './lease.js';
export { Memory } from './memory.js';
export { Nvram } from './nvram.js';
export { Panic } from './panic.js';
export { Parallel } from './parallel.js';
export { Pstore } from './pstore.js';
export { Redir } from './redir.js';
export { Redirfilter, RedirfilterUsbdev } from './redirfilter.js';
export { Rng } from './rng.js';
export { Serial } from './serial.js';
export { Shmem } from './shmem.js';
export { Smartcard } from './smartcard.js';
export { Sound, SoundCodec } from './sound.js';
export { Tpm } from './tpm.js';
export { Video } from './video.js';
export { VirtioOptions } from './virtio.js';
export { Vsock } from './vsock.js';
export { Watchdog } from './watchdog.js';
