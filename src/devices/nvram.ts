import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { identifiedBy, key } from './identity.js';

import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { nvramMembers } from './schema/nvram.js';

export interface Nvram extends Accessors<typeof nvramMembers> {}
/**
 * `<nvram>` under `<devices>`: the NVRAM of a pSeries guest (a spapr-vio device; not the UEFI
 * variable store under `<os>`). It has nothing but its address; libvirt allows one per domain.
 */
export class Nvram extends Device {
  static override readonly tag = 'nvram';
  static override readonly members = nvramMembers;
  static {
    defineAccessors(this);
  }
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({}));
  static override readonly childOrder = ['alias', 'address'];
}
