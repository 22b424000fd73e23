import { openEnum, str, yesNo } from '../xml/codecs.js';
import { CharDevice, chardevFields } from './chardev.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { channelMembers } from './schema/channel.js';

const F = {
  ...chardevFields,
  /** virtio, xen: the port name the guest looks for (org.qemu.guest_agent.0, com.redhat.spice.0). */
  targetName: field('target/@name', str),
  /** virtio, in live XML: whether the guest has the port open. */
  targetState: field('target/@state', openEnum<'connected' | 'disconnected'>('channel state')),
  /** guestfwd: the guest address forwarded to the host backend (with `targetPort`). */
  targetAddress: field('target/@address', str),
  /** qemu-vdagent: clipboard sharing and mouse mode. */
  sourceClipboardCopypaste: field('source/clipboard/@copypaste', yesNo),
  sourceMouseMode: field('source/mouse/@mode', openEnum<'server' | 'client'>('vdagent mouse mode')),
} as const;

export interface Channel extends Accessors<typeof F & typeof channelMembers> {}
/** `<channel>`: a host/guest communication channel (guest agent, spice agent, guestfwd). */
export class Channel extends CharDevice {
  static override readonly tag = 'channel';
  /** A virtio channel by its name; guestfwd by the address and port the guest connects to. */
  static override readonly identifiedBy = identifiedBy(
    key({ target_name: 'target/@name' }),
    key({ target_address: 'target/@address', port: 'target/@port' }),
    key({ target_type: 'target/@type' }, { find: false }),
  );
  static override readonly fields = F;
  static override readonly members = channelMembers;
  static {
    defineAccessors(this);
  }
}
