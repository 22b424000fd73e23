import { openEnum } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { hubMembers } from './schema/hub.js';

const F = {
  type: field('@type', openEnum<'usb'>('hub type')),
} as const;

export interface Hub extends Accessors<typeof F & typeof hubMembers> {}
/**
 * `<hub>`: a USB hub, which gives the guest more USB ports. All hubs are of type `usb`: their USB
 * addresses (bus and port) tell several apart.
 */
export class Hub extends Device {
  static override readonly tag = 'hub';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ type: '@type' }));
  static override readonly fields = F;
  static override readonly members = hubMembers;
  static override readonly childOrder = ['alias', 'address'];
  static {
    defineAccessors(this);
  }
}
