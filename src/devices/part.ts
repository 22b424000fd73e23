/**
 * Sub-parts of a device (a graphics `<listen>`, an interface `<source>`, a vlan `<tag>`): small
 * views over one child element, read and written through the same field tables as devices. The
 * element reference is the part's identity; lists change through the owning device's explicit
 * add/remove methods.
 */
import { NoSuchDeviceError } from '../errors.js';
import type { Element } from '../xml/dom.js';
import { elementPath, localNameOf, removeIndented } from '../xml/tree.js';
import { readField } from './field.js';
import type { ViewClass } from './view.js';
import { View } from './view.js';

/**
 * A part over one existing child element; its accessors come from its `fields` table
 * (`defineAccessors`), as a device's do.
 */
export abstract class Part extends View {
  constructor(readonly element: Element) {
    super();
  }

  protected find(): Element {
    return this.element;
  }

  protected make(): Element {
    return this.element;
  }

  get xmlPath(): string {
    return elementPath(this.element);
  }

  /** Every field that is present (a flag only when set). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries((this.constructor as unknown as ViewClass).fields)) {
      const v: unknown = readField(this.element, f);
      if (v !== undefined && !(f.flag && v === false)) out[name] = v;
    }
    return out;
  }
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
