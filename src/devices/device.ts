/**
 * The Device base: a view over the element it came from. Getters read the element, setters write
 * it at once, nothing is regenerated, so whatever a class does not model survives.
 */
import type { VmDevicesError } from '../errors.js';
import { UnexpectedElementError, isVmDevicesError } from '../errors.js';
import type { MetaSchema } from '../metadata/schema.js';
import { metaString } from '../metadata/schema.js';
import type { Dict } from '../metadata/value.js';
import { dict, dictSet, hasKey } from '../metadata/value.js';
import type { AnyDeviceMeta } from '../metadata/view.js';
import { DeviceMeta } from '../metadata/view.js';
import { str, uint } from '../xml/codecs.js';
import type { Element } from '../xml/dom.js';
import { positionOf, serialize } from '../xml/dom.js';
import { elementPath, localNameOf } from '../xml/tree.js';
import type { AddressRecord } from './address.js';
import { elementAddressKey, readAddress, writeAddress } from './address.js';
import type { AnyField, NestedOrder } from './field.js';
import { field, readField, readRaw, writeField } from './field.js';
import type { DeviceParts, IdentitySpec, KeyValues } from './identity.js';
import { NO_IDENTITY } from './identity.js';
import type { Members } from './view.js';
import { View } from './view.js';

/** The prefix of user aliases (libvirt keeps `ua-*` aliases the agent sets). */
export const USER_ALIAS_PREFIX = 'ua-';

/** The id a user alias carries (`ua-<id>`), or undefined for any other alias. */
export function userAliasId(alias: string | undefined): string | undefined {
  return alias !== undefined && alias.startsWith(USER_ALIAS_PREFIX) && alias.length > USER_ALIAS_PREFIX.length
    ? alias.slice(USER_ALIAS_PREFIX.length)
    : undefined;
}
/** What libvirt accepts in a user alias. */
export const USER_ALIAS_PATTERN = /^ua-[a-zA-Z0-9_-]+$/;

/** What the binder needs to know about a device. */
export interface DeviceIdentity extends DeviceParts {
  /** The libvirt tag (`disk`, `memballoon`). */
  kind: string;
  alias: string | undefined;
  /** The id from a `ua-<id>` user alias. */
  userAliasId: string | undefined;
  /** The guest address, normalized for comparison. */
  address: string | undefined;
  /** The identifying parts the class declares (`identifiedBy`), by part name. */
  keys: KeyValues;
  /** The binder's lookups by key (rule 4). */
  lookups: readonly string[];
  /** The class's declaration, which says what refuses an entry. */
  spec: IdentitySpec;
  /**
   * The id the device's bound descriptor entry gives it, set by the domain before it binds the
   * xmlpickle layer: an xmlpickle entry of another id is not this device's.
   */
  deviceId?: string;
  /**
   * Set by the binder's `markTwins`: another device of the kind has the same keys and guest
   * address, so that only a libvirt alias (a position) tells the two apart.
   */
  twin?: boolean;
}

/** A device's identity; the parts the binder may never ask are read when asked. */
class LazyIdentity implements DeviceIdentity {
  readonly kind: string;
  readonly alias: string | undefined;
  readonly userAliasId: string | undefined;
  deviceId?: string;
  twin?: boolean;
  /** null: read, and the device has no address. */
  private addressRead: string | null | undefined;
  private keysRead: KeyValues | undefined;
  private lookupsRead: readonly string[] | undefined;

  constructor(
    private readonly device: Device,
    readonly spec: IdentitySpec,
  ) {
    const alias = readRaw(device.element, aliasField);
    this.kind = device.kind;
    this.alias = alias === '' ? undefined : alias;
    this.userAliasId = userAliasId(alias);
  }

  get address(): string | undefined {
    if (this.addressRead === undefined) this.addressRead = elementAddressKey(this.device.element) ?? null;
    return this.addressRead ?? undefined;
  }

  get keys(): KeyValues {
    return (this.keysRead ??= this.spec.ofDevice(this.device));
  }

  get lookups(): readonly string[] {
    return (this.lookupsRead ??= this.spec.lookups(this.keys));
  }

