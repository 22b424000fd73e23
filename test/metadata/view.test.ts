import { expect } from 'chai';
import { Drive } from '../../src/devices/index.js';
import { recover } from '../../src/domain/flows.js';
import { ConfError, MetadataError } from '../../src/errors.js';
import { metaDict, metaInt, metaString } from '../../src/metadata/schema.js';
import type { Dict } from '../../src/metadata/value.js';
import { Tuple, UnreadableValue, dict, dictKeys, valueEquals } from '../../src/metadata/value.js';
import { DeviceMeta } from '../../src/metadata/view.js';
import { loadDeviceFixture } from '../helpers/device-fixtures.js';
import { readFixture } from '../helpers/fixtures.js';

const schema = {
  deviceId: metaString,
  port: metaInt,
  specParams: metaDict('specParams', { leaseOffset: metaInt }),
} as const;

function view(data: Dict, owner = 'disk /domain/devices/disk[2]'): DeviceMeta<typeof schema> {
  return new DeviceMeta(data, schema, { description: owner });
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
    const m = view(dict([['specParams', dict([['leaseOffset', '1']])]]));
    const first = m.get('specParams');
    expect(m.get('specParams')).to.equal(first);
    m.set('specParams', dict([['leaseOffset', 2]]));
    expect(m.get('specParams')).to.not.equal(first);
    expect(m.get('specParams')?.leaseOffset).to.equal(2);
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
      {
        get description() {
          calls++;
          return 'owner';
        },
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
    expect(m.toDict()).to.deep.equal(data);
    expect(Object.isFrozen(m.toDict())).to.equal(true);
    expect(m.get('port')).to.equal(9);
    m.delete('port');
    expect(m.get('port')).to.equal(undefined);
    expect(m.keys()).to.deep.equal(['a', 'b', 'c']);
    expect(m.size).to.equal(3);
    m.delete('missing');
    expect(m.size).to.equal(3);
  });

  it('reads the xmlpickle layer beneath the entry; writes go to the entry; a layer key cannot be deleted', () => {
    const own = dict([
      ['port', 7],
      ['b', 'entry'],
    ]);
    const base = Object.freeze(
      dict([
        ['a', 'pickle'],
        ['port', 2],
      ]),
    );
    const m = view(dict());
    m.bindTo(own, base);
    expect(m.keys()).to.deep.equal(['a', 'port', 'b']);
    expect([m.get('a'), m.get('port'), m.raw('b'), m.size]).to.deep.equal(['pickle', 7, 'entry', 3]);
    m.set('a', 'edited');
    expect([own['a'], base['a']]).to.deep.equal(['edited', 'pickle']);
    expect(() => m.delete('port')).to.throw(MetadataError, /never rewritten/);
    expect(m.get('port')).to.equal(7);
    m.delete('b');
    expect(m.has('b')).to.equal(false);
  });

  it('commit() makes the given data its own in place: the entry holding the dict sees it', () => {
    const own = dict([['old', 1]]);
    const m = view(own);
    expect(m.commit(dict([['new', 2]]))).to.equal(own);
    expect(own).to.deep.equal(dict([['new', 2]]));
    expect(m.get('old')).to.equal(undefined);
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

  describe('set is typed by the class schema, and checked', () => {
    const drive = (): Drive => loadDeviceFixture(Drive, 'devices/disk/file-qcow2-virtio.xml').device;

    it('refuses a wrongly typed value for a key of the schema, naming device and key, storing nothing', () => {
      const d = drive();
      // @ts-expect-error volumeID is a string in the drive schema
      const e = thrown(() => d.meta.set('volumeID', 42));
      expect(e).to.be.instanceOf(MetadataError);
      expect((e as MetadataError).code).to.equal('METADATA_VALUE');
      expect((e as MetadataError).message).to.equal(
        'disk /disk: cannot set volumeID: expected string, got 42',
      );
      expect(d.meta.raw('volumeID')).to.equal('5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc');
      // A nested bad value is named by its path; a key not there before stays absent.
      // @ts-expect-error leaseOffset is an int in a volume
      const nested = thrown(() => d.meta.set('volumeInfo', { leaseOffset: 'far' }));
      expect((nested as MetadataError).message).to.contain('volumeInfo.leaseOffset: expected int, got "far"');
      const bare = drive();
      bare.meta.delete('volumeInfo');
      expect(() => bare.meta.set('volumeInfo', dict([['leaseOffset', 'far']]))).to.throw(MetadataError);
      expect(bare.meta.has('volumeInfo')).to.equal(false);
    });

    it('stores a value of the schema type, and any value under a key the schema does not name', () => {
      const d = drive();
      d.meta.set('volumeID', 'vol-2');
      d.meta.set('volumeInfo', { domainID: 'sd-2', leaseOffset: 512 });
      d.meta.set('mark', 42);
      expect(d.meta.get('volumeID')).to.equal('vol-2');
      expect(d.meta.get('volumeInfo')?.leaseOffset).to.equal(512);
      expect(d.meta.get('mark')).to.equal(42);
    });
  });

  describe('what get returns cannot be edited in vain', () => {
    it('a decoded value is a read-only copy: an edit in place throws, the stored value is unchanged', () => {
      const d = loadDeviceFixture(Drive, 'devices/disk/file-qcow2-virtio.xml').device;
      const chain = d.meta.get('volumeChain')!;
      const node = chain[0]!;
      expect(() => {
        (node as { leaseOffset?: number }).leaseOffset = 7;
      }).to.throw(TypeError);
      expect(() => (chain as unknown[]).push(node)).to.throw(TypeError);
      expect(d.meta.get('volumeChain')?.[0]?.leaseOffset).to.equal(0);
      expect(d.metadataToSave()['volumeChain']).to.satisfy((v: unknown) =>
        valueEquals(v as never, d.meta.raw('volumeChain')!),
      );
    });

    it('sets inside a decoded value are read-only too', () => {
      const m = view(dict([['specParams', dict([['tags', new Set(['a'])]])]]));
      const tags = m.get('specParams')?.['tags'] as Set<string>;
      expect(() => tags.add('b')).to.throw(TypeError);
      expect(() => tags.delete('a')).to.throw(TypeError);
      expect([...tags]).to.deep.equal(['a']);
    });

    it('a value no codec reads is the stored one: an edit in place is what is saved', () => {
      const list = ['a'];
      const m = view(dict([['marks', list]]));
      (m.get('marks') as string[]).push('b');
      expect(m.toDict()['marks']).to.deep.equal(['a', 'b']);
    });

    it("values from the xmlpickle group, which is never rewritten, are read-only (a tuple's too)", () => {
      const d = recover(readFixture('domains/lenient/xmlpickle-values.xml'));
      const nic = d.devices.find((x) => x.kind === 'interface')!;
      const ports = nic.meta.get('ports');
      expect(ports).to.be.instanceOf(Tuple);
      expect(() => (ports as Tuple).push(8080)).to.throw(TypeError);
      expect([...(ports as Tuple)]).to.deep.equal([80, 443]);
    });
  });

  it('a value kept unread is a METADATA_VALUE error on get, with its path and line:column', () => {
    const at = { source: 'vm.xml', path: 'devices[0].volumeChain[0].leaseOffset', line: 12, column: 9 };
    const m = view(
      dict([
        ['deviceId', 'd'],
        [
          'specParams',
          dict([['leaseOffset', new UnreadableValue('abc', 'int', '"abc" is not a valid int', at)]]),
        ],
        ['other', dict([['x', new UnreadableValue('', 'bool', 'empty leaf with type="bool"')]])],
      ]),
    );
    const e = thrown(() => m.get('specParams')) as MetadataError;
    expect(e).to.be.instanceOf(MetadataError);
    expect(e.code).to.equal('METADATA_VALUE');
    expect([e.path, e.source, e.line, e.column]).to.deep.equal(['specParams.leaseOffset', 'vm.xml', 12, 9]);
    expect(e.message).to.equal(
      'specParams.leaseOffset: disk /domain/devices/disk[2]: "abc" is not a valid int',
    );
    // Also under a key no codec reads; the other keys read as ever.
    expect(() => m.get('other')).to.throw(MetadataError, 'other.x: disk /domain/devices/disk[2]: empty leaf');
    expect(m.get('deviceId')).to.equal('d');
  });
});
