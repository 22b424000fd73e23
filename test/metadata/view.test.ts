import { expect } from 'chai';
import { ConfError, MetadataError } from '../../src/errors.js';
import { metaDict, metaInt, metaString } from '../../src/metadata/schema.js';
import type { Dict } from '../../src/metadata/value.js';
import { dict, dictKeys } from '../../src/metadata/value.js';
import { DeviceMeta } from '../../src/metadata/view.js';

const schema = {
  deviceId: metaString,
  port: metaInt,
  specParams: metaDict('specParams', { leaseOffset: metaInt }),
} as const;

function view(data: Dict, owner = 'disk /domain/devices/disk[2]'): DeviceMeta<typeof schema> {
  return new DeviceMeta(data, schema, () => owner);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('DeviceMeta (view.ts)', () => {
  it('decodes a key when asked, through the class codec', () => {
    const m = view(
      dict([
        ['port', '5900'],
        ['deviceId', 'd'],
      ]),
    );
    expect(m.get('port')).to.equal(5900);
    expect(m.get('deviceId')).to.equal('d');
    expect(m.raw('port')).to.equal('5900');
  });

  it('is lazy: a bad value of a key nobody asks for is no error, and stays as it came', () => {
    const data = dict([
      ['port', 'not a number'],
      ['deviceId', 'd'],
    ]);
    const m = view(data);
    expect(m.get('deviceId')).to.equal('d');
    expect(m.copy()['port']).to.equal('not a number');
    expect(m.has('port')).to.equal(true);
  });

  it('a bad value asked for is METADATA_VALUE naming the owner and the key path', () => {
    const e = thrown(() => view(dict([['specParams', dict([['leaseOffset', 'x']])]])).get('specParams'));
    expect(e).to.be.instanceOf(MetadataError);
    const m = e as MetadataError;
    expect(m.code).to.equal('METADATA_VALUE');
    // The owner once, then each bad value's path from the key.
    expect(m.message).to.equal('disk /domain/devices/disk[2]: specParams.leaseOffset: expected int, got "x"');
  });

  it('returns keys outside the schema undecoded, and undefined for absent keys', () => {
    const nested = dict([['a', 1]]);
    const m = new DeviceMeta(dict([['custom', nested]]), schema);
    expect(m.get('custom' as never)).to.equal(nested);
    expect(m.get('port')).to.equal(undefined);
    expect(m.raw('port')).to.equal(undefined);
    expect(m.owner).to.equal('device');
  });

  it('caches a decoded value, and set() invalidates the cache', () => {
    const m = view(dict([['port', '1']]));
    expect(m.get('port')).to.equal(1);
    m.set('port', '2');
    expect(m.get('port')).to.equal(2);
    m.set('port', 'bad');
    expect(() => m.get('port')).to.throw(MetadataError, 'port: expected int, got "bad"');
    m.set('port', 3);
    expect(m.get('port')).to.equal(3);
  });

  it('require() gives the value or CONF_MISSING_KEY naming owner and key', () => {
    const m = view(dict([['port', 7]]));
    expect(m.require('port')).to.equal(7);
    const e = thrown(() => m.require('deviceId'));
    expect(e).to.be.instanceOf(ConfError);
    expect((e as ConfError).code).to.equal('CONF_MISSING_KEY');
    expect((e as ConfError).path).to.equal('deviceId');
    expect((e as ConfError).message).to.equal(
      'deviceId: disk /domain/devices/disk[2]: metadata key "deviceId" is missing',
    );
  });

  it('computes the owner name only when an error needs it', () => {
    let calls = 0;
    const m = new DeviceMeta(
      dict([
        ['port', 'x'],
        ['deviceId', 'd'],
      ]),
      schema,
      () => {
        calls++;
        return 'owner';
      },
    );
    m.get('deviceId');
    m.keys();
    expect(calls).to.equal(0);
    expect(() => m.get('port')).to.throw(MetadataError, 'owner: port');
    expect(calls).to.equal(1);
  });

  it('edits the bound dict in place: set appends new keys, keeps existing positions; delete removes', () => {
    const data = dict([
      ['a', 1],
      ['port', 2],
      ['b', 3],
    ]);
    const m = view(data);
    m.set('port', 9);
    m.set('c', 'new');
    expect(m.keys()).to.deep.equal(['a', 'port', 'b', 'c']);
    expect(dictKeys(data)).to.deep.equal(['a', 'port', 'b', 'c']);
    expect(m.toDict()).to.equal(data);
    expect(m.get('port')).to.equal(9);
    m.delete('port');
    expect(m.get('port')).to.equal(undefined);
    expect(m.keys()).to.deep.equal(['a', 'b', 'c']);
    expect(m.size).to.equal(3);
    m.delete('missing');
    expect(m.size).to.equal(3);
  });

  it('copy() is a shallow, ordered copy that later edits do not change', () => {
    const m = view(
      dict([
        ['x', 1],
        ['y', 2],
      ]),
    );
    const c = m.copy();
    m.set('z', 3);
    m.delete('x');
    expect(dictKeys(c)).to.deep.equal(['x', 'y']);
    expect(m.keys()).to.deep.equal(['y', 'z']);
  });
});
