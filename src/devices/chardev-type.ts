/**
 * The codecs of a character device's host side, shared by every device that has one (rng egd
 * backends, passthrough smartcards, USB redirection): its type, its `<source mode>` and its
 * `<protocol type>`, all open enums.
 */
import { openEnum } from '../xml/codecs.js';

/** libvirt's character device types (qemucdevSrcTypeChoice). */
export type ChardevType =
  | 'dev'
  | 'file'
  | 'pipe'
  | 'unix'
  | 'tcp'
  | 'udp'
  | 'null'
  | 'stdio'
  | 'vc'
  | 'pty'
  | 'spicevmc'
  | 'spiceport'
  | 'nmdm'
  | 'qemu-vdagent'
  | 'dbus';

export const chardevType = openEnum<ChardevType>('character device type');
export const chardevSourceMode = openEnum<'bind' | 'connect'>('source mode');
export const chardevProtocol = openEnum<'raw' | 'telnet' | 'telnets' | 'tls'>('protocol type');
