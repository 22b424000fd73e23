import { Device } from './device.js';

/** `<memory>` (placeholder until its class is written). */
export class Memory extends Device {
  static override readonly tag = 'memory';
}
