/**
 * How a device kind is told apart from the other devices of its kind (design: binding). Each class
 * declares its keys once, in its own file; the binder, save and hotplug read them from there and
 * know no kind by name.
 *
 * A key is one or more parts (`input`: type and bus), each read as raw text from the device's
 * element (never decoded, so identity never throws on a bad value) and saved as a descriptor
 * attribute of the same name. A key can
 * - find: the binder looks an entry's device up by it (rule 4) when all its parts are known on both sides;
 * - refuse: an entry whose part differs from the device's is never bound to it, by any rule but the user alias.
 */
import type { Dict, Value } from '../metadata/value.js';
import { hasKey, nullObject } from '../metadata/value.js';
import type { Element } from '../xml/dom.js';
import type { Field } from './field.js';
import { field, readRaw } from './field.js';
import { str } from '../xml/codecs.js';
import { isVmDevicesError } from '../errors.js';

/** What a part is read from: the device, whose element is the part's source. */
export interface HasElement {
  readonly element: Element;
}

/**
 * Where a part is read: a field path below the device element, or a function of the device (for a
 * value a class derives: a disk's source path, a host device's normalized source address).
 */
export type PartSource<D extends HasElement = HasElement> = string | ((device: D) => string | undefined);

/** Values by part name (null prototype: part names come from documents on the entry side). */
export type KeyValues = Readonly<Record<string, string>>;

export interface KeySpec {
  /** Part name (also the descriptor attribute it is saved under) → where the device has it. */
  readonly parts: Readonly<Record<string, PartSource<never>>>;
  /** The binder looks devices up by this key. */
  readonly find: boolean;
  /** A differing part refuses the entry. */
  readonly refuse: boolean;
  /** Written into the descriptor entry's attributes at save. */
  readonly save: boolean;
  /** Compared without case (MAC addresses, uuids). */
  readonly caseless: boolean;
  /** The parts a Vdsm conf dict (the xmlpickle layout) gives, when it gives them. */
  readonly conf: ((conf: Dict) => Partial<Record<string, string>>) | undefined;
  /** No parts: libvirt allows one device of the kind per domain, which the kind alone finds. */
  readonly single: boolean;
}

export interface KeyOptions {
  find?: boolean;
  refuse?: boolean;
  save?: boolean;
  caseless?: boolean;
  conf?: (conf: Dict) => Partial<Record<string, string>>;
}

/** A key of the given parts; by default it finds, refuses and is saved. */
export function key<D extends HasElement>(
  parts: Readonly<Record<string, PartSource<D>>>,
  options: KeyOptions = {},
): KeySpec {
  return {
    parts,
    find: options.find ?? true,
    refuse: options.refuse ?? true,
    save: options.save ?? true,
    caseless: options.caseless ?? false,
    conf: options.conf,
    single: Object.keys(parts).length === 0,
  };
}

/** The lookup of a kind libvirt allows once per domain (`key({})`). */
const ONE_PER_DOMAIN = '(one per domain)';

/** The identity a class declares: its keys, in the order they are tried and saved. */
export class IdentitySpec {
  /** Every part, with the key it belongs to. */
  private readonly reads: readonly PartRead[];
  /** Whether a part is named `name` (else Vdsm's `name` attribute is the device's alias). */
  readonly namesAPart: boolean;

  constructor(readonly keys: readonly KeySpec[]) {
    this.reads = keys.flatMap((k) =>
      Object.entries(k.parts).map(([part, source]) =>
        typeof source === 'string'
          ? { part, key: k, field: field(source, str), fn: undefined }
          : { part, key: k, field: undefined, fn: source as (device: HasElement) => string | undefined },
      ),
    );
    this.namesAPart = this.reads.some((r) => r.part === 'name');
  }

  /** The parts a device has (absent and empty ones left out). */
  ofDevice(device: HasElement): KeyValues {
    let out: Record<string, string> | undefined;
    for (const r of this.reads) {
      const v = deviceValue(r, device);
      if (v !== undefined) (out ??= nullObject())[r.part] = v;
    }
    return out ?? NO_PARTS;
  }

  /** One part of a device, as `ofDevice` gives it, read alone. */
  partOf(device: HasElement, part: string): string | undefined {
    for (const r of this.reads) if (r.part === part) return deviceValue(r, device);
    return undefined;
  }

  /** The parts a descriptor entry's attributes carry. */
  ofAttributes(attrs: Readonly<Record<string, string>>): KeyValues {
    let out: Record<string, string> | undefined;
    for (const r of this.reads) {
      if (!Object.hasOwn(attrs, r.part)) continue;
      const v = attrs[r.part] as string;
      if (v !== '') (out ??= nullObject())[r.part] = r.key.caseless ? v.toLowerCase() : v;
    }
    return out ?? NO_PARTS;
  }

