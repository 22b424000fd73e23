import { str } from '../xml/codecs.js';
import { CharDevice, chardevFields } from './chardev.js';
import { field } from './field.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { consoleMembers } from './schema/console.js';

const F = {
  ...chardevFields,
  /** The pty libvirt allocated, in live XML (the same path as `<source path>`). */
  tty: field('@tty', str),
} as const;

export interface Console extends Accessors<typeof F & typeof consoleMembers> {}
/**
 * `<console>`: the guest's interactive console. `targetType` says which guest device carries it
 * (serial, virtio, sclp...); a pty or unix backend gives the host side (`sourcePath`), which stays
 * as written, never recomputed.
 */
export class Console extends CharDevice {
  static override readonly tag = 'console';
  static override readonly fields = F;
  static override readonly members = consoleMembers;
  static {
    defineAccessors(this);
  }
}
