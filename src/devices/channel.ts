import { Device } from './device.js';

/** `<channel>` (placeholder until its class is written). */
export class Channel extends Device {
  static override readonly tag = 'channel';
}
