import { onOff, openEnum, str } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';

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
  static override readonly childOrder = ['driver', 'source', 'alias', 'acpi', 'address'];

  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  get bus(): string | undefined {
    return this.read(F.bus);
  }
  set bus(v: string | undefined) {
    this.write(F.bus, v);
  }

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  get sourceEvdev(): string | undefined {
    return this.read(F.sourceEvdev);
  }
  set sourceEvdev(v: string | undefined) {
    this.write(F.sourceEvdev, v);
  }

  get sourceDev(): string | undefined {
    return this.read(F.sourceDev);
  }
  set sourceDev(v: string | undefined) {
    this.write(F.sourceDev, v);
  }

  get sourceGrab(): string | undefined {
    return this.read(F.sourceGrab);
  }
  set sourceGrab(v: string | undefined) {
    this.write(F.sourceGrab, v);
  }

  get sourceGrabToggle(): string | undefined {
    return this.read(F.sourceGrabToggle);
  }
  set sourceGrabToggle(v: string | undefined) {
    this.write(F.sourceGrabToggle, v);
  }

  get sourceRepeat(): boolean | undefined {
    return this.read(F.sourceRepeat);
  }
  set sourceRepeat(v: boolean | undefined) {
    this.write(F.sourceRepeat, v);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }
}
