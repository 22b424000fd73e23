import { openEnum, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { SoundCodec, soundMembers } from './schema/sound.js';

export { SoundCodec };

const F = {
  model: field(
    '@model',
    openEnum<'sb16' | 'es1370' | 'pcspk' | 'ac97' | 'ich6' | 'ich7' | 'ich9' | 'usb'>('sound model'),
  ),
  /** usb: multi-channel mode. */
  multichannel: field('@multichannel', yesNo),
  /** The `<audio id>` backend this device plays through. */
  audioId: field('audio/@id', uint),
} as const;

export interface Sound extends Accessors<typeof F & typeof soundMembers> {}
/** `<sound>`: an emulated sound card; Vdsm called the model its `device`. */
export class Sound extends Device {
  static override readonly tag = 'sound';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(
    key({ model: '@model' }, { conf: (c) => ({ model: confText(c, 'device') }) }),
  );
  static override readonly fields = F;
  static override readonly members = soundMembers;
  static override readonly childOrder = ['codec', 'audio', 'alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }

  /** Adds `<codec type=...>` after the existing codecs. */
  addCodec(type: string): SoundCodec {
    const codec = this.codecs.add();
    codec.type = type;
    return codec;
  }

  /** Removes one of this device's codecs. */
  removeCodec(codec: SoundCodec): void {
    this.codecs.remove(codec);
  }

  protected override derivedFields(): Record<string, unknown> {
    const codecs = this.codecs;
    return codecs.length > 0 ? { codecs: codecs.map((c) => c.toJSON()) } : {};
  }
}