  /** The parts a Vdsm conf dict gives. */
  ofConf(conf: Dict): KeyValues {
    let out: Record<string, string> | undefined;
    for (const k of this.keys) {
      if (k.conf === undefined) continue;
      for (const [part, v] of Object.entries(k.conf(conf))) {
        if (v !== undefined && v !== '' && Object.hasOwn(k.parts, part))
          (out ??= nullObject())[part] = k.caseless ? v.toLowerCase() : v;
      }
    }
    return out ?? NO_PARTS;
  }

  /**
   * The binder's lookups: one per find key whose parts are all known (`name=vda`; parts of one
   * key joined by NUL, see `describeLookup`). Two kinds may share one: the binder refuses another
   * kind's entry.
   */
  lookups(values: KeyValues): readonly string[] {
    let out: string[] | undefined;
    for (const k of this.keys) {
      if (!k.find) continue;
      if (k.single) {
        (out ??= []).push(ONE_PER_DOMAIN);
        continue;
      }
      let s = '';
      for (const part in k.parts) {
        const v = values[part];
        if (v === undefined) {
          s = '';
          break;
        }
        // NUL cannot occur in XML text: two different part lists never make one lookup.
        s += s === '' ? `${part}=${v}` : `\u0000${part}=${v}`;
      }
      if (s !== '') (out ??= []).push(s);
    }
    return out ?? NO_LOOKUPS;
  }

  /**
   * The first refusing part that differs, as a sentence, or undefined when none does. Only the
   * parts the entry names are asked of the device: binding compares most devices with one entry,
   * which names one or two.
   */
  refusal(entry: KeyValues, device: DeviceParts): string | undefined {
    for (const r of this.reads) {
      if (!r.key.refuse) continue;
      const e = entry[r.part];
      if (e === undefined) continue;
      const d = device.part(r.part);
      if (d !== undefined && e !== d) return `its ${r.part} is ${e}, the device's is ${d}`;
    }
    return undefined;
  }

  /** The attributes save records for a device: its saved parts as written (a MAC keeps its case, as Vdsm's). */
  attributesOf(device: HasElement): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.reads) {
      if (!r.key.save) continue;
      const v = r.field !== undefined ? readRaw(device.element, r.field) : derived(r, device);
      if (v !== undefined && v !== '') out[r.part] = v;
    }
    return out;
  }
}

/** A device's parts one at a time (what `refusal` asks). */
export interface DeviceParts {
  /** The part's value as `ofDevice` gives it; undefined when absent or empty. */
  part(name: string): string | undefined;
}

interface PartRead {
  part: string;
  key: KeySpec;
  field: Field<string> | undefined;
  fn: ((device: HasElement) => string | undefined) | undefined;
}

/** A part's value on a device: raw text, lower-cased for a caseless key; undefined when absent or empty. */
function deviceValue(r: PartRead, device: HasElement): string | undefined {
  const raw = r.field !== undefined ? readRaw(device.element, r.field) : derived(r, device);
  if (raw === undefined || raw === '') return undefined;
  return r.key.caseless ? raw.toLowerCase() : raw;
}

/**
 * A derived part. A value the class cannot read (a bad source address) identifies nothing: the
 * device reports it where its fields are read (validate, inspect), and binding goes on without it.
 */
function derived(r: PartRead, device: HasElement): string | undefined {
  try {
    return r.fn?.(device);
  } catch (e) {
    if (isVmDevicesError(e)) return undefined;
    throw e;
  }
}

/** A lookup as messages show it (`target_address=10.0.2.1 port=4600`). */
export function describeLookup(lookup: string): string {
  return lookup.replaceAll('\u0000', ' ');
}

/** A class's identity: its keys, in the order they are tried and saved. */
export function identifiedBy(...keys: KeySpec[]): IdentitySpec {
  return new IdentitySpec(keys);
}

/**
 * No parts: one shared empty record (most entries and many devices have none). Frozen, so that no
 * caller writes into what every other holder sees.
 */
const NO_PARTS: KeyValues = Object.freeze(nullObject<string>());

/** No lookups: one shared empty list (most devices of most domains have few keys). */
const NO_LOOKUPS: readonly string[] = [];

/** An identity without keys (what Generic and the base class declare). */
export const NO_IDENTITY = new IdentitySpec([]);

/** The scalar text of a conf value (`2` and `"2"` alike), undefined for anything else. */
export function confText(conf: Dict, name: string): string | undefined {
  if (!hasKey(conf, name)) return undefined;
  const v: Value = conf[name] as Value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}
