import { expect } from 'chai';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { StrCodec } from '../../src/xml/codecs.js';
import { firstFailure, int, onOff, openEnum, str, uint, yesNo } from '../../src/xml/codecs.js';

function ok<A>(c: StrCodec<A>, s: string): A {
  const r = c.decode(s);
  if (!isRight(r)) throw new Error(`expected ${JSON.stringify(s)} to decode: ${firstFailure(r.left)}`);
  return r.right;
}

/** The failure text of a decode that must fail. */
function bad<A>(c: StrCodec<A>, s: string): string {
  const r = c.decode(s);
  if (!isLeft(r)) throw new Error(`expected ${JSON.stringify(s)} to be rejected, got ${String(r.right)}`);
  return firstFailure(r.left);
}

describe('string codecs (codecs.ts)', () => {
  describe('int', () => {
    it('reads decimal with signs and surrounding whitespace', () => {
      expect(ok(int, '42')).to.equal(42);
      expect(ok(int, '-7')).to.equal(-7);
      expect(ok(int, '+7')).to.equal(7);
      expect(ok(int, ' 12\n')).to.equal(12);
      expect(ok(int, '007')).to.equal(7);
    });

    it('reads 0x hex in either case', () => {
      expect(ok(int, '0x1f')).to.equal(31);
      expect(ok(int, '0X1F')).to.equal(31);
      expect(ok(int, '0x0005')).to.equal(5);
    });

    it('rejects non-integers, bare 0x, empty text and numbers past 2^53', () => {
      for (const s of [
        '4.0',
        '0x',
        '',
        ' ',
        '1e3',
        'abc',
        '0xg',
        '- 1',
        '12a',
        String(2 ** 53),
        '0x20000000000000',
      ]) {
        expect(bad(int, s)).to.equal(`"${s}" is not an integer`);
      }
    });

    it('encodes as decimal text', () => {
      expect(int.encode(31)).to.equal('31');
      expect(int.encode(-2)).to.equal('-2');
    });
  });

  describe('uint', () => {
    it('reads non-negative decimal and hex', () => {
      expect(ok(uint, '0')).to.equal(0);
      expect(ok(uint, '+3')).to.equal(3);
      expect(ok(uint, '0x10')).to.equal(16);
      expect(ok(uint, ' 9 ')).to.equal(9);
    });

    it('rejects negatives, fractions, empty text and overflow', () => {
      for (const s of ['-1', '-0', '1.5', '', '0x', String(2 ** 53)]) {
        expect(bad(uint, s)).to.equal(`"${s}" is not an unsigned integer`);
      }
    });

    it('is() accepts only safe non-negative integers', () => {
      expect(uint.is(3)).to.equal(true);
      expect(uint.is(-3)).to.equal(false);
      expect(uint.is(1.5)).to.equal(false);
      expect(int.is(-3)).to.equal(true);
      expect(int.is('3')).to.equal(false);
    });
  });

  describe('yesNo and onOff', () => {
    it('read exactly their two words and write them back', () => {
      expect(ok(yesNo, 'yes')).to.equal(true);
      expect(ok(yesNo, 'no')).to.equal(false);
      expect(ok(onOff, 'on')).to.equal(true);
      expect(ok(onOff, 'off')).to.equal(false);
      expect(yesNo.encode(true)).to.equal('yes');
      expect(yesNo.encode(false)).to.equal('no');
      expect(onOff.encode(true)).to.equal('on');
      expect(onOff.encode(false)).to.equal('off');
    });

    it('are strict: no case folding, no whitespace, no other spellings', () => {
      for (const s of ['Yes', 'YES', ' yes', 'true', '1', 'on', ''])
        expect(bad(yesNo, s)).to.equal(`"${s}" is not yes/no`);
      for (const s of ['ON', 'off ', 'yes', 'true', ''])
        expect(bad(onOff, s)).to.equal(`"${s}" is not on/off`);
    });
  });

  describe('openEnum and str', () => {
    it('accept any string, unknown values included, unchanged', () => {
      const model = openEnum<'virtio' | 'e1000'>('model');
      expect(ok(model, 'virtio')).to.equal('virtio');
      expect(ok(model, 'tomorrow-model')).to.equal('tomorrow-model');
      expect(ok(model, '')).to.equal('');
      expect(model.encode(' x ')).to.equal(' x ');
      expect(ok(str, ' keep  spaces ')).to.equal(' keep  spaces ');
    });
  });

  describe('firstFailure', () => {
    it('gives the codec message of the first error', () => {
      const r = int.decode('x');
      if (!isLeft(r)) throw new Error('expected a failure');
      expect(firstFailure(r.left)).to.equal('"x" is not an integer');
    });

    it('falls back to "expected TYPE, got VALUE" without a message, and "invalid value" for none', () => {
      const c = { key: '', type: int, actual: 'x' };
      expect(firstFailure([{ value: 'x', context: [c] }])).to.equal('expected integer, got "x"');
      expect(firstFailure([{ value: 3, context: [] }])).to.equal('expected value, got 3');
      expect(firstFailure([])).to.equal('invalid value');
    });
  });
});
