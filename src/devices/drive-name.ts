/**
 * Drive names the way Vdsm derives them (`vdsm/storage/drivename.py`): a bus prefix plus the index
 * in bijective base 26 (`a` = 0, `z` = 25, `aa` = 26). Unlike Vdsm, a name with no letters after the
 * prefix is an error (Vdsm decoded it as -1), an unknown interface is an error (Vdsm fell back to
 * `hd`), and a name is only ever computed for a new disk: a parsed `<target dev>` is never
 * recomputed (Vdsm turned `bus="virtio" dev="sdc"` into `vdc`).
 */
import { ConfError } from '../errors.js';

/** The interfaces (libvirt `target/@bus`) whose disks are named by this scheme. */
export type DriveIface = 'ide' | 'scsi' | 'virtio' | 'fdc' | 'sata' | 'usb';

const PREFIX: Readonly<Record<DriveIface, string>> = {
  ide: 'hd',
  scsi: 'sd',
  virtio: 'vd',
  fdc: 'fd',
  sata: 'sd',
  // libvirt and QEMU name USB disks like SCSI ones (usb-storage is a SCSI device).
  usb: 'sd',
};

/** Prefix → interface. `sd` is shared by scsi, sata and usb; like Vdsm it reads back as scsi. */
const IFACE: Readonly<Record<string, DriveIface>> = { hd: 'ide', sd: 'scsi', vd: 'virtio', fd: 'fdc' };

const NAME = /^(hd|sd|vd|fd)([a-z]+)$/;

function isIface(iface: string): iface is DriveIface {
  return Object.prototype.hasOwnProperty.call(PREFIX, iface);
}

/**
 * The drive name of the `index`-th disk on `iface` (`make('virtio', 26)` is `vdaa`). An unknown
 * interface or an index that is not a non-negative safe integer is a CONF_VALUE error naming the
 * `iface` or `index` key.
 */
export function makeDriveName(iface: string, index: number): string {
  if (!isIface(iface)) {
    throw new ConfError(
      'CONF_VALUE',
      `unknown drive interface ${JSON.stringify(iface)} (expected one of ${Object.keys(PREFIX).join(', ')})`,
      {
        path: 'iface',
      },
    );
  }
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new ConfError('CONF_VALUE', `drive index ${index} is not a non-negative integer`, {
      path: 'index',
    });
  }
  let suffix = '';
  for (let n = index; n >= 0; n = Math.floor(n / 26) - 1)
    suffix = String.fromCharCode(97 + (n % 26)) + suffix;
  return PREFIX[iface] + suffix;
}

export interface DriveNameParts {
  /** `hd`, `sd`, `vd` or `fd`. */
  prefix: string;
  /** The interface the prefix stands for (`sd` reads as scsi). */
  iface: DriveIface;
  index: number;
}

/**
 * Splits a drive name into prefix, interface and index (`vdaa` → virtio, 26). A name outside the
 * scheme (another prefix, no letters after the prefix, other characters, an index beyond 2^53) is a
 * CONF_VALUE error naming the `name` key.
 */
export function splitDriveName(name: string): DriveNameParts {
  const m = NAME.exec(name);
  const prefix = m?.[1];
  const letters = m?.[2];
  if (prefix === undefined || letters === undefined) {
    throw new ConfError(
      'CONF_VALUE',
      `${JSON.stringify(name)} is not a drive name (hd, sd, vd or fd followed by letters a-z)`,
      {
        path: 'name',
      },
    );
  }
  let value = 0;
  for (const c of letters) value = value * 26 + (c.charCodeAt(0) - 96);
  const index = value - 1;
  if (!Number.isSafeInteger(index)) {
    throw new ConfError('CONF_VALUE', `${JSON.stringify(name)}: the drive index is too large`, {
      path: 'name',
    });
  }
  return { prefix, iface: IFACE[prefix] as DriveIface, index };
}
