import { Device } from './device.js';

/** `<memballoon>` (placeholder until its class is written). */
export class Balloon extends Device {
  static override readonly tag = 'memballoon';
}
