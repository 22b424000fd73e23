import { openEnum } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { watchdogMembers } from './schema/watchdog.js';

const F = {
  model: field('@model', openEnum<'i6300esb' | 'ib700' | 'diag288' | 'itco'>('watchdog model')),
  /** What happens when the watchdog fires; libvirt's default is `reset`. */
  action: field(
    '@action',
    openEnum<'reset' | 'shutdown' | 'poweroff' | 'pause' | 'none' | 'dump' | 'inject-nmi'>('watchdog action'),
  ),
} as const;

export interface Watchdog extends Accessors<typeof F & typeof watchdogMembers> {}
/** `<watchdog>`: the emulated watchdog and what the hypervisor does when it fires. */
export class Watchdog extends Device {
  static override readonly tag = 'watchdog';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ model: '@model' }));
  static override readonly fields = F;
  static override readonly members = watchdogMembers;
  static override readonly childOrder = ['alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }
}
