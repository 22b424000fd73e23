/**
 * Generated libvirt domains that stress device identity: several devices of one kind that only
 * position, alias or guest address tell apart (NICs sharing a MAC, PS/2 mouse and keyboard, USB
 * tablets, virtio consoles, channels, sound cards, controllers of one type, disks with and without
 * target dev), aliases missing, libvirt's own (`net0`, `input1`) or `ua-` user aliases, guest
 * addresses present or absent, and metadata in both layouts (the `ovirt-vm` descriptor group and
 * the xmlpickle `ovirt-instance` group's `devices` list), with entries that share keys, entries
 * that carry another device's address, and orphans.
 */
import fc from 'fast-check';
import { Descriptor, dict, encodeXmlpickle, serialize } from '../../src/index.js';
import type { Dict, Value, XmlElement } from '../../src/index.js';
import { childElements, ownerOf } from '../../src/xml/index.js';

/** How a device is named: no alias, libvirt's positional alias, or a `ua-` user alias. */
type AliasStyle = 'none' | 'libvirt' | 'user';

/** A small pool, so that NICs share MACs. */
const MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02'];
const CHANNELS = [
  { type: 'unix', name: 'org.qemu.guest_agent.0' },
  { type: 'unix', name: 'ovirt-guest-agent.0' },
  { type: 'spicevmc', name: 'com.redhat.spice.0' },
];

type DeviceSpec = { alias: AliasStyle; address: boolean } & (
  | { kind: 'interface'; mac: number; upperCase: boolean }
  | { kind: 'input'; type: 'mouse' | 'keyboard' | 'tablet' }
  | { kind: 'console'; port: number }
  | { kind: 'channel'; channel: number }
  | { kind: 'sound'; model: 'ich6' | 'ac97' }
  | { kind: 'controller'; type: 'usb' | 'virtio-serial' | 'scsi'; index: number }
  | { kind: 'disk'; target: 'vda' | 'vdb' | 'sda' | undefined; source: 'own' | 'shared' | 'none' }
);

/** How an entry names its device: the natural key, `alias=`, Vdsm's `name=`, or a `deviceId`. */
type EntryKey = 'natural' | 'alias' | 'name' | 'deviceId';

interface EntrySpec {
  layout: 'descriptor' | 'xmlpickle';
  /** The device it is for (modulo the device count), or undefined for an orphan. */
  device: number | undefined;
  key: EntryKey;
  /** The guest address it records: its device's, another device's, or none. */
  address: 'own' | 'other' | 'none';
  value: string | number | boolean;
}

interface DomainSpec {
  devices: DeviceSpec[];
  entries: EntrySpec[];
  /** Write the `ovirt-vm:vm` group even without entries (the seed's first example has an empty one). */
  emptyDescriptorGroup: boolean;
}

const common = { alias: fc.constantFrom<AliasStyle>('none', 'libvirt', 'user'), address: fc.boolean() };

const deviceSpec: fc.Arbitrary<DeviceSpec> = fc.oneof(
  fc.record({
    ...common,
    kind: fc.constant('interface' as const),
    mac: fc.nat(MACS.length - 1),
    upperCase: fc.boolean(),
  }),
  fc.record({
    ...common,
    kind: fc.constant('input' as const),
    type: fc.constantFrom('mouse', 'keyboard', 'tablet'),
  }),
  fc.record({ ...common, kind: fc.constant('console' as const), port: fc.nat(2) }),
  fc.record({ ...common, kind: fc.constant('channel' as const), channel: fc.nat(CHANNELS.length - 1) }),
  fc.record({ ...common, kind: fc.constant('sound' as const), model: fc.constantFrom('ich6', 'ac97') }),
  fc.record({
    ...common,
    kind: fc.constant('controller' as const),
    type: fc.constantFrom('usb', 'virtio-serial', 'scsi'),
    index: fc.nat(1),
  }),
  fc.record({
    ...common,
    kind: fc.constant('disk' as const),
    target: fc.constantFrom('vda', 'vdb', 'sda', undefined),
    source: fc.constantFrom('own', 'shared', 'none'),
  }),
);

