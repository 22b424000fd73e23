/**
 * What the domain holds per device (its slot: the device, how it got its metadata, its problems),
 * shared by the Domain and the modules that save and validate it.
 */
import type { Rule } from '../binding/binder.js';
import type { MetadataEntry } from '../binding/entry.js';
import type { Device } from '../devices/device.js';
import type { ErrorCode } from '../errors.js';
import type { Element } from '../xml/dom.js';

/** A problem found on a device or on the domain (validate(), lenient recovery). */
export interface Problem {
  code: ErrorCode;
  message: string;
  /** Index of the device concerned, when one is. */
  device?: number;
  /** Indexes of every device concerned, when several are (two disks sharing a target dev). */
  devices?: number[];
  /** The value path (`devices[2].volumeChain[0].leaseOffset`) or XML path concerned, when known. */
  path?: string;
  /** Where in the input, when known. */
  line?: number;
  column?: number;
}

/** How a device got its metadata. */
export interface DeviceBinding {
  /** The deciding rule (descriptor's when both layouts bound). */
  rule: Rule;
  /** The entries bound, per layout. */
  descriptor: MetadataEntry | undefined;
  xmlpickle: MetadataEntry | undefined;
}

/** A device the domain holds, with how it got its metadata and what is wrong with it. */
export interface Slot {
  device: Device;
  binding: DeviceBinding;
  /** NO_PROBLEMS until one is found (see addProblems). */
  problems: readonly Problem[];
  /**
   * A device hot-plugged and not yet seen in libvirt's live XML: the element as sent. refresh()
   * finds the live element by the device's identity, or as this element plus alias and address.
   */
  sent?: Element;
}

/** The problems of a slot without any: one list for all (a held domain keeps a slot per device). */
export const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/** Adds problems to the slot's list, made for it on the first. */
export function addProblems(slot: Slot, ...found: Problem[]): void {
  if (found.length === 0) return;
  if (slot.problems === NO_PROBLEMS) slot.problems = found;
  else (slot.problems as Problem[]).push(...found);
}
