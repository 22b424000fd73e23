import { openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field, flag } from './field.js';
import type { Scaled } from './scaled.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { memoryMembers } from './schema/memory.js';

// Scaled integers: a number plus its unit (KiB when absent), read and written as KiB.
const SIZE = scaled('target/size', 'target/size/@unit');
const LABEL_SIZE = scaled('target/label/size', 'target/label/size/@unit');
const BLOCK = scaled('target/block', 'target/block/@unit');
const REQUESTED = scaled('target/requested', 'target/requested/@unit');
const CURRENT = scaled('target/current', 'target/current/@unit');
const PAGESIZE = scaled('source/pagesize', 'source/pagesize/@unit');
const ALIGNSIZE = scaled('source/alignsize', 'source/alignsize/@unit');

const F = {
  model: field(
    '@model',
    openEnum<'dimm' | 'nvdimm' | 'virtio-pmem' | 'virtio-mem' | 'sgx-epc'>('memory model'),
  ),
  access: field('@access', openEnum<'shared' | 'private'>('memory access')),
  discard: field('@discard', yesNo),
  uuid: field('uuid', str),
  /** nvdimm, virtio-pmem: the backing file or device on the host. */
  sourcePath: field('source/path', str),
  /** The host NUMA nodes to allocate from (`1-3`, `0,2`). */
  sourceNodemask: field('source/nodemask', str),
  sourcePagesize: PAGESIZE.value,
  sourcePagesizeUnit: PAGESIZE.unit,
  sourceAlignsize: ALIGNSIZE.value,
  sourceAlignsizeUnit: ALIGNSIZE.unit,
  sourcePmem: flag('source/pmem'),
  targetSize: SIZE.value,
  targetSizeUnit: SIZE.unit,
  /** The guest NUMA node the memory belongs to. */
  targetNode: field('target/node', uint),
  targetLabelSize: LABEL_SIZE.value,
  targetLabelSizeUnit: LABEL_SIZE.unit,
  targetBlock: BLOCK.value,
  targetBlockUnit: BLOCK.unit,
  targetRequested: REQUESTED.value,
  targetRequestedUnit: REQUESTED.unit,
  targetCurrent: CURRENT.value,
  targetCurrentUnit: CURRENT.unit,
  targetReadonly: flag('target/readonly'),
} as const;

/** The sizes, each in KiB, as toJSON shows them beside what is written. */
const KIB: Readonly<Record<string, Scaled>> = {
  sizeKiB: SIZE,
  labelSizeKiB: LABEL_SIZE,
  blockKiB: BLOCK,
  requestedKiB: REQUESTED,
  currentKiB: CURRENT,
  pagesizeKiB: PAGESIZE,
  alignsizeKiB: ALIGNSIZE,
};

export interface Memory extends Accessors<typeof F & typeof memoryMembers> {}
/**
 * `<memory>`: a memory device (a hotpluggable `dimm`, a persistent `nvdimm`, `virtio-mem`, which the
 * guest grows and shrinks by `requested`, `virtio-pmem`). Sizes honour their `unit` and are exact
 * KiB (Vdsm ignored the unit and rounded down to whole MiB).
 */
export class Memory extends Device {
  static override readonly tag = 'memory';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /** Found by model; the slot (of a dimm's address) refuses another module of the model. */
  static override readonly identifiedBy = identifiedBy(
    key({ model: '@model' }),
    key({ slot: 'address/@slot' }, { find: false }),
  );
  static override readonly fields = F;
  static override readonly members = memoryMembers;
  static override readonly childOrder = ['uuid', 'source', 'target', 'alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }
  /** libvirt's order below the direct children (virDomainMemoryDefFormat), for creating them. */
  static override readonly nestedOrder: NestedOrder = {
    source: ['nodemask', 'pagesize', 'path', 'alignsize', 'pmem'],
    target: ['size', 'node', 'label', 'readonly', 'block', 'requested', 'current', 'address'],
  };

  /** The host page size backing the device, in KiB. */
  get pagesizeKiB(): number | undefined {
    return readKiB(this.element, PAGESIZE);
  }
  set pagesizeKiB(v: number | undefined) {
    writeKiB(this.element, PAGESIZE, v, (f, x) => this.write(f, x));
  }

  /** nvdimm: the alignment of the backing file, in KiB. */
  get alignsizeKiB(): number | undefined {
    return readKiB(this.element, ALIGNSIZE);
  }
  set alignsizeKiB(v: number | undefined) {
    writeKiB(this.element, ALIGNSIZE, v, (f, x) => this.write(f, x));
  }

  /** The device's size in KiB, whatever unit the XML uses. */
  get sizeKiB(): number | undefined {
    return readKiB(this.element, SIZE);
  }
  set sizeKiB(v: number | undefined) {
    writeKiB(this.element, SIZE, v, (f, x) => this.write(f, x));
  }

  /** nvdimm: the size of the label area, in KiB. */
  get labelSizeKiB(): number | undefined {
    return readKiB(this.element, LABEL_SIZE);
  }
  set labelSizeKiB(v: number | undefined) {
    writeKiB(this.element, LABEL_SIZE, v, (f, x) => this.write(f, x));
  }

  /** virtio-mem: the block size, in KiB. */
  get blockKiB(): number | undefined {
    return readKiB(this.element, BLOCK);
  }
  set blockKiB(v: number | undefined) {
    writeKiB(this.element, BLOCK, v, (f, x) => this.write(f, x));
  }

  /** virtio-mem: how much of the device the guest is asked to use, in KiB. */
  get requestedKiB(): number | undefined {
    return readKiB(this.element, REQUESTED);
  }
  set requestedKiB(v: number | undefined) {
    writeKiB(this.element, REQUESTED, v, (f, x) => this.write(f, x));
  }

  /** virtio-mem: how much the guest uses now, in KiB (live XML only). */
  get currentKiB(): number | undefined {
    return readKiB(this.element, CURRENT);
  }
  set currentKiB(v: number | undefined) {
    writeKiB(this.element, CURRENT, v, (f, x) => this.write(f, x));
  }

  protected override derivedFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, s] of Object.entries(KIB)) {
      const kib = readKiB(this.element, s);
      if (kib !== undefined) out[name] = kib;
    }
    return out;
  }
}
