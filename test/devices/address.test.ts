import { expect } from 'chai';
import { addressKey, elementAddressKey, readAddress, writeAddress } from '../../src/devices/address.js';
import { firstChild, parseXml, serialize } from '../../src/xml/index.js';

describe('guest address (address.ts)', () => {
  describe('addressKey', () => {
    it('normalizes numbers: 0x05 = 5 = 0x0005 = 0X5', () => {
      const keys = ['0x05', '5', '0x0005', '0X5', ' 5 '].map((slot) => addressKey({ type: 'pci', slot }));
      expect(new Set(keys).size).to.equal(1);
      expect(keys[0]).to.equal('slot=5,type=pci');
      expect(addressKey({ slot: 5 })).to.equal('slot=5');
      expect(addressKey({ slot: 0x0a })).to.equal(addressKey({ slot: '0xa' }));
    });

    it('ignores attribute order', () => {
      expect(
        addressKey({ type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x03', function: '0x0' }),
      ).to.equal(addressKey({ function: '0', slot: '3', bus: '0', domain: '0', type: 'pci' }));
    });

    it('keeps distinct values distinct, and non-numbers verbatim', () => {
      expect(addressKey({ slot: '0x10' })).not.to.equal(addressKey({ slot: '10' }));
      expect(addressKey({ type: 'drive', controller: '0' })).not.to.equal(
        addressKey({ type: 'pci', controller: '0' }),
      );
      expect(addressKey({ type: 'ccw', devno: '0x0001', cssid: '0xfe' })).to.equal(
        'cssid=254,devno=1,type=ccw',
      );
      expect(addressKey({ uuid: 'abc-0x1' })).to.equal('uuid=abc-0x1');
    });

    it('drops empty values and gives undefined when nothing is left', () => {
      expect(addressKey({ type: 'pci', slot: '', bus: '  ' })).to.equal('type=pci');
      expect(addressKey({ slot: '' })).to.equal(undefined);
      expect(addressKey({})).to.equal(undefined);
    });

    it('ignores values that are neither strings nor numbers', () => {
      expect(
        addressKey({ type: 'pci', slot: true, bus: { x: 1 }, unit: null, function: undefined }),
      ).to.equal('type=pci');
      expect(addressKey({ slot: [1] })).to.equal(undefined);
      expect(addressKey({ slot: 7n })).to.equal('slot=7');
    });

    it('orders many keys as a few: code unit order (a hostile address, sorted in O(n log n))', () => {
      const names = Array.from({ length: 5_000 }, (_, i) => `k${(i * 7919) % 5_000}`).concat([
        'B',
        'a',
        'é',
        '_',
      ]);
      const address = Object.fromEntries(names.map((k) => [k, '1']));
      const key = addressKey(address) as string;
      expect(key.split(',').map((kv) => kv.split('=')[0])).to.deep.equal([...names].sort());
      // The few-keys path orders alike.
      expect(addressKey({ é: '1', B: '1', a: '1', _: '1' })).to.equal('B=1,_=1,a=1,é=1');
    });
  });

  describe('elementAddressKey', () => {
    const keyOf = (xml: string) => elementAddressKey(parseXml(xml).documentElement!);

    it('is addressKey of the address read from the element, in either attribute order', () => {
      for (const xml of [
        '<disk><address type="pci" domain="0x0000" bus="0x01" slot="0x05" function="0x0"/></disk>',
        "<disk><address function = '0' slot='5' bus=\"1\" domain='0' type='pci'/></disk>",
        // Attribute nodes made by the DOM (a namespace declaration keeps the start tag from being read).
        '<disk xmlns:x="urn:x"><address x:y="1" type="pci" slot="0x05"/></disk>',
        '<disk><address type="drive" controller="" unit=" 1 "/></disk>',
      ]) {
        const el = parseXml(xml).documentElement!;
        expect(elementAddressKey(el), xml).to.equal(addressKey(readAddress(el) ?? {}));
      }
      expect(keyOf('<disk><address type="pci" slot="0x05" bus="0x01"/></disk>')).to.equal(
        keyOf('<disk><address bus="1" type="pci" slot="5"/></disk>'),
      );
    });

    it('is undefined without a direct <address> or when every value is empty', () => {
      expect(keyOf('<hostdev><source><address bus="1"/></source></hostdev>')).to.equal(undefined);
      expect(keyOf('<disk><address slot="" bus=" "/></disk>')).to.equal(undefined);
      expect(keyOf('<disk><address/></disk>')).to.equal(undefined);
    });

    it('orders many attributes as addressKey does', () => {
      const names = Array.from({ length: 40 }, (_, i) => `k${(i * 7) % 40}`);
      const el = parseXml(
        `<disk><address ${names.map((n) => `${n}="0x1"`).join(' ')}/></disk>`,
      ).documentElement!;
      const key = elementAddressKey(el) as string;
      expect(key.split(',').map((kv) => kv.split('=')[0])).to.deep.equal([...names].sort());
      expect(key).to.equal(addressKey(readAddress(el) ?? {}));
    });
  });

  describe('readAddress and writeAddress', () => {
    it('reads only the direct <address> child', () => {
      const el = parseXml('<hostdev><source><address bus="1"/></source></hostdev>').documentElement!;
      expect(readAddress(el)).to.equal(undefined);
      const el2 = parseXml('<disk><address type="drive" unit="1"/></disk>').documentElement!;
      expect({ ...readAddress(el2) }).to.deep.equal({ type: 'drive', unit: '1' });
    });

    it('replaces the existing element in place, creates one in order, and removes it', () => {
      const el = parseXml(
        '<disk><target dev="vda"/><address type="drive"/><boot order="1"/></disk>',
      ).documentElement!;
      writeAddress(el, { type: 'pci', slot: '0x05' }, ['target', 'address', 'boot']);
      expect(serialize(el)).to.equal(
        '<disk><target dev="vda"/><address type="pci" slot="0x05"/><boot order="1"/></disk>',
      );
      writeAddress(el, undefined, []);
      expect(firstChild(el, 'address')).to.equal(undefined);
      writeAddress(el, { type: 'drive' }, ['target', 'address', 'boot']);
      expect(serialize(el)).to.equal(
        '<disk><target dev="vda"/><address type="drive"/><boot order="1"/></disk>',
      );
      writeAddress(el, undefined, []);
      writeAddress(el, undefined, []);
      expect(serialize(el)).to.equal('<disk><target dev="vda"/><boot order="1"/></disk>');
    });
  });
});
