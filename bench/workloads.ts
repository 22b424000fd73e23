/**
 * Benchmark workloads, generated deterministically (a seeded PRNG, never Math.random):
 * - `ovirt20`: a realistic oVirt VM as libvirt's live XML shows it (22 devices: 2 disks and a cdrom,
 *   a NIC, VNC and SPICE graphics, 5 controllers, 3 channels, a console, 3 inputs, video, sound,
 *   balloon, rng; `ua-` user aliases and PCI/drive/virtio-serial/USB addresses where libvirt has
 *   them), with its `ovirt-vm` descriptor group (disks with volumeChain, the NIC by MAC, graphics by
 *   type, the rest by deviceId or alias);
 * - `n100`, `n1000`, `n5000`: scaled domains with N devices of 8 mixed kinds, each with an alias and
 *   an address and one descriptor entry, bound by every rule in turn (user alias, alias, address,
 *   natural key); `n25000`, the same at N=25000, only for `--scaling`.
 * Each workload also gives the same metadata as an xmlpickle `ovirt-instance:instance` (a `devices`
 * list of Vdsm conf dicts), the descriptor group as a document of its own, and an Engine-XML variant
 * for `create` (no aliases, no addresses; the storage exists only as metadata, the instance's dicts
 * (and for `nN` also descriptor entries), which `create` turns into disks).
 *
 * The metadata is written here with a small writer of its own, not with the library's encoders: the
 * inputs must not depend on the code they measure.
 */

export type WorkloadName = 'ovirt20' | 'n100' | 'n1000' | 'n5000' | 'n25000';

export interface Workload {
  name: WorkloadName;
  /** libvirt's live XML with the descriptor group: the input of recover. */
  live: string;
  /** The Engine XML: the input of create. */
  engine: string;
  /** The xmlpickle `instance` document (same metadata as the descriptor, as Vdsm conf dicts). */
  instance: string;
  /** The `ovirt-vm` group of `live`, as a document of its own. */
  descriptor: string;
  /** Devices under `<devices>` of `live` (the emulator is not a device). */
  devices: number;
  /** Device entries of the descriptor group (one per device). */
  entries: number;
}

export const WORKLOAD_NAMES: readonly WorkloadName[] = ['ovirt20', 'n100', 'n1000', 'n5000'];

/** The workload `npm run bench -- --scaling` adds, to measure growth beyond N=5000. */
export const SCALING_WORKLOAD: WorkloadName = 'n25000';

const VM_URI = 'http://ovirt.org/vm/1.0';
const TUNE_URI = 'http://ovirt.org/vm/tune/1.0';
const INSTANCE_URI = 'http://ovirt.org/vm/instance/1.0';

// ---------------------------------------------------------------------------------------------
// Determinism

