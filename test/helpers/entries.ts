/** Metadata entries and device identities written inline, for binder tests. */
import type { MetadataEntry } from '../../src/binding/entry.js';
import type { DeviceIdentity } from '../../src/devices/device.js';
import { classForTag } from '../../src/devices/registry.js';
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

/**
 * A device identity with nothing but its kind, plus what `more` says. Its spec is the kind's real
 * class's, and its lookups follow from its keys, so refusal and the key pass work as on a device.
 */
export const dev = (kind: string, more: Partial<DeviceIdentity> = {}): DeviceIdentity => {
  const spec = more.spec ?? classForTag(kind).identifiedBy;
  const keys = more.keys ?? {};
  return {
    kind,
    alias: undefined,
    userAliasId: undefined,
    address: undefined,
    lookups: spec.lookups(keys),
    ...more,
    keys,
    spec,
    part: (name) => keys[name],
  };
};
