/**
 * `<hostdev>`: a host device given to the guest (PCI, USB, SCSI, scsi_host, mdev; or a storage/misc/
 * net device in capabilities mode). The host side is the `<source>`: its `<address>` is the host
 * address, never the guest one (the base `address` reads only the direct `<address>` child).
 */
import { hostDeviceMetaSchema } from '../metadata/schemas/host-device.js';
import { int, onOff, openEnum, str, uint, yesNo } from '../xml/codecs.js';
import { firstChild } from '../xml/tree.js';
import type { AddressRecord } from './address.js';
import { addressKey, readAddress, writeAddress } from './address.js';
import { Device } from './device.js';
import { field, flag, removeIfEmpty } from './field.js';
import { nullObject } from '../metadata/value.js';
import type { DeviceMeta } from '../metadata/view.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { addChildElement, defineAccessors } from './view.js';
import { hostdevMembers } from './schema/hostdev.js';

const F = {
  mode: field('@mode', openEnum<'subsystem' | 'capabilities'>('hostdev mode')),
  type: field(
    '@type',
    openEnum<'pci' | 'usb' | 'scsi' | 'scsi_host' | 'mdev' | 'storage' | 'misc' | 'net'>('hostdev type'),
  ),
  managed: field('@managed', yesNo),
  /** mdev: vfio-pci/vfio-ccw/vfio-ap; scsi_host: virtio... */
  model: field('@model', openEnum<'vfio-pci' | 'vfio-ccw' | 'vfio-ap' | 'virtio'>('hostdev model')),
  display: field('@display', onOff),
  ramfb: field('@ramfb', onOff),
  rawio: field('@rawio', yesNo),
  sgio: field('@sgio', openEnum<'filtered' | 'unfiltered'>('hostdev sgio')),
  driverName: field('driver/@name', openEnum<'vfio' | 'kvm' | 'xen'>('hostdev driver name')),
  sourceProtocol: field(
    'source/@protocol',
    openEnum<'adapter' | 'iscsi' | 'vhost'>('hostdev source protocol'),
  ),
  /** iscsi: the target IQN. */
  sourceName: field('source/@name', str),
  /** scsi_host (vhost): the WWPN. */
  sourceWwpn: field('source/@wwpn', str),
  sourceStartupPolicy: field('source/@startupPolicy', openEnum('startupPolicy')),
  sourceAdapterName: field('source/adapter/@name', str),
  sourceHostName: field('source/host/@name', str),
  sourceHostPort: field('source/host/@port', uint),
  /** usb: the vendor and product ids (`0x1234`), as written. */
  vendorId: field('source/vendor/@id', str),
  productId: field('source/product/@id', str),
  /** mdev: the mediated device's uuid. */
  mdevUuid: field('source/address/@uuid', str),
  /** capabilities mode: the host block device, character device or network interface. */
  sourceBlock: field('source/block', str),
  sourceChar: field('source/char', str),
  sourceInterface: field('source/interface', str),
  readonly: flag('readonly'),
  shareable: flag('shareable'),
  romBar: field('rom/@bar', onOff),
  romFile: field('rom/@file', str),
  romEnabled: field('rom/@enabled', yesNo),
} as const;

// The host PCI address parts, read as numbers only to name the node device.
const PCI = {
  domain: field('source/address/@domain', int),
  bus: field('source/address/@bus', int),
  slot: field('source/address/@slot', int),
  function: field('source/address/@function', int),
} as const;

/** What identifies the host side besides `<source><address>` (attribute order of the key). */
const SOURCE_KEY_FIELDS = [
  ['adapter', F.sourceAdapterName],
  ['vendor', F.vendorId],
  ['product', F.productId],
  ['protocol', F.sourceProtocol],
  ['name', F.sourceName],
  ['wwpn', F.sourceWwpn],
  ['host', F.sourceHostName],
  ['block', F.sourceBlock],
  ['char', F.sourceChar],
  ['interface', F.sourceInterface],
] as const;

/** libvirt's node device name of a host PCI device (`pci_0000_05_10_7`), which is how Vdsm names it. */
const PCI_NODEDEV = /^pci_([0-9a-f]{4})_([0-9a-f]{2})_([0-9a-f]{2})_([0-9a-f])$/i;