const entrySpec: fc.Arbitrary<EntrySpec> = fc.record({
  layout: fc.constantFrom('descriptor', 'xmlpickle'),
  device: fc.option(fc.nat(7), { nil: undefined, freq: 5 }),
  key: fc.constantFrom<EntryKey>('natural', 'alias', 'name', 'deviceId'),
  address: fc.constantFrom('own', 'other', 'none'),
  value: fc.oneof(fc.constantFrom('a', 'b c', ''), fc.integer({ min: -5, max: 5 }), fc.boolean()),
});

/** A generated device as rendered: its element and what entries may name it by. */
interface Rendered {
  spec: DeviceSpec;
  xml: string;
  alias: string | undefined;
  address: Record<string, string> | undefined;
  /** The id of its user alias, or one no device has (for a `deviceId` entry to name nothing). */
  deviceId: string;
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * An alias in libvirt's style (qemu_alias.c): controllers by type and index, other devices numbered
 * by position among the devices named with the same prefix.
 */
function libvirtAlias(d: DeviceSpec, position: number): string {
  switch (d.kind) {
    case 'interface':
      return `net${position}`;
    case 'controller':
      return d.type === 'usb' ? (d.index === 0 ? 'usb' : `usb${d.index}`) : `${d.type}${d.index}`;
    case 'disk':
      return d.target === 'sda' ? `scsi0-0-0-${position}` : `virtio-disk${position}`;
    default:
      return `${d.kind}${position}`;
  }
}

/** The guest address libvirt would give the device (unique: derived from its position `i`). */
function guestAddress(d: DeviceSpec, i: number): Record<string, string> | undefined {
  const pci = { type: 'pci', domain: '0x0000', bus: '0x00', slot: hex(3 + i), function: '0x0' };
  switch (d.kind) {
    case 'input':
      // PS/2 devices have no guest address.
      return d.type === 'tablet' ? { type: 'usb', bus: '0', port: String(i + 1) } : undefined;
    case 'console':
      return undefined;
    case 'channel':
      return { type: 'virtio-serial', controller: '0', bus: '0', port: String(i + 1) };
    case 'disk':
      return d.target === 'sda'
        ? { type: 'drive', controller: '0', bus: '0', target: '0', unit: String(i) }
        : pci;
    default:
      return pci;
  }
}

function deviceBody(d: DeviceSpec, i: number): { open: string; inner: string[]; close: string } {
  switch (d.kind) {
    case 'interface': {
      const mac = MACS[d.mac] as string;
      return {
        open: '<interface type="bridge">',
        inner: [
          `<mac address="${d.upperCase ? mac.toUpperCase() : mac}"/>`,
          '<source bridge="ovirtmgmt"/>',
          '<model type="virtio"/>',
        ],
        close: '</interface>',
      };
    }
    case 'input':
      return {
        open: `<input type="${d.type}" bus="${d.type === 'tablet' ? 'usb' : 'ps2'}">`,
        inner: [],
        close: '</input>',
      };
    case 'console':
      return {
        open: '<console type="pty">',
        inner: [`<target type="virtio" port="${d.port}"/>`],
        close: '</console>',
      };
    case 'channel': {
      const c = CHANNELS[d.channel] as { type: string; name: string };
      const source =
        c.type === 'unix' ? [`<source mode="bind" path="/var/lib/libvirt/qemu/channels/${c.name}"/>`] : [];
      return {
        open: `<channel type="${c.type}">`,
        inner: [...source, `<target type="virtio" name="${c.name}"/>`],
        close: '</channel>',
      };
    }
    case 'sound':
      return { open: `<sound model="${d.model}">`, inner: [], close: '</sound>' };
    case 'controller': {
      const model =
        d.type === 'usb' ? ' model="piix3-uhci"' : d.type === 'scsi' ? ' model="virtio-scsi"' : '';
      return {
        open: `<controller type="${d.type}" index="${d.index}"${model}>`,
        inner: [],
        close: '</controller>',
      };
    }
    case 'disk': {
      const source =
        d.source === 'own'
          ? [`<source file="/images/disk${i}.img"/>`]
          : d.source === 'shared'
            ? ['<source file="/images/shared.img"/>']
            : [];
      const target =
        d.target === undefined
          ? []
          : [`<target dev="${d.target}" bus="${d.target === 'sda' ? 'scsi' : 'virtio'}"/>`];
      return {
        open: '<disk type="file" device="disk">',
        inner: ['<driver name="qemu" type="raw"/>', ...source, ...target],
        close: '</disk>',
      };
    }
  }
}

function renderDevices(specs: readonly DeviceSpec[]): Rendered[] {
  const positions = new Map<string, number>();
  return specs.map((spec, i) => {
    // Devices numbered together are those whose first alias would be the same.
    const prefix = libvirtAlias(spec, 0);
    const position = positions.get(prefix) ?? 0;
    positions.set(prefix, position + 1);
    const alias =
      spec.alias === 'libvirt'
        ? libvirtAlias(spec, position)
        : spec.alias === 'user'
          ? `ua-${uuid(i + 1)}`
          : undefined;
    const address = spec.address ? guestAddress(spec, i) : undefined;
    const body = deviceBody(spec, i);
    const inner = [...body.inner];
    if (alias !== undefined) inner.push(`<alias name="${alias}"/>`);
    if (address !== undefined) {
      const attrs = Object.entries(address)
        .map(([k, v]) => ` ${k}="${v}"`)
        .join('');
      inner.push(`<address${attrs}/>`);
    }
    const xml =
      inner.length === 0
        ? body.open.replace(/>$/, '/>')
        : [body.open, ...inner.map((c) => `  ${c}`), body.close].join('\n    ');
    return { spec, xml, alias, address, deviceId: uuid(spec.alias === 'user' ? i + 1 : 0xfff0 + i) };
  });
}

/** Vdsm's conf dict `type` and `device` for a device kind (what an xmlpickle entry says it is). */
function confKind(d: DeviceSpec): [string, string] {
  switch (d.kind) {
    case 'interface':
      return ['interface', 'bridge'];
    case 'input':
      return ['input', d.type];
    case 'console':
      return ['console', 'console'];
    case 'channel':
      return ['channel', (CHANNELS[d.channel] as { type: string }).type];
    case 'sound':
      return ['sound', d.model];
    case 'controller':
      return ['controller', d.type];
    case 'disk':
      return ['disk', 'disk'];
  }
}

/** Per way of naming a device, an entry for one no generated domain has (keys outside every pool). */
const ORPHANS: Record<EntryKey, { attrs: Record<string, string>; conf: [string, Value][] }> = {
  natural: {
    attrs: { mac_address: '52:54:00:00:00:ff' },
    conf: [
      ['type', 'interface'],
      ['device', 'bridge'],
      ['macAddr', '52:54:00:00:00:ff'],
    ],
  },
  alias: {
    attrs: { devtype: 'channel', alias: 'channel9' },
    conf: [
      ['type', 'channel'],
      ['device', 'unix'],
      ['alias', 'channel9'],
    ],
  },
  name: {
    attrs: { devtype: 'disk', name: 'vdz' },
    conf: [
      ['type', 'disk'],
      ['device', 'disk'],
      ['name', 'vdz'],
    ],
  },
  deviceId: {
    attrs: { devtype: 'sound' },
    conf: [
      ['type', 'sound'],
      ['device', 'ich6'],
      ['deviceId', uuid(0xffff)],
    ],
  },
};

/** The descriptor attributes an entry names its device by. */
function descriptorAttrs(d: Rendered, key: EntryKey): Record<string, string> {
  const devtype = d.spec.kind;
  if (key === 'natural' && d.spec.kind === 'interface') return { mac_address: MACS[d.spec.mac] as string };
  if ((key === 'natural' || key === 'name') && d.spec.kind === 'disk' && d.spec.target !== undefined)
    return { devtype, name: d.spec.target };
  if (key === 'deviceId' || d.alias === undefined) return { devtype };
  return key === 'name' ? { devtype, name: d.alias } : { devtype, alias: d.alias };
}

/** The conf keys (besides `type` and `device`) an xmlpickle entry names its device by. */
function confKeys(d: Rendered, key: EntryKey): [string, Value][] {
  const s = d.spec;
  if (key === 'natural') {
    if (s.kind === 'interface') return [['macAddr', MACS[s.mac] as string]];
    if (s.kind === 'disk' && s.target !== undefined) return [['name', s.target]];
    if (s.kind === 'controller') return [['index', String(s.index)]];
  }
  if (key === 'deviceId') return [['deviceId', d.deviceId]];
  return d.alias === undefined ? [] : [['alias', d.alias]];
}

function entryData(
  spec: EntrySpec,
  note: string,
  address: Record<string, string> | undefined,
): [string, Value][] {
  const data: [string, Value][] = [
    ['note', note],
    ['value', spec.value],
  ];
  if (address !== undefined) data.push(['address', dict(Object.entries(address))]);
  return data;
}

/** Indents the elements below `el` (which starts at `at`), so that counterexamples read well. */
function indent(el: XmlElement, at: string): void {
  const children = childElements(el);
  if (children.length === 0) return;
  const doc = ownerOf(el);
  for (const child of children) {
    el.insertBefore(doc.createTextNode(`\n${at}  `), child);
    indent(child, `${at}  `);
  }
  el.appendChild(doc.createTextNode(`\n${at}`));
}

function render(spec: DomainSpec): string {
  const devices = renderDevices(spec.devices);
  const withAddress = devices.filter((d) => d.address !== undefined);
  const descriptor: { attrs: Record<string, string>; data: Dict }[] = [];
  const confs: Dict[] = [];
  spec.entries.forEach((e, n) => {
    const note = `${e.layout}-${n}`;
    const d = e.device === undefined ? undefined : devices[e.device % devices.length];
    if (d === undefined) {
      const orphan = ORPHANS[e.key];
      if (e.layout === 'descriptor')
        descriptor.push({ attrs: orphan.attrs, data: dict(entryData(e, note, undefined)) });
      else confs.push(dict([...orphan.conf, ...entryData(e, note, undefined)]));
      return;
    }
    const other = withAddress.find((x) => x !== d)?.address;
    const address = e.address === 'own' ? d.address : e.address === 'other' ? other : undefined;
    if (e.layout === 'descriptor') {
      const data = entryData(e, note, address);
      if (e.key === 'deviceId') data.push(['deviceId', d.deviceId]);
      descriptor.push({ attrs: descriptorAttrs(d, e.key), data: dict(data) });
    } else {
      const [type, device] = confKind(d.spec);
      confs.push(
        dict([['type', type], ['device', device], ...confKeys(d, e.key), ...entryData(e, note, address)]),
      );
    }
  });
  const groups: string[] = [];
  if (descriptor.length > 0 || spec.emptyDescriptorGroup)
    groups.push(new Descriptor({ entries: descriptor }).toXml().trimEnd().split('\n').join('\n    '));
  if (confs.length > 0) {
    const instance = encodeXmlpickle(dict([['devices', confs]]));
    indent(instance, '    ');
    groups.push(serialize(instance));
  }
  const metadata =
    groups.length === 0 ? [] : ['  <metadata>', ...groups.map((g) => `    ${g}`), '  </metadata>'];
  return [
    '<domain type="kvm">',
    '  <name>generated</name>',
    `  <uuid>${uuid(0xd0)}</uuid>`,
    ...metadata,
    '  <memory unit="KiB">1048576</memory>',
    '  <devices>',
    '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
    ...devices.map((d) => `    ${d.xml}`),
    '  </devices>',
    '</domain>',
    '',
  ].join('\n');
}

/** A generated domain XML (1 to 8 devices, up to 10 metadata entries). */
export const identityStressDomain: fc.Arbitrary<string> = fc
  .record({
    devices: fc.array(deviceSpec, { minLength: 1, maxLength: 8 }),
    entries: fc.array(entrySpec, { maxLength: 10 }),
    emptyDescriptorGroup: fc.boolean(),
  })
  .map(render);
