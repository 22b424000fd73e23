/**
 * What `<serial>`, `<console>` and `<channel>` share: libvirt's character device. The element's
 * `type` says what backs it on the host; `<source>` (path, mode, host, service, channel...),
 * `<protocol>` and `<log>` describe that backend; `<target>` is what the guest sees. Each class
 * adds its own target fields.
 */
import { onOff, str, uint, yesNo } from '../xml/codecs.js';
import { childElements } from '../xml/tree.js';
import type { DeviceMeta } from '../metadata/view.js';
import { chardevProtocol, chardevSourceMode, chardevType } from './chardev-type.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import type { IdentitySpec } from './identity.js';
import { identifiedBy, key } from './identity.js';
import { prefixed } from './nested.js';
import { Part, addChildElement, removePart } from './part.js';

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

/**
 * One `<source>` of a character device. Only udp has two (`mode="bind"` for the local end,
 * `mode="connect"` for the remote one); every other type has at most one.
 */
export class ChardevSource extends Part {
  static override readonly fields = chardevSourceFields;
  static override readonly childOrder = SOURCE_ORDER;

  get mode(): string | undefined {
    return this.read(chardevSourceFields.mode);
  }
  set mode(v: string | undefined) {
    this.write(chardevSourceFields.mode, v);
  }

  get path(): string | undefined {
    return this.read(chardevSourceFields.path);
  }
  set path(v: string | undefined) {
    this.write(chardevSourceFields.path, v);
  }

  get host(): string | undefined {
    return this.read(chardevSourceFields.host);
  }
  set host(v: string | undefined) {
    this.write(chardevSourceFields.host, v);
  }

  get service(): string | undefined {
    return this.read(chardevSourceFields.service);
  }
  set service(v: string | undefined) {
    this.write(chardevSourceFields.service, v);
  }

  get channel(): string | undefined {
    return this.read(chardevSourceFields.channel);
  }
  set channel(v: string | undefined) {
    this.write(chardevSourceFields.channel, v);
  }

  get append(): boolean | undefined {
    return this.read(chardevSourceFields.append);
  }
  set append(v: boolean | undefined) {
    this.write(chardevSourceFields.append, v);
  }

  get tls(): boolean | undefined {
    return this.read(chardevSourceFields.tls);
  }
  set tls(v: boolean | undefined) {
    this.write(chardevSourceFields.tls, v);
  }

  get reconnectEnabled(): boolean | undefined {
    return this.read(chardevSourceFields.reconnectEnabled);
  }
  set reconnectEnabled(v: boolean | undefined) {
    this.write(chardevSourceFields.reconnectEnabled, v);
  }

  get reconnectTimeout(): number | undefined {
    return this.read(chardevSourceFields.reconnectTimeout);
  }
  set reconnectTimeout(v: number | undefined) {
    this.write(chardevSourceFields.reconnectTimeout, v);
  }
}

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

/**
 * A device whose element carries a character device backend (`chardevBackendFields`): the base of
 * CharDevice (Console, Serial, Channel), Redir and Smartcard, whose backend accessors are these.
 */
export abstract class ChardevBackedDevice extends Device {
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /** libvirt's order below the direct children; classes with deeper target fields extend it. */
  static override readonly nestedOrder: NestedOrder = { source: SOURCE_ORDER };

  /** What backs the device on the host (pty, unix, tcp, spicevmc...). */
  get type(): string | undefined {
    return this.read(B.type);
  }
  set type(v: string | undefined) {
    this.write(B.type, v);
  }

  /** unix, tcp, udp: `bind` (listen) or `connect`. */
  get sourceMode(): string | undefined {
    return this.read(B.sourceMode);
  }
  set sourceMode(v: string | undefined) {
    this.write(B.sourceMode, v);
  }

  get sourcePath(): string | undefined {
    return this.read(B.sourcePath);
  }
  set sourcePath(v: string | undefined) {
    this.write(B.sourcePath, v);
  }

  get sourceHost(): string | undefined {
    return this.read(B.sourceHost);
  }
  set sourceHost(v: string | undefined) {
    this.write(B.sourceHost, v);
  }

  get sourceService(): string | undefined {
    return this.read(B.sourceService);
  }
  set sourceService(v: string | undefined) {
    this.write(B.sourceService, v);
  }

  /** tcp: TLS on this connection, overriding the host's default. */
  get sourceTls(): boolean | undefined {
    return this.read(B.sourceTls);
  }
  set sourceTls(v: boolean | undefined) {
    this.write(B.sourceTls, v);
  }

  get sourceReconnectEnabled(): boolean | undefined {
    return this.read(B.sourceReconnectEnabled);
  }
  set sourceReconnectEnabled(v: boolean | undefined) {
    this.write(B.sourceReconnectEnabled, v);
  }

  /** Seconds between reconnection attempts. */
  get sourceReconnectTimeout(): number | undefined {
    return this.read(B.sourceReconnectTimeout);
  }
  set sourceReconnectTimeout(v: number | undefined) {
    this.write(B.sourceReconnectTimeout, v);
  }

  get protocolType(): string | undefined {
    return this.read(B.protocolType);
  }
  set protocolType(v: string | undefined) {
    this.write(B.protocolType, v);
  }
}

/** The base of Console, Serial and Channel. */
export abstract class CharDevice extends ChardevBackedDevice {
  static override readonly childOrder: readonly string[] = CHARDEV_CHILD_ORDER;
  /**
   * A serial, parallel or console port by its number and target type, either of which may be
   * absent (serial port 0 is not virtio console 0: each refuses the other). Channel declares its own.
   */
  static override readonly identifiedBy: IdentitySpec = identifiedBy(
    key({ port: 'target/@port' }),
    key({ target_type: 'target/@type' }),
  );

  /** Every `<source>`, in document order (two for udp). */
  get sources(): ChardevSource[] {
    return childElements(this.element, 'source').map((el) => new ChardevSource(el));
  }

  /** Adds an empty `<source>` after the existing ones (udp's second end). */
  addSource(): ChardevSource {
    return new ChardevSource(addChildElement(this.element, 'source', this.cls.childOrder));
  }

  /** Removes one of this device's sources. */
  removeSource(source: ChardevSource): void {
    removePart(this.element, source, this.path);
  }

  get sourceChannel(): string | undefined {
    return this.read(F.sourceChannel);
  }
  set sourceChannel(v: string | undefined) {
    this.write(F.sourceChannel, v);
  }

  get sourceAppend(): boolean | undefined {
    return this.read(F.sourceAppend);
  }
  set sourceAppend(v: boolean | undefined) {
    this.write(F.sourceAppend, v);
  }

  get logFile(): string | undefined {
    return this.read(F.logFile);
  }
  set logFile(v: string | undefined) {
    this.write(F.logFile, v);
  }

  get logAppend(): boolean | undefined {
    return this.read(F.logAppend);
  }
  set logAppend(v: boolean | undefined) {
    this.write(F.logAppend, v);
  }

  get targetType(): string | undefined {
    return this.read(F.targetType);
  }
  set targetType(v: string | undefined) {
    this.write(F.targetType, v);
  }

  get targetPort(): number | undefined {
    return this.read(F.targetPort);
  }
  set targetPort(v: number | undefined) {
    this.write(F.targetPort, v);
  }

  /** The `source*` fields describe the first `<source>`; a udp device lists both ends. */
  protected override derivedFields(): Record<string, unknown> {
    const sources = this.sources;
    return sources.length > 1 ? { sources: sources.map((s) => s.toJSON()) } : {};
  }
}