/** mulberry32: small, fast, and the same sequence for the same seed on every run. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }

  /** A version-4 UUID. */
  uuid(): string {
    const hex = [this.next(), this.next(), this.next(), this.next()]
      .map((n) => n.toString(16).padStart(8, '0'))
      .join('');
    const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata values and their two wire layouts

/** A float leaf (an int-looking JS number is written as `type="int"`). */
class F {
  constructor(readonly value: number) {}
}
type V = string | number | boolean | F | V[] | { [key: string]: V };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isObject(v: V): v is { [key: string]: V } {
  return typeof v === 'object' && !Array.isArray(v) && !(v instanceof F);
}

function leafText(v: string | number | boolean | F): { type: string | undefined; text: string } {
  if (typeof v === 'string') return { type: undefined, text: v };
  if (typeof v === 'boolean') return { type: 'bool', text: v ? 'True' : 'False' };
  if (v instanceof F) return { type: 'float', text: String(v.value) };
  return { type: 'int', text: String(v) };
}

/** One descriptor leaf, `<ovirt-vm:key type="...">text</ovirt-vm:key>`. */
function descriptorLeaf(key: string, v: string | number | boolean | F, pad: string): string {
  const { type, text } = leafText(v);
  const t = type === undefined ? '' : ` type="${type}"`;
  return `${pad}<ovirt-vm:${key}${t}>${esc(text)}</ovirt-vm:${key}>\n`;
}

/** The item tag of the descriptor's list sub-keys. */
const LIST_ITEM: Readonly<Record<string, string>> = {
  volumeChain: 'volumeChainNode',
  hosts: 'hostInfo',
  portMirroring: 'network',
};

/** A dict as descriptor children: leaves sorted by key (as Vdsm writes them), then sub-keys. */
function descriptorChildren(data: { [key: string]: V }, pad: string): string {
  const keys = Object.keys(data).sort();
  let leaves = '';
  let blocks = '';
  for (const key of keys) {
    const v = data[key] as V;
    if (Array.isArray(v)) {
      const item = LIST_ITEM[key];
      if (item === undefined) throw new Error(`no descriptor layout for the list ${key}`);
      const inner = v
        .map((x) =>
          isObject(x)
            ? `${pad}  <ovirt-vm:${item}>\n${descriptorChildren(x, `${pad}    `)}${pad}  </ovirt-vm:${item}>\n`
            : descriptorLeaf(item, x as string, `${pad}  `),
        )
        .join('');
      blocks += `${pad}<ovirt-vm:${key}>\n${inner}${pad}</ovirt-vm:${key}>\n`;
    } else if (isObject(v)) {
      blocks += `${pad}<ovirt-vm:${key}>\n${descriptorChildren(v, `${pad}  `)}${pad}</ovirt-vm:${key}>\n`;
    } else {
      leaves += descriptorLeaf(key, v, pad);
    }
  }
  return leaves + blocks;
}

interface Entry {
  attrs: Record<string, string>;
  data: { [key: string]: V };
}

/** The `ovirt-vm` group element, declaring its namespace itself (as libvirt writes it back). */
function descriptorGroup(values: { [key: string]: V }, entries: readonly Entry[], pad: string): string {
  let out = `<ovirt-vm:vm xmlns:ovirt-vm="${VM_URI}">\n`;
  out += descriptorChildren(values, `${pad}  `);
  for (const e of entries) {
    const attrs = Object.entries(e.attrs)
      .map(([k, v]) => ` ${k}="${esc(v)}"`)
      .join('');
    out += `${pad}  <ovirt-vm:device${attrs}>\n${descriptorChildren(e.data, `${pad}    `)}${pad}  </ovirt-vm:device>\n`;
  }
  return `${out}${pad}</ovirt-vm:vm>`;
}

/** A value as pyxmlpickle items (`<value>`/`<item>` with `key` or `index` and `type`). */
function pickle(tag: string, head: string, v: V, pad: string): string {
  const open = `${pad}<ovirt-instance:${tag}${head}`;
  const close = `</ovirt-instance:${tag}>\n`;
  if (Array.isArray(v)) {
    const inner = v.map((x, i) => pickle('item', ` index="${i}"`, x, `${pad}  `)).join('');
    return `${open} type="list">\n${inner}${pad}${close}`;
  }
  if (isObject(v)) {
    const inner = Object.keys(v)
      .map((k) => pickle('item', ` key="${esc(k)}"`, v[k] as V, `${pad}  `))
      .join('');
    return `${open} type="dict">\n${inner}${pad}${close}`;
  }
  const { type, text } = leafText(v);
  return `${open} type="${type ?? 'str'}">${esc(text)}${close}`;
}

function instanceGroup(devices: V[], pad: string): string {
  return (
    `<ovirt-instance:instance xmlns:ovirt-instance="${INSTANCE_URI}">\n` +
    pickle('value', '', { devices }, `${pad}  `) +
    `${pad}</ovirt-instance:instance>`
  );
}

// ---------------------------------------------------------------------------------------------
// Devices

/** One device of a workload: its live XML, its Engine XML (if Engine sends it), its metadata. */
interface DeviceSpec {
  live: string;
  /** Undefined: Engine sends it only as metadata (storage), or libvirt adds it. */
  engine: string | undefined;
  entry: Entry;
  /** The Vdsm conf dict of the instance's `devices` list. */
  conf: { [key: string]: V };
}

const pad4 = '    ';

function pci(slot: number, bus = 0, fn = 0): { [key: string]: string } {
  const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, '0')}`;
  return { type: 'pci', domain: '0x0000', bus: hex(bus, 2), slot: hex(slot, 2), function: hex(fn, 1) };
}

function addressXml(a: { [key: string]: string }): string {
  const attrs = Object.entries(a)
    .map(([k, v]) => ` ${k}='${v}'`)
    .join('');
  return `<address${attrs}/>`;
}

/**
 * A device element from its parts: `open` is the start tag without `>`, `body` the children that
 * both variants share; the live one gains the alias and address libvirt shows.
 */
function element(
  tag: string,
  open: string,
  body: string[],
  alias: string | undefined,
  address: { [key: string]: string } | undefined,
  liveOnly: string[] = [],
): { live: string; engine: string } {
  const inner = (lines: string[]) => lines.map((l) => `${pad4}  ${l}\n`).join('');
  const live = [...body, ...liveOnly];
  if (alias !== undefined) live.push(`<alias name='${alias}'/>`);
  if (address !== undefined) live.push(addressXml(address));
  const wrap = (lines: string[]) =>
    lines.length === 0 ? `${pad4}${open}/>\n` : `${pad4}${open}>\n${inner(lines)}${pad4}</${tag}>\n`;
  return { live: wrap(live), engine: wrap(body) };
}

function mac(i: number): string {
  const b = [0x00, 0x1a, 0x4a, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Vdsm's drive names: prefix + index in bijective base 26 (0 = a, 26 = aa). */
function driveName(prefix: string, index: number): string {
  let suffix = '';
  for (let n = index; n >= 0; n = Math.floor(n / 26) - 1)
    suffix = String.fromCharCode(97 + (n % 26)) + suffix;
  return prefix + suffix;
}

interface Storage {
  pool: string;
  domain: string;
  image: string;
  volume: string;
  /** Older volumes of the chain, base first. */
  parents: string[];
}

function storage(rng: Prng, parents: number, pool: string, domain: string): Storage {
  const image = rng.uuid();
  const parentIds = Array.from({ length: parents }, () => rng.uuid());
  return { pool, domain, image, volume: rng.uuid(), parents: parentIds };
}

function volumePath(s: Storage, volume: string, block: boolean): string {
  return block
    ? `/rhev/data-center/mnt/blockSD/${s.domain}/images/${s.image}/${volume}`
    : `/rhev/data-center/mnt/192.168.1.20:_exports_data/${s.domain}/images/${s.image}/${volume}`;
}

function volumeChain(s: Storage, block: boolean): V[] {
  return [...s.parents, s.volume].map((volume) => ({
    domainID: s.domain,
    imageID: s.image,
    leaseOffset: block ? 108 * 1048576 : 0,
    leasePath: block ? `/dev/${s.domain}/leases` : `${volumePath(s, volume, false)}.lease`,
    path: volumePath(s, volume, block),
    volumeID: volume,
  }));
}

/** The libvirt `<backingStore>` chain of a disk whose active layer is `s.volume`. */
function backingStore(s: Storage, block: boolean, firstIndex: number): string[] {
  const lines: string[] = [];
  const parents = [...s.parents].reverse();
  parents.forEach((volume, i) => {
    const ind = '  '.repeat(i);
    const type = block ? 'block' : 'file';
    const attr = block ? 'dev' : 'file';
    lines.push(`${ind}<backingStore type='${type}' index='${firstIndex + i}'>`);
    lines.push(`${ind}  <format type='qcow2'/>`);
    lines.push(`${ind}  <source ${attr}='${volumePath(s, volume, block)}'>`);
    lines.push(`${ind}    <seclabel model='dac' relabel='no'/>`);
    lines.push(`${ind}  </source>`);
  });
  lines.push(`${'  '.repeat(parents.length)}<backingStore/>`);
  for (let i = parents.length - 1; i >= 0; i--) lines.push(`${'  '.repeat(i)}</backingStore>`);
  return lines;
}

interface DiskInit {
  s: Storage;
  block: boolean;
  bus: 'virtio' | 'scsi';
  dev: string;
  index: number;
  alias: string;
  address: { [key: string]: string };
  deviceId: string;
  bootOrder?: number;
}

function disk(d: DiskInit): {
  live: string;
  engine: string;
  data: { [key: string]: V };
  conf: { [key: string]: V };
} {
  const { s, block } = d;
  const format = s.parents.length > 0 ? 'qcow2' : 'raw';
  const path = volumePath(s, s.volume, block);
  const typeAttr = block ? 'block' : 'file';
  const srcAttr = block ? 'dev' : 'file';
  const driver = `<driver name='qemu' type='${format}' cache='none' error_policy='stop' io='${block ? 'native' : 'threads'}'/>`;
  const tail = [`<target dev='${d.dev}' bus='${d.bus}'/>`, `<serial>${s.image}</serial>`];
  if (d.bootOrder !== undefined) tail.push(`<boot order='${d.bootOrder}'/>`);
  const liveSource = [
    `<source ${srcAttr}='${path}' index='${s.parents.length + 1}'>`,
    `  <seclabel model='dac' relabel='no'/>`,
    `</source>`,
    ...backingStore(s, block, s.parents.length + 2),
  ];
  const el = element(
    'disk',
    `<disk type='${typeAttr}' device='disk' snapshot='no'`,
    [driver, `<source ${srcAttr}='${path}'/>`, ...tail],
    d.alias,
    d.address,
  );
  // The live disk shows its source with libvirt's index and backing chain.
  const live = element(
    'disk',
    `<disk type='${typeAttr}' device='disk' snapshot='no'`,
    [driver, ...liveSource, ...tail],
    d.alias,
    d.address,
  ).live;
  const data: { [key: string]: V } = {
    deviceId: d.deviceId,
    domainID: s.domain,
    guestName: `/dev/${d.dev}`,
    imageID: s.image,
    managed: false,
    poolID: s.pool,
    volumeID: s.volume,
    volumeChain: volumeChain(s, block),
  };
  const conf: { [key: string]: V } = {
    type: 'disk',
    device: 'disk',
    iface: d.bus,
    index: d.index,
    deviceId: d.deviceId,
    alias: d.alias,
    address: d.address,
    path: `/rhev/data-center/${s.pool}/${s.domain}/images/${s.image}/${s.volume}`,
    diskType: typeAttr,
    format: format === 'qcow2' ? 'cow' : 'raw',
    propagateErrors: 'off',
    shared: 'false',
    readonly: 'false',
    poolID: s.pool,
    domainID: s.domain,
    imageID: s.image,
    volumeID: s.volume,
    specParams: {},
    volumeInfo: { domainID: s.domain, imageID: s.image, volumeID: s.volume, volType: 'path', path },
    volumeChain: volumeChain(s, block),
  };
  if (d.bootOrder !== undefined) conf['bootOrder'] = String(d.bootOrder);
  return { live, engine: el.engine, data, conf };
}

// ---------------------------------------------------------------------------------------------
// ovirt20

function ovirt20Specs(rng: Prng, vmId: string): DeviceSpec[] {
  const pool = rng.uuid();
  const fileSd = rng.uuid();
  const blockSd = rng.uuid();
  const specs: DeviceSpec[] = [];
  const ua = () => {
    const id = rng.uuid();
    return { id, alias: `ua-${id}` };
  };
  /** A device whose entry is found by its user alias (deviceId), as Vdsm 4.3 writes it. */
  const byId = (
    kind: string,
    el: { live: string; engine: string },
    id: { id: string; alias: string },
    conf: { [key: string]: V },
    address?: { [key: string]: string },
  ): DeviceSpec => ({
    live: el.live,
    engine: el.engine,
    entry: { attrs: { devtype: kind, name: id.alias }, data: { deviceId: id.id } },
    conf: {
      ...conf,
      deviceId: id.id,
      alias: id.alias,
      ...(address === undefined ? {} : { address }),
      specParams: {},
    },
  });

  // Storage: Engine sends it only as metadata (create builds the disks).
  const cd = ua();
  const cdAddress = { type: 'drive', controller: '0', bus: '1', target: '0', unit: '0' };
  specs.push({
    live: element(
      'disk',
      `<disk type='file' device='cdrom'`,
      [`<driver name='qemu' error_policy='report'/>`, `<source startupPolicy='optional'/>`],
      cd.alias,
      cdAddress,
      [`<target dev='hdc' bus='ide'/>`, `<readonly/>`],
    ).live,
    engine: undefined,
    entry: { attrs: { devtype: 'disk', name: 'hdc' }, data: { deviceId: cd.id } },
    conf: {
      type: 'disk',
      device: 'cdrom',
      iface: 'ide',
      index: '2',
      path: '',
      readonly: 'true',
      shared: 'false',
      deviceId: cd.id,
      alias: cd.alias,
      address: cdAddress,
      specParams: { path: '' },
    },
  });
  const sys = storage(rng, 2, pool, fileSd);
  const vda = disk({
    s: sys,
    block: false,
    bus: 'virtio',
    dev: 'vda',
    index: 0,
    alias: `ua-${sys.image}`,
    address: pci(7),
    deviceId: sys.image,
    bootOrder: 1,
  });
  specs.push({
    live: vda.live,
    engine: undefined,
    entry: { attrs: { devtype: 'disk', name: 'vda' }, data: vda.data },
    conf: vda.conf,
  });
  const dataDisk = storage(rng, 0, pool, blockSd);
  const sda = disk({
    s: dataDisk,
    block: true,
    bus: 'scsi',
    dev: 'sda',
    index: 0,
    alias: `ua-${dataDisk.image}`,
    address: { type: 'drive', controller: '0', bus: '0', target: '0', unit: '0' },
    deviceId: dataDisk.image,
  });
  specs.push({
    live: sda.live,
    engine: undefined,
    entry: { attrs: { devtype: 'disk', name: 'sda' }, data: sda.data },
    conf: sda.conf,
  });

  const controller = (
    type: string,
    extra: string,
    model: string | undefined,
    slot: number,
    fn: number,
    body: string[] = [],
  ) => {
    const id = ua();
    const m = model === undefined ? '' : ` model='${model}'`;
    const address = pci(slot, 0, fn);
    const el = element(
      'controller',
      `<controller type='${type}' index='0'${m}${extra}`,
      body,
      id.alias,
      address,
    );
    return byId(
      'controller',
      el,
      id,
      { type: 'controller', device: type, index: '0', ...(model === undefined ? {} : { model }) },
      address,
    );
  };
  specs.push(controller('scsi', '', 'virtio-scsi', 5, 0, [`<driver iothread='1'/>`]));
  specs.push(controller('virtio-serial', ` ports='16'`, undefined, 6, 0));
  specs.push(controller('usb', '', 'piix3-uhci', 1, 2));
  specs.push(controller('ide', '', undefined, 1, 1));
  // libvirt's own root bus: its alias is libvirt's, its entry is found by alias.
  specs.push({
    live: element('controller', `<controller type='pci' index='0' model='pci-root'`, [], 'pci.0', undefined)
      .live,
    engine: element(
      'controller',
      `<controller type='pci' index='0' model='pci-root'`,
      [],
      undefined,
      undefined,
    ).engine,
    entry: { attrs: { devtype: 'controller', name: 'pci.0' }, data: { deviceId: rng.uuid() } },
    conf: {
      type: 'controller',
      device: 'pci',
      index: '0',
      model: 'pci-root',
      alias: 'pci.0',
      specParams: {},
    },
  });

  // The NIC: its entry is found by MAC (Vdsm's mac_address attribute).
  const nic = ua();
  const nicMac = mac(0x160151);
  const nicAddress = pci(3);
  const nicEl = element(
    'interface',
    `<interface type='bridge'`,
    [
      `<mac address='${nicMac}'/>`,
      `<source bridge='ovirtmgmt'/>`,
      `<model type='virtio'/>`,
      `<driver name='vhost' queues='4'/>`,
      `<filterref filter='vdsm-no-mac-spoofing'/>`,
      `<link state='up'/>`,
      `<mtu size='1500'/>`,
    ],
    nic.alias,
    nicAddress,
    [`<target dev='vnet0'/>`],
  );
  specs.push({
    live: nicEl.live,
    engine: nicEl.engine,
    entry: {
      attrs: { mac_address: nicMac },
      data: { deviceId: nic.id, network: 'ovirtmgmt', custom: { queues: 4 } },
    },
    conf: {
      type: 'interface',
      device: 'bridge',
      macAddr: nicMac,
      network: 'ovirtmgmt',
      nicModel: 'pv',
      linkActive: 'true',
      filter: 'vdsm-no-mac-spoofing',
      deviceId: nic.id,
      alias: nic.alias,
      address: nicAddress,
      specParams: {},
      custom: { queues: '4' },
    },
  });

  const channelsDir = `/var/lib/libvirt/qemu/channels/${vmId}`;
  [
    { type: 'unix', name: 'ovirt-guest-agent.0' },
    { type: 'unix', name: 'org.qemu.guest_agent.0' },
    { type: 'spicevmc', name: 'com.redhat.spice.0' },
  ].forEach((c, i) => {
    const id = ua();
    const address = { type: 'virtio-serial', controller: '0', bus: '0', port: String(i + 1) };
    const source = c.type === 'unix' ? [`<source mode='bind' path='${channelsDir}.${c.name}'/>`] : [];
    const el = element(
      'channel',
      `<channel type='${c.type}'`,
      [...source, `<target type='virtio' name='${c.name}'/>`],
      id.alias,
      address,
    );
    const live = el.live.replace(`name='${c.name}'/>`, `name='${c.name}' state='disconnected'/>`);
    specs.push({
      ...byId('channel', { live, engine: el.engine }, id, { type: 'channel', device: c.type }, address),
    });
  });

  const con = ua();
  const conEl = element(
    'console',
    `<console type='pty'`,
    [`<target type='virtio' port='0'/>`],
    con.alias,
    undefined,
    [`<source path='/dev/pts/1'/>`],
  );
  specs.push(
    byId(
      'console',
      { live: conEl.live.replace(`type='pty'>`, `type='pty' tty='/dev/pts/1'>`), engine: conEl.engine },
      con,
      { type: 'console', device: 'console' },
    ),
  );

  const tablet = ua();
  const tabletAddress = { type: 'usb', bus: '0', port: '1' };
  specs.push(
    byId(
      'input',
      element('input', `<input type='tablet' bus='usb'`, [], tablet.alias, tabletAddress),
      tablet,
      { type: 'input', device: 'tablet', bus: 'usb' },
      tabletAddress,
    ),
  );
  // libvirt adds the PS/2 mouse and keyboard itself, with aliases of its own.
  for (const [type, alias] of [
    ['mouse', 'input1'],
    ['keyboard', 'input2'],
  ] as const) {
    specs.push({
      live: element('input', `<input type='${type}' bus='ps2'`, [], alias, undefined).live,
      engine: undefined,
      entry: { attrs: { devtype: 'input', name: alias }, data: { deviceId: rng.uuid() } },
      conf: { type: 'input', device: type, bus: 'ps2', alias, specParams: {} },
    });
  }

  // Graphics: libvirt gives them no alias; their entries are found by type.
  const listen = `<listen type='network' address='192.168.1.53' network='vdsm-ovirtmgmt'/>`;
  const vncId = rng.uuid();
  specs.push({
    live: `${pad4}<graphics type='vnc' port='5900' autoport='yes' listen='192.168.1.53' keymap='en-us' passwdValidTo='1970-01-01T00:00:01'>\n${pad4}  ${listen}\n${pad4}</graphics>\n`,
    engine: `${pad4}<graphics type='vnc' port='-1' autoport='yes' keymap='en-us' passwdValidTo='1970-01-01T00:00:01'>\n${pad4}  <listen type='network' network='vdsm-ovirtmgmt'/>\n${pad4}</graphics>\n`,
    entry: {
      attrs: { devtype: 'graphics', name: 'vnc' },
      data: { deviceId: vncId, displayIp: '192.168.1.53', displayNetwork: 'ovirtmgmt' },
    },
    conf: {
      type: 'graphics',
      device: 'vnc',
      deviceId: vncId,
      port: '5900',
      specParams: { displayNetwork: 'ovirtmgmt', keyMap: 'en-us', displayIp: '192.168.1.53' },
    },
  });
  const spiceId = rng.uuid();
  const spiceChannels = ['main', 'display', 'inputs', 'cursor', 'playback', 'record', 'smartcard', 'usbredir']
    .map((n) => `${pad4}  <channel name='${n}' mode='secure'/>\n`)
    .join('');
  specs.push({
    live: `${pad4}<graphics type='spice' port='5901' tlsPort='5902' autoport='yes' listen='192.168.1.53' passwdValidTo='1970-01-01T00:00:01'>\n${pad4}  ${listen}\n${spiceChannels}${pad4}</graphics>\n`,
    engine: `${pad4}<graphics type='spice' port='-1' tlsPort='-1' autoport='yes' passwdValidTo='1970-01-01T00:00:01'>\n${pad4}  <listen type='network' network='vdsm-ovirtmgmt'/>\n${spiceChannels}${pad4}</graphics>\n`,
    entry: {
      attrs: { devtype: 'graphics', name: 'spice' },
      data: { deviceId: spiceId, displayIp: '192.168.1.53', displayNetwork: 'ovirtmgmt' },
    },
    conf: {
      type: 'graphics',
      device: 'spice',
      deviceId: spiceId,
      port: '5901',
      tlsPort: '5902',
      specParams: {
        displayNetwork: 'ovirtmgmt',
        spiceSecureChannels: 'smain,sinputs,scursor,splayback,srecord,sdisplay,ssmartcard,susbredir',
        displayIp: '192.168.1.53',
      },
    },
  });

  const snd = ua();
  specs.push(
    byId(
      'sound',
      element('sound', `<sound model='ich6'`, [], snd.alias, pci(4)),
      snd,
      { type: 'sound', device: 'ich6' },
      pci(4),
    ),
  );
  const vid = ua();
  specs.push(
    byId(
      'video',
      element(
        'video',
        `<video`,
        [`<model type='qxl' ram='65536' vram='8192' vgamem='16384' heads='1' primary='yes'/>`],
        vid.alias,
        pci(2),
      ),
      vid,
      { type: 'video', device: 'qxl' },
      pci(2),
    ),
  );
  const bal = ua();
  specs.push(
    byId(
      'balloon',
      element('memballoon', `<memballoon model='virtio'`, [`<stats period='5'/>`], bal.alias, pci(8)),
      bal,
      { type: 'balloon', device: 'memballoon' },
      pci(8),
    ),
  );
  const rngDev = ua();
  specs.push(
    byId(
      'rng',
      element(
        'rng',
        `<rng model='virtio'`,
        [`<backend model='random'>/dev/urandom</backend>`],
        rngDev.alias,
        pci(9),
      ),
      rngDev,
      { type: 'rng', device: 'virtio', model: 'virtio' },
      pci(9),
    ),
  );
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Scaled domains

/**
 * Device `i` of a scaled domain. Kinds cycle through 8; even devices carry a `ua-` user alias
 * (their entry is found by deviceId), odd ones libvirt's alias, and their entry is found by MAC or
 * target dev (NICs, disks), by guest address (rng), or by alias (the others).
 */
function scaledSpec(rng: Prng, i: number, pool: string, domain: string): DeviceSpec {
  const kind = i % 8;
  const k = Math.floor(i / 8);
  const id = rng.uuid();
  const user = i % 2 === 0;
  // Unique guest PCI slots from bus 1 on (bus 0 holds the host bridge and friends); 32 per bus.
  const slot = pci(i % 32, 1 + Math.floor(i / 32));
  const byUserAlias = (devtype: string): Entry => ({
    attrs: { devtype, name: `ua-${id}` },
    data: { deviceId: id },
  });
  const byAlias = (devtype: string, alias: string): Entry => ({
    attrs: { devtype, alias },
    data: { deviceId: id },
  });
  switch (kind) {
    case 0:
    case 4: {
      const virtio = kind === 0;
      const dev = driveName(virtio ? 'vd' : 'sd', k);
      const alias = user ? `ua-${id}` : virtio ? `virtio-disk${k}` : `scsi0-0-0-${k}`;
      const d = disk({
        s: storage(rng, 0, pool, domain),
        block: !virtio,
        bus: virtio ? 'virtio' : 'scsi',
        dev,
        index: k,
        alias,
        address: virtio ? slot : { type: 'drive', controller: '0', bus: '0', target: String(k), unit: '0' },
        deviceId: id,
      });
      return {
        live: d.live,
        // As in ovirt20, Engine sends storage only as metadata: create builds a quarter of the devices.
        engine: undefined,
        entry: { attrs: { devtype: 'disk', name: dev }, data: d.data },
        conf: d.conf,
      };
    }
    case 1: {
      const m = mac(i);
      const alias = user ? `ua-${id}` : `net${k}`;
      const el = element(
        'interface',
        `<interface type='bridge'`,
        [
          `<mac address='${m}'/>`,
          `<source bridge='ovirtmgmt'/>`,
          `<model type='virtio'/>`,
          `<link state='up'/>`,
        ],
        alias,
        slot,
        [`<target dev='vnet${k}'/>`],
      );
      return {
        ...el,
        entry: {
          attrs: { mac_address: m },
          data: { deviceId: id, network: 'ovirtmgmt', custom: { queues: 1 } },
        },
        conf: {
          type: 'interface',
          device: 'bridge',
          macAddr: m,
          network: 'ovirtmgmt',
          nicModel: 'pv',
          deviceId: id,
          alias,
          address: slot,
          specParams: {},
        },
      };
    }
    case 2: {
      const alias = user ? `ua-${id}` : `channel${k}`;
      const address = { type: 'virtio-serial', controller: '0', bus: '0', port: String(k + 1) };
      const el = element(
        'channel',
        `<channel type='unix'`,
        [
          `<source mode='bind' path='/var/lib/libvirt/qemu/channels/bench.${k}'/>`,
          `<target type='virtio' name='org.bench.channel.${k}'/>`,
        ],
        alias,
        address,
      );
      return {
        ...el,
        entry: user ? byUserAlias('channel') : byAlias('channel', alias),
        conf: { type: 'channel', device: 'unix', deviceId: id, alias, address, specParams: {} },
      };
    }
    case 3: {
      const alias = user ? `ua-${id}` : `scsi${k}`;
      const el = element(
        'controller',
        `<controller type='scsi' index='${k}' model='virtio-scsi'`,
        [],
        alias,
        slot,
      );
      return {
        ...el,
        entry: user ? byUserAlias('controller') : byAlias('controller', alias),
        conf: {
          type: 'controller',
          device: 'scsi',
          index: String(k),
          model: 'virtio-scsi',
          deviceId: id,
          alias,
          address: slot,
          specParams: {},
        },
      };
    }
    case 5: {
      const alias = user ? `ua-${id}` : `rng${k}`;
      const el = element(
        'rng',
        `<rng model='virtio'`,
        [`<backend model='random'>/dev/urandom</backend>`],
        alias,
        slot,
      );
      // libvirt-named rngs are found by their guest address.
      const entry: Entry = user
        ? byUserAlias('rng')
        : { attrs: { devtype: 'rng' }, data: { deviceId: id, address: slot } };
      return {
        ...el,
        entry,
        conf: {
          type: 'rng',
          device: 'virtio',
          model: 'virtio',
          deviceId: id,
          alias,
          address: slot,
          specParams: { source: 'urandom' },
        },
      };
    }
    case 6: {
      const alias = user ? `ua-${id}` : `hostdev${k}`;
      const source = pci(k % 32, 0x40 + (Math.floor(k / 32) % 128), 0);
      const el = element(
        'hostdev',
        `<hostdev mode='subsystem' type='pci' managed='no'`,
        [`<driver name='vfio'/>`, `<source>`, `  ${addressXml(source)}`, `</source>`],
        alias,
        slot,
      );
      return {
        ...el,
        entry: user ? byUserAlias('hostdev') : byAlias('hostdev', alias),
        conf: {
          type: 'hostdev',
          device: `pci_0000_${source['bus']?.slice(2)}_${source['slot']?.slice(2)}_0`,
          deviceId: id,
          alias,
          address: slot,
          specParams: {},
        },
      };
    }
    default: {
      const alias = user ? `ua-${id}` : `redir${k}`;
      const address = { type: 'usb', bus: '0', port: String(k + 1) };
      const el = element('redirdev', `<redirdev bus='usb' type='spicevmc'`, [], alias, address);
      return {
        ...el,
        entry: user ? byUserAlias('redir') : byAlias('redir', alias),
        conf: { type: 'redir', device: 'spicevmc', bus: 'usb', deviceId: id, alias, address, specParams: {} },
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Domains

const VM_VALUES: { [key: string]: V } = {
  balloonTarget: 4194304,
  clusterVersion: '4.3',
  destroy_on_reboot: false,
  launchPaused: 'false',
  memGuaranteedSize: 4096,
  minGuaranteedMemoryMb: 4096,
  resumeBehavior: 'auto_resume',
  startTime: new F(1540000000.52),
};

interface DomainParts {
  name: string;
  uuid: string;
  metadata: string;
  devices: string;
}

function domainXml(p: DomainParts, live: boolean): string {
  const id = live ? ` id='7'` : '';
  return `<domain type='kvm'${id} xmlns:ovirt-tune='${TUNE_URI}' xmlns:ovirt-vm='${VM_URI}'>
  <name>${p.name}</name>
  <uuid>${p.uuid}</uuid>
  <metadata xmlns:ns0="${TUNE_URI}" xmlns:ovirt-vm="${VM_URI}">
    <ns0:qos/>