  /** One part, read alone (and not kept) until the keys are read whole. */
  part(name: string): string | undefined {
    return this.keysRead !== undefined ? this.keysRead[name] : this.spec.partOf(this.device, name);
  }

  /** The identity as plain values, every part read (JSON would see only what was read so far). */
  toJSON(): Omit<DeviceIdentity, 'spec' | 'part'> {
    const { kind, alias, userAliasId, address, keys, lookups, deviceId, twin } = this;
    return { kind, alias, userAliasId, address, keys, lookups, deviceId, twin };
  }
}

export interface DeviceJson {
  kind: string;
  class: string;
  alias?: string;
  deviceId?: string;
  address?: AddressRecord;
  fields: Record<string, unknown>;
}

/** The static side every device class has. */
export interface DeviceClass<D extends Device = Device> {
  readonly tag: string;
  readonly fields: Readonly<Record<string, AnyField>>;
  readonly members: Members;
  readonly childOrder: readonly string[];
  readonly nestedOrder: NestedOrder;
  readonly metaSchema: MetaSchema;
  readonly identifiedBy: IdentitySpec;
  readonly vdsmNames: readonly string[];
  readonly vdsmDevtype: string | undefined;
  readonly name: string;
  fromXmlTree(element: Element, meta?: Dict): D;
}

/** Metadata every class reads. */
export const baseMetaSchema = { deviceId: metaString } as const satisfies MetaSchema;

const ALIAS_PATH = 'alias/@name';

export abstract class Device extends View {
  /** The libvirt element name this class models; Generic accepts any. */
  static readonly tag: string = '';
  /**
   * The device's typed values, one line each: accessors (installed from the table) and toJSON's
   * `fields`.
   */
  static override readonly fields: Readonly<Record<string, AnyField>> = {};
  /** libvirt's order of the device's direct children, for inserting new ones. */
  static override readonly childOrder: readonly string[] = [];
  /**
   * libvirt's order below the direct children, by parent name, for a class whose fields go deeper
   * (`model/acceleration/@accel3d`, `source/reconnect/@enabled`): created elements land there too.
   */
  static override readonly nestedOrder: NestedOrder = {};
  static readonly metaSchema: MetaSchema = baseMetaSchema;
  /** The keys that tell a device of the kind apart (see identity.ts); none by default. */
  static readonly identifiedBy: IdentitySpec = NO_IDENTITY;
  /** Vdsm's other names for the kind (in a descriptor's `devtype`, a conf dict's `type` or `device`). */
  static readonly vdsmNames: readonly string[] = [];
  /** The `devtype` save writes, where Vdsm's device class is not the tag (`balloon`). */
  static readonly vdsmDevtype: string | undefined = undefined;

  /** The element the device is a view over (the live one after a refresh: see `adopt`). */
  #element: Element;
  /** Typed by each class's schema (`declare readonly meta: DeviceMeta<typeof schema>`). */
  readonly meta: AnyDeviceMeta;

  constructor(element: Element, meta?: Dict) {
    super();
    const cls = this.constructor as unknown as DeviceClass;
    if (cls.tag !== '' && localNameOf(element) !== cls.tag) {
      throw new UnexpectedElementError(cls.tag, localNameOf(element), {
        path: elementPath(element),
        ...positionOf(element),
      });
    }
    this.#element = element;
    this.meta = new DeviceMeta(meta ?? dict(), cls.metaSchema, this);
  }

  /** Builds the device over `element` with its bound metadata (`meta`, empty when none). */
  static fromXmlTree<D extends Device>(
    this: new (element: Element, meta?: Dict) => D,
    element: Element,
    meta?: Dict,
  ): D {
    return new this(element, meta);
  }

  get element(): Element {
    return this.#element;
  }

  /**
   * @internal The domain's refresh: the same device, as libvirt now shows it (the element it sent
   * plus alias and address), so that the object an agent holds stays the domain's device.
   */
  adopt(element: Element): void {
    if (localNameOf(element) !== this.kind) {
      throw new UnexpectedElementError(this.kind, localNameOf(element), {
        path: elementPath(element),
        ...positionOf(element),
      });
    }
    this.#element = element;
  }

  protected get cls(): DeviceClass {
    return this.constructor as unknown as DeviceClass;
  }

  /** The libvirt tag. */
  get kind(): string {
    return localNameOf(this.element);
  }

