import { int, openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { audioMembers } from './schema/audio.js';

const F = {
  /** What `<sound><audio id>` and `<graphics><audio id>` refer to. */
  id: field('@id', uint),
  type: field(
    '@type',
    openEnum<
      | 'none'
      | 'alsa'
      | 'coreaudio'
      | 'jack'
      | 'oss'
      | 'pipewire'
      | 'pulseaudio'
      | 'sdl'
      | 'spice'
      | 'file'
      | 'dbus'
    >('audio type'),
  ),
  /** Microseconds between audio timer ticks. */
  timerPeriod: field('@timerPeriod', uint),
  /** oss: try mmap'ing the device. */
  tryMMap: field('@tryMMap', yesNo),
  /** oss: open the device exclusively. */
  exclusive: field('@exclusive', yesNo),
  /** oss: the OSS DSP policy (-1 to 10). */
  dspPolicy: field('@dspPolicy', int),
  /** pipewire: the runtime directory of the PipeWire server. */
  runtimeDir: field('@runtimeDir', str),
  /** pulseaudio: the server to connect to. */
  serverName: field('@serverName', str),
  /** sdl: SDL's audio driver. */
  driver: field('@driver', openEnum<'esd' | 'alsa' | 'arts' | 'pulseaudio'>('sdl audio driver')),
  /** file: the WAV file output is written to (`@path`; `path` is the device's XML path). */
  filePath: field('@path', str),
} as const;

export interface Audio extends Accessors<typeof F & typeof audioMembers> {}
/**
 * `<audio>`: a host audio backend, which sound cards and graphics play through by its `id`
 * (libvirt >= 7.2). It has neither alias nor guest address: the id is what tells it apart.
 */
export class Audio extends Device {
  static override readonly tag = 'audio';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ id: '@id' }));
  static override readonly fields = F;
  static override readonly members = audioMembers;
  static override readonly childOrder = ['input', 'output'];
  static {
    defineAccessors(this);
  }
}
