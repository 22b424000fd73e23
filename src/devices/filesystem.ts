import { Device } from './device.js';

/** `<filesystem>` (placeholder until its class is written). */
export class Filesystem extends Device {
  static override readonly tag = 'filesystem';
}