  /** How messages name the device: its tag and path (`disk /domain/devices/disk[2]`). */
  get description(): string {
    return `${this.kind} ${this.path}`;
  }

  /** The class name (`Drive`, `Generic`). */
  get className(): string {
    return this.cls.name;
  }

  /** The element's XML path (`/domain/devices/disk[2]`); computed on demand. */
  get path(): string {
    return elementPath(this.element);
  }

  get xmlPath(): string {
    return this.path;
  }

  protected find(): Element {
    return this.#element;
  }

  protected make(): Element {
    return this.#element;
  }

  get alias(): string | undefined {
    return readField(this.element, aliasField);
  }
  set alias(value: string | undefined) {
    writeField(this.element, aliasField, value, this.cls.childOrder);
  }

  /** True when the alias is a user alias (`ua-...`). */
  get userAlias(): boolean {
    return this.alias?.startsWith(USER_ALIAS_PREFIX) === true;
  }

  /** The device id: from a `ua-<id>` alias, else the metadata's `deviceId`. */
  get deviceId(): string | undefined {
    const fromAlias = userAliasId(this.alias);
    if (fromAlias !== undefined) return fromAlias;
    const m: unknown = this.meta.get('deviceId');
    return typeof m === 'string' && m !== '' ? m : undefined;
  }

  /** The guest address: the direct `<address>` child's attributes, or undefined. */
  get address(): AddressRecord | undefined {
    return readAddress(this.element);
  }
  set address(value: AddressRecord | undefined) {
    writeAddress(this.element, value, this.cls.childOrder);
  }

  /** The device's place in the boot order (`<boot order>`). */
  get bootOrder(): number | undefined {
    return this.read(bootOrderField);
  }
  set bootOrder(value: number | undefined) {
    this.write(bootOrderField, value);
  }

  /**
   * What tells this device apart, as the binder, save and hotplug see it. Never throws. The
   * address and the keys are read on first use: most devices of a saved domain bind by their user
   * alias, which reads neither. Take it, use it: a part read after the device changed sees the change.
   */
  identity(): DeviceIdentity {
    return new LazyIdentity(this, this.cls.identifiedBy);
  }

  /**
   * What this device persists: its whole metadata entry (keys it did not read are kept) plus its
   * deviceId.
   */
  metadataToSave(): Dict {
    const out = this.meta.copy();
    // A deviceId the entry holds is kept as it is, even one that could not be read.
    if (hasKey(out, 'deviceId')) return out;
    const id = this.deviceId;
    if (id !== undefined) dictSet(out, 'deviceId', id);
    return out;
  }

  /**
   * Every typed field of the class that is present, plus what a subclass derives. With `onError`,
   * a value that cannot be read goes to it and the others are still read (a report lists what it
   * can); without, the first one throws.
   */
  fieldValues(onError?: (e: VmDevicesError) => void): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const guard = (read: () => void): void => {
      try {
        read();
      } catch (e) {
        if (onError === undefined || !isVmDevicesError(e)) throw e;
        onError(e);
      }
    };
    guard(() => {
      const bootOrder = this.bootOrder;
      if (bootOrder !== undefined) out['bootOrder'] = bootOrder;
    });
    for (const [name, f] of Object.entries(this.cls.fields)) {
      guard(() => {
        const v: unknown = readField(this.element, f);
        if (v !== undefined && !(f.flag && v === false)) out[name] = v;
      });
    }
    guard(() => Object.assign(out, this.derivedFields()));
    return out;
  }

  /** Values a class computes from several nodes or from metadata (displayIp, drive source...). */
  protected derivedFields(): Record<string, unknown> {
    return {};
  }

  toJSON(): DeviceJson {
    const out: DeviceJson = { kind: this.kind, class: this.className, fields: this.fieldValues() };
    const alias = this.alias;
    if (alias !== undefined) out.alias = alias;
    const id = this.deviceId;
    if (id !== undefined) out.deviceId = id;
    const address = this.address;
    if (address !== undefined) out.address = { ...address };
    return out;
  }

  toXml(): string {
    return serialize(this.element);
  }
}

const aliasField = field(ALIAS_PATH, str);
const bootOrderField = field('boot/@order', uint);
