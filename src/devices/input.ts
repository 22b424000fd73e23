import { onOff, openEnum, str } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { inputMembers } from './schema/input.js';

const F = {
  type: field('@type', openEnum<'mouse' | 'tablet' | 'keyboard' | 'passthrough' | 'evdev'>('input type')),
  bus: field('@bus', openEnum<'ps2' | 'usb' | 'xen' | 'virtio'>('input bus')),
  model: field(
    '@model',
    openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('input model'),
  ),
  /** passthrough: the host evdev device handed to the guest. */
  sourceEvdev: field('source/@evdev', str),
  /** evdev: the host input device the guest grabs. */
  sourceDev: field('source/@dev', str),
  sourceGrab: field('source/@grab', openEnum<'all'>('evdev grab')),
  sourceGrabToggle: field('source/@grabToggle', openEnum('evdev grab toggle')),
  sourceRepeat: field('source/@repeat', onOff),
  ...virtioDriverFields,
} as const;

export interface Input extends Accessors<typeof F & typeof inputMembers> {}
/** `<input>`: mouse, tablet, keyboard, or a host input device passed through. */
export class Input extends Device {
  static override readonly tag = 'input';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /**
   * Type and bus (a PS/2 mouse is not the USB one; an evdev input has no bus), and for a host input
   * passed through, its host device.
   */
  static override readonly identifiedBy = identifiedBy(
    key({ type: '@type' }),
    key({ bus: '@bus' }),
    key({ source_dev: 'source/@dev' }),
    key({ source_evdev: 'source/@evdev' }),
  );
  static override readonly fields = F;
  static override readonly members = inputMembers;
  static override readonly childOrder = ['driver', 'source', 'alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
