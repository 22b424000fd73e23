import { expect } from 'chai';
import fc from 'fast-check';
import type { DriveIface } from '../../src/devices/drive-name.js';
import { makeDriveName, splitDriveName } from '../../src/devices/drive-name.js';
import { ConfError } from '../../src/errors.js';

const numRuns = process.env['CI'] ? 1000 : 200;

describe('drive names', () => {
  // Vdsm's table (drivename.py), which libvirt's virDiskNameToIndex agrees with.
  const table: [number, string][] = [
    [0, 'a'],
    [1, 'b'],
    [25, 'z'],
    [26, 'aa'],
    [27, 'ab'],
    [51, 'az'],
    [52, 'ba'],
    [701, 'zz'],
    [702, 'aaa'],
    [999, 'all'],
    [1000, 'alm'],
    [9999, 'ntp'],
    [10000, 'ntq'],
    [18277, 'zzz'],
    [18278, 'aaaa'],
  ];
  for (const [index, suffix] of table) {
    it(`index ${index} is "${suffix}" and back`, () => {
      expect(makeDriveName('virtio', index)).to.equal(`vd${suffix}`);
      expect(splitDriveName(`vd${suffix}`)).to.deep.equal({ prefix: 'vd', iface: 'virtio', index });
    });
  }

  it('prefixes per interface; sd reads back as scsi', () => {
    const names = (['ide', 'scsi', 'virtio', 'fdc', 'sata', 'usb'] as DriveIface[]).map((i) =>
      makeDriveName(i, 2),
    );
    expect(names).to.deep.equal(['hdc', 'sdc', 'vdc', 'fdc', 'sdc', 'sdc']);
    expect(['hdc', 'sdc', 'vdc', 'fdc'].map((n) => splitDriveName(n).iface)).to.deep.equal([
      'ide',
      'scsi',
      'virtio',
      'fdc',
    ]);
  });

  it('split inverts make for every interface and index', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DriveIface>('ide', 'scsi', 'virtio', 'fdc', 'sata', 'usb'),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (iface, index) => {
          const name = makeDriveName(iface, index);
          expect(name).to.match(/^(hd|sd|vd|fd)[a-z]+$/);
          expect(splitDriveName(name).index).to.equal(index);
        },
      ),
      { numRuns },
    );
  });

  it('names are ordered like their indexes within a length (bijective, no gaps)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 18278; i++) seen.add(makeDriveName('scsi', i));
    expect(seen.size).to.equal(18278);
    expect(makeDriveName('scsi', 18277)).to.equal('sdzzz');
  });

  it('refuses an unknown interface (Vdsm fell back to hd)', () => {
    for (const iface of ['', 'usb2', 'xen', 'IDE']) {
      const e = (() => {
        try {
          makeDriveName(iface, 0);
        } catch (err) {
          return err;
        }
        return undefined;
      })() as ConfError;
      expect(e, iface).to.be.instanceOf(ConfError);
      expect(e.code).to.equal('CONF_VALUE');
      expect(e.path).to.equal('iface');
      expect(e.message).to.contain(JSON.stringify(iface));
    }
  });

  it('refuses negative, fractional and unsafe indexes', () => {
    for (const index of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => makeDriveName('virtio', index), String(index)).to.throw(
        ConfError,
        /not a non-negative integer/,
      );
    }
  });

  it('refuses names outside the scheme; an empty suffix is an error (Vdsm returned -1)', () => {
    for (const name of [
      'vd',
      'sd',
      '',
      'xvda',
      'nvme0n1',
      'vda1',
      'vdA',
      'Vda',
      ' vda',
      'vd-a',
      'hd\u00e9',
    ]) {
      expect(() => splitDriveName(name), JSON.stringify(name)).to.throw(ConfError, /is not a drive name/);
    }
  });

  it('refuses a suffix whose index is beyond 2^53', () => {
    expect(() => splitDriveName(`vd${'z'.repeat(12)}`)).to.throw(ConfError, /too large/);
    expect(splitDriveName(`vd${'z'.repeat(10)}`).index).to.be.a('number');
  });
});
