import { openEnum } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { panicMembers } from './schema/panic.js';

const F = {
  model: field('@model', openEnum<'isa' | 'pseries' | 'hyperv' | 's390' | 'pvpanic'>('panic model')),
} as const;

export interface Panic extends Accessors<typeof F & typeof panicMembers> {}
/**
 * `<panic>`: the device through which the guest reports a crash to the hypervisor. Without a model
 * libvirt picks the machine's own (isa on x86); a domain may have several of different models.
 */
export class Panic extends Device {
  static override readonly tag = 'panic';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ model: '@model' }));
  static override readonly fields = F;
  static override readonly members = panicMembers;
  static override readonly childOrder = ['alias', 'address'];
  static {
    defineAccessors(this);
  }
}
