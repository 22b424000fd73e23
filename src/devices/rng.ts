import { Device } from './device.js';

/** `<rng>` (placeholder until its class is written). */
export class Rng extends Device {
  static override readonly tag = 'rng';
}
