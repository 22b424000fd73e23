import { openEnum, str } from '../xml/codecs.js';
import type { Element } from '../xml/dom.js';
import {
  childElements,
  createElement,
  insertIndented,
  nextElementSibling,
  ownerOf,
  removeIndented,
  setText,
  textOf,
} from '../xml/tree.js';
import { ChardevBackedDevice, chardevBackendFields } from './chardev.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { addChildElement, defineAccessors } from './view.js';
import { smartcardMembers } from './schema/smartcard.js';

const { type, ...backend } = chardevBackendFields;

const F = {
  mode: field('@mode', openEnum<'host' | 'host-certificates' | 'passthrough'>('smartcard mode')),
  /** passthrough: the character device to the remote reader (with the source and protocol fields). */
  type,
  /** host-certificates: the NSS database directory. */
  database: field('database', str),
  ...backend,
} as const;

export interface Smartcard extends Accessors<typeof F & typeof smartcardMembers> {}
/**
 * `<smartcard>`: the host's reader (`host`), three NSS certificates (`host-certificates`), or a
 * character device to a remote reader (`passthrough`, with `type` and `<source>`: the backend
 * accessors are ChardevBackedDevice's).
 */
export class Smartcard extends ChardevBackedDevice {
  static override readonly tag = 'smartcard';
  static override readonly identifiedBy = identifiedBy(key({ mode: '@mode' }));
  static override readonly fields = F;
  static override readonly members = smartcardMembers;
  static override readonly childOrder = [
    'certificate',
    'database',
    'source',
    'protocol',
    'alias',
    'acpi',
    'address',
  ];
  static {
    defineAccessors(this);
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
    for (const extra of existing.slice(v.length)) removeIndented(extra);
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
          insertIndented(this.element, el, nextElementSibling(last) ?? null);
        }
      }
      setText(el, name);
      last = el;
    });
  }

  protected override derivedFields(): Record<string, unknown> {
    const certificates = this.certificates;
    return certificates.length === 0 ? {} : { certificates };
  }
}
