import { openEnum } from '../xml/codecs.js';
import { ChardevBackedDevice, chardevBackendFields } from './chardev.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { redirdevMembers } from './schema/redirdev.js';

const F = {
  bus: field('@bus', openEnum<'usb'>('redirdev bus')),
  // The character device a USB redirection uses (spicevmc, tcp with TLS and reconnect, unix).
  ...chardevBackendFields,
} as const;

export interface Redir extends Accessors<typeof F & typeof redirdevMembers> {}
/**
 * `<redirdev>`: a USB device redirected to the guest over a character device (`spicevmc` from the
 * SPICE client, `tcp` from a usbredir server...). Vdsm looked for a `<redir>` element, which libvirt
 * never writes; this class is built from `<redirdev>`. The backend accessors (`type`, `sourceHost`,
 * `protocolType`...) are ChardevBackedDevice's.
 */
export class Redir extends ChardevBackedDevice {
  static override readonly tag = 'redirdev';
  static override readonly vdsmNames = ['redir'];
  static override readonly identifiedBy = identifiedBy(key({ bus: '@bus', type: '@type' }));
  static override readonly fields = F;
  static override readonly members = redirdevMembers;
  static override readonly childOrder = ['source', 'protocol', 'boot', 'alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }
}
