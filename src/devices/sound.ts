import { Device } from './device.js';

/** `<sound>` (placeholder until its class is written). */
export class Sound extends Device {
  static override readonly tag = 'sound';
}
