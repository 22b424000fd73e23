import { openEnum } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';

const F = {
  model: field('@model', openEnum<'i6300esb' | 'ib700' | 'diag288' | 'itco'>('watchdog model')),
  action: field(
    '@action',
    openEnum<'reset' | 'shutdown' | 'poweroff' | 'pause' | 'none' | 'dump' | 'inject-nmi'>('watchdog action'),
  ),
} as const;

/** `<watchdog>`: the emulated watchdog and what the hypervisor does when it fires. */
export class Watchdog extends Device {
  static override readonly tag = 'watchdog';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ model: '@model' }));
  static override readonly fields = F;
  static override readonly childOrder = ['alias', 'acpi', 'address'];

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  /** What happens when the watchdog fires; libvirt's default is `reset`. */
  get action(): string | undefined {
    return this.read(F.action);
  }
  set action(v: string | undefined) {
    this.write(F.action, v);
  }
}
