/**
 * Vdsm's drive conf dicts as `<disk>` elements: the translator behind `Drive.create`, apart from the
 * accessors it writes through.
 */
import { metaBool, metaDict, metaInt, metaList, metaString, metaText } from '../metadata/schema.js';
import { driveMetaSchema, metaPropagateErrors, metaShared } from '../metadata/schemas/drive.js';
import type { Dict, Value } from '../metadata/value.js';
import { dict, dictKeys, dictSet, hasKey } from '../metadata/value.js';
import { uint } from '../xml/codecs.js';
import type { Document } from '../xml/dom.js';
import { ConfReader, confAddress, newElement } from './conf.js';
import { USER_ALIAS_PATTERN, USER_ALIAS_PREFIX } from './device.js';
import { makeDriveName } from './drive-name.js';
import { addChildElement } from './view.js';
import type { Conf } from './conf.js';
import { DISK_CHILD_ORDER, DiskAuth, Drive, IOTUNE_GROUP, IOTUNE_KEY } from './drive.js';
import type { NetworkHost } from './drive.js';

/** Metadata keys `create()` takes from a conf: what Vdsm persists for a drive; the rest is XML. */
const CREATE_META_KEYS = Object.keys(driveMetaSchema).filter((k) => k !== 'path' && k !== 'propagateErrors');

const ERROR_POLICY = { off: 'stop', on: 'enospace', report: 'report' } as const;

const HOST_CONF = metaDict('host', {
  name: metaString,
  port: metaText,
  transport: metaString,
  socket: metaString,
});
const AUTH_CONF = metaDict('auth', {
  username: metaString,
  type: metaString,
  uuid: metaString,
  usage: metaString,
});

/**
 * Builds a new `<disk>` from a Vdsm-style drive dict (the seed's `devices` entries). The element
 * is the root of its own document, or a detached element of `doc` for the caller to insert.
 *
 * Keys: `device` (disk, cdrom, floppy, lun; default disk), `iface` + `index` or `name` (the
 * target dev; `name` wins and iface is then only the bus), `path` (required except for an empty
 * cdrom or floppy, which gets no `<source>`), `diskType` (default network when `protocol` is
 * given, block for a path under /dev/, else file), `protocol`, `hosts` ([{name, port, transport,
 * socket}]), `auth` ({username, type, uuid|usage}), `format` (raw, cow = qcow2; default raw),
 * `propagateErrors` (off → error_policy stop, on → enospace, report), `cache`, `discard`,
 * `specParams.pinToIoThread` (driver iothread), `iotune`, `readonly` (default: true for a cdrom),
 * `shared` (true/'shared' → `<shareable/>`), `optional` (startupPolicy optional; default for a
 * cdrom or floppy), `serial`, `sgio` (lun), `bootOrder`, `deviceId` (alias `ua-<deviceId>`
 * unless `alias` is given), `address`. Values may be text (`"2"`, `"true"`). The conf's metadata
 * keys (deviceId, poolID, domainID, imageID, volumeID, GUID, volumeInfo, volumeChain, specParams,
 * shared, ...) become the drive's metadata, as given (not copied).
 *
 * A missing required key is a CONF_MISSING_KEY error, a bad value a CONF_VALUE error, both naming
 * the key path.
 */
