import { Device } from './device.js';

/** `<redirdev>` (placeholder until its class is written). */
export class Redir extends Device {
  static override readonly tag = 'redirdev';
}