${p.metadata}
  </metadata>
  <maxMemory slots='16' unit='KiB'>16777216</maxMemory>
  <memory unit='KiB'>4194304</memory>
  <currentMemory unit='KiB'>4194304</currentMemory>
  <vcpu placement='static' current='2'>16</vcpu>
  <iothreads>1</iothreads>
  <cputune>
    <shares>1020</shares>
  </cputune>
  <resource>
    <partition>/machine</partition>
  </resource>
  <sysinfo type='smbios'>
    <system>
      <entry name='manufacturer'>oVirt</entry>
      <entry name='product'>oVirt Node</entry>
      <entry name='version'>7-6.1810.2.el7.centos</entry>
      <entry name='serial'>4c4c4544-0034-5a10-8052-b2c04f4e4d32</entry>
      <entry name='uuid'>${p.uuid}</entry>
    </system>
  </sysinfo>
  <os>
    <type arch='x86_64' machine='pc-i440fx-rhel7.6.0'>hvm</type>
    <smbios mode='sysinfo'/>
  </os>
  <features>
    <acpi/>
  </features>
  <cpu mode='custom' match='exact' check='full'>
    <model fallback='forbid'>Haswell-noTSX</model>
    <topology sockets='16' cores='1' threads='1'/>
    <feature policy='require' name='vme'/>
    <numa>
      <cell id='0' cpus='0-1' memory='4194304' unit='KiB'/>
    </numa>
  </cpu>
  <clock offset='variable' adjustment='0' basis='utc'>
    <timer name='rtc' tickpolicy='catchup'/>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
  </clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <pm>
    <suspend-to-mem enabled='no'/>
    <suspend-to-disk enabled='no'/>
  </pm>
  <devices>
    <emulator>/usr/libexec/qemu-kvm</emulator>
