import { expect } from 'chai';
import fc from 'fast-check';
import { MetadataError, XmlParseError } from '../../src/errors.js';
import type { TypedJson } from '../../src/metadata/typed-json.js';
import { fromTypedJson, toTypedJson } from '../../src/metadata/typed-json.js';
import type { Dict, Value } from '../../src/metadata/value.js';
import {
  Float,
  RawXml,
  Tuple,
  UnreadableValue,
  dict,
  dictKeys,
  keepAttributes,
  keptAttributes,
  valueEquals,
} from '../../src/metadata/value.js';
import { parseXml } from '../../src/xml/index.js';
import { thrown } from '../helpers/errors.js';
import { NUM_RUNS, valueArb } from '../helpers/value-arbitrary.js';

/** Through JSON text and back, as the CLI does. */
function viaText(v: Value): Value {
  return fromTypedJson(JSON.parse(JSON.stringify(toTypedJson(v))));
}

describe('typed JSON', () => {
  describe('tags, both ways', () => {
    const cases: [string, Value, TypedJson][] = [
      ['a string', 'x', 'x'],
      ['an empty string', '', ''],
      ['a bool', true, true],
      ['an int', -5, -5],
      ['a float that is not integral', 0.5, 0.5],
      ['an integral float', new Float(4), { $float: 4 }],
      ['nan', new Float(NaN), { $float: 'nan' }],
      ['inf', new Float(Infinity), { $float: 'inf' }],
      ['-inf', new Float(-Infinity), { $float: '-inf' }],
      ['-0.0', new Float(-0), { $float: '-0.0' }],
      ['an int beyond 2^53', 2n ** 64n, { $int: '18446744073709551616' }],
      ['a negative int beyond 2^53', -(2n ** 53n), { $int: '-9007199254740992' }],
      ['a list', [1, 'a'], [1, 'a']],
      ['a tuple', Tuple.of_([80, 443]), { $tuple: [80, 443] }],
      [
        'a leaf kept unread',
        new UnreadableValue('abc', 'int', '"abc" is not a valid int'),
        { $unreadable: { type: 'int', text: 'abc' } },
      ],
      ['a set', new Set<Value>(['a', 1]), { $set: ['a', 1] }],
      ['a dict', dict([['a', 1]]), { a: 1 }],
      ['a dict with a $ key', dict([['$float', 1]]), { $dict: { $float: 1 } }],
      [
        'a dict with a $ key among others',
        dict([
          ['a', 1],
          ['$b', 2],
        ]),
        { $dict: { a: 1, $b: 2 } },
      ],
      ['an empty dict', dict(), {}],
      [
        'nested values',
        dict([['t', Tuple.of_([new Float(1), [dict([['$', 2n ** 60n]])]])]]),
        {
          t: { $tuple: [{ $float: 1 }, [{ $dict: { $: { $int: '1152921504606846976' } } }]] },
        },
      ],
    ];
    for (const [what, value, json] of cases) {
      it(what, () => {
        const out = toTypedJson(value);
        expect(JSON.parse(JSON.stringify(out))).to.deep.equal(json);
        const back = fromTypedJson(json);
        expect(valueEquals(back, value), JSON.stringify(out)).to.equal(true);
      });
    }

    it('kept XML as $xml', () => {
      const raw = new RawXml(
        parseXml('<ovirt-vm:x xmlns:ovirt-vm="http://ovirt.org/vm/1.0" a="1">t</ovirt-vm:x>')
          .documentElement!,
      );
      const json = toTypedJson(dict([['k', raw]]));
      expect(json).to.deep.equal({ k: { $xml: raw.xml } });
      const back = fromTypedJson(json) as Dict;
      expect(back['k']).to.be.instanceOf(RawXml);
      expect(valueEquals(back['k']!, raw)).to.equal(true);
    });

    it('reads the canonical form: {"$float": 0.5} is 0.5, {"$int": "5"} is 5', () => {
      expect(fromTypedJson({ $float: 0.5 })).to.equal(0.5);
      expect(fromTypedJson({ $int: '5' })).to.equal(5);
      expect(fromTypedJson({ $int: '-9007199254740993' })).to.equal(-9007199254740993n);
      expect(fromTypedJson(4)).to.equal(4);
    });

    it('writes a plain NaN or Infinity number as a Float', () => {
      expect(toTypedJson(NaN)).to.deep.equal({ $float: 'nan' });
      expect(toTypedJson(-Infinity)).to.deep.equal({ $float: '-inf' });
      expect(fromTypedJson(toTypedJson(NaN))).to.be.instanceOf(Float);
    });
  });

  describe('keys', () => {
    it('takes __proto__, constructor and prototype as ordinary keys (no prototype pollution)', () => {
      const v = fromTypedJson(
        JSON.parse(
          '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1}',
        ),
      ) as Dict;
      expect(Object.getPrototypeOf(v)).to.equal(null);
      expect(dictKeys(v)).to.deep.equal(['__proto__', 'constructor', 'prototype']);
      expect(valueEquals(v['__proto__']!, dict([['polluted', true]]))).to.equal(true);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect(JSON.stringify(toTypedJson(v))).to.equal(
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1}',
      );
    });

    it('keeps integer-like keys in place as [key, value] pairs, where a JSON object would move them', () => {
      const v = dict([
        ['b', 1],
        [
          '2',
          dict([
            ['10', 1],
            ['9', 2],
          ]),
        ],
      ]);
      expect(JSON.stringify(toTypedJson(v))).to.equal(
        '{"$dict":[["b",1],["2",{"$dict":[["10",1],["9",2]]}]]}',
      );
      const back = viaText(v) as Dict;
      expect(dictKeys(back)).to.deep.equal(['b', '2']);
      expect(dictKeys(back['2'] as Dict)).to.deep.equal(['10', '9']);
      // An order that an object keeps stays an object.
      const kept = dict([
        ['1', 1],
        ['2', 2],
        ['b', 3],
      ]);
      expect(JSON.stringify(toTypedJson(kept))).to.equal('{"1":1,"2":2,"b":3}');
    });
  });

  describe('kept attributes', () => {
    it('writes a dict with kept attributes as $dict with $attributes, and reads them back', () => {
      const device = dict([
        ['index', 0],
        ['shared', 'exclusive'],
      ]);
      keepAttributes(device, 'index', [['base', '10']]);
      const v = dict([
        ['memGuaranteedSize', 1024],
        ['device', device],
      ]);
      keepAttributes(v, undefined, [['version', '1']]);
      keepAttributes(v, 'memGuaranteedSize', [
        ['unit', 'MiB'],
        ['note', ''],
      ]);
      expect(toTypedJson(v)).to.deep.equal({
        $dict: {
          memGuaranteedSize: 1024,
          device: {
            $dict: { index: 0, shared: 'exclusive' },
            $attributes: { keys: { index: [['base', '10']] } },
          },
        },
        $attributes: {
          own: [['version', '1']],
          keys: {
            memGuaranteedSize: [
              ['unit', 'MiB'],
              ['note', ''],
            ],
          },
        },
      });
      const back = viaText(v) as Dict;
      expect(valueEquals(back, v)).to.equal(true);
      expect(keptAttributes(back)).to.deep.equal([['version', '1']]);
      expect(keptAttributes(back, 'memGuaranteedSize')).to.deep.equal([
        ['unit', 'MiB'],
        ['note', ''],
      ]);
      expect(keptAttributes(back, 'device')).to.deep.equal([]);
      expect(keptAttributes(back['device'] as Dict, 'index')).to.deep.equal([['base', '10']]);
    });

    it('keeps them in the [key, value] pairs form too, and for "" and $ keys', () => {
      const v = dict([
        ['b', 1],
        ['2', 2],
        ['', 'empty'],
        ['$x', 3],
      ]);
      keepAttributes(v, '2', [['mode', '0644']]);
      keepAttributes(v, '', [['mode', '0600']]);
      keepAttributes(v, '$x', [['owner', 'root']]);
      const j = toTypedJson(v) as { $dict: unknown };
      expect(Array.isArray(j.$dict)).to.equal(true);
      const back = viaText(v) as Dict;
      expect(dictKeys(back)).to.deep.equal(['b', '2', '', '$x']);
      expect(keptAttributes(back, '2')).to.deep.equal([['mode', '0644']]);
      expect(keptAttributes(back, '')).to.deep.equal([['mode', '0600']]);
      expect(keptAttributes(back, '$x')).to.deep.equal([['owner', 'root']]);
      expect(keptAttributes(back)).to.deep.equal([]);
    });
  });

  describe('errors', () => {
    const bad: [string, unknown, string, string][] = [
      ['null', { devices: [{ path: null }] }, 'devices[0].path', 'null is not a metadata value'],
      ['an unknown tag', { a: { $foo: 1 } }, 'a', 'unknown typed JSON tag $foo'],
      ['a $ key in an unwrapped dict', { a: { $float: 1, b: 2 } }, 'a', 'wrap a dict'],
      ['a bad $float word', { f: { $float: 'NaN' } }, 'f', '$float takes'],
      ['a $float list', [{ $float: [1] }], '[0]', '$float takes'],
      ['a $int number', { i: { $int: 5 } }, 'i', '$int takes a string'],
      ['a $int fraction', { i: { $int: '1.5' } }, 'i', '$int takes a string'],
      ['a number beyond 2^53', { n: 2 ** 60 }, 'n', 'beyond 2^53'],
      ['a $tuple object', { t: { $tuple: {} } }, 't', '$tuple takes a list'],
      ['a $set string', { s: { $set: 'ab' } }, 's', '$set takes a list'],
      ['a set member twice', { s: { $set: [1, 'a', { $int: '1' }] } }, 's[2]', 'twice'],
      ['a $xml number', { x: { $xml: 1 } }, 'x', '$xml takes a string'],
      ['a $unreadable without text', { u: { $unreadable: { type: 'int' } } }, 'u', '$unreadable takes'],
      [
        'a $unreadable with more',
        { u: { $unreadable: { type: 'int', text: '', at: 1 } } },
        'u',
        '$unreadable takes',
      ],
      ['a $dict number', { d: { $dict: 5 } }, 'd', '$dict takes an object or a list of [key, value] pairs'],
      ['a $dict pair of one', { d: { $dict: [['a']] } }, 'd[0]', 'pairs are [key, value] lists'],
      ['a $dict pair with a number key', { d: { $dict: [[1, 2]] } }, 'd[0]', 'with a string key'],
      [
        'a $dict key twice',
        {
          d: {
            $dict: [
              ['a', 1],
              ['a', 2],
            ],
          },
        },
        'd.a',
        'in the pairs twice',
      ],
      ['a bad value in a $dict pair', { d: { $dict: [['k', null]] } }, 'd.k', 'null'],
      ['a nested error under an odd key', { 'a.b': [{ c: null }] }, '["a.b"][0].c', 'null'],
      ['$attributes without $dict', { d: { $attributes: { own: [] } } }, 'd', 'goes only beside $dict'],
      ['$attributes beside $float', { f: { $float: 1, $attributes: {} } }, 'f', 'goes only beside $dict'],
      ['a $attributes list', { d: { $dict: {}, $attributes: [] } }, 'd', '$attributes takes {"own"'],
      [
        'a $attributes member it does not know',
        { d: { $dict: {}, $attributes: { mine: [] } } },
        'd',
        'not "mine"',
      ],
      ['a $attributes keys list', { d: { $dict: {}, $attributes: { keys: [] } } }, 'd', '$attributes takes'],
      [
        'own attributes as a string',
        { d: { $dict: {}, $attributes: { own: 'v=1' } } },
        'd',
        'own takes a list',
      ],
      [
        'an attribute value that is a number',
        { d: { $dict: { a: 1 }, $attributes: { keys: { a: [['unit', 1]] } } } },
        'd.a',
        'keys[0] must be a [name, value] pair of strings',
      ],
      [
        'a namespaced attribute name',
        { d: { $dict: {}, $attributes: { own: [['ovirt-vm:x', '1']] } } },
        'd',
        '"ovirt-vm:x" is not an attribute name that can be kept',
      ],
      [
        'an xmlns attribute',
        { d: { $dict: {}, $attributes: { own: [['xmlns', 'u']] } } },
        'd',
        '"xmlns" is not',
      ],
      [
        'an attribute twice',
        {
          d: {
            $dict: {},
            $attributes: {
              own: [
                ['a', '1'],
                ['a', '2'],
              ],
            },
          },
        },
        'd',
        'own[1]: the attribute a is there twice',
      ],
      [
        'attributes for a key the dict lacks',
        { d: { $dict: { a: 1 }, $attributes: { keys: { b: [['unit', 'MiB']] } } } },
        'd.b',
        'names the key "b", not in $dict',
      ],
      ['a bad value beside $attributes', { d: { $dict: { a: null }, $attributes: {} } }, 'd.a', 'null'],
      ['a top-level null', null, '(value)', 'null'],
      ['undefined', { u: undefined }, 'u', 'unsupported JSON value undefined'],
    ];
    for (const [what, json, path, words] of bad) {
      it(`fromTypedJson refuses ${what}`, () => {
        const e = thrown(() => fromTypedJson(json));
        expect(e).to.be.instanceOf(MetadataError);
        expect(e.code).to.equal('METADATA_VALUE');
        expect(e.path).to.equal(path);
        expect(e.detail).to.contain(words);
      });
    }

    it('fromTypedJson refuses $xml that is not XML, with the value path as source', () => {
      const e = thrown(() => fromTypedJson({ k: { $xml: '<a>' } }));
      expect(e).to.be.instanceOf(XmlParseError);
      expect(e.source).to.equal('k');
    });

    it('toTypedJson refuses values outside the model, naming their path', () => {
      const cycle: Value[] = [];
      cycle.push(cycle);
      const cases: [unknown, string, string][] = [
        [dict([['u', undefined as unknown as Value]]), 'u', 'undefined'],
        [[null], '[0]', 'null'],
        [dict([['f', (() => 1) as unknown as Value]]), 'f', 'function'],
        [dict([['m', new Map() as unknown as Value]]), 'm', 'Map'],
        [dict([['n', 2 ** 60]]), 'n', 'beyond 2^53'],
        [cycle, '[0]', 'contains itself'],
      ];
      for (const [v, path, words] of cases) {
        const e = thrown(() => toTypedJson(v as Value));
        expect(e.code, path).to.equal('METADATA_VALUE');
        expect(e.path).to.equal(path);
        expect(e.detail).to.contain(words);
      }
    });
  });

  describe('properties', () => {
    it('JSON text of toTypedJson reads back equal, key order included', () => {
      fc.assert(
        fc.property(valueArb(), (v) => {
          expect(valueEquals(viaText(v), v)).to.equal(true);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('toTypedJson is deterministic and stable through a read', () => {
      fc.assert(
        fc.property(valueArb(), (v) => {
          const text = JSON.stringify(toTypedJson(v));
          expect(JSON.stringify(toTypedJson(fromTypedJson(JSON.parse(text))))).to.equal(text);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
