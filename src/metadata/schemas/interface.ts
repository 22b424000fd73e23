/**
 * What an `<interface>` keeps in its metadata entry (Vdsm's NIC keys): the logical network it is
 * attached to, the networks its traffic is mirrored to, and the free-form `custom` properties.
 */
import type { MetaSchema } from '../schema.js';
import { metaDict, metaList, metaString } from '../schema.js';

export const interfaceMetaSchema = {
  deviceId: metaString,
  /** The logical network (for a plain bridge, also the bridge name). */
  network: metaString,
  /** Networks whose traffic is mirrored to this NIC. */
  portMirroring: metaList('portMirroring', metaString),
  /** Vdsm's custom properties (`queues`, hook parameters...); every key is kept. */
  custom: metaDict('custom', {}),
} as const satisfies MetaSchema;
