/**
 * What `<serial>`, `<console>` and `<channel>` share: libvirt's character device. The element's
 * `type` says what backs it on the host; `<source>` (path, mode, host, service, channel...),
 * `<protocol>` and `<log>` describe that backend; `<target>` is what the guest sees. Each class
 * adds its own target fields.
 */
import { onOff, str, uint, yesNo } from '../xml/codecs.js';
import { childElements } from '../xml/tree.js';
import { chardevProtocol, chardevSourceMode, chardevType } from './chardev-type.js';
import { Device } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { prefixed } from './nested.js';
import { Part, addChildElement } from './part.js';

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

/** The fields every character device has: the first `<source>` flattened (`sourcePath`...). */
export const chardevFields = {
  type: field('@type', chardevType),
  ...prefixed('source', chardevSourceFields),
  /** tcp: raw, telnet, telnets, tls. */
  protocolType: field('protocol/@type', chardevProtocol),
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

/** The base of Console, Serial and Channel. */
export abstract class CharDevice extends Device {
  static override readonly childOrder: readonly string[] = CHARDEV_CHILD_ORDER;
  /** libvirt's order below the direct children; classes with deeper target fields extend it. */
  static override readonly nestedOrder: NestedOrder = { source: SOURCE_ORDER };

  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

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
    if (source.element.parentNode !== this.element) throw new RangeError('not a source of this device');
    this.element.removeChild(source.element);
  }

  get sourceMode(): string | undefined {
    return this.read(F.sourceMode);
  }
  set sourceMode(v: string | undefined) {
    this.write(F.sourceMode, v);
  }

  get sourcePath(): string | undefined {
    return this.read(F.sourcePath);
  }
  set sourcePath(v: string | undefined) {
    this.write(F.sourcePath, v);
  }

  get sourceHost(): string | undefined {
    return this.read(F.sourceHost);
  }
  set sourceHost(v: string | undefined) {
    this.write(F.sourceHost, v);
  }

  get sourceService(): string | undefined {
    return this.read(F.sourceService);
  }
  set sourceService(v: string | undefined) {
    this.write(F.sourceService, v);
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

  get sourceTls(): boolean | undefined {
    return this.read(F.sourceTls);
  }
  set sourceTls(v: boolean | undefined) {
    this.write(F.sourceTls, v);
  }

  get sourceReconnectEnabled(): boolean | undefined {
    return this.read(F.sourceReconnectEnabled);
  }
  set sourceReconnectEnabled(v: boolean | undefined) {
    this.write(F.sourceReconnectEnabled, v);
  }

  get sourceReconnectTimeout(): number | undefined {
    return this.read(F.sourceReconnectTimeout);
  }
  set sourceReconnectTimeout(v: number | undefined) {
    this.write(F.sourceReconnectTimeout, v);
  }

  get protocolType(): string | undefined {
    return this.read(F.protocolType);
  }
  set protocolType(v: string | undefined) {
    this.write(F.protocolType, v);
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
