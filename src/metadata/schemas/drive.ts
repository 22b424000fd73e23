/**
 * What a `<disk>` keeps in its metadata entry (Vdsm's storage keys): the image identity (PDIV:
 * poolID, domainID, imageID, volumeID), the volume chain with its leases, LUN GUID, payload and
 * replication data. Keys the schema names are checked when read; every other key, and every unknown
 * key inside the dicts, is kept as it came.
 */
import * as t from 'io-ts';
import type { MetaCodec, MetaSchema } from '../schema.js';
import { metaDict, metaInt, metaList, metaString } from '../schema.js';
import type { Value } from '../value.js';
import { parseBoolText } from '../value.js';

/** One volume of an image: a `volumeChain` item, and the shape of `volumeInfo`. */
export const volumeCodec = metaDict('volume', {
  domainID: metaString,
  imageID: metaString,
  volumeID: metaString,
  poolID: metaString,
  path: metaString,
  /** `path` (file storage) or `block`. */
  volType: metaString,
  leasePath: metaString,
  leaseOffset: metaInt,
});
export type Volume = t.TypeOf<typeof volumeCodec>;

/** Vdsm's `shared` values: a bool, or the sharing mode it derives from one. */
export type DriveShared = boolean | 'none' | 'exclusive' | 'shared' | 'transient';
const SHARED_MODES: readonly string[] = ['none', 'exclusive', 'shared', 'transient'];

/** `shared`: true/false (also as text, any case) or none/exclusive/shared/transient; nothing else. */
export const metaShared: MetaCodec<DriveShared> = new t.Type<DriveShared, Value, unknown>(
  'bool or none/exclusive/shared/transient',
  (u): u is DriveShared => typeof u === 'boolean' || (typeof u === 'string' && SHARED_MODES.includes(u)),
  (u, c) => {
    if (typeof u === 'boolean') return t.success(u);
    if (typeof u === 'string') {
      const b = parseBoolText(u);
      if (b !== undefined) return t.success(b);
      const mode = u.toLowerCase();
      if (SHARED_MODES.includes(mode)) return t.success(mode as DriveShared);
    }
    return t.failure(u, c);
  },
  (v) => v,
);

/** Vdsm's `propagateErrors`: off (error_policy stop), on (enospace) or report. */
export type PropagateErrors = 'off' | 'on' | 'report';

/** `propagateErrors`: off/on/report, or a bool (true is on), also as text in any case. */
export const metaPropagateErrors: MetaCodec<PropagateErrors> = new t.Type<PropagateErrors, Value, unknown>(
  'off/on/report',
  (u): u is PropagateErrors => u === 'off' || u === 'on' || u === 'report',
  (u, c) => {
    const b = typeof u === 'boolean' ? u : typeof u === 'string' ? parseBoolText(u) : undefined;
    if (b !== undefined) return t.success(b ? 'on' : 'off');
    if (typeof u === 'string') {
      const v = u.toLowerCase();
      if (v === 'off' || v === 'on' || v === 'report') return t.success(v);
    }
    return t.failure(u, c);
  },
  (v) => v,
);

export const driveMetaSchema = {
  deviceId: metaString,
  poolID: metaString,
  domainID: metaString,
  imageID: metaString,
  volumeID: metaString,
  /** A LUN's GUID (device-mapper name). */
  GUID: metaString,
  /** The prepared path, used by payload disks (Vdsm's `PAYLOAD:` placeholder). */
  path: metaString,
  /** The name the guest agent reported for the disk. */
  guestName: metaString,
  volumeInfo: volumeCodec,
  volumeChain: metaList('volumeChain', volumeCodec),
  specParams: metaDict('specParams', {
    /** The iothread the disk is pinned to. */
    pinToIoThread: metaInt,
    vmPayload: metaDict('vmPayload', { volId: metaString, file: metaDict('file', {}) }),
  }),
  shared: metaShared,
  propagateErrors: metaPropagateErrors,
  /** A block-copy destination: diskType, path, format, cache, device. */
  diskReplicate: metaDict('diskReplicate', {
    diskType: metaString,
    path: metaString,
    format: metaString,
    cache: metaString,
    device: metaString,
  }),
  /** A payload (cloud-init, sysprep) disk's content: volId and `file` name → content. */
  payload: metaDict('payload', { volId: metaString, file: metaDict('file', {}) }),
} as const satisfies MetaSchema;
