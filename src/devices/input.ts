import { Device } from './device.js';

/** `<input>` (placeholder until its class is written). */
export class Input extends Device {
  static override readonly tag = 'input';
}
