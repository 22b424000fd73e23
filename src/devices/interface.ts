/**
 * `<interface>`: a guest NIC. Its type (bridge, network, direct, hostdev, vhostuser, user...)
 * decides what its `<source>` says; the `InterfaceSource` view reads whichever attributes are there.
 * The binder knows a NIC by its MAC (case-insensitive).
 */
import { metaBool, metaDict, metaInt, metaList, metaString } from '../metadata/schema.js';
import { interfaceMetaSchema } from '../metadata/schemas/interface.js';
import type { Dict } from '../metadata/value.js';
import { dict, dictSet } from '../metadata/value.js';
import { onOff, openEnum, str, uint, yesNo } from '../xml/codecs.js';
import { childElements, firstChild, removeIndented } from '../xml/tree.js';
import type { DeviceMeta } from '../metadata/view.js';
import type { AddressRecord } from './address.js';
import { readAddress, writeAddress } from './address.js';
import type { Conf } from './conf.js';
import { ConfReader, confAddress, confUserAlias, newElement } from './conf.js';
import type { Document } from '../xml/dom.js';
import { Device } from './device.js';
import { field, removeIfEmpty } from './field.js';
import { pciAddressOfNodedev } from './host-device.js';
import { Part, removePart } from './part.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { addChildElement, defineAccessors } from './view.js';
import { interfaceMembers } from './schema/interface.js';

const SOURCE = {
  bridge: field('@bridge', str),
  network: field('@network', str),
  portgroup: field('@portgroup', str),
  portid: field('@portid', str),
  dev: field('@dev', str),
  /** direct: vepa/bridge/private/passthrough; vhostuser: server/client. */
  mode: field(
    '@mode',
    openEnum<'vepa' | 'bridge' | 'private' | 'passthrough' | 'server' | 'client'>('source mode'),
  ),
  /** vhostuser: the socket type (unix). */
  type: field('@type', openEnum<'unix'>('source type')),
  path: field('@path', str),
  /** udp/mcast/client/server: the peer's IP (the host address of hostdev is `hostAddress`). */
  address: field('@address', str),
  port: field('@port', uint),
  name: field('@name', str),
} as const;

export interface InterfaceSource extends Accessors<typeof SOURCE> {}
/**
 * The `<source>` of an interface: bridge for bridge; network and portgroup for network; dev and
 * mode for direct; the host PCI/USB `<address>` (`hostAddress`) for hostdev; type, path and mode
 * for vhostuser; dev for vdpa; address and port for udp/mcast/client/server.
 */
export class InterfaceSource extends Part {
  static override readonly fields = SOURCE;
  static {
    defineAccessors(this);
  }

  /** hostdev: the host device's `<source><address>` (PCI or USB), not the guest address. */
  get hostAddress(): AddressRecord | undefined {
    return readAddress(this.element);
  }
  set hostAddress(v: AddressRecord | undefined) {
    writeAddress(this.element, v, []);
  }

  override toJSON(): Record<string, unknown> {
    const out = super.toJSON();
    const host = this.hostAddress;
    if (host !== undefined) out['hostAddress'] = { ...host };
    return out;
  }
}

const TAG = {
  id: field('@id', uint),
  nativeMode: field('@nativeMode', openEnum<'tagged' | 'untagged'>('vlan nativeMode')),
} as const;

export interface InterfaceVlanTag extends Accessors<typeof TAG> {}
/** One `<vlan><tag id nativeMode>`. */
export class InterfaceVlanTag extends Part {
  static override readonly fields = TAG;
  static {
    defineAccessors(this);
  }
}

const PARAMETER = {
  name: field('@name', str),
  value: field('@value', str),
} as const;

export interface InterfaceFilterParameter extends Accessors<typeof PARAMETER> {}
/** One `<filterref><parameter name value>` (an nwfilter variable such as IP). */
export class InterfaceFilterParameter extends Part {
  static override readonly fields = PARAMETER;
  static {
    defineAccessors(this);
  }
}

