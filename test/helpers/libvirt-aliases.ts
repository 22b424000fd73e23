/**
 * What libvirt's QEMU driver does to the devices of a domain document, modelled on
 * `src/qemu/qemu_alias.c` (qemuAssignDeviceAliases and the qemuAssignDevice*Alias functions) and
 * on the addresses libvirt writes when it defines or attaches a device, for the lifecycle
 * simulation. It never looks at metadata.
 *
 * - restart: the persistent definition has no aliases but `ua-` user aliases, so at VM start
 *   every other alias is assigned afresh. Disks and controllers are named by what they are (bus
 *   and drive address or target dev; type and index); most other kinds by their position among the
 *   devices of their kind (`input<i>`, counting user-aliased ones too), and nets, host devices,
 *   filesystems and rngs by the next index no device of their kind holds, which at start is their
 *   rank among the devices without a user alias. So after `net0` is removed, `net1` is `net0`.
 * - hotplug: the devices without an alias are the ones just attached. Each gets the next index no
 *   device of its kind holds (libvirt's hotplug passes no position), and, when it has none, a free
 *   guest address of the kind its bus needs.
 *
 * Addresses are otherwise kept (they are part of the persistent definition), except what libvirt
 * derives when it parses a definition: a drive address from the target dev, a DIMM slot.
 *
 * Checked against libvirt 9.0 (fixtures/libvirt-aliases, test/domain/lifecycle-sim.test.ts). Not
 * modelled: the devices libvirt adds to a definition (implicit controllers, PS/2 inputs, a
 * balloon, the serial port it makes from a serial console), the machines' own PCI layouts (a free
 * PCI slot here is the lowest one from 2 on bus 0), and kinds newer than the qemu_alias.c read
 * (NVMe disks are named plausibly).
 */
import type { Document, Element } from '../../src/xml/index.js';
import {
  childElements,
  cloneInto,
  createElement,
  elementPath,
  firstChild,
  getAttr,
  insertIndented,
  localNameOf,
  nextElementSibling,
  ownerOf,
  parseXml,
  removeIndented,
  serialize,
  setAttr,
  textOf,
} from '../../src/xml/index.js';
import { NON_DEVICE_TAGS, splitDriveName, USER_ALIAS_PREFIX } from '../../src/devices/index.js';

export type LibvirtEvent = 'restart' | 'hotplug';

/**
 * The document as libvirt gives it back after `event`: a new document, `doc` is not changed.
 * restart: what `virsh dumpxml` shows after the VM is started from `doc`; hotplug: after the devices
 * of `doc` that have no alias were attached to the running VM.
 */
export function assignAliases(doc: Document, event: LibvirtEvent): Document {
  const out = copyOf(doc);
  const vm = domainOf(out);
  if (event === 'restart') for (const el of vm.devices) dropLibvirtAlias(el);
  const unnamed = new Set(vm.devices.filter((el) => aliasOf(el) === undefined));
  for (const el of vm.devices) assignDefinedAddress(el, vm);
  if (event === 'hotplug') for (const el of unnamed) assignFreeAddress(el, vm);
  for (const tag of START_ORDER) {
    vm.byTag.get(tag)?.forEach((el, position) => {
      if (!unnamed.has(el)) return;
      const alias = aliasFor(el, event === 'restart' ? position : undefined, vm);
      if (alias !== undefined) setAlias(el, alias);
    });
  }
  return out;
}

/** What `virsh dumpxml --inactive` shows: every alias but user aliases removed. A new document. */
export function inactiveConfig(doc: Document): Document {
  const out = copyOf(doc);
  for (const el of domainOf(out).devices) dropLibvirtAlias(el);
  return out;
}

/**
 * libvirt's attach of `sent` (a device element of any document) to the running VM of `doc`, before
 * it names it: a disk joins the disks of its bus in target dev order (virDomainDiskInsert), any
 * other device follows the last device of its kind. Changes `doc`; returns the device's position
 * among the devices.
 */
