import { openEnum } from '../xml/codecs.js';
import { CharDevice, chardevFields } from './chardev.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { serialMembers } from './schema/serial.js';

const F = {
  ...chardevFields,
  /** The emulated device behind `targetType` (isa-serial, pci-serial, pl011, 16550a...). */
  targetModelName: field('target/model/@name', openEnum('serial target model')),
} as const;

export interface Serial extends Accessors<typeof F & typeof serialMembers> {}
/** `<serial>`: a serial port of the guest; `targetPort` is its number. */
export class Serial extends CharDevice {
  static override readonly tag = 'serial';
  static override readonly fields = F;
  static override readonly members = serialMembers;
  static {
    defineAccessors(this);
  }
  static override readonly nestedOrder: NestedOrder = {
    ...CharDevice.nestedOrder,
    target: ['model'],
  };
}
