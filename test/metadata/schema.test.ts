import { expect } from 'chai';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { MetaCodec } from '../../src/metadata/schema.js';
import {
  metaAny,
  metaBool,
  metaDict,
  metaInt,
  metaList,
  metaString,
  metaText,
  reportErrors,
} from '../../src/metadata/schema.js';
import type { Value } from '../../src/metadata/value.js';
import { Float, dict, dictEntries, dictKeys } from '../../src/metadata/value.js';

function ok<A>(c: MetaCodec<A>, v: unknown): A {
  const r = c.decode(v);
  if (!isRight(r)) throw new Error(reportErrors(r.left).join('; '));
  return r.right;
}

/** The error report of a decode that must fail. */
function bad<A>(c: MetaCodec<A>, v: unknown, base = ''): string[] {
  const r = c.decode(v);
  if (!isLeft(r)) throw new Error(`expected ${String(v)} to be rejected`);
  return reportErrors(r.left, base);
}

describe('metadata codecs (schema.ts)', () => {
  it('metaString takes strings only', () => {
    expect(ok(metaString, '')).to.equal('');
    expect(ok(metaString, 'x')).to.equal('x');
    expect(bad(metaString, 5)).to.deep.equal(['(value): expected string, got 5']);
    expect(bad(metaString, true)).to.deep.equal(['(value): expected string, got true']);
  });

  it('metaInt takes ints and int text ("2" -> 2), nothing else', () => {
    expect(ok(metaInt, 2)).to.equal(2);
    expect(ok(metaInt, '2')).to.equal(2);
    expect(ok(metaInt, ' -3 ')).to.equal(-3);
    expect(bad(metaInt, 'x')).to.deep.equal(['(value): expected int, got "x"']);
    expect(bad(metaInt, '2.5')).to.deep.equal(['(value): expected int, got "2.5"']);
    expect(bad(metaInt, 2.5)).to.deep.equal(['(value): expected int, got 2.5']);
    expect(bad(metaInt, true)).to.deep.equal(['(value): expected int, got true']);
    expect(bad(metaInt, new Float(2))).to.deep.equal(['(value): expected int, got float 2']);
    expect(bad(metaInt, '99999999999999999999')).to.have.length(1);
    expect(bad(metaInt, 10n ** 20n)).to.deep.equal(['(value): expected int, got 100000000000000000000']);
  });

  it('metaBool takes booleans and true/false text in any case ("TRUE"), not "yes" or 1', () => {
    expect(ok(metaBool, true)).to.equal(true);
    expect(ok(metaBool, 'TRUE')).to.equal(true);
    expect(ok(metaBool, 'False')).to.equal(false);
    expect(bad(metaBool, 'yes')).to.deep.equal(['(value): expected bool, got "yes"']);
    expect(bad(metaBool, 1)).to.deep.equal(['(value): expected bool, got 1']);
    expect(bad(metaBool, '')).to.deep.equal(['(value): expected bool, got ""']);
  });

  it('metaText keeps strings and writes numbers as text', () => {
    expect(ok(metaText, '0x05')).to.equal('0x05');
    expect(ok(metaText, 5)).to.equal('5');
    expect(ok(metaText, 7n)).to.equal('7');
    expect(bad(metaText, false)).to.deep.equal(['(value): expected string or number, got false']);
    expect(bad(metaText, [])).to.deep.equal(['(value): expected string or number, got a list']);
  });

  it('metaAny keeps any value as it came', () => {
    const v = new Set<Value>(['a']);
    expect(ok(metaAny, v)).to.equal(v);
    expect(bad(metaAny, undefined)).to.deep.equal(['(value): expected value, got nothing']);
  });

  describe('metaDict', () => {
    const specParams = metaDict('specParams', { leaseOffset: metaInt, path: metaString });

    it('decodes known keys and keeps unknown ones, in order', () => {
      const out = ok(
        specParams,
        dict([
          ['zz', 'kept'],
          ['leaseOffset', '1024'],
          ['other', dict()],
        ]),
      );
      expect(dictKeys(out)).to.deep.equal(['zz', 'leaseOffset', 'other']);
      expect(out.leaseOffset).to.equal(1024);
      expect(out['zz']).to.equal('kept');
      expect(Object.getPrototypeOf(out)).to.equal(null);
    });

    it('reports every bad key, and refuses a non-dict', () => {
      expect(
        bad(
          specParams,
          dict([
            ['leaseOffset', 'x'],
            ['path', 3],
          ]),
        ),
      ).to.deep.equal(['leaseOffset: expected int, got "x"', 'path: expected string, got 3']);
      expect(bad(specParams, ['a'])).to.deep.equal(['(value): expected specParams, got a list']);
      expect(bad(specParams, 'a')).to.deep.equal(['(value): expected specParams, got "a"']);
    });

    it('does not treat inherited names as known keys', () => {
      const out = ok(
        specParams,
        dict([
          ['toString', 'x'],
          ['constructor', 1],
        ]),
      );
      expect(dictEntries(out)).to.deep.equal([
        ['toString', 'x'],
        ['constructor', 1],
      ]);
    });
  });

  describe('metaList and reportErrors paths', () => {
    const volume = metaDict('volume', { leaseOffset: metaInt, path: metaString });
    const chain = metaList('volumeChain', volume);
    const drive = metaDict('drive', { volumeChain: chain });

    it('decodes each item', () => {
      const out = ok(chain, [dict([['leaseOffset', '0']]), dict([['leaseOffset', 5]])]);
      expect(out.map((d) => d.leaseOffset)).to.deep.equal([0, 5]);
      expect(bad(chain, dict())).to.deep.equal(['(value): expected volumeChain, got a dict']);
    });

    it('names bad values in the value-path grammar', () => {
      const value = dict([
        [
          'volumeChain',
          [
            dict([['leaseOffset', 'x']]),
            dict([
              ['leaseOffset', 1],
              ['path', false],
            ]),
          ],
        ],
      ]);
      expect(bad(drive, value)).to.deep.equal([
        'volumeChain[0].leaseOffset: expected int, got "x"',
        'volumeChain[1].path: expected string, got false',
      ]);
      expect(bad(drive, value, 'devices[1]')).to.deep.equal([
        'devices[1].volumeChain[0].leaseOffset: expected int, got "x"',
        'devices[1].volumeChain[1].path: expected string, got false',
      ]);
      expect(bad(metaList('ints', metaInt), [1, 'y'])).to.deep.equal(['[1]: expected int, got "y"']);
    });
  });
});