export function driveFromConf(conf: Conf, doc?: Document): Drive {
  // A conf decoded from metadata, or built by the agent from the same values.
  const dictConf = conf as Dict;
  const c = new ConfReader(conf, 'drive conf');

  const device = c.optional('device', metaString) ?? 'disk';
  if (device !== 'disk' && device !== 'cdrom' && device !== 'floppy' && device !== 'lun') {
    c.bad('device', `unknown device ${JSON.stringify(device)} (expected disk, cdrom, floppy or lun)`);
  }
  const removable = device === 'cdrom' || device === 'floppy';

  const protocol = c.optional('protocol', metaString);
  const path = c.optional('path', metaString);
  if (path === undefined && !removable) c.missing('path');
  if (path === '' && !removable) c.bad('path', `a ${device} needs a non-empty path`);
  const diskType =
    c.optional('diskType', metaString) ??
    (protocol !== undefined ? 'network' : path?.startsWith('/dev/') === true ? 'block' : 'file');
  if (diskType !== 'file' && diskType !== 'block' && diskType !== 'network') {
    c.bad('diskType', `unsupported diskType ${JSON.stringify(diskType)} (expected file, block or network)`);
  }
  if (diskType === 'network' && protocol === undefined) c.missing('protocol');
  if (diskType !== 'network' && protocol !== undefined)
    c.bad('protocol', `a ${diskType} disk has no protocol`);
  if (device === 'lun' && diskType === 'file')
    c.bad('diskType', 'a lun is a block or network disk, not a file');

  const name = c.optional('name', metaString);
  const iface = c.optional('iface', metaString);
  if (name === '') c.bad('name', 'the drive name is empty');
  const targetDev = name ?? makeDriveName(iface ?? c.missing('iface'), c.required('index', metaInt));

  const format = c.optional('format', metaString) ?? 'raw';
  if (format !== 'raw' && format !== 'cow' && format !== 'qcow2') {
    c.bad('format', `unknown format ${JSON.stringify(format)} (expected raw, cow or qcow2)`);
  }
  if (device === 'lun' && format !== 'raw') c.bad('format', 'a lun is always raw');

  const optional = c.optional('optional', metaBool) ?? removable;
  if (optional && diskType === 'network') c.bad('optional', 'a network disk has no startup policy');
  const sgio = c.optional('sgio', metaString);
  if (sgio !== undefined && device !== 'lun') c.bad('sgio', 'sgio applies to a lun only');
  const bootOrder = c.optional('bootOrder', metaInt);
  if (bootOrder !== undefined && bootOrder < 1)
    c.bad('bootOrder', `boot order ${bootOrder} is not a positive integer`);
  const iothread = c.sub('specParams')?.optional('pinToIoThread', metaInt);
  if (iothread !== undefined && iothread < 1)
    c.bad('specParams.pinToIoThread', `iothread ${iothread} is not a positive integer`);
  const deviceId = c.optional('deviceId', metaString);
  const alias =
    c.optional('alias', metaString) ??
    (deviceId !== undefined && deviceId !== '' ? USER_ALIAS_PREFIX + deviceId : undefined);
  if (alias !== undefined && alias.startsWith(USER_ALIAS_PREFIX) && !USER_ALIAS_PATTERN.test(alias)) {
    c.bad(
      c.has('alias') ? 'alias' : 'deviceId',
      `${JSON.stringify(alias)} is not a valid user alias (letters, digits, _ and -)`,
    );
  }

  const meta = dict();
  for (const key of CREATE_META_KEYS) if (hasKey(dictConf, key)) dictSet(meta, key, dictConf[key] as Value);
  const d = new Drive(newElement('disk', doc), meta);

  d.type = diskType;
  d.device = device;
  // Vdsm takes volume snapshots itself; libvirt must leave its disks alone.
  d.snapshot = 'no';
  d.sgio = sgio;

  d.driverName = 'qemu';
  d.driverType = format === 'raw' ? 'raw' : 'qcow2';
  const cache = c.optional('cache', metaString);
  if (cache === '') c.bad('cache', 'the cache mode is empty');
  d.driverCache = cache;
  d.driverErrorPolicy = ERROR_POLICY[c.optional('propagateErrors', metaPropagateErrors) ?? 'off'];
  if (c.optional('discard', metaBool) === true) d.driverDiscard = 'unmap';
  d.driverIothread = iothread;

  const auth = c.optional('auth', AUTH_CONF);
  if (auth !== undefined) {
    const a = new DiskAuth(addChildElement(d.element, 'auth', DISK_CHILD_ORDER));
    a.username = auth.username;
    a.secretType = auth.type;
    a.secretUsage = auth.usage;
    a.secretUuid = auth.uuid;
  }

  if (path !== undefined && path !== '') {
    if (diskType === 'network') d.source.protocol = protocol;
    d.sourcePath = path;
    if (optional) d.source.startupPolicy = 'optional';
    if (diskType === 'network') {
      for (const h of readHosts(c)) {
        const host = d.source.hosts.add();
        host.name = h.name;
        host.port = h.port;
        host.transport = h.transport;
        host.socket = h.socket;
      }
    }
  }

  d.targetDev = targetDev;
  d.targetBus = iface;
  const iotune = c.sub('iotune');
  if (iotune !== undefined) {
    for (const key of dictKeys(iotune.data as Dict)) {
      const v = iotune.required(key, metaInt);
      if (v < 0 || !IOTUNE_KEY.test(key) || key === IOTUNE_GROUP)
        iotune.bad(key, `${JSON.stringify(key)}: ${v} is not an iotune limit`);
      d.setIotune(key, v);
    }
  }
  d.readonly = c.optional('readonly', metaBool) ?? device === 'cdrom';
  const shared = c.optional('shared', metaShared);
  d.shareable = shared === true || shared === 'shared';
  const serial = c.optional('serial', metaString);
  // Vdsm writes a serial only when it has one: '' means none.
  if (serial !== undefined && serial !== '') d.serial = serial;
  d.bootOrder = bootOrder;
  d.alias = alias;
  d.address = confAddress(c);
  return d;
}

function readHosts(c: ConfReader): NetworkHost[] {
  const hosts = c.optional('hosts', metaList('list of hosts', HOST_CONF)) ?? [];
  return hosts.map((h, i) => {
    const out: NetworkHost = {};
    if (h.name !== undefined) out.name = h.name;
    if (h.port !== undefined) {
      const port = uint.decode(h.port);
      if (port._tag === 'Left') c.bad(`hosts[${i}].port`, `${JSON.stringify(h.port)} is not a port number`);
      out.port = port.right;
    }
    if (h.transport !== undefined) out.transport = h.transport;
    if (h.socket !== undefined) out.socket = h.socket;
    if (out.name === undefined && out.socket === undefined)
      c.bad(`hosts[${i}]`, 'a host needs a name or a socket');
    return out;
  });
}
