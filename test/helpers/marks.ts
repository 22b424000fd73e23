/** The marks the lifecycle tests give devices in their metadata, to find each one again. */
import type { Domain } from '../../src/index.js';

/** The mark of the device at `index` in the domain the agent marked. */
export function deviceMark(index: number): string {
  return `device-${String(index)}`;
}

/** Gives every device of the domain its mark. */
export function markDevices(domain: Domain): void {
  domain.devices.forEach((device, i) => {
    device.meta.set('mark', deviceMark(i));
  });
}
