/** Tag → class, with Generic for every tag without a class of its own. */
import type { Dict } from '../metadata/value.js';
import type { Element } from '../xml/dom.js';
import { NODE } from '../xml/dom.js';
import { localNameOf } from '../xml/tree.js';
import type { Device, DeviceClass } from './device.js';
import { Generic } from './generic.js';
import { Audio } from './audio.js';
import { Balloon } from './balloon.js';
import { Channel } from './channel.js';
import { Console } from './console.js';
import { Controller } from './controller.js';
import { Crypto } from './crypto.js';
import { Drive } from './drive.js';
import { Filesystem } from './filesystem.js';
import { Graphics } from './graphics.js';
import { HostDevice } from './host-device.js';
import { Hub } from './hub.js';
import { Input } from './input.js';
import { Interface } from './interface.js';
import { Iommu } from './iommu.js';
import { Lease } from './lease.js';
import { Memory } from './memory.js';
import { Nvram } from './nvram.js';
import { Panic } from './panic.js';
import { Parallel } from './parallel.js';
import { Pstore } from './pstore.js';
import { Redir } from './redir.js';
import { Redirfilter } from './redirfilter.js';
import { Rng } from './rng.js';
import { Serial } from './serial.js';
import { Shmem } from './shmem.js';
import { Smartcard } from './smartcard.js';
import { Sound } from './sound.js';
import { Tpm } from './tpm.js';
import { Video } from './video.js';
import { Vsock } from './vsock.js';
import { Watchdog } from './watchdog.js';

/** Every class that models one libvirt device element. */
export const DEVICE_CLASSES: readonly DeviceClass[] = [
  Audio,
  Balloon,
  Channel,
  Console,
  Controller,
  Crypto,
  Drive,
  Filesystem,
  Graphics,
  HostDevice,
  Hub,
  Input,
  Interface,
  Iommu,
  Lease,
  Memory,
  Nvram,
  Panic,
  Parallel,
  Pstore,
  Redir,
  Redirfilter,
  Rng,
  Serial,
  Shmem,
  Smartcard,
  Sound,
  Tpm,
  Video,
  Vsock,
  Watchdog,
];

const BY_TAG: ReadonlyMap<string, DeviceClass> = new Map(DEVICE_CLASSES.map((c) => [c.tag, c]));

/** Tag and Vdsm name (`balloon`, `nic`, `cdrom`...) → the libvirt tag of the kind. */
const KIND_OF_NAME: ReadonlyMap<string, string> = new Map(
  DEVICE_CLASSES.flatMap((c) => [[c.tag, c.tag] as const, ...c.vdsmNames.map((n) => [n, c.tag] as const)]),
);

/** The libvirt tag a tag or Vdsm name stands for (`balloon` → `memballoon`); undefined for a name no class has. */
export function kindOfName(name: string): string | undefined {
  return KIND_OF_NAME.get(name);
}

/** What save writes as an entry's `devtype`: Vdsm's device class (`balloon`), else the tag. */
export function devtypeOf(kind: string): string {
  return classForTag(kind).vdsmDevtype ?? kind;
}

/** The class for a device tag (`disk` → Drive), Generic when there is none. */
export function classForTag(tag: string): DeviceClass {
  return BY_TAG.get(tag) ?? Generic;
}

/** Builds the device object for one device element. */
export function buildDevice(element: Element, meta?: Dict): Device {
  return classForTag(localNameOf(element)).fromXmlTree(element, meta);
}

/** Tags under `<devices>` that are not devices (`<emulator>` is the hypervisor binary). */
export const NON_DEVICE_TAGS: ReadonlySet<string> = new Set(['emulator']);

/**
 * Builds every device under `<devices>` in document order, walking siblings directly. `metaFor`
 * gives the metadata bound to an element (none by default).
 */
export function buildDevices(
  devicesElement: Element,
  metaFor?: (element: Element) => Dict | undefined,
): Device[] {
  const out: Device[] = [];
  for (let c = devicesElement.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType !== NODE.ELEMENT) continue;
    const el = c as Element;
    if (NON_DEVICE_TAGS.has(localNameOf(el))) continue;
    out.push(buildDevice(el, metaFor?.(el)));
  }
  return out;
}
