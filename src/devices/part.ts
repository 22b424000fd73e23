/**
 * Sub-parts of a device (a graphics `<listen>`, an interface `<source>`, a vlan `<tag>`): small
 * views over one child element, read and written through the same field tables as devices. The
 * element reference is the part's identity; lists change through the owning device's explicit
 * add/remove methods.
 */
import { NoSuchDeviceError } from '../errors.js';
import type { Element } from '../xml/dom.js';
import {
  createElement,
  elementPath,
  insertInOrder,
  localNameOf,
  ownerOf,
  removeIndented,
} from '../xml/tree.js';
import type { AnyField, Field } from './field.js';
import { readField, writeField } from './field.js';

/** The static side of a part class. */
interface PartClass {
  readonly fields: Readonly<Record<string, AnyField>>;
  readonly childOrder: readonly string[];
}

export abstract class Part {
  /** The part's typed fields, relative to its element (drives toJSON). */
  static readonly fields: Readonly<Record<string, AnyField>> = {};
  /** libvirt's order of the part's own children, for inserting new ones. */
  static readonly childOrder: readonly string[] = [];

  constructor(readonly element: Element) {}

  private get cls(): PartClass {
    return this.constructor as unknown as PartClass;
  }

  protected read<A>(f: Field<A>): A | undefined {
    return readField(this.element, f);
  }

  protected write<A>(f: Field<A>, value: A | undefined): void {
    writeField(this.element, f, value, this.cls.childOrder);
  }

  /** The element's XML path, for messages (`path` is left to parts whose XML has one). */
  get xmlPath(): string {
    return elementPath(this.element);
  }

  /** Every field that is present (a flag only when set). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(this.cls.fields)) {
      const v: unknown = readField(this.element, f);
      if (v !== undefined && !(f.flag && v === false)) out[name] = v;
    }
    return out;
  }
}

/**
 * A new, empty `<localName>` child of `parent` (in the parent's namespace), inserted where libvirt
 * puts it: after the existing children of that name and before the first child that comes later in
 * `order`.
 */
export function addChildElement(parent: Element, localName: string, order: readonly string[]): Element {
  const el = createElement(
    ownerOf(parent),
    localName,
    parent.namespaceURI ?? null,
    parent.prefix ?? undefined,
  );
  insertInOrder(parent, el, order);
  return el;
}

/**
 * Removes `part` from `holder`, the element whose list it belongs to (a device element, or a
 * `<vlan>` of it). A part that is not a child of `holder` (another device's) is a
 * NoSuchDeviceError at `path`, the owning device's.
 */
export function removePart(holder: Element | undefined, part: Part, path: string): void {
  if (holder === undefined || part.element.parentNode !== holder) {
    throw new NoSuchDeviceError(`that <${localNameOf(part.element)}> is not part of ${path}`, { path });
  }
  removeIndented(part.element);
}
