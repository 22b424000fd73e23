/** Metadata entries and device identities written inline, for binder tests. */
import type { MetadataEntry } from '../../src/binding/entry.js';
import type { DeviceIdentity } from '../../src/devices/device.js';
import { dict } from '../../src/metadata/value.js';
import type { Value } from '../../src/metadata/value.js';

/** A descriptor device block: its attributes and data. */
export const desc = (
  index: number,
  attrs: Record<string, string>,
  data: Record<string, Value> = {},
): MetadataEntry => ({
  layout: 'descriptor',
  index,
  attrs,
  data: dict(Object.entries(data)),
});

/** A dict of an xmlpickle `devices` list. */
export const pickle = (index: number, data: Record<string, Value>): MetadataEntry => ({
  layout: 'xmlpickle',
  index,
  data: dict(Object.entries(data)),
});

/** A device identity with nothing but its kind, plus what `more` says. */
export const dev = (kind: string, more: Partial<DeviceIdentity> = {}): DeviceIdentity => ({
  kind,
  alias: undefined,
  userAliasId: undefined,
  address: undefined,
  keys: {},
  ...more,
});
