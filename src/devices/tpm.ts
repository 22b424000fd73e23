import { Device } from './device.js';

/** `<tpm>` (placeholder until its class is written). */
export class Tpm extends Device {
  static override readonly tag = 'tpm';
}
