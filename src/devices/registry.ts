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
import { Drive } from './drive.js';
import { Filesystem } from './filesystem.js';
import { Graphics } from './graphics.js';
import { HostDevice } from './host-device.js';
import { Input } from './input.js';
import { Interface } from './interface.js';
import { Lease } from './lease.js';
import { Memory } from './memory.js';
import { Panic } from './panic.js';
import { Parallel } from './parallel.js';
import { Redir } from './redir.js';
import { Rng } from './rng.js';
import { Serial } from './serial.js';
import { Smartcard } from './smartcard.js';
import { Sound } from './sound.js';
import { Tpm } from './tpm.js';
import { Video } from './video.js';
import { Watchdog } from './watchdog.js';

/** Every class that models one libvirt device element. */
export const DEVICE_CLASSES: readonly DeviceClass[] = [
  Audio,
  Balloon,
  Channel,
  Console,
  Controller,
  Drive,
  Filesystem,
  Graphics,
  HostDevice,
  Input,
  Interface,
  Lease,
  Memory,
  Panic,
  Parallel,
  Redir,
  Rng,
  Serial,
  Smartcard,
  Sound,
  Tpm,
  Video,
  Watchdog,
];

const BY_TAG: ReadonlyMap<string, DeviceClass> = new Map(DEVICE_CLASSES.map((c) => [c.tag, c]));

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
