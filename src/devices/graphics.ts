/**
 * `<graphics>`: the remote display (vnc, spice, ...). Besides the element's own fields it derives
 * `displayIp` and `displayNetwork`, which an agent needs to tell a client where to connect: from the
 * first `<listen>` when it says so, else from the metadata the manager sent.
 */
import type { MetaCodec } from '../metadata/schema.js';
import { metaBool, metaInt, metaString } from '../metadata/schema.js';
import { graphicsMetaSchema } from '../metadata/schemas/graphics.js';
import type { Dict } from '../metadata/value.js';
import { dict, dictSet } from '../metadata/value.js';
import { int, openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import type { Conf } from './conf.js';
import { ConfReader, newElement } from './conf.js';
import type { Document } from '../xml/dom.js';
import { Device } from './device.js';
import { field } from './field.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { GraphicsChannel, GraphicsListen, graphicsMembers } from './schema/graphics.js';

/** Vdsm names the libvirt network of logical network X `vdsm-X`. */
export const VDSM_NETWORK_PREFIX = 'vdsm-';

/** The spice channels libvirt knows (`<channel name=...>`). */
export const SPICE_CHANNELS = [
  'main',
  'display',
  'inputs',
  'cursor',
  'playback',
  'record',
  'smartcard',
  'usbredir',
] as const;

export { GraphicsChannel, GraphicsListen };

export interface GraphicsListenInit {
  type: string;
  address?: string;
  network?: string;
  socket?: string;
}

const F = {
  type: field(
    '@type',
    openEnum<'vnc' | 'spice' | 'sdl' | 'rdp' | 'desktop' | 'egl-headless' | 'dbus'>('graphics type'),
  ),
  // -1 is libvirt's "allocate one".
  port: field('@port', int),
  tlsPort: field('@tlsPort', int),
  autoport: field('@autoport', yesNo),
  websocket: field('@websocket', int),
  /** The legacy listen attribute; libvirt mirrors the first address listen into it. */
  listen: field('@listen', str),
  socket: field('@socket', str),
  keymap: field('@keymap', str),
  passwdValidTo: field('@passwdValidTo', str),
  connected: field('@connected', openEnum<'keep' | 'disconnect' | 'fail'>('graphics connected')),
  defaultMode: field('@defaultMode', openEnum<'any' | 'secure' | 'insecure'>('graphics defaultMode')),
  sharePolicy: field('@sharePolicy', openEnum('graphics sharePolicy')),
  clipboardCopypaste: field('clipboard/@copypaste', yesNo),
  filetransferEnable: field('filetransfer/@enable', yesNo),
  mouseMode: field('mouse/@mode', openEnum<'server' | 'client'>('mouse mode')),
  glEnable: field('gl/@enable', yesNo),
  glRendernode: field('gl/@rendernode', str),
  audioId: field('audio/@id', uint),
} as const;

/** A network name without Vdsm's `vdsm-` prefix (only when it has one). */
export function stripVdsmPrefix(network: string): string {
  return network.startsWith(VDSM_NETWORK_PREFIX) ? network.slice(VDSM_NETWORK_PREFIX.length) : network;
}

export interface Graphics extends Accessors<typeof F & typeof graphicsMembers> {}
export class Graphics extends Device {
  static override readonly tag = 'graphics';
  static override readonly vdsmNames = ['vnc', 'spice'];
  /** One graphics device per type (Vdsm saves the type as `name`). */
  static override readonly identifiedBy = identifiedBy(
    key({ name: '@type' }, { conf: (c) => ({ name: confGraphicsType(c) }) }),
  );
  static override readonly fields = F;
  static override readonly members = graphicsMembers;
  static override readonly metaSchema = graphicsMetaSchema;
  declare readonly meta: DeviceMeta<typeof graphicsMetaSchema>;
  /** libvirt's order of the children (virDomainGraphicsDefFormat). */
  static override readonly childOrder = [
    'listen',
    'channel',
    'image',
    'jpeg',
    'zlib',
    'playback',
    'streaming',
    'mouse',
    'clipboard',
    'filetransfer',
    'gl',
    'audio',
  ];
  static {
    defineAccessors(this);
  }

  /** Adds a `<listen>` after the existing ones (libvirt's order); returns it. */
  addListen(init: GraphicsListenInit): GraphicsListen {
    const l = this.listens.add();
    l.type = init.type;
    if (init.address !== undefined) l.address = init.address;
    if (init.network !== undefined) l.network = init.network;
    if (init.socket !== undefined) l.socket = init.socket;
    return l;
  }

  /** Removes one of this device's listens. */
  removeListen(listen: GraphicsListen): void {
    this.listens.remove(listen);
  }

  /** Adds a spice `<channel name mode>` after the existing ones; returns it. */
  addChannel(name: string, mode: string): GraphicsChannel {
    const c = this.channels.add();
    c.name = name;
    c.mode = mode;
    return c;
  }

  removeChannel(channel: GraphicsChannel): void {
    this.channels.remove(channel);
  }

  /**
   * The logical network the display listens on: the first `<listen type="network">`'s network
   * (without Vdsm's `vdsm-` prefix, only when present), else the metadata's `displayNetwork`,
   * `display_network` or `specParams.displayNetwork`. Undefined when none says.
   */
  get displayNetwork(): string | undefined {
    const first = this.listens[0];
    const network = first?.type === 'network' ? first.network : undefined;
    if (network !== undefined && network !== '') return stripVdsmPrefix(network);
    return (
      this.metaText('displayNetwork') ?? this.metaText('display_network') ?? this.specParam('displayNetwork')
    );
  }

  /**
   * The address the display listens on: the first `<listen>`'s address when it is of type address
   * (or network, where libvirt reports the address it resolved), the `listen` attribute when there
   * is no `<listen>`, else the metadata's `displayIp` or `specParams.displayIp`. Never invented.
   */
  get displayIp(): string | undefined {
    const first = this.listens[0];
    if (first === undefined) {
      const attr = this.listen;
      if (attr !== undefined) return attr;
    } else if (first.type === 'address' || first.type === 'network') {
      const address = first.address;
      if (address !== undefined) return address;
    }
    return this.metaText('displayIp') ?? this.specParam('displayIp');
  }

  private metaText(key: 'displayNetwork' | 'display_network' | 'displayIp'): string | undefined {
    const v: unknown = this.meta.get(key);
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  private specParam(key: 'displayNetwork' | 'displayIp'): string | undefined {
    const sp: unknown = this.meta.get('specParams');
    if (sp === undefined) return undefined;
    const v = (sp as Dict)[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  protected override derivedFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.passwd !== undefined) out['passwdSet'] = true;
    const listens = this.listens;
    if (listens.length > 0) out['listens'] = listens.map((l) => l.toJSON());
    const channels = this.channels;
    if (channels.length > 0) out['channels'] = channels.map((c) => c.toJSON());
    const displayIp = this.displayIp;
    if (displayIp !== undefined) out['displayIp'] = displayIp;
    const displayNetwork = this.displayNetwork;
    if (displayNetwork !== undefined) out['displayNetwork'] = displayNetwork;
    return out;
  }

  /**
   * Builds a `<graphics>` from a Vdsm graphics conf dict: `device` (vnc, spice...; required),
   * `port`/`tlsPort` (absent or -1: allocated by libvirt, `autoport="yes"`), and, at the top level
   * or in `specParams`: `keyMap`, `displayNetwork` (a `<listen type="network" network="vdsm-X"/>`),
   * `displayIp` (a `<listen type="address">` when there is no displayNetwork), `spiceSecureChannels`
   * (comma list; Vdsm's `s`-prefixed names accepted), `copyPasteEnable`/`fileTransferEnable`
   * (spice; false gives `no`). `tlsPort` and the spice-only keys do not apply to other types, which
   * have no such XML (Engine sends them for every display). `deviceId`, `displayNetwork` and
   * `displayIp` go to the metadata: libvirt allows no alias on graphics, so the id cannot be a `ua-`
   * alias.
   */
  static create(conf: Conf, doc?: Document): Graphics {
    const c: ConfReader = new ConfReader(conf, 'graphics conf');
    const spec = c.sub('specParams');
    // A key may sit at the top level or in specParams (Engine sent both forms).
    const holder = (key: string): ConfReader | undefined =>
      c.has(key) ? c : spec?.has(key) === true ? spec : undefined;
    const pick = <A>(key: string, codec: MetaCodec<A>): A | undefined => holder(key)?.optional(key, codec);

    const type = c.required('device', metaString);
    if (type === '') c.bad('device', 'the graphics type is empty');
    const port = c.optional('port', metaInt);
    const tlsPort = c.optional('tlsPort', metaInt);
    for (const [key, v] of [
      ['port', port],
      ['tlsPort', tlsPort],
    ] as const) {
      if (v !== undefined && (v < -1 || v > 65535)) c.bad(key, `${v} is not a port (-1 or 0..65535)`);
    }
    const keyMap = pick('keyMap', metaString);
    const displayNetwork = pick('displayNetwork', metaString);
    const displayIp = pick('displayIp', metaString);
    const channels = pick('spiceSecureChannels', metaString);
    const copyPaste = pick('copyPasteEnable', metaBool);
    const fileTransfer = pick('fileTransferEnable', metaBool);
    const deviceId = c.optional('deviceId', metaString);

    const meta = dict();
    if (deviceId !== undefined) dictSet(meta, 'deviceId', deviceId);
    if (displayNetwork !== undefined) dictSet(meta, 'displayNetwork', displayNetwork);
    if (displayIp !== undefined) dictSet(meta, 'displayIp', displayIp);
    const g = new Graphics(newElement('graphics', doc), meta);
    g.type = type;
    const spice = type === 'spice';
    g.port = port ?? -1;
    if (spice) g.tlsPort = tlsPort ?? -1;
    g.autoport = (port ?? -1) === -1 && (!spice || (tlsPort ?? -1) === -1);
    if (keyMap !== undefined && keyMap !== '') g.keymap = keyMap;
    if (displayNetwork !== undefined && displayNetwork !== '') {
      g.addListen({ type: 'network', network: VDSM_NETWORK_PREFIX + displayNetwork });
    } else if (displayIp !== undefined && displayIp !== '') {
      g.addListen({ type: 'address', address: displayIp });
    }
    if (spice) {
      const channelsHolder = holder('spiceSecureChannels');
      if (channels !== undefined && channels !== '' && channelsHolder !== undefined) {
        for (const name of spiceChannelNames(channels, channelsHolder)) g.addChannel(name, 'secure');
      }
      if (copyPaste === false) g.clipboardCopypaste = false;
      if (fileTransfer === false) g.filetransferEnable = false;
    }
    return g;
  }
}

/** The channel names of a `spiceSecureChannels` list (`smain,sinputs` or `main,inputs`). */
function spiceChannelNames(list: string, c: ConfReader): string[] {
  const key = 'spiceSecureChannels';
  const known: readonly string[] = SPICE_CHANNELS;
  return list.split(',').map((raw, i) => {
    const name = raw.trim();
    if (name === '') c.bad(key, `spiceSecureChannels item ${i} is empty ("${list}")`);
    if (known.includes(name)) return name;
    // Engine's legacy form prefixes each name with "s" (smain, sinputs).
    if (name.startsWith('s') && known.includes(name.slice(1))) return name.slice(1);
    return c.bad(key, `"${name}" is not a spice channel (${SPICE_CHANNELS.join(', ')})`);
  });
}

/** Vdsm's graphics conf names the type in `device` (`graphics` when it does not). */
function confGraphicsType(conf: Dict): string | undefined {
  const device = confText(conf, 'device');
  return device === 'graphics' ? undefined : device;
}