/** The host PCI address a node device name stands for (`0x`-hex, as libvirt writes it); undefined for another name. */
export function pciAddressOfNodedev(name: string): AddressRecord | undefined {
  const m = PCI_NODEDEV.exec(name);
  if (m === null) return undefined;
  const [, domain, bus, slot, fn] = m;
  return { type: 'pci', domain: `0x${domain}`, bus: `0x${bus}`, slot: `0x${slot}`, function: `0x${fn}` };
}

export interface HostDevice extends Accessors<typeof F & typeof hostdevMembers> {}
export class HostDevice extends Device {
  static override readonly tag = 'hostdev';
  /** An mdev by its uuid; any other host device by mode, type and its normalized host source. */
  static override readonly identifiedBy = identifiedBy(
    key<HostDevice>(
      { uuid: (d) => (d.type === 'mdev' ? d.mdevUuid : undefined) },
      { caseless: true, conf: (c) => ({ uuid: confText(c, 'uuid') }) },
    ),
    key<HostDevice>({
      mode: '@mode',
      type: '@type',
      source: (d) => (d.type === 'mdev' ? undefined : d.hostSource),
    }),
  );
  static override readonly fields = F;
  static override readonly members = hostdevMembers;
  static override readonly metaSchema = hostDeviceMetaSchema;
  declare readonly meta: DeviceMeta<typeof hostDeviceMetaSchema>;
  /** libvirt's order of the children (virDomainHostdevDefFormat, then the device info). */
  static override readonly childOrder = [
    'driver',
    'source',
    'ip',
    'route',
    'readonly',
    'shareable',
    'teaming',
    'boot',
    'alias',
    'rom',
    'acpi',
    'address',
  ];
  static {
    defineAccessors(this);
  }

  /** The host address: the attributes of `<source><address>` (PCI, USB bus/device, SCSI, mdev uuid). */
  get sourceAddress(): AddressRecord | undefined {
    const source = firstChild(this.element, 'source');
    return source === undefined ? undefined : readAddress(source);
  }
  set sourceAddress(v: AddressRecord | undefined) {
    const source = firstChild(this.element, 'source');
    if (v === undefined) {
      if (source === undefined) return;
      writeAddress(source, undefined, []);
      // Like any field set to undefined, a `<source>` left empty goes too.
      removeIfEmpty(source);
      return;
    }
    // In a `<source>`, the adapter (scsi) and vendor/product (usb) come before the address.
    writeAddress(source ?? addChildElement(this.element, 'source', this.cls.childOrder), v, []);
  }

  /**
   * libvirt's node device name of a PCI host device (`pci_0000_06_12_5`, the inverse of
   * pciAddressOfNodedev); undefined for other types or an incomplete address.
   */
  get nodedevName(): string | undefined {
    if (this.type !== 'pci') return undefined;
    const [domain, bus, slot, fn] = [PCI.domain, PCI.bus, PCI.slot, PCI.function].map((f) => this.read(f));
    if (domain === undefined || bus === undefined || slot === undefined || fn === undefined) return undefined;
    const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
    return `pci_${hex(domain, 4)}_${hex(bus, 2)}_${hex(slot, 2)}_${hex(fn, 1)}`;
  }

  /**
   * The normalized host side, for binding: `type:` plus the source address (its `type` attribute
   * left out, numbers normalized: `0x06` = `6`) and the adapter, vendor, product, protocol, iSCSI
   * name and host, WWPN, or capabilities source. Undefined when the source names nothing.
   */
  get hostSource(): string | undefined {
    const type = this.type ?? '';
    const parts = nullObject<string>();
    const address = this.sourceAddress;
    if (address !== undefined) {
      for (const [k, v] of Object.entries(address)) if (k !== 'type') parts[k] = v;
    }
    for (const [name, f] of SOURCE_KEY_FIELDS) {
      const v = this.read(f);
      if (v !== undefined) parts[name] = v;
    }
    const key = addressKey(parts);
    return key === undefined ? undefined : `${type}:${key}`;
  }

  /** The mdev type (`nvidia-11`), kept in metadata because the XML does not name it. */
  get mdevType(): string | undefined {
    const v: unknown = this.meta.get('mdevType');
    return typeof v === 'string' ? v : undefined;
  }

  protected override derivedFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const address = this.sourceAddress;
    if (address !== undefined) out['sourceAddress'] = { ...address };
    const nodedev = this.nodedevName;
    if (nodedev !== undefined) out['nodedevName'] = nodedev;
    return out;
  }
}
