import { Device } from './device.js';

/** Every device element without a class of its own: alias, address and the element itself. */
export class Generic extends Device {
  static override readonly tag = '';
}
