/**
 * The `ovirt-vm` layout Vdsm shipped (vdsm.virt.metadata), as a grammar shared by the decoder and
 * the encoder: which keys hold nested data, of what shape, and in which order they are written.
 *
 * A container is a dict (leaves, then its known sub-keys, then kept elements) or a list of items
 * named alike (`hosts/hostInfo`). Leaves are `<key [type="int|float|bool"]>text</key>`. An element
 * that does not fit the grammar where it stands (an unknown nested element, a sub-key carrying
 * text or a namespaced attribute, a list carrying attributes) is kept verbatim as RawXml under its
 * key. Other attributes of a leaf or dict are kept beside its value (keepAttributes).
 */
import type { Element } from '../xml/dom.js';
import { NODE } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { attributesOf, forEachAttribute, isXmlWhitespace, localNameOf } from '../xml/tree.js';

export const DESCRIPTOR_URI = NS['ovirt-vm'];
export const DESCRIPTOR_PREFIX = 'ovirt-vm';
/** The group element's local name. */
export const DESCRIPTOR_GROUP = 'vm';

export interface DictShape {
  readonly kind: 'dict';
  /** Keys whose value is nested data, in the order they are written (after the leaves). */
  readonly subkeys: ReadonlyMap<string, Shape>;
  /** A payload: its `file path="P"` children form the dict `file` (path → content). */
  readonly files: boolean;
}

export interface ListShape {
  readonly kind: 'list';
  /** The item element's local name (`hostInfo`), as written; dict items are read whatever their tag. */
  readonly item: string;
  /** A flat dict per item, or the item's text. */
  readonly items: 'dict' | 'text';
}

export type Shape = DictShape | ListShape;

/** Leaves only (`address`, `custom`, a volumeChainNode...). */
export const FLAT: DictShape = { kind: 'dict', subkeys: new Map(), files: false };

/** `payload` and `specParams/vmPayload`: leaves plus `<file path="P">content</file>`. */
export const PAYLOAD: DictShape = { kind: 'dict', subkeys: new Map(), files: true };

/**
 * `specParams`: leaves, `vmPayload`, then `ioTune`. Vdsm dropped `ioTune` both ways (I/O limits
 * live in the domain's `<iotune>`); we keep it as a flat dict, which Vdsm's reader skips.
 */
export const SPEC_PARAMS: DictShape = {
  kind: 'dict',
  subkeys: new Map<string, Shape>([
    ['vmPayload', PAYLOAD],
    ['ioTune', FLAT],
  ]),
  files: false,
};

const deviceSubkeys = new Map<string, Shape>();

/** A device entry's data (also `diskReplicate` and `change`, which nest a whole entry). */
export const DEVICE: DictShape = { kind: 'dict', subkeys: deviceSubkeys, files: false };

// Vdsm's write order (vdsm-behaviour 1b.5), then `volumeInfo`: Vdsm dropped it both ways, but it
// is a flat dict (domainID, volumeID, path, leaseOffset...) that we can carry, so it is kept and
// written last, where a Vdsm reader skips it.
for (const [key, shape] of [
  ['address', FLAT],
  ['auth', FLAT],
  ['change', DEVICE],
  ['custom', FLAT],
  ['hosts', { kind: 'list', item: 'hostInfo', items: 'dict' }],
  ['payload', PAYLOAD],
  ['portMirroring', { kind: 'list', item: 'network', items: 'text' }],
  ['diskReplicate', DEVICE],
  ['specParams', SPEC_PARAMS],
  ['vm_custom', FLAT],
  ['volumeChain', { kind: 'list', item: 'volumeChainNode', items: 'dict' }],
  ['volumeInfo', FLAT],
] as const) {
  deviceSubkeys.set(key, shape);
}

/** The group's own children: never VM-level values. */
export const GROUP_CHILDREN: ReadonlySet<string> = new Set(['device', 'custom']);

/** Ours: in the layout's namespace, or in none (the bare form, and leaves Engine sends plain). */
export function isOurs(el: Element): boolean {
  const ns = el.namespaceURI;
  return ns === null || ns === '' || ns === DESCRIPTOR_URI;
}

/** The key an element is stored under: its local name, or `{uri}name` in a foreign namespace. */
export function keyOfElement(el: Element): string {
  return isOurs(el) ? localNameOf(el) : `{${el.namespaceURI ?? ''}}${localNameOf(el)}`;
}

/**
 * Visits the attributes other than namespace declarations, in order (no list is made: it runs for
 * every element of the group).
 */
export function forEachDataAttribute(el: Element, visit: (name: string, value: string) => void): void {
  forEachAttribute(el, (name, value) => {
    if (!isDeclaration(name)) visit(name, value);
  });
}

/** Whether the element has attributes other than namespace declarations (and than `except`). */
export function hasDataAttributes(el: Element, except?: string): boolean {
  return attributesOf(el).some(([name]) => name !== except && !isDeclaration(name));
}

function isDeclaration(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

/** Whether the element has text (or CDATA) that is not whitespace among its direct children. */
export function hasText(el: Element): boolean {
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if ((c.nodeType === NODE.TEXT || c.nodeType === NODE.CDATA) && !isXmlWhitespace(c.nodeValue ?? ''))
      return true;
  }
  return false;
}

/** Python's sort order for str keys: by code point (UTF-16 order differs above U+D7FF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    // A surrogate stands for a code point above U+FFFF: after every other BMP character.
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}