export function attachDevice(doc: Document, sent: Element): number {
  const devices = deviceElements(doc);
  const parent = devicesElement(doc);
  const el = cloneInto(sent, doc);
  const tag = localNameOf(el);
  let before: Element | undefined;
  if (tag === 'disk') {
    const disks = devices.filter((d) => localNameOf(d) === 'disk');
    const sameBus = disks.filter((d) => diskBus(d) === diskBus(el));
    const after = sameBus.at(-1) ?? disks.at(-1);
    // libvirt writes disks first: the first disk goes before every other device.
    before =
      sameBus.find((d) => diskIndex(d) > diskIndex(el)) ??
      (after === undefined ? devices[0] : nextElementSibling(after));
  } else {
    const last = devices.filter((d) => localNameOf(d) === tag).at(-1);
    before = last === undefined ? undefined : nextElementSibling(last);
  }
  insertIndented(parent, el, before ?? null);
  return deviceElements(doc).indexOf(el);
}

/** A copy of the document (written and read again: several times faster than xmldom's deep clone). */
function copyOf(doc: Document): Document {
  return parseXml(serialize(doc));
}

/** The `<devices>` element of a domain document (an Error when there is none: the model needs one). */
export function devicesElement(doc: Document): Element {
  const root = doc.documentElement;
  const devices = root === null ? undefined : firstChild(root, 'devices');
  if (devices === undefined) throw new Error('the domain has no <devices>');
  return devices;
}

/** The device elements of a domain document, in document order (what the library counts as devices). */
export function deviceElements(doc: Document): Element[] {
  return childElements(devicesElement(doc)).filter((el) => !NON_DEVICE_TAGS.has(localNameOf(el)));
}

/** The device's alias (`<alias name>`), or undefined. */
export function aliasOf(el: Element): string | undefined {
  const a = firstChild(el, 'alias');
  return a === undefined ? undefined : getAttr(a, 'name');
}

/**
 * The order qemuAssignDeviceAliases names device kinds in: it matters where one kind's numbers
 * depend on another's (host devices after nets, the serial console after the serial ports).
 */
const START_ORDER = [
  'disk',
  'interface',
  'filesystem',
  'sound',
  'hostdev',
  'redirdev',
  'video',
  'controller',
  'input',
  'parallel',
  'serial',
  'channel',
  'console',
  'hub',
  'shmem',
  'smartcard',
  'watchdog',
  'memballoon',
  'rng',
  'tpm',
  'memory',
  'vsock',
  'iommu',
] as const;

/**
 * Kinds named `<prefix><n>`. `position`: at start n is the device's position among its kind
 * (libvirt passes the loop index); `next`: n is one more than the highest index any device of the
 * `scan` kinds holds with this prefix. At hotplug every kind takes the next index.
 */
const NUMBERED: Readonly<Record<string, { prefix: string; atStart: 'position' | 'next'; scan?: string[] }>> =
  {
    filesystem: { prefix: 'fs', atStart: 'next' },
    sound: { prefix: 'sound', atStart: 'position' },
    hostdev: { prefix: 'hostdev', atStart: 'next', scan: ['hostdev', 'interface'] },
    redirdev: { prefix: 'redir', atStart: 'position' },
    video: { prefix: 'video', atStart: 'position' },
    input: { prefix: 'input', atStart: 'position' },
    parallel: { prefix: 'parallel', atStart: 'position' },
    serial: { prefix: 'serial', atStart: 'position' },
    channel: { prefix: 'channel', atStart: 'position' },
    console: { prefix: 'console', atStart: 'position' },
    hub: { prefix: 'hub', atStart: 'position' },
    shmem: { prefix: 'shmem', atStart: 'position' },
    smartcard: { prefix: 'smartcard', atStart: 'position' },
    watchdog: { prefix: 'watchdog', atStart: 'position' },
    memballoon: { prefix: 'balloon', atStart: 'position' },
    rng: { prefix: 'rng', atStart: 'next' },
    tpm: { prefix: 'tpm', atStart: 'position' },
    vsock: { prefix: 'vsock', atStart: 'position' },
    iommu: { prefix: 'iommu', atStart: 'position' },
  };

