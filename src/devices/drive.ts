import { Device } from './device.js';

/** `<disk>` (placeholder until its class is written). */
export class Drive extends Device {
  static override readonly tag = 'disk';
}