const F = {
  type: field(
    '@type',
    openEnum<
      | 'bridge'
      | 'network'
      | 'direct'
      | 'hostdev'
      | 'vhostuser'
      | 'user'
      | 'ethernet'
      | 'vdpa'
      | 'mcast'
      | 'client'
      | 'server'
      | 'udp'
      | 'internal'
      | 'null'
      | 'vds'
    >('interface type'),
  ),
  managed: field('@managed', yesNo),
  trustGuestRxFilters: field('@trustGuestRxFilters', yesNo),
  macAddress: field('mac/@address', str),
  modelType: field('model/@type', openEnum<'virtio' | 'e1000' | 'e1000e' | 'rtl8139'>('interface model')),
  /** The host-side device (`vnet0`), assigned by libvirt at start. */
  targetDev: field('target/@dev', str),
  filterrefFilter: field('filterref/@filter', str),
  linkState: field('link/@state', openEnum<'up' | 'down'>('link state')),
  mtuSize: field('mtu/@size', uint),
  driverName: field(
    'driver/@name',
    openEnum<'qemu' | 'vhost' | 'vfio' | 'kvm' | 'xen'>('interface driver name'),
  ),
  driverQueues: field('driver/@queues', uint),
  driverTxmode: field('driver/@txmode', openEnum<'iothread' | 'timer'>('driver txmode')),
  bandwidthInboundAverage: field('bandwidth/inbound/@average', uint),
  bandwidthInboundPeak: field('bandwidth/inbound/@peak', uint),
  bandwidthInboundBurst: field('bandwidth/inbound/@burst', uint),
  bandwidthInboundFloor: field('bandwidth/inbound/@floor', uint),
  bandwidthOutboundAverage: field('bandwidth/outbound/@average', uint),
  bandwidthOutboundPeak: field('bandwidth/outbound/@peak', uint),
  bandwidthOutboundBurst: field('bandwidth/outbound/@burst', uint),
  vlanTrunk: field('vlan/@trunk', yesNo),
  virtualportType: field(
    'virtualport/@type',
    openEnum<'openvswitch' | '802.1Qbg' | '802.1Qbh' | 'midonet'>('virtualport type'),
  ),
  tuneSndbuf: field('tune/sndbuf', uint),
  teamingType: field('teaming/@type', openEnum<'persistent' | 'transient'>('teaming type')),
  teamingPersistent: field('teaming/@persistent', str),
  romBar: field('rom/@bar', onOff),
  romFile: field('rom/@file', str),
  romEnabled: field('rom/@enabled', yesNo),
} as const;

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

export interface Interface extends Accessors<typeof F & typeof interfaceMembers> {}
export class Interface extends Device {
  static override readonly tag = 'interface';
  static override readonly vdsmNames = ['nic', 'bridge'];
  /** The MAC (shared by failover pairs, where the guest address tells them apart). */
  static override readonly identifiedBy = identifiedBy(
    key(
      { mac_address: 'mac/@address' },
      { caseless: true, conf: (c) => ({ mac_address: confText(c, 'macAddr') }) },
    ),
  );
  static override readonly fields = F;
  static override readonly members = interfaceMembers;
  static override readonly metaSchema = interfaceMetaSchema;
  declare readonly meta: DeviceMeta<typeof interfaceMetaSchema>;
  /** libvirt's order of the children (virDomainNetDefFormat, then the device info). */
  static override readonly childOrder = [
    'mac',
    'source',
    'vlan',
    'virtualport',
    'bandwidth',
    'port',
    'ip',
    'route',
    'portForward',
    'script',
    'downscript',
    'backend',
    'target',
    'guest',
    'model',
    'driver',
    'backenddomain',
    'filterref',
    'tune',
    'teaming',
    'link',
    'mtu',
    'coalesce',
    'boot',
    'alias',
    'rom',
    'acpi',
    'address',
  ];
  static {
    defineAccessors(this);
  }

  /** The `<source>` child, or undefined (user and ethernet NICs often have none). */
  get source(): InterfaceSource | undefined {
    const el = firstChild(this.element, 'source');
    return el === undefined ? undefined : new InterfaceSource(el);
  }

  /** The `<source>` child, created (empty, in libvirt's place) when missing. */
  ensureSource(): InterfaceSource {
    return this.source ?? new InterfaceSource(addChildElement(this.element, 'source', this.cls.childOrder));
  }

  removeSource(): void {
    const el = firstChild(this.element, 'source');
    if (el !== undefined) removeIndented(el);
  }

  /** The `<vlan><tag>` children, in document order. */
  get vlanTags(): InterfaceVlanTag[] {
    const vlan = firstChild(this.element, 'vlan');
    return vlan === undefined ? [] : childElements(vlan, 'tag').map((el) => new InterfaceVlanTag(el));
  }

