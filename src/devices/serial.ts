import { Device } from './device.js';

/** `<serial>` (placeholder until its class is written). */
export class Serial extends Device {
  static override readonly tag = 'serial';
}
