import { Device } from './device.js';

/** `<smartcard>` (placeholder until its class is written). */
export class Smartcard extends Device {
  static override readonly tag = 'smartcard';
}
