import { Device } from './device.js';

/** `<hostdev>` (placeholder until its class is written). */
export class HostDevice extends Device {
  static override readonly tag = 'hostdev';
}
