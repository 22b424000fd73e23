import { Device } from './device.js';

/** `<console>` (placeholder until its class is written). */
export class Console extends Device {
  static override readonly tag = 'console';
}
