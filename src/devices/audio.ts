import { int, openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';

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

/**
 * `<audio>`: a host audio backend, which sound cards and graphics play through by its `id`
 * (libvirt >= 7.2). It has neither alias nor guest address: the id is what tells it apart.
 */
export class Audio extends Device {
  static override readonly tag = 'audio';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ id: '@id' }));
  static override readonly fields = F;
  static override readonly childOrder = ['input', 'output'];

  get id(): number | undefined {
    return this.read(F.id);
  }
  set id(v: number | undefined) {
    this.write(F.id, v);
  }

  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  get timerPeriod(): number | undefined {
    return this.read(F.timerPeriod);
  }
  set timerPeriod(v: number | undefined) {
    this.write(F.timerPeriod, v);
  }

  get tryMMap(): boolean | undefined {
    return this.read(F.tryMMap);
  }
  set tryMMap(v: boolean | undefined) {
    this.write(F.tryMMap, v);
  }

  get exclusive(): boolean | undefined {
    return this.read(F.exclusive);
  }
  set exclusive(v: boolean | undefined) {
    this.write(F.exclusive, v);
  }

  get dspPolicy(): number | undefined {
    return this.read(F.dspPolicy);
  }
  set dspPolicy(v: number | undefined) {
    this.write(F.dspPolicy, v);
  }

  get runtimeDir(): string | undefined {
    return this.read(F.runtimeDir);
  }
  set runtimeDir(v: string | undefined) {
    this.write(F.runtimeDir, v);
  }

  get serverName(): string | undefined {
    return this.read(F.serverName);
  }
  set serverName(v: string | undefined) {
    this.write(F.serverName, v);
  }

  get driver(): string | undefined {
    return this.read(F.driver);
  }
  set driver(v: string | undefined) {
    this.write(F.driver, v);
  }

  get filePath(): string | undefined {
    return this.read(F.filePath);
  }
  set filePath(v: string | undefined) {
    this.write(F.filePath, v);
  }
}
