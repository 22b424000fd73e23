import { openEnum, str } from '../xml/codecs.js';
import type { Element } from '../xml/dom.js';
import {
  childElements,
  createElement,
  insertBefore,
  ownerOf,
  removeNode,
  setText,
  textOf,
} from '../xml/tree.js';
import { chardevFields, chardevSourceFields } from './chardev.js';
import { Device } from './device.js';
import { field } from './field.js';
import { prefixed } from './nested.js';
import { addChildElement } from './part.js';

// The character device's parts a passthrough smartcard uses.
const { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout } = chardevSourceFields;

const F = {
  mode: field('@mode', openEnum<'host' | 'host-certificates' | 'passthrough'>('smartcard mode')),
  type: chardevFields.type,
  database: field('database', str),
  ...prefixed('source', { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout }),
  protocolType: chardevFields.protocolType,
} as const;

/**
 * `<smartcard>`: the host's reader (`host`), three NSS certificates (`host-certificates`), or a
 * character device to a remote reader (`passthrough`, with `type` and `<source>`).
 */
export class Smartcard extends Device {
  static override readonly tag = 'smartcard';
  static override readonly fields = F;
  static override readonly childOrder = [
    'certificate',
    'database',
    'source',
    'protocol',
    'alias',
    'acpi',
    'address',
  ];

  get mode(): string | undefined {
    return this.read(F.mode);
  }
  set mode(v: string | undefined) {
    this.write(F.mode, v);
  }

  /** The character device type of a passthrough smartcard. */
  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  /** host-certificates: the certificate names, in order (libvirt wants exactly three). */
  get certificates(): string[] {
    return childElements(this.element, 'certificate').map((c) => textOf(c));
  }
  /**
   * Sets the certificate names: existing `<certificate>` elements are rewritten in place, extra ones
   * removed, missing ones added after the last (an empty list removes them all).
   */
  set certificates(v: readonly string[]) {
    const existing = childElements(this.element, 'certificate');
    existing.slice(v.length).forEach(removeNode);
    let last: Element | undefined;
    v.forEach((name, i) => {
      let el = existing[i];
      if (el === undefined) {
        if (last === undefined) el = addChildElement(this.element, 'certificate', Smartcard.childOrder);
        else {
          el = createElement(
            ownerOf(last),
            'certificate',
            last.namespaceURI ?? null,
            last.prefix ?? undefined,
          );
          insertBefore(this.element, el, last.nextSibling);
        }
      }
      setText(el, name);
      last = el;
    });
  }

  /** host-certificates: the NSS database directory. */
  get database(): string | undefined {
    return this.read(F.database);
  }
  set database(v: string | undefined) {
    this.write(F.database, v);
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

  protected override derivedFields(): Record<string, unknown> {
    const certificates = this.certificates;
    return certificates.length === 0 ? {} : { certificates };
  }
}
