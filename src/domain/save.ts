/** Domain.save: every device's metadata written back into the descriptor group, checked to bind back. */
import { bind, markTwins } from '../binding/binder.js';
import type { MetadataEntry } from '../binding/entry.js';
import { NO_ADDRESS, copyAttrs } from '../binding/entry.js';
import type { Device, DeviceIdentity } from '../devices/device.js';
import { devtypeOf } from '../devices/registry.js';
import { descriptorCanHold } from '../metadata/descriptor.js';
import type { Dict, Value } from '../metadata/value.js';
import {
  dict,
  dictDelete,
  dictEntries,
  dictKeys,
  dictSet,
  hasKey,
  isScalar,
  valueEquals,
} from '../metadata/value.js';
import type { Document } from '../xml/dom.js';
import type { DescriptorStore } from './metadata-store.js';
import type { Problem, Slot } from './slot.js';

/** What Domain.save does (documented there), over the domain's slots, descriptor store and document. */
export function saveMetadata(slots: readonly Slot[], store: DescriptorStore, doc: Document): Problem[] {
  const problems: Problem[] = [];
  const identities = slots.map((s) => s.device.identity());
  markTwins(identities);
  // A lookup several devices share finds none of them alone.
  const lookupCount = new Map<string, number>();
  const kindLookup = (id: DeviceIdentity, l: string): string => `${id.kind}\u0000${l}`;
  for (const id of identities)
    for (const l of id.lookups)
      lookupCount.set(kindLookup(id, l), (lookupCount.get(kindLookup(id, l)) ?? 0) + 1);
  const written: (MetadataEntry | undefined)[] = new Array<MetadataEntry | undefined>(slots.length);
  slots.forEach((s, i) => {
    const data = s.device.metadataToSave();
    if (dictKeys(data).length === 0) return;
    const id = identities[i] as DeviceIdentity;
    const entry = s.binding.descriptor;
    if (entry === undefined && s.problems.some((p) => p.code === 'AMBIGUOUS_BINDING')) {
      // A new entry beside the ones that claim it would be a third claimant at the next recover.
      problems.push({
        code: 'AMBIGUOUS_BINDING',
        message: `${s.device.kind} #${i} (${s.device.path}): not saved while several entries claim it`,
        device: i,
      });
      return;
    }
    // The entry's own attributes, with the device's identity as it is now (libvirt may have
    // numbered its aliases again, the agent may have changed a MAC).
    const attrs = Object.assign(copyAttrs(entry?.attrs ?? {}), saveAttrs(s.device));
    delete attrs['address'];
    if (id.twin === true) {
      // Its libvirt alias is a position that the other twin may hold after the next restart: an
      // entry under it could bind the wrong twin then. Without it, the two entries stay ambiguous
      // (reported) until something tells the devices apart.
      delete attrs['alias'];
      if (!id.spec.namesAPart) delete attrs['name'];
    }
    const keyed = id.lookups.length > 0 && id.lookups.every((l) => lookupCount.get(kindLookup(id, l)) === 1);
    const positional = id.alias !== undefined && id.userAliasId === undefined;
    if (positional || (id.userAliasId === undefined && !keyed) || hasKey(data, 'address')) {
      const address = s.device.address;
      if (address !== undefined) dictSet(data, 'address', dict(Object.entries(address)));
      else if (positional) {
        // libvirt named it without an address: it has none for good.
        dictDelete(data, 'address');
        attrs['address'] = NO_ADDRESS;
      }
    }
    leaveToXmlpickle(data, s.binding.xmlpickle, doc);
    // One representation: the device's metadata is the entry's data from now on (the deviceId of
    // a ua- alias, the xmlpickle values, the address included), the same dict.
    const own = s.device.meta.commit(data);
    if (entry !== undefined) {
      store.update(entry, attrs, own);
      written[i] = entry;
      return;
    }
    if (id.alias === undefined && !hasKey(own, 'address') && id.lookups.length === 0) {
      problems.push({
        code: 'UNIDENTIFIABLE_DEVICE',
        message: `${s.device.kind} #${i} (${s.device.path}): nothing identifies it (no alias, guest address or key of its kind): its metadata cannot be saved`,
        device: i,
      });
      return;
    }
    const added = store.add(attrs, own);
    s.binding = { ...s.binding, descriptor: added };
    written[i] = added;
  });
  problems.push(...unfindable(slots, store, identities, written));
  store.writeInto(doc);
  return problems;
}

/**
 * The entries save wrote that the binder would not bind back to their own device, as problems:
 * what the next recover of this very XML would lose or give to another device.
 */
function unfindable(
  slots: readonly Slot[],
  store: DescriptorStore,
  identities: readonly DeviceIdentity[],
  written: readonly (MetadataEntry | undefined)[],
): Problem[] {
  const problems: Problem[] = [];
  const label = (i: number): string => {
    const d = (slots[i] as Slot).device;
    return `${d.kind} #${i} (${d.path})`;
  };
  const again = bind(identities, store.entries, label);
  written.forEach((entry, i) => {
    if (entry === undefined || again.bindings[i]?.entry === entry) return;
    const other = again.bindings.findIndex((b) => b?.entry === entry);
    problems.push({
      code: 'UNIDENTIFIABLE_DEVICE',
      message: `${label(i)}: its saved entry would not find it again${
        other >= 0 ? `: it binds ${label(other)}` : ': nothing tells it apart from another device'
      }`,
      device: i,
    });
  });
  return problems;
}

/**
 * Keys the descriptor layout cannot hold (a list of dicts in a NIC's conf, nested specParams) stay
 * in the xmlpickle group they came from, which is kept as it is: they are dropped from what the
 * descriptor writes only when the xmlpickle entry holds the very same value, so nothing is lost.
 * Anything else the layout cannot hold is the encoder's error, with its path.
 */
function leaveToXmlpickle(data: Dict, xmlpickle: MetadataEntry | undefined, doc: Document): void {
  if (xmlpickle === undefined) return;
  for (const [k, v] of dictEntries(data)) {
    if (isScalar(v) || !hasKey(xmlpickle.data, k)) continue;
    if (valueEquals(xmlpickle.data[k] as Value, v) && !descriptorCanHold(k, v, doc)) dictDelete(data, k);
  }
}

/**
 * The descriptor attributes that identify a device: its kind (`devtype`), the parts its class saves,
 * and its alias, also as `name` for the kinds whose `name` is not a part (Vdsm looks those up by
 * devtype and name = alias).
 */
function saveAttrs(device: Device): Record<string, string> {
  const id = device.identity();
  const attrs: Record<string, string> = { devtype: devtypeOf(id.kind), ...id.spec.attributesOf(device) };
  if (id.alias !== undefined) {
    attrs['alias'] = id.alias;
    if (!id.spec.namesAPart) attrs['name'] = id.alias;
  }
  return attrs;
}