  /** Adds a `<tag id>` (creating `<vlan>` when missing) after the existing tags; returns it. */
  addVlanTag(id: number, nativeMode?: string): InterfaceVlanTag {
    const vlan =
      firstChild(this.element, 'vlan') ?? addChildElement(this.element, 'vlan', this.cls.childOrder);
    const tag = new InterfaceVlanTag(addChildElement(vlan, 'tag', []));
    tag.id = id;
    if (nativeMode !== undefined) tag.nativeMode = nativeMode;
    return tag;
  }

  /** Removes a tag; a `<vlan>` left with no tags and no attributes goes too. */
  removeVlanTag(tag: InterfaceVlanTag): void {
    this.removeFrom('vlan', tag);
  }

  /** The `<filterref><parameter>` children, in document order. */
  get filterParameters(): InterfaceFilterParameter[] {
    const ref = firstChild(this.element, 'filterref');
    return ref === undefined
      ? []
      : childElements(ref, 'parameter').map((el) => new InterfaceFilterParameter(el));
  }

  /** Adds a `<parameter name value>` (creating `<filterref>` when missing) after the others. */
  addFilterParameter(name: string, value: string): InterfaceFilterParameter {
    const ref =
      firstChild(this.element, 'filterref') ??
      addChildElement(this.element, 'filterref', this.cls.childOrder);
    const p = new InterfaceFilterParameter(addChildElement(ref, 'parameter', []));
    p.name = name;
    p.value = value;
    return p;
  }

  /** Removes a parameter; a `<filterref>` left empty (no filter, no parameters) goes too. */
  removeFilterParameter(parameter: InterfaceFilterParameter): void {
    this.removeFrom('filterref', parameter);
  }

  private removeFrom(holderTag: string, part: Part): void {
    const holder = firstChild(this.element, holderTag);
    removePart(holder, part, this.path);
    // The holder goes with its last tag or parameter, unless it says more (`<vlan trunk>`, a filter).
    if (holder !== undefined) removeIfEmpty(holder);
  }

  /**
   * The logical network: the metadata's `network` (what the manager named), else the source
   * bridge (bridge NICs) or source network (network NICs). Undefined when none says.
   */
  get network(): string | undefined {
    const m: unknown = this.meta.get('network');
    if (typeof m === 'string' && m !== '') return m;
    const type = this.type;
    if (type === 'bridge') return this.source?.bridge;
    if (type === 'network') return this.source?.network;
    return undefined;
  }

  /** Networks mirrored to this NIC (metadata). */
  get portMirroring(): string[] | undefined {
    const m: unknown = this.meta.get('portMirroring');
    return m as string[] | undefined;
  }

  /** Vdsm's custom properties of this NIC (metadata). */
  get custom(): Dict | undefined {
    const m: unknown = this.meta.get('custom');
    return m as Dict | undefined;
  }

