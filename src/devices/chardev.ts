/**
 * What `<serial>`, `<console>` and `<channel>` share: libvirt's character device. The element's
 * `type` says what backs it on the host; `<source>` (path, mode, host, service, channel...),
 * `<protocol>` and `<log>` describe that backend; `<target>` is what the guest sees. Each class
 * adds its own target fields.
 */
import { onOff, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { chardevProtocol, chardevSourceMode, chardevType } from './chardev-type.js';
import { Device, baseMetaSchema } from './device.js';
import type { AnyField, NestedOrder } from './field.js';
import { field } from './field.js';
import type { IdentitySpec } from './identity.js';
import { identifiedBy, key } from './identity.js';
import { prefixed } from './nested.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import type { ViewList } from './view.js';
import { ChardevSource } from './schema/shared.js';

export { ChardevSource };

/** The fields of one `<source>` element, relative to it. */
export const chardevSourceFields = {
  /** unix, tcp, udp: `bind` (listen) or `connect`. */
  mode: field('@mode', chardevSourceMode),
  /** dev, file, pipe, unix, and the pty libvirt allocated. */
  path: field('@path', str),
  host: field('@host', str),
  service: field('@service', str),
  /** spiceport, dbus. */
  channel: field('@channel', str),
  /** file: append instead of truncating. */
  append: field('@append', onOff),
  /** tcp: TLS on this backend, overriding the host's default. */
  tls: field('@tls', yesNo),
  reconnectEnabled: field('reconnect/@enabled', yesNo),
  reconnectTimeout: field('reconnect/@timeout', uint),
} as const;

/** libvirt's order of the children of `<source>`. */
const SOURCE_ORDER = ['reconnect', 'seclabel', 'clipboard', 'mouse'] as const;

// What a backend on another device uses of `<source>` (redirdev, smartcard, an rng's egd backend):
// all but the file and spiceport attributes.
const { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout } = chardevSourceFields;

/**
 * A character device backend as fields of the element that carries it: its `type`, the first
 * `<source>` flattened (`sourceHost`...) and `<protocol>`. Redir and Smartcard carry one on the
 * device element, Rng on its `<backend>` (`prefixed('backend', ...)`).
 */
export const chardevBackendFields = {
  type: field('@type', chardevType),
  ...prefixed('source', { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout }),
  /** tcp: raw, telnet, telnets, tls. */
  protocolType: field('protocol/@type', chardevProtocol),
} as const;

const B = chardevBackendFields;

/** The fields every character device has: the first `<source>` flattened (`sourcePath`...). */
export const chardevFields = {
  /** What backs the device on the host (pty, unix, tcp, spicevmc...). */
  type: B.type,
  ...prefixed('source', chardevSourceFields),
  protocolType: B.protocolType,
  /** A file that receives everything the guest writes, whatever the backend. */
  logFile: field('log/@file', str),
  logAppend: field('log/@append', onOff),
  targetType: field('target/@type', str),
  targetPort: field('target/@port', uint),
} as const;

/** libvirt's order of a character device's children (virDomainChrDefFormat). */
export const CHARDEV_CHILD_ORDER = [
  'source',
  'protocol',
  'log',
  'target',
  'alias',
  'acpi',
  'address',
] as const;

const F = chardevFields;

export interface ChardevBackedDevice extends Accessors<typeof B> {}
/**
 * A device whose element carries a character device backend (`chardevBackendFields`): the base of
 * CharDevice (Console, Serial, Channel), Redir and Smartcard, whose backend accessors are these.
 */
export abstract class ChardevBackedDevice extends Device {
  static override readonly fields: Readonly<Record<string, AnyField>> = B;
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /** libvirt's order below the direct children; classes with deeper target fields extend it. */
  static override readonly nestedOrder: NestedOrder = { source: SOURCE_ORDER };
  static {
    defineAccessors(this);
  }
}

export interface CharDevice extends Accessors<typeof F> {}
/** The base of Console, Serial and Channel. */
export abstract class CharDevice extends ChardevBackedDevice {
  static override readonly fields: Readonly<Record<string, AnyField>> = F;
  static override readonly childOrder: readonly string[] = CHARDEV_CHILD_ORDER;
  /**
   * A serial, parallel or console port by its number and target type, either of which may be
   * absent (serial port 0 is not virtio console 0: each refuses the other). Channel declares its own.
   */
  static override readonly identifiedBy: IdentitySpec = identifiedBy(
    key({ port: 'target/@port' }),
    key({ target_type: 'target/@type' }),
  );
  static {
    defineAccessors(this);
  }

  /** Every `<source>`, in document order (two for udp); each kind's table declares it. */
  declare readonly sources: ViewList<ChardevSource>;

  /** Adds an empty `<source>` after the existing ones (udp's second end). */
  addSource(): ChardevSource {
    return this.sources.add();
  }

  /** Removes one of this device's sources. */
  removeSource(source: ChardevSource): void {
    this.sources.remove(source);
  }

  /** The `source*` fields describe the first `<source>`; a udp device lists both ends. */
  protected override derivedFields(): Record<string, unknown> {
    const sources = this.sources;
    return sources.length > 1 ? { sources: sources.map((s) => s.toJSON()) } : {};
  }
}
