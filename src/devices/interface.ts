import { Device } from './device.js';

/** `<interface>` (placeholder until its class is written). */
export class Interface extends Device {
  static override readonly tag = 'interface';
}
