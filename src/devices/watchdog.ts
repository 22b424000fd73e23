import { Device } from './device.js';

/** `<watchdog>` (placeholder until its class is written). */
export class Watchdog extends Device {
  static override readonly tag = 'watchdog';
}
