/** What a `<hostdev>` keeps in its metadata entry: Vdsm stored the mdev type of mediated devices. */
import type { MetaSchema } from '../schema.js';
import { metaString } from '../schema.js';

export const hostDeviceMetaSchema = {
  deviceId: metaString,
  /** The mdev type (`nvidia-11`) of a mediated device, which its XML does not name. */
  mdevType: metaString,
} as const satisfies MetaSchema;
