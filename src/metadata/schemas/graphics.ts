/**
 * What a `<graphics>` keeps in its metadata entry: the display network and IP the manager asked
 * for. Vdsm wrote `display_network`; Engine's conf dicts carry `displayNetwork`/`displayIp`, at the
 * top level or inside `specParams` (the seed's xmlpickle example).
 */
import type { MetaSchema } from '../schema.js';
import { metaDict, metaString } from '../schema.js';

export const graphicsMetaSchema = {
  deviceId: metaString,
  displayNetwork: metaString,
  /** Vdsm's spelling of displayNetwork. */
  display_network: metaString,
  displayIp: metaString,
  specParams: metaDict('specParams', { displayNetwork: metaString, displayIp: metaString }),
} as const satisfies MetaSchema;
