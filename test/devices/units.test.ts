import { expect } from 'chai';
import { toKiB, unitFactor } from '../../src/devices/units.js';

describe('scaled integer units (units.ts)', () => {
  it('knows every unit libvirt accepts, case-insensitively', () => {
    const expected: [string, bigint][] = [
      ['b', 1n],
      ['byte', 1n],
      ['bytes', 1n],
      ['KB', 1000n],
      ['k', 1024n],
      ['KiB', 1024n],
      ['MB', 1000n ** 2n],
      ['M', 1024n ** 2n],
      ['MiB', 1024n ** 2n],
      ['GB', 1000n ** 3n],
      ['G', 1024n ** 3n],
      ['GiB', 1024n ** 3n],
      ['TB', 1000n ** 4n],
      ['T', 1024n ** 4n],
      ['TiB', 1024n ** 4n],
      ['PB', 1000n ** 5n],
      ['P', 1024n ** 5n],
      ['PiB', 1024n ** 5n],
      ['EB', 1000n ** 6n],
      ['E', 1024n ** 6n],
      ['EiB', 1024n ** 6n],
    ];
    for (const [unit, factor] of expected) {
      expect(unitFactor(unit), unit).to.equal(factor);
      expect(unitFactor(unit.toUpperCase()), unit).to.equal(factor);
      expect(unitFactor(unit.toLowerCase()), unit).to.equal(factor);
    }
  });

  it('does not know other units', () => {
    for (const u of [
      '',
      'kibibyte',
      'KiBs',
      'Ki',
      'ZiB',
      'bit',
      ' KiB',
      'toString',
      '__proto__',
      'constructor',
    ]) {
      expect(unitFactor(u), u).to.equal(undefined);
    }
  });

  it('converts every unit to KiB exactly', () => {
    expect(toKiB('4', 'GiB')).to.equal(4 * 1024 * 1024);
    expect(toKiB('512', 'MiB')).to.equal(512 * 1024);
    expect(toKiB('512', 'M')).to.equal(512 * 1024);
    expect(toKiB('2048', 'KiB')).to.equal(2048);
    expect(toKiB('2048', 'k')).to.equal(2048);
    expect(toKiB('1024', 'KB')).to.equal(1000);
    expect(toKiB('1024', 'MB')).to.equal(1000000);
    expect(toKiB('2048', 'bytes')).to.equal(2);
    expect(toKiB('1024', 'b')).to.equal(1);
    expect(toKiB('2', 'TiB')).to.equal(2 * 1024 ** 3);
    expect(toKiB('1', 'TB')).to.equal(1000 ** 4 / 1024);
    expect(toKiB('0', 'GiB')).to.equal(0);
    expect(toKiB(' 8 ', 'G')).to.equal(8 * 1024 * 1024);
  });

  it('defaults to KiB, or to the unit the caller names', () => {
    expect(toKiB('100', undefined)).to.equal(100);
    expect(toKiB('100', undefined, 'MiB')).to.equal(100 * 1024);
    expect(toKiB('2048', undefined, 'bytes')).to.equal(2);
  });

  it('refuses a size that is not a whole number of KiB, never rounding', () => {
    expect(toKiB('1000', 'bytes')).to.equal('1000 bytes is not a whole number of KiB');
    expect(toKiB('1', 'KB')).to.equal('1 KB is not a whole number of KiB');
    expect(toKiB('1', 'MB')).to.equal('1 MB is not a whole number of KiB');
    expect(toKiB('100', undefined, 'b')).to.equal('100 b is not a whole number of KiB');
  });

  it('refuses unknown units and bad numbers', () => {
    expect(toKiB('1', 'ZiB')).to.equal('unknown unit "ZiB"');
    expect(toKiB('1', '')).to.equal('unknown unit ""');
    // Names of Object.prototype members are units like any other unknown one, not a crash.
    expect(toKiB('1', '__proto__')).to.equal('unknown unit "__proto__"');
    expect(toKiB('1', 'constructor')).to.equal('unknown unit "constructor"');
    for (const v of ['-1', '1.5', '0x10', '', '1e3', '+1']) {
      expect(toKiB(v, 'KiB'), v).to.equal(`"${v}" is not a non-negative integer`);
    }
  });

  it('refuses results past what a JS number holds exactly, and takes the largest that fits', () => {
    expect(toKiB('16', 'EiB')).to.equal('16 EiB is too large');
    expect(toKiB('99999999999999999999', 'KiB')).to.equal('99999999999999999999 KiB is too large');
    expect(toKiB(String(Number.MAX_SAFE_INTEGER), 'KiB')).to.equal(Number.MAX_SAFE_INTEGER);
    expect(toKiB(String(Number.MAX_SAFE_INTEGER + 1), 'KiB')).to.equal(
      `${Number.MAX_SAFE_INTEGER + 1} KiB is too large`,
    );
    expect(toKiB('7', 'EiB')).to.equal(7 * 1024 ** 5);
  });
});
