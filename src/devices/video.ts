import { Device } from './device.js';

/** `<video>` (placeholder until its class is written). */
export class Video extends Device {
  static override readonly tag = 'video';
}
