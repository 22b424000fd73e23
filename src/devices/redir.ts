import { openEnum } from '../xml/codecs.js';
import { chardevFields, chardevSourceFields } from './chardev.js';
import { Device } from './device.js';
import { field } from './field.js';
import { prefixed } from './nested.js';

// The character device's parts a USB redirection uses (spicevmc, tcp with TLS and reconnect, unix).
const { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout } = chardevSourceFields;

const F = {
  bus: field('@bus', openEnum<'usb'>('redirdev bus')),
  type: chardevFields.type,
  ...prefixed('source', { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout }),
  protocolType: chardevFields.protocolType,
} as const;

/**
 * `<redirdev>`: a USB device redirected to the guest over a character device (`spicevmc` from the
 * SPICE client, `tcp` from a usbredir server...). Vdsm looked for a `<redir>` element, which libvirt
 * never writes; this class is built from `<redirdev>`.
 */
export class Redir extends Device {
  static override readonly tag = 'redirdev';
  static override readonly fields = F;
  static override readonly childOrder = ['source', 'protocol', 'boot', 'alias', 'acpi', 'address'];

  get bus(): string | undefined {
    return this.read(F.bus);
  }
  set bus(v: string | undefined) {
    this.write(F.bus, v);
  }

  /** The character device type (`spicevmc`, `tcp`, `unix`...). */
  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  get sourceMode(): string | undefined {
    return this.read(F.sourceMode);
  }
  set sourceMode(v: string | undefined) {
    this.write(F.sourceMode, v);
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

  get sourcePath(): string | undefined {
    return this.read(F.sourcePath);
  }
  set sourcePath(v: string | undefined) {
    this.write(F.sourcePath, v);
  }

  /** tcp: TLS on this connection, overriding the host's default. */
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

  /** Seconds between reconnection attempts. */
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
}