${p.devices}  </devices>
${live ? `  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c215,c908</label>\n  </seclabel>\n` : ''}</domain>
`;
}

function assemble(
  name: WorkloadName,
  uuid: string,
  specs: DeviceSpec[],
  engineEntries: Entry[],
  /** The conf dicts of Engine's xmlpickle `instance` group (none: no such group). */
  engineConf: V[] | undefined,
): Workload {
  const entries = specs.map((s) => s.entry);
  const group = descriptorGroup(VM_VALUES, entries, pad4);
  const conf = specs.map((s) => s.conf);
  const instance = instanceGroup(conf, '');
  const vmName = `bench-${name}`;
  const live = domainXml(
    { name: vmName, uuid, metadata: `${pad4}${group}`, devices: specs.map((s) => s.live).join('') },
    true,
  );
  const engineMetadata =
    `${pad4}${descriptorGroup(VM_VALUES, engineEntries, pad4)}` +
    (engineConf === undefined ? '' : `\n${pad4}${instanceGroup(engineConf, pad4)}`);
  const engine = domainXml(
    { name: vmName, uuid, metadata: engineMetadata, devices: specs.map((s) => s.engine ?? '').join('') },
    false,
  );
  return {
    name,
    live,
    engine,
    instance: `<?xml version="1.0" encoding="UTF-8"?>\n${instance}\n`,
    descriptor: `<?xml version="1.0" encoding="UTF-8"?>\n${descriptorGroup(VM_VALUES, entries, '')}\n`,
    devices: specs.length,
    entries: entries.length,
  };
}

/** The realistic domain. */
export function ovirt20(seed = 20): Workload {
  const rng = new Prng(seed);
  const uuid = rng.uuid();
  const specs = ovirt20Specs(rng, uuid);
  // Engine 4.2+ sends the NIC's and the graphics' entries; the storage comes as the instance's dicts.
  const engineEntries = specs
    .filter((s) => s.entry.attrs['mac_address'] !== undefined || s.entry.attrs['devtype'] === 'graphics')
    .map((s) => s.entry);
  return assemble(
    'ovirt20',
    uuid,
    specs,
    engineEntries,
    specs.map((s) => s.conf),
  );
}

/** A scaled domain with `n` devices of mixed kinds. */
export function scaled(n: 100 | 1000 | 5000 | 25000, seed: number = n): Workload {
  const rng = new Prng(seed);
  const uuid = rng.uuid();
  const pool = rng.uuid();
  const domain = rng.uuid();
  const specs = Array.from({ length: n }, (_, i) => scaledSpec(rng, i, pool, domain));
  // Without aliases and addresses, only disks (target dev) and NICs (MAC) can be told apart. The
  // disks come as both an entry and an instance dict, as one drive (the descriptor's values win).
  const isDisk = (s: DeviceSpec): boolean => s.entry.attrs['devtype'] === 'disk';
  const engineEntries = specs
    .filter((s) => s.entry.attrs['mac_address'] !== undefined || isDisk(s))
    .map((s) => s.entry);
  const engineConf = specs.filter(isDisk).map((s) => s.conf);
  return assemble(`n${n}`, uuid, specs, engineEntries, engineConf);
}

export function workload(name: WorkloadName): Workload {
  switch (name) {
    case 'ovirt20':
      return ovirt20();
    case 'n100':
      return scaled(100);
    case 'n1000':
      return scaled(1000);
    case 'n5000':
      return scaled(5000);
    case 'n25000':
      return scaled(25000);
  }
}