interface Vm {
  devices: Element[];
  byTag: Map<string, Element[]>;
  machine: string;
  hvm: boolean;
  lxc: boolean;
}

function domainOf(doc: Document): Vm {
  const root = doc.documentElement;
  const os = root === null ? undefined : firstChild(root, 'os');
  const type = os === undefined ? undefined : firstChild(os, 'type');
  const devices = deviceElements(doc);
  const byTag = new Map<string, Element[]>();
  for (const el of devices) {
    const tag = localNameOf(el);
    const list = byTag.get(tag);
    if (list === undefined) byTag.set(tag, [el]);
    else list.push(el);
  }
  return {
    devices,
    byTag,
    machine: (type === undefined ? undefined : getAttr(type, 'machine')) ?? '',
    hvm: type !== undefined && textOf(type).trim() === 'hvm',
    lxc: root !== null && getAttr(root, 'type') === 'lxc',
  };
}

function dropLibvirtAlias(el: Element): void {
  const a = firstChild(el, 'alias');
  if (a !== undefined && getAttr(a, 'name')?.startsWith(USER_ALIAS_PREFIX) !== true) removeIndented(a);
}

/** libvirt writes `<alias>` before `<address>`, after everything else. */
function setAlias(el: Element, name: string): void {
  const a = createElement(ownerOf(el), 'alias');
  setAttr(a, 'name', name);
  insertIndented(el, a, firstChild(el, 'address') ?? null);
}

function setAddress(el: Element, attrs: Record<string, string>): void {
  const a = createElement(ownerOf(el), 'address');
  for (const [k, v] of Object.entries(attrs)) setAttr(a, k, v);
  insertIndented(el, a, null);
}

function attr(el: Element, child: string, name: string): string | undefined {
  const c = firstChild(el, child);
  return c === undefined ? undefined : getAttr(c, name);
}

/** `undefined`: libvirt gives the device no alias (graphics, audio, lease, panic...). */
function aliasFor(el: Element, position: number | undefined, vm: Vm): string | undefined {
  const tag = localNameOf(el);
  switch (tag) {
    case 'disk':
      return diskAlias(el, vm);
    case 'controller':
      return controllerAlias(el, vm);
    case 'memory':
      return memoryAlias(el, vm);
    case 'interface':
      // A NIC that is a host device takes a host device's name (qemuAssignDeviceNetAlias).
      return getAttr(el, 'type') === 'hostdev'
        ? `hostdev${String(nextIndex('hostdev', ['hostdev', 'interface'], vm))}`
        : `net${String(nextIndex('net', ['interface'], vm))}`;
    case 'memballoon':
      if (getAttr(el, 'model') === 'none') return undefined;
      break;
    case 'console': {
      const serial = serialShownBy(el, vm);
      if (serial !== undefined) return aliasOf(serial);
      if (position === undefined) return `console${String(nextIndex('console', ['console'], vm, 'serial'))}`;
      break;
    }
  }
  const rule = NUMBERED[tag];
  if (rule === undefined) return undefined;
  const n =
    position !== undefined && rule.atStart === 'position'
      ? position
      : nextIndex(rule.prefix, rule.scan ?? [tag], vm);
  return `${rule.prefix}${String(n)}`;
}

/**
 * The serial port a console shows: libvirt writes the serial console of an HVM guest (console n of
 * target type serial, or none) as a copy of serial port n, its alias included.
 */
function serialShownBy(console: Element, vm: Vm): Element | undefined {
  const n = vm.byTag.get('console')?.indexOf(console) ?? -1;
  const target = attr(console, 'target', 'type');
  return vm.hvm && (target === undefined || target === 'serial') ? vm.byTag.get('serial')?.[n] : undefined;
}

/**
 * Whether `serial` is shown again as the serial console. Such a port cannot leave the definition
 * alone: libvirt makes it again from the console (virDomainDefAddConsoleCompat), a device this
 * model does not add.
 */
