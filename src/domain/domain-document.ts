/**
 * A parsed domain: its identity, sizes, metadata groups and device elements, over the document it
 * came from. Nothing is regenerated: `toXml()` serializes the document as it is now.
 */
import { InvalidDomainError, MetadataError, XmlValueError } from '../errors.js';
import { toKiB } from '../devices/units.js';
import type { Document, Element, ParseOptions } from '../xml/dom.js';
import { findDescriptorGroup } from '../metadata/descriptor.js';
import { parseXml, positionOf, serialize } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { childElements, elementPath, firstChild, getAttr, textOf } from '../xml/tree.js';

export interface Vcpus {
  /** The `<vcpu>` text: the maximum. */
  max: number;
  /** The `current` attribute, or the maximum when absent. */
  current: number;
}

/** Which metadata groups the domain carries. */
export interface MetadataGroups {
  /** The `ovirt-vm` descriptor group (http://ovirt.org/vm/1.0). */
  descriptor: Element | undefined;
  /** The xmlpickle `instance` group (http://ovirt.org/vm/instance/1.0). */
  xmlpickle: Element | undefined;
}

export class DomainDocument {
  readonly document: Document;
  readonly source: string | undefined;

  constructor(document: Document, source?: string) {
    this.document = document;
    this.source = source;
  }

  /**
   * Parses a domain XML (also a hotplug envelope: any root with `<devices>` and `<metadata>`):
   * text, or bytes decoded as their BOM or XML declaration says.
   */
  static parse(xml: string | Uint8Array, options: ParseOptions = {}): DomainDocument {
    return new DomainDocument(parseXml(xml, options), options.source);
  }

  get root(): Element {
    const r = this.document.documentElement;
    if (r === null) throw new InvalidDomainError('document has no root element', { source: this.source });
    return r;
  }

  private childText(name: string): string | undefined {
    const el = firstChild(this.root, name);
    return el === undefined ? undefined : textOf(el).trim();
  }

  get name(): string | undefined {
    return this.childText('name');
  }

  get uuid(): string | undefined {
    return this.childText('uuid');
  }

  /** The hypervisor type (`kvm`, `qemu`), for a `<domain>`. */
  get type(): string | undefined {
    return getAttr(this.root, 'type');
  }

  private sizeKiB(name: string): number | undefined {
    const el = firstChild(this.root, name);
    if (el === undefined) return undefined;
    const kib = toKiB(textOf(el), getAttr(el, 'unit'));
    if (typeof kib === 'string') {
      throw new XmlValueError(
        kib,
        { source: this.source, path: elementPath(el), ...positionOf(el) },
        textOf(el),
      );
    }
    return kib;
  }

  /** `<memory>` in KiB, honouring `unit`. */
  get memoryKiB(): number | undefined {
    return this.sizeKiB('memory');
  }

  /** `<currentMemory>` in KiB, honouring `unit`. */
  get currentMemoryKiB(): number | undefined {
    return this.sizeKiB('currentMemory');
  }

  get vcpus(): Vcpus | undefined {
    const el = firstChild(this.root, 'vcpu');
    if (el === undefined) return undefined;
    const count = (text: string, path: string): number => {
      const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
      if (!Number.isSafeInteger(n)) {
        throw new XmlValueError(
          `"${text}" is not a vcpu count`,
          { source: this.source, path, ...positionOf(el) },
          text,
        );
      }
      return n;
    };
    const max = count(textOf(el), elementPath(el));
    const currentText = getAttr(el, 'current');
    if (currentText === undefined) return { max, current: max };
    const current = count(currentText, `${elementPath(el)}/@current`);
    if (current > max) {
      throw new XmlValueError(
        `current vcpus ${current} exceed the maximum ${max}`,
        { source: this.source, path: `${elementPath(el)}/@current`, ...positionOf(el) },
        currentText,
      );
    }
    return { max, current };
  }

  /** The direct `<devices>` child, if any. */
  get devicesElement(): Element | undefined {
    return firstChild(this.root, 'devices');
  }

  /**
   * The direct `<metadata>` child, if any. A second one is an error: libvirt keeps one, and reading
   * only the first would silently lose the groups of the other.
   */
  get metadataElement(): Element | undefined {
    const [first, second] = childElements(this.root, 'metadata');
    if (second !== undefined) {
      throw new MetadataError(
        'METADATA_SHAPE',
        'a second <metadata> element: a domain has at most one (libvirt keeps one)',
        { source: this.source, path: elementPath(second), ...positionOf(second) },
      );
    }
    return first;
  }

  /**
   * The metadata groups present, found by namespace URI (any prefix). Two descriptor groups are an
   * error (reading one would silently ignore the other).
   */
  get metadataGroups(): MetadataGroups {
    const md = this.metadataElement;
    return {
      descriptor: md === undefined ? undefined : findDescriptorGroup(md, { source: this.source }),
      xmlpickle: md === undefined ? undefined : firstChild(md, 'instance', NS['ovirt-instance']),
    };
  }

  toXml(): string {
    return serialize(this.document);
  }
}
