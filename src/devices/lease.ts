import * as t from 'io-ts';
import type { StrCodec } from '../xml/codecs.js';
import { str, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import { field } from './field.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { leaseMembers } from './schema/lease.js';

/**
 * oVirt's Engine XML names a volume lease before the agent knows where it is
 * (`offset="LEASE-OFFSET:<volumeID>:<domainID>"`); the agent fills in the real offset.
 */
export type LeaseOffsetPlaceholder = `LEASE-OFFSET${string}`;
const OFFSET_PLACEHOLDER = 'LEASE-OFFSET';
const PATH_PLACEHOLDER = 'LEASE-PATH';

/** A byte offset, or the Engine's placeholder for it; any other text is an error. */
const leaseOffset: StrCodec<number | LeaseOffsetPlaceholder> = new t.Type<
  number | LeaseOffsetPlaceholder,
  string,
  string
>(
  'lease offset',
  (u): u is number | LeaseOffsetPlaceholder =>
    uint.is(u) || (typeof u === 'string' && u.startsWith(OFFSET_PLACEHOLDER)),
  (s, c) => (s.startsWith(OFFSET_PLACEHOLDER) ? t.success(s as LeaseOffsetPlaceholder) : uint.validate(s, c)),
  (v) => (typeof v === 'number' ? uint.encode(v) : v),
);

const F = {
  lockspace: field('lockspace', str),
  /** The lease's key (oVirt: the volume or VM lease id); the binder matches metadata by it. */
  key: field('key', str),
  targetPath: field('target/@path', str),
  /** The byte offset of the lease in the target file (a `LEASE-OFFSET...` placeholder is kept as text). */
  targetOffset: field('target/@offset', leaseOffset),
} as const;

export interface Lease extends Accessors<typeof F & typeof leaseMembers> {}
/**
 * `<lease>`: a sanlock lease the domain holds while it runs (a VM lease, or a volume's lease in oVirt),
 * named by lockspace and key and stored at target path and offset.
 */
export class Lease extends Device {
  static override readonly tag = 'lease';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /** Vdsm saves the lease key as `name`. */
  static override readonly identifiedBy = identifiedBy(
    key({ name: 'key' }, { conf: (c) => ({ name: confText(c, 'lease_id') }) }),
  );
  static override readonly fields = F;
  static override readonly members = leaseMembers;
  static override readonly childOrder = ['lockspace', 'key', 'target'];
  static {
    defineAccessors(this);
  }

  /** True while the target path or offset is still an Engine placeholder to be filled in. */
  get hasPlaceholders(): boolean {
    return this.targetPath?.startsWith(PATH_PLACEHOLDER) === true || typeof this.targetOffset === 'string';
  }

  /** Replaces the Engine placeholders (only those) by the volume's lease path and offset. */
  fillPlaceholders(path: string, offset: number): void {
    if (this.targetPath?.startsWith(PATH_PLACEHOLDER) === true) this.targetPath = path;
    if (typeof this.targetOffset === 'string') this.targetOffset = offset;
  }
}
