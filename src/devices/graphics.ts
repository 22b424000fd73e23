import { Device } from './device.js';

/** `<graphics>` (placeholder until its class is written). */
export class Graphics extends Device {
  static override readonly tag = 'graphics';
}
