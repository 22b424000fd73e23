import { Device } from './device.js';

/** `<lease>` (placeholder until its class is written). */
export class Lease extends Device {
  static override readonly tag = 'lease';
}