  protected override derivedFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const source = this.source;
    if (source !== undefined) out['source'] = source.toJSON();
    const tags = this.vlanTags;
    if (tags.length > 0) out['vlanTags'] = tags.map((t) => t.toJSON());
    const params = this.filterParameters;
    if (params.length > 0) out['filterParameters'] = params.map((p) => p.toJSON());
    const network = this.network;
    if (network !== undefined) out['network'] = network;
    return out;
  }

  /**
   * Builds an `<interface>` from a Vdsm NIC conf dict. Required: `macAddr`. The type comes from
   * `device` (Vdsm: bridge, hostdev...) or `type` (network, user; Vdsm's hwclass `interface` is
   * not a type), default bridge: `network` names the bridge (bridge) or libvirt network (network);
   * hostdev takes `hostdev` (`pci_0000_05_10_7`). Optional: `nicModel` (`pv` means virtio),
   * `linkActive`, `mtu`, `filter` + `filterParameters` ([{name, value}]), `bootOrder`,
   * `custom.queues` (→ `<driver name="vhost" queues>`), `deviceId` (→ `ua-` alias), `address`.
   * `network`, `portMirroring`, `custom` and `deviceId` go to the metadata.
   */
  static create(conf: Conf, doc?: Document): Interface {
    const c: ConfReader = new ConfReader(conf, 'interface conf');
    const mac = c.required('macAddr', metaString);
    if (!MAC.test(mac)) c.bad('macAddr', `"${mac}" is not a MAC address`);
    const type = interfaceType(c);
    const network = c.optional('network', metaString);
    const portMirroring = c.optional('portMirroring', metaList('portMirroring', metaString));
    const custom = c.optional('custom', metaDict('custom', {}));
    const deviceId = c.optional('deviceId', metaString);

    const meta = dict();
    if (deviceId !== undefined) dictSet(meta, 'deviceId', deviceId);
    if (network !== undefined) dictSet(meta, 'network', network);
    if (portMirroring !== undefined) dictSet(meta, 'portMirroring', portMirroring);
    if (custom !== undefined) dictSet(meta, 'custom', custom);
    const nic = new Interface(newElement('interface', doc), meta);
    nic.type = type;
    nic.macAddress = mac;

    if (type === 'bridge' || type === 'network') {
      if (network === undefined) c.missing('network');
      if (network === '') c.bad('network', `a ${type} interface needs a network name`);
      const source = nic.ensureSource();
      if (type === 'bridge') source.bridge = network;
      else source.network = network;
    } else if (type === 'hostdev') {
      const name = c.required('hostdev', metaString);
      const hostAddress = pciAddressOfNodedev(name);
      if (hostAddress === undefined)
        c.bad('hostdev', `"${name}" is not a PCI device name (pci_DDDD_BB_SS_F)`);
      nic.ensureSource().hostAddress = hostAddress;
    } else if (type !== 'user') {
      c.bad(
        c.has('device') ? 'device' : 'type',
        `cannot build a "${type}" interface (bridge, network, user, hostdev)`,
      );
    }

    const model = c.optional('nicModel', metaString);
    if (model !== undefined && model !== '') nic.modelType = model === 'pv' ? 'virtio' : model;
    // Vdsm: custom.queues asks for a multi-queue vhost-net backend.
    const customConf = c.sub('custom');
    const queues = customConf?.optional('queues', metaInt);
    if (customConf !== undefined && queues !== undefined) {
      if (queues < 1) customConf.bad('queues', `${queues} is not a queue count`);
      nic.driverName = 'vhost';
      nic.driverQueues = queues;
    }
    const filter = c.optional('filter', metaString);
    if (filter !== undefined) nic.filterrefFilter = filter;
    for (const [name, value] of filterParameters(c)) nic.addFilterParameter(name, value);
    const linkActive = c.optional('linkActive', metaBool);
    if (linkActive !== undefined) nic.linkState = linkActive ? 'up' : 'down';
    const mtu = c.optional('mtu', metaInt);
    if (mtu !== undefined) {
      if (mtu < 1) c.bad('mtu', `${mtu} is not an MTU`);
      nic.mtuSize = mtu;
    }
    const bootOrder = c.optional('bootOrder', metaInt);
    if (bootOrder !== undefined) {
      if (bootOrder < 1) c.bad('bootOrder', `${bootOrder} is not a boot order (1 or more)`);
      nic.bootOrder = bootOrder;
    }
    const alias = confUserAlias(c);
    if (alias !== undefined) nic.alias = alias;
    const address = confAddress(c);
    if (address !== undefined) nic.address = address;
    return nic;
  }
}

/** The libvirt interface type a conf asks for (see Interface.create). */
function interfaceType(c: ConfReader): string {
  const fromDevice = c.optional('device', metaString);
  const fromType = c.optional('type', metaString);
  const device = fromDevice === 'interface' ? undefined : fromDevice;
  const type = fromType === 'interface' ? undefined : fromType;
  if (device !== undefined && type !== undefined && device !== type) {
    c.bad('type', `"${type}" contradicts device "${device}"`);
  }
  const out = device ?? type ?? 'bridge';
  if (out === '') c.bad(fromDevice !== undefined ? 'device' : 'type', 'the interface type is empty');
  return out;
}

/** The `filterParameters` list as [name, value] pairs; each item needs both. */
function filterParameters(c: ConfReader): [string, string][] {
  const list = c.optional('filterParameters', metaList('filterParameters', metaDict('filter parameter', {})));
  if (list === undefined) return [];
  return list.map((item, i) => {
    const p = new ConfReader(item, c.what, `${c.pathOf('filterParameters')}[${i}]`);
    return [p.required('name', metaString), p.required('value', metaString)];
  });
}