export function isShownAsConsole(doc: Document, serial: Element): boolean {
  const vm = domainOf(doc);
  return (vm.byTag.get('console') ?? []).some((c) => serialShownBy(c, vm) === serial);
}

/** One more than the highest `<prefix><n>` (or `<also><n>`) alias among the devices of `tags`; 0 if none. */
function nextIndex(prefix: string, tags: readonly string[], vm: Vm, also?: string): number {
  let next = 0;
  for (const tag of tags) {
    for (const el of vm.byTag.get(tag) ?? []) {
      const n =
        aliasIndex(aliasOf(el), prefix) ?? (also === undefined ? undefined : aliasIndex(aliasOf(el), also));
      if (n !== undefined && n >= next) next = n + 1;
    }
  }
  return next;
}

function aliasIndex(alias: string | undefined, prefix: string): number | undefined {
  if (alias === undefined || !alias.startsWith(prefix)) return undefined;
  const rest = alias.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

/** libvirt 11's NVMe disks (after the qemu_alias.c read): namespace N of controller C is `nvmeCnN`. */
const NVME_NAME = /^nvme(\d+)n(\d+)$/;

/** libvirt's bus of a disk: `target/@bus`, else what the target dev's prefix implies. */
function diskBus(el: Element): string {
  const bus = attr(el, 'target', 'bus');
  if (bus !== undefined) return bus;
  if (getAttr(el, 'device') === 'floppy') return 'fdc';
  const dev = attr(el, 'target', 'dev') ?? '';
  if (dev.startsWith('vd')) return 'virtio';
  if (dev.startsWith('sd')) return 'scsi';
  if (dev.startsWith('xvd')) return 'xen';
  if (dev.startsWith('fd')) return 'fdc';
  return 'ide';
}

/** The disk's index from its target dev (virDiskNameToIndex): `vdb` and `xvdb` are 1, `nvme0n2` is 2. */
function diskIndex(el: Element): number {
  const dev = attr(el, 'target', 'dev') ?? '';
  const nvme = NVME_NAME.exec(dev);
  if (nvme !== null) return Number(nvme[2]);
  // The index does not depend on the prefix; xvd and ubd are outside the library's drive names.
  return splitDriveName(dev.replace(/^(xvd|ubd)/, 'vd')).index;
}

/** qemuAssignDeviceDiskAlias: by drive address where the bus has one, else by target dev. */
function diskAlias(el: Element, vm: Vm): string {
  const bus = diskBus(el);
  const address = firstChild(el, 'address');
  if (address === undefined || getAttr(address, 'type') !== 'drive')
    return `${bus}-disk${String(diskIndex(el))}`;
  const part = (name: string): string => String(Number(getAttr(address, name) ?? '0'));
  const controller = part('controller');
  const scsi = vm.byTag
    .get('controller')
    ?.find((c) => getAttr(c, 'type') === 'scsi' && String(Number(getAttr(c, 'index') ?? '0')) === controller);
  const scsiModel = scsi === undefined ? undefined : getAttr(scsi, 'model');
  // An LSI controller (the default model) has one target per unit; other models name the target too.
  const withTarget = bus === 'scsi' && scsiModel !== undefined && scsiModel !== 'lsilogic';
  return withTarget
    ? `${bus}${controller}-${part('bus')}-${part('target')}-${part('unit')}`
    : `${bus}${controller}-${part('bus')}-${part('unit')}`;
}

function isQ35(vm: Vm): boolean {
  return vm.machine.includes('q35');
}

/** Machines whose first IDE controller is built in (qemuDomainHasBuiltinIDE). */
function hasBuiltinIde(vm: Vm): boolean {
  const m = vm.machine;
  return (
    m === 'pc' ||
    m.startsWith('pc-i440fx') ||
    /^pc-\d/.test(m) ||
    m.startsWith('rhel') ||
    ['g3beige', 'malta', 'sun4u'].includes(m)
  );
}

/** qemuAssignDeviceControllerAlias: by type and index. */
function controllerAlias(el: Element, vm: Vm): string {
  const type = getAttr(el, 'type') ?? 'ide';
  const index = Number(getAttr(el, 'index') ?? '0');
  const model = getAttr(el, 'model');
  if (type === 'pci') return model === 'pcie-root' ? `pcie.${String(index)}` : `pci.${String(index)}`;
  if (index === 0) {
    if (type === 'ide' && hasBuiltinIde(vm)) return 'ide';
    if (type === 'sata' && isQ35(vm)) return 'ide';
    // USB companion controllers share the index of their master, so they share `usb` too.
    if (type === 'usb') return 'usb';
    if (type === 'scsi' && model === 'ncr53c90') return 'scsi';
  }
  return `${type}${String(index)}`;
}

/** qemuAssignDeviceMemoryAlias: DIMMs by slot, virtio memory by the next free index. */
function memoryAlias(el: Element, vm: Vm): string {
  const model = getAttr(el, 'model') ?? 'dimm';
  const prefix = model.replace('-', '');
  if (model === 'dimm' || model === 'nvdimm')
    return `${prefix}${String(Number(attr(el, 'address', 'slot') ?? '0'))}`;
  return `${prefix}${String(nextIndex(prefix, ['memory'], vm))}`;
}

/**
 * Addresses libvirt derives when it parses a definition: the drive address of a disk on a bus that
 * has one (virDomainDiskDefAssignAddress, wide SCSI), and a free slot for a DIMM.
 */
function assignDefinedAddress(el: Element, vm: Vm): void {
  if (firstChild(el, 'address') !== undefined) return;
  const tag = localNameOf(el);
  if (tag === 'memory' && ['dimm', 'nvdimm'].includes(getAttr(el, 'model') ?? 'dimm')) {
    setAddress(el, { type: 'dimm', slot: String(freeNumber(vm, 'dimm', 'slot', 0)) });
    return;
  }
  if (tag !== 'disk') return;
  const bus = diskBus(el);
  if (bus === 'nvme') {
    const [, controller, namespace] = NVME_NAME.exec(attr(el, 'target', 'dev') ?? '') ?? [];
    if (controller === undefined || namespace === undefined)
      throw new Error(`${elementPath(el)}: not an NVMe name`);
    setAddress(el, { type: 'drive', controller, bus: '0', target: '0', unit: namespace });
    return;
  }
  if (!['ide', 'sata', 'scsi', 'fdc'].includes(bus)) return;
  const idx = diskIndex(el);
  let controller = 0;
  let drivebus = 0;
  let unit = idx;
  if (bus === 'ide') [controller, drivebus, unit] = [Math.floor(idx / 4), Math.floor((idx % 4) / 2), idx % 2];
  else if (bus === 'sata') [controller, unit] = [Math.floor(idx / 6), idx % 6];
  else if (bus === 'scsi') {
    // Unit 7 is the controller itself.
    [controller, unit] = [Math.floor(idx / 15), idx % 15];
    if (unit >= 7) unit++;
  }
  setAddress(el, {
    type: 'drive',
    controller: String(controller),
    bus: String(drivebus),
    target: '0',
    unit: String(unit),
  });
}

type AddressKind = 'pci' | 'usb' | 'virtio-serial' | 'ccid' | undefined;

/** The kind of guest address a device needs on its bus; undefined for none (PS/2, ISA, consoles...). */
function addressKind(el: Element, vm: Vm): AddressKind {
  const type = getAttr(el, 'type');
  const model = getAttr(el, 'model');
  switch (localNameOf(el)) {
    case 'disk': {
      const bus = diskBus(el);
      return bus === 'virtio' ? 'pci' : bus === 'usb' ? 'usb' : undefined;
    }
    case 'interface':
    case 'shmem':
    case 'vsock':
      return 'pci';
    case 'filesystem':
      return vm.lxc ? undefined : 'pci';
    case 'hostdev': {
      if (type === 'usb') return 'usb';
      return type === 'pci' || type === 'mdev' || type === 'scsi_host' ? 'pci' : undefined;
    }
    case 'controller':
      if (type === 'ccid') return 'usb';
      if (type === 'pci') return model === 'pci-root' || model === 'pcie-root' ? undefined : 'pci';
      return type === 'fdc' || type === 'xenbus' || type === 'isa' ? undefined : 'pci';
    case 'input':
      return getAttr(el, 'bus') === 'usb' ? 'usb' : getAttr(el, 'bus') === 'virtio' ? 'pci' : undefined;
    case 'sound':
      return model === 'usb' ? 'usb' : model === 'sb16' || model === 'pcspk' ? undefined : 'pci';
    case 'video':
      return ['none', 'ramfb'].includes(attr(el, 'model', 'type') ?? '') ? undefined : 'pci';
    case 'channel':
      return attr(el, 'target', 'type') === 'virtio' ? 'virtio-serial' : undefined;
    case 'serial': {
      const target = attr(el, 'target', 'type');
      return target === 'pci-serial' ? 'pci' : target === 'usb-serial' ? 'usb' : undefined;
    }
    case 'redirdev':
    case 'hub':
      return 'usb';
    case 'smartcard':
      return 'ccid';
    case 'rng':
    case 'memballoon':
      return model === 'none' ? undefined : 'pci';
    case 'watchdog':
      return model === 'i6300esb' ? 'pci' : undefined;
    case 'iommu':
      return model === 'virtio' ? 'pci' : undefined;
    case 'memory':
      return model === 'virtio-pmem' || model === 'virtio-mem' ? 'pci' : undefined;
    default:
      return undefined;
  }
}

/**
 * A free address of the kind the device needs, as libvirt gives an attached device without one:
 * the lowest free slot on PCI bus 0 (slots 0 and 1 are the host bridge and the chipset's), on
 * s390 the lowest free CCW device number instead; the lowest free port on USB bus 0 and on
 * virtio-serial controller 0 (port 0 is the console's); the lowest free CCID slot.
 */
function assignFreeAddress(el: Element, vm: Vm): void {
  if (firstChild(el, 'address') !== undefined) return;
  const kind = addressKind(el, vm);
  if (kind === 'pci' && vm.machine.startsWith('s390')) {
    const devno = freeNumber(vm, 'ccw', 'devno', 0);
    setAddress(el, {
      type: 'ccw',
      cssid: '0xfe',
      ssid: '0x0',
      devno: `0x${devno.toString(16).padStart(4, '0')}`,
    });
  } else if (kind === 'pci') {
    const slot = freeNumber(vm, 'pci', 'slot', 2, (a) => Number(getAttr(a, 'bus') ?? '0') === 0);
    setAddress(el, {
      type: 'pci',
      domain: '0x0000',
      bus: '0x00',
      slot: `0x${slot.toString(16).padStart(2, '0')}`,
      function: '0x0',
    });
  } else if (kind === 'usb') {
    setAddress(el, { type: 'usb', bus: '0', port: String(freeNumber(vm, 'usb', 'port', 1)) });
  } else if (kind === 'virtio-serial') {
    setAddress(el, {
      type: 'virtio-serial',
      controller: '0',
      bus: '0',
      port: String(freeNumber(vm, 'virtio-serial', 'port', 1)),
    });
  } else if (kind === 'ccid') {
    setAddress(el, { type: 'ccid', controller: '0', slot: String(freeNumber(vm, 'ccid', 'slot', 0)) });
  }
}

/**
 * The lowest number from `from` that no device's `<address type=type>` (passing `where`) holds in
 * `field` (decimal or 0x hex).
 */
function freeNumber(
  vm: Vm,
  type: string,
  field: string,
  from: number,
  where: (address: Element) => boolean = () => true,
): number {
  const used = new Set<number>();
  for (const el of vm.devices) {
    const a = firstChild(el, 'address');
    if (a === undefined || getAttr(a, 'type') !== type || !where(a)) continue;
    used.add(Number(getAttr(a, field) ?? 'NaN'));
  }
  let n = from;
  while (used.has(n)) n++;
  return n;
}
