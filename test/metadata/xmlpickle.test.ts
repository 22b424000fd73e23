import { expect } from 'chai';
import { expectInvalidFixture, expectLenientFixture, thrown } from '../helpers/errors.js';
import fc from 'fast-check';
import { basename } from 'node:path';
import { MetadataError, VmDevicesError, XmlLimitError, XmlParseError } from '../../src/errors.js';
import { fromTypedJson, toTypedJson } from '../../src/metadata/typed-json.js';
import type { Dict, Value } from '../../src/metadata/value.js';
import { Float, RawXml, Tuple, dict, dictKeys, valueEquals } from '../../src/metadata/value.js';
import { decodeXmlpickle } from '../../src/metadata/xmlpickle-decode.js';
import { encodeXmlpickle, encodeXmlpickleText } from '../../src/metadata/xmlpickle-encode.js';
import type { Element } from '../../src/xml/index.js';
import { NS, childElements, createDocument, firstChild, parseXml, serialize } from '../../src/xml/index.js';
import { expectJsonGolden, listFixtures, readFixture } from '../helpers/fixtures.js';
import { NUM_RUNS, valueArb } from '../helpers/value-arbitrary.js';

const OI = NS['ovirt-instance'];

function expectValue(actual: Value, expected: Value): void {
  expect(valueEquals(actual, expected), JSON.stringify(toTypedJson(actual))).to.equal(true);
}

/** A namespaced document whose value element holds `inner` (prefix `oi`: matched by URI). */
function doc(valueType: string, inner: string): string {
  return `<oi:instance xmlns:oi="${OI}"><oi:value type="${valueType}">${inner}</oi:value></oi:instance>`;
}

describe('xmlpickle', () => {
  describe('decodeXmlpickle', () => {
    it('decodes all eight types, matching namespaces by URI whatever the prefix', () => {
      const v = decodeXmlpickle(
        doc(
          'dict',
          `<oi:item key="d" type="dict"><oi:item key="x" type="str">y</oi:item></oi:item>
           <oi:item key="l" type="list"><oi:item index="0" type="int">1</oi:item><oi:item index="1" type="str">a</oi:item></oi:item>
           <oi:item key="t" type="tuple"><oi:item index="0" type="int">80</oi:item><oi:item index="1" type="int">443</oi:item></oi:item>
           <oi:item key="s" type="set"><oi:item index="0" type="str">a</oi:item><oi:item index="1" type="bool">True</oi:item></oi:item>
           <oi:item key="i" type="int">-5</oi:item>
           <oi:item key="f" type="float">0.5</oi:item>
           <oi:item key="b" type="bool">False</oi:item>
           <oi:item key="s2" type="str">text</oi:item>`,
        ),
      );
      expectValue(
        v,
        dict([
          ['d', dict([['x', 'y']])],
          ['l', [1, 'a']],
          ['t', Tuple.of_([80, 443])],
          ['s', new Set<Value>(['a', true])],
          ['i', -5],
          ['f', 0.5],
          ['b', false],
          ['s2', 'text'],
        ]),
      );
      const d = v as Dict;
      expect(Object.getPrototypeOf(d)).to.equal(null);
      expect(d['t']).to.be.instanceOf(Tuple);
      expect(d['s']).to.be.instanceOf(Set);
      expect(Array.isArray(d['l']) && !(d['l'] instanceof Tuple)).to.equal(true);
    });

    it('reads type names in any case, like pyxmlpickle', () => {
      const v = decodeXmlpickle(
        doc(
          'DICT',
          `<oi:item key="a" type="Str">x</oi:item><oi:item key="b" type="INT">2</oi:item>
           <oi:item key="c" type="Bool">TRUE</oi:item><oi:item key="d" type="FLOAT">2.5</oi:item>
           <oi:item key="e" type="List"/><oi:item key="f" type="TUPLE"/><oi:item key="g" type="Set"/>`,
        ),
      );
      expectValue(
        v,
        dict([
          ['a', 'x'],
          ['b', 2],
          ['c', true],
          ['d', 2.5],
          ['e', []],
          ['f', new Tuple()],
          ['g', new Set()],
        ]),
      );
    });

    it("decodes an empty str as '' (pyxmlpickle gave 'None') and keeps str text verbatim", () => {
      expect(decodeXmlpickle(doc('str', ''))).to.equal('');
      expect(decodeXmlpickle(`<oi:instance xmlns:oi="${OI}"><oi:value type="str"/></oi:instance>`)).to.equal(
        '',
      );
      expect(decodeXmlpickle(doc('str', '  two\n lines '))).to.equal('  two\n lines ');
      expect(decodeXmlpickle(doc('str', 'a &lt;b&gt; &amp; <![CDATA[<c>]]>&#13;'))).to.equal('a <b> & <c>\r');
      expect(decodeXmlpickle(doc('str', 'ab<!-- a comment is no data -->cd'))).to.equal('abcd');
    });

    it('decodes ints as numbers while safe, as bigints beyond, with Python int() syntax', () => {
      const ints: [string, number | bigint][] = [
        ['0', 0],
        ['-5', -5],
        ['+7', 7],
        [' 42 ', 42],
        ['1_000', 1000],
        ['007', 7],
        ['9007199254740991', 9007199254740991],
        ['9007199254740992', 9007199254740992n],
        ['-123456789012345678901234567890', -123456789012345678901234567890n],
      ];
      for (const [text, want] of ints) expect(decodeXmlpickle(doc('int', text)), text).to.equal(want);
    });

    it('decodes floats: plain numbers when not integral, Float for 4.0, -0.0, nan, inf', () => {
      expect(decodeXmlpickle(doc('float', '0.5'))).to.equal(0.5);
      expect(decodeXmlpickle(doc('float', '1e-05'))).to.equal(1e-5);
      expect(decodeXmlpickle(doc('float', ' 0.30000000000000004 '))).to.equal(0.1 + 0.2);
      const floats: [string, number][] = [
        ['4.0', 4],
        ['1e+16', 1e16],
        ['-0.0', -0],
        ['nan', NaN],
        ['inf', Infinity],
        ['-inf', -Infinity],
        ['Infinity', Infinity],
      ];
      for (const [text, want] of floats) {
        const v = decodeXmlpickle(doc('float', text));
        expect(v, text).to.be.instanceOf(Float);
        expect(Object.is((v as Float).value, want), text).to.equal(true);
      }
    });

    it('decodes bools from true/false in any case', () => {
      expect(decodeXmlpickle(doc('bool', 'True'))).to.equal(true);
      expect(decodeXmlpickle(doc('bool', 'false'))).to.equal(false);
      expect(decodeXmlpickle(doc('bool', 'TRUE'))).to.equal(true);
    });

    it('keeps dict key order as in the document, integer-like keys included', () => {
      const v = decodeXmlpickle(
        doc(
          'dict',
          ['b', '10', 'a', '2', '', '-1']
            .map((k) => `<oi:item key="${k}" type="str">${k}</oi:item>`)
            .join(''),
        ),
      ) as Dict;
      expect(dictKeys(v)).to.deep.equal(['b', '10', 'a', '2', '', '-1']);
      expect(v['']).to.equal('');
    });

    it('takes __proto__, constructor and prototype as ordinary keys (no prototype pollution)', () => {
      const v = decodeXmlpickle(
        doc(
          'dict',
          `<oi:item key="__proto__" type="dict"><oi:item key="polluted" type="bool">True</oi:item></oi:item>
           <oi:item key="constructor" type="dict"><oi:item key="prototype" type="dict">
             <oi:item key="polluted" type="bool">True</oi:item></oi:item></oi:item>
           <oi:item key="prototype" type="str">p</oi:item>`,
        ),
      ) as Dict;
      expect(dictKeys(v)).to.deep.equal(['__proto__', 'constructor', 'prototype']);
      expect(Object.getPrototypeOf(v)).to.equal(null);
      expect(Object.prototype.hasOwnProperty.call(v, '__proto__')).to.equal(true);
      expectValue(v['__proto__'] as Value, dict([['polluted', true]]));
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect((Object.prototype as Record<string, unknown>)['polluted']).to.equal(undefined);
      // And back: the same keys are written as items.
      const text = encodeXmlpickleText(v);
      expect(text).to.contain('key="__proto__"').and.to.contain('key="constructor"');
      expectValue(decodeXmlpickle(text), v);
    });

    it('ignores comments, processing instructions and blank text between items', () => {
      const v = decodeXmlpickle(
        `<oi:instance xmlns:oi="${OI}">
           <!-- written by hand -->
           <oi:value type="list">
             <?pi data?>
             <oi:item index="0" type="int">1</oi:item>
             <!-- between -->
             <oi:item index="1" type="int">2</oi:item>
           </oi:value>
         </oi:instance>`,
      );
      expectValue(v, [1, 2]);
    });

    it('reads the plain <pyxmlpickle> form with namespace null (vdsm-behaviour 1a.5)', () => {
      const text =
        '<pyxmlpickle><value type="dict">\n  <item key="image" type="str">redis</item>\n' +
        '  <item key="ports" type="tuple"><item index="0" type="int">80</item><item index="1" type="int">443</item></item>\n' +
        '  <item key="ratio" type="float">0.5</item>\n  <item key="on" type="bool">True</item>\n</value></pyxmlpickle>';
      const want = dict([
        ['image', 'redis'],
        ['ports', Tuple.of_([80, 443])],
        ['ratio', 0.5],
        ['on', true],
      ]);
      expectValue(decodeXmlpickle(text, { namespace: null }), want);
      expectValue(decodeXmlpickle(text, { namespace: null, root: 'pyxmlpickle' }), want);
      // The plain form is not the namespaced one, and the reverse.
      expect(thrown(() => decodeXmlpickle(text)).code).to.equal('METADATA_SHAPE');
      expect(thrown(() => decodeXmlpickle(doc('str', 'x'), { namespace: null })).code).to.equal(
        'METADATA_SHAPE',
      );
    });

    it('reports a text that is not well-formed XML as such, even after a fault in its values', () => {
      // The unknown type comes first; the text breaks later: the XML error wins, as with a Document.
      const text = doc(
        'dict',
        '<oi:item key="a" type="bogus">1</oi:item><oi:item key="b" type="int">2</oi:itm>',
      );
      expect(thrown(() => decodeXmlpickle(text))).to.be.instanceOf(XmlParseError);
      expect(thrown(() => decodeXmlpickle(text.replace('</oi:itm>', '</oi:item>'))).detail).to.match(
        /^unknown type "bogus"/,
      );
    });

    it('takes any namespace and root name on request', () => {
      const text = '<x:box xmlns:x="urn:px"><x:value type="int">3</x:value></x:box>';
      expect(decodeXmlpickle(text, { namespace: 'urn:px', root: 'box' })).to.equal(3);
      const e = thrown(() => decodeXmlpickle(text, { namespace: 'urn:px' }));
      expect(e.detail).to.contain('expected <instance>');
    });

    it('decodes an element of a larger document, with its positions and the given source', () => {
      const text = readFixture('domains/seed1-repaired.xml');
      const dom = parseXml(
        text.replace('type="int">0</ovirt-instance:item>', 'type="int">zero</ovirt-instance:item>'),
        {
          source: 'domain.xml',
        },
      );
      const metadata = firstChild(dom.documentElement!, 'metadata')!;
      const instance = firstChild(metadata, 'instance', OI)!;
      const e = thrown(() => decodeXmlpickle(instance, { source: 'domain.xml' }));
      expect(e).to.be.instanceOf(MetadataError);
      expect(e.code).to.equal('METADATA_VALUE');
      expect(e.path).to.equal('devices[1].volumeInfo.leaseOffset');
      expect(e.source).to.equal('domain.xml');
      expect(e.line).to.equal(text.split('\n').findIndex((l) => l.includes('key="leaseOffset"')) + 1);
      expect(e.format()).to.match(
        /^domain\.xml:\d+:\d+: METADATA_VALUE: devices\[1\]\.volumeInfo\.leaseOffset: bad int "zero"$/,
      );
    });

    describe('invalid documents (fixtures/metadata/xmlpickle/invalid)', () => {
      const files = listFixtures('metadata/xmlpickle/invalid');
      it('has fixtures for every error kind', () => {
        const codes = new Set(files.map((f) => basename(f).split('--')[0]));
        expect([...codes].sort()).to.deep.equal(['METADATA_SHAPE', 'METADATA_VALUE', 'XML_PARSE']);
        expect(files.length).to.be.greaterThan(30);
      });
      for (const rel of files) {
        const name = basename(rel, '.xml');
        it(name, () => expectInvalidFixture(rel, (text, source) => decodeXmlpickle(text, { source })));
      }
      it('an element already parsed gets the error its text gets', () => {
        for (const rel of files.filter((f) => !basename(f).startsWith('XML_PARSE'))) {
          const text = readFixture(rel);
          const fromText = thrown(() => decodeXmlpickle(text, { source: rel })).format();
          const root = parseXml(text, { source: rel }).documentElement as Element;
          expect(thrown(() => decodeXmlpickle(root, { source: rel })).format(), rel).to.equal(fromText);
        }
      });
    });
  });

  describe('lenient reading (onUnreadable)', () => {
    function lenient(input: string | Element, source: string): { value: Value; problems: MetadataError[] } {
      const problems: MetadataError[] = [];
      const value = decodeXmlpickle(input, { source, onUnreadable: (p) => problems.push(p) });
      return { value, problems };
    }

    for (const rel of listFixtures('metadata/xmlpickle/invalid').filter((f) =>
      basename(f).startsWith('METADATA_VALUE--'),
    )) {
      it(`${basename(rel, '.xml')}: kept as written and reported, with the strict error, from text or element`, () => {
        const e = expectLenientFixture(
          rel,
          (text, source) => decodeXmlpickle(text, { source }),
          (text, source) => lenient(text, source).problems,
        );
        const text = readFixture(rel);
        const root = parseXml(text, { source: rel }).documentElement as Element;
        expect(lenient(root, rel).problems.map((p) => p.format())).to.deep.equal([e.format()]);
        // Encoded again, the value is the same text and type, kept unread again at the same path.
        const { value } = lenient(text, rel);
        const again = lenient(encodeXmlpickleText(value), 'again');
        expect(again.problems.map((p) => p.path)).to.deep.equal([e.path]);
        expectValue(again.value, value);
      });
    }

    it('keeps an unreadable set member, as a member like any other', () => {
      const { value, problems } = lenient(
        doc('set', '<oi:item index="0" type="int">x</oi:item><oi:item index="1" type="int">1</oi:item>'),
        'set.xml',
      );
      expect(problems.map((p) => p.path)).to.deep.equal(['[0]']);
      expect([...(value as Set<Value>)].map((m) => JSON.stringify(toTypedJson(m)))).to.deep.equal([
        '{"$unreadable":{"type":"int","text":"x"}}',
        '1',
      ]);
    });

    it('still throws on errors of structure', () => {
      const rel = 'metadata/xmlpickle/invalid/METADATA_SHAPE--unknown-type.xml';
      expect(thrown(() => lenient(readFixture(rel), rel)).code).to.equal('METADATA_SHAPE');
    });
  });

  describe('the seed mail', () => {
    it('its first example, verbatim, is refused at its broken <metadata tag (line 4)', () => {
      const text = readFixture('seed/seed1-verbatim.xml');
      expect(text.split('\n')[3]).to.equal('<metadata');
      for (const f of [
        () => parseXml(text, { source: 'seed1' }),
        () => decodeXmlpickle(text, { source: 'seed1' }),
      ]) {
        const e = thrown(f);
        expect(e).to.be.instanceOf(XmlParseError);
        expect(e.line).to.equal(4);
        expect(e.source).to.equal('seed1');
        expect(e.detail).to.contain('<');
      }
    });

    it('the repaired copy differs from the verbatim one only by the namespace declarations', () => {
      const verbatim = readFixture('seed/seed1-verbatim.xml').split('\n');
      const repaired = readFixture('domains/seed1-repaired.xml').split('\n');
      // The declarations are those of the second example's <metadata> tag.
      const declarations = readFixture('metadata/xmlpickle/seed2-instance.xml').split('\n').slice(1, 4);
      expect(declarations[2]).to.match(/^xmlns:ovirt-instance="http:\/\/ovirt\.org\/vm\/instance\/1\.0">$/);
      expect(repaired).to.deep.equal([...verbatim.slice(0, 4), ...declarations, ...verbatim.slice(4)]);
      expect(repaired.join('\n')).to.contain('<devices>').and.to.contain("<memballoon model='virtio'>");
    });

    it('the repaired first example decodes to its devices: a cdrom and a disk with volumeInfo and volumeChain', () => {
      const dom = parseXml(readFixture('domains/seed1-repaired.xml'), { source: 'seed1-repaired.xml' });
      const metadata = firstChild(dom.documentElement!, 'metadata')!;
      // Beside the instance: an empty ovirt-vm group and the ovirt-tune qos.
      expect(
        childElements(metadata).map((e) => `${e.namespaceURI ?? ''} ${e.localName ?? ''}`),
      ).to.deep.equal([`${NS['ovirt-tune']} qos`, `${NS['ovirt-vm']} vm`, `${OI} instance`]);
      const v = decodeXmlpickle(firstChild(metadata, 'instance', OI)!, {
        source: 'seed1-repaired.xml',
      }) as Dict;
      expect(dictKeys(v)).to.deep.equal(['devices']);
      const devices = v['devices'] as Dict[];
      expect(devices).to.have.length(2);
      const [cdrom, disk] = devices as [Dict, Dict];
      expect(cdrom['device']).to.equal('cdrom');
      expect(cdrom['index']).to.equal('2');
      expect(cdrom['path']).to.equal('');
      expectValue(cdrom['specParams'] as Value, dict([['path', '']]));
      expect(disk['device']).to.equal('disk');
      expect(disk['index']).to.equal(0);
      expectValue(disk['specParams'] as Value, dict());
      const volumeInfo = disk['volumeInfo'] as Dict;
      expect(volumeInfo['leaseOffset']).to.equal(0);
      expect(volumeInfo['volumeID']).to.equal('5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc');
      const chain = disk['volumeChain'] as Dict[];
      expect(chain).to.have.length(1);
      expectValue(chain[0]!, volumeInfo);
      expectJsonGolden(toTypedJson(v), 'metadata/xmlpickle/seed1-instance.json');
    });

    it("the second example's metadata decodes to its devices: vnc, spice and a disk", () => {
      const metadata = parseXml(readFixture('metadata/xmlpickle/seed2-instance.xml'), {
        source: 'seed2',
      }).documentElement!;
      expect(metadata.localName).to.equal('metadata');
      const v = decodeXmlpickle(firstChild(metadata, 'instance', OI)!, { source: 'seed2' }) as Dict;
      const devices = v['devices'] as Dict[];
      expect(devices.map((d) => d['device'])).to.deep.equal(['vnc', 'spice', 'disk']);
      expectValue(
        devices[0]!['specParams']!,
        dict([
          ['displayNetwork', 'ovirtmgmt'],
          ['displayIp', '192.168.1.53'],
        ]),
      );
      expectJsonGolden(toTypedJson(v), 'metadata/xmlpickle/seed2-instance.json');
    });

    it('the seed values survive encode and decode, and their goldens read back equal', () => {
      for (const name of ['seed1', 'seed2']) {
        const golden = fromTypedJson(JSON.parse(readFixture(`metadata/xmlpickle/${name}-instance.json`)));
        const text = encodeXmlpickleText(golden);
        expectValue(decodeXmlpickle(text), golden);
        expect(encodeXmlpickleText(decodeXmlpickle(text))).to.equal(text);
      }
    });
  });

  describe('encodeXmlpickle', () => {
    it('writes the plain pyxmlpickle form exactly as pyxmlpickle does (vdsm-behaviour 1a.5)', () => {
      const v = dict([
        ['image', 'redis'],
        ['ports', Tuple.of_([80, 443])],
        ['ratio', 0.5],
        ['on', true],
      ]);
      expect(encodeXmlpickleText(v, { namespace: null, root: 'pyxmlpickle' })).to.equal(
        '<pyxmlpickle><value type="dict"><item key="image" type="str">redis</item>' +
          '<item key="ports" type="tuple"><item index="0" type="int">80</item><item index="1" type="int">443</item></item>' +
          '<item key="ratio" type="float">0.5</item><item key="on" type="bool">True</item></value></pyxmlpickle>',
      );
      expect(encodeXmlpickleText(v, { namespace: null })).to.equal(
        encodeXmlpickleText(v, { namespace: null, root: 'pyxmlpickle' }),
      );
    });

    it('writes an ovirt-instance:instance element by default', () => {
      const el = encodeXmlpickle(dict([['a', 1]]));
      expect(el.namespaceURI).to.equal(OI);
      expect(el.nodeName).to.equal('ovirt-instance:instance');
      expect(serialize(el)).to.equal(
        `<ovirt-instance:instance xmlns:ovirt-instance="${OI}"><ovirt-instance:value type="dict">` +
          '<ovirt-instance:item key="a" type="int">1</ovirt-instance:item></ovirt-instance:value></ovirt-instance:instance>',
      );
    });

    it('writes in another namespace, with a given prefix or as the default namespace', () => {
      const prefixed = encodeXmlpickleText('x', { namespace: 'urn:px', prefix: 'px', root: 'box' });
      expect(prefixed).to.equal('<px:box xmlns:px="urn:px"><px:value type="str">x</px:value></px:box>');
      expect(decodeXmlpickle(prefixed, { namespace: 'urn:px', root: 'box' })).to.equal('x');
      const unprefixed = encodeXmlpickleText('x', { namespace: 'urn:px' });
      expect(unprefixed).to.equal('<instance xmlns="urn:px"><value type="str">x</value></instance>');
      expect(decodeXmlpickle(unprefixed, { namespace: 'urn:px' })).to.equal('x');
    });

    it('creates the element detached in a given document, which declares the prefix once', () => {
      const domain = parseXml(
        `<domain><metadata xmlns:ovirt-instance="${OI}"><ovirt-tune:qos xmlns:ovirt-tune="${NS['ovirt-tune']}"/></metadata></domain>`,
      );
      const el = encodeXmlpickle(Tuple.of_(['a']), { doc: domain });
      expect(el.parentNode).to.equal(null);
      expect(el.ownerDocument).to.equal(domain);
      const metadata = firstChild(domain.documentElement!, 'metadata')!;
      metadata.appendChild(el);
      const text = serialize(domain);
      expect(text.match(/xmlns:ovirt-instance=/g)).to.have.length(1);
      expectValue(
        decodeXmlpickle(firstChild(parseXml(text).documentElement!.firstChild!, 'instance', OI)!),
        Tuple.of_(['a']),
      );
    });

    it('writes floats as Python does and reads them back exactly', () => {
      const cases: [Value, string][] = [
        [new Float(4), '4.0'],
        [0.0001, '0.0001'],
        [1e-5, '1e-05'],
        [new Float(1e16), '1e+16'],
        [new Float(1.2345678901234568e17), '1.2345678901234568e+17'],
        [new Float(123456789012345), '123456789012345.0'],
        [0.1 + 0.2, '0.30000000000000004'],
        [new Float(-0), '-0.0'],
        [new Float(NaN), 'nan'],
        [new Float(Infinity), 'inf'],
        [new Float(-Infinity), '-inf'],
        [NaN, 'nan'],
      ];
      for (const [v, text] of cases) {
        const xml = encodeXmlpickleText(v, { namespace: null });
        expect(xml, text).to.equal(`<pyxmlpickle><value type="float">${text}</value></pyxmlpickle>`);
        const back = decodeXmlpickle(xml, { namespace: null });
        const num = typeof back === 'number' ? back : (back as Float).value;
        expect(Object.is(num, typeof v === 'number' ? v : (v as Float).value), text).to.equal(true);
      }
    });

    it('writes ints, bigints and bools', () => {
      const text = (v: Value): string => encodeXmlpickleText(v, { namespace: null });
      expect(text(-5)).to.equal('<pyxmlpickle><value type="int">-5</value></pyxmlpickle>');
      expect(text(2n ** 64n)).to.equal(
        '<pyxmlpickle><value type="int">18446744073709551616</value></pyxmlpickle>',
      );
      expect(text(true)).to.equal('<pyxmlpickle><value type="bool">True</value></pyxmlpickle>');
      expect(text(false)).to.equal('<pyxmlpickle><value type="bool">False</value></pyxmlpickle>');
      expect(text('')).to.equal('<pyxmlpickle><value type="str"/></pyxmlpickle>');
    });

    it('keeps dict key order, integer-like keys included', () => {
      const v = dict([
        ['z', 1],
        ['2', 2],
        ['a', 3],
        ['1', 4],
      ]);
      const keys = [...encodeXmlpickleText(v).matchAll(/key="([^"]*)"/g)].map((m) => m[1]);
      expect(keys).to.deep.equal(['z', '2', 'a', '1']);
    });

    it('writes sets in a stable order: by type, then by text, whatever the insertion order', () => {
      const members: Value[] = ['b', 'a', 10, 9, true, new Float(1), Tuple.of_([1, 'x'])];
      const text = encodeXmlpickleText(new Set(members), { namespace: null });
      expect(text).to.equal(
        '<pyxmlpickle><value type="set"><item index="0" type="bool">True</item><item index="1" type="float">1.0</item>' +
          '<item index="2" type="int">10</item><item index="3" type="int">9</item><item index="4" type="str">a</item>' +
          '<item index="5" type="str">b</item><item index="6" type="tuple"><item index="0" type="int">1</item>' +
          '<item index="1" type="str">x</item></item></value></pyxmlpickle>',
      );
      expect(encodeXmlpickleText(new Set([...members].reverse()), { namespace: null })).to.equal(text);
    });

    it('round-trips strings XML normalizes: CR, CRLF, U+2028, U+0085, markup characters', () => {
      for (const s of ['\r', 'a\r\nb', '\u2028\u2029\u0085', '<a> & "b" \'c\' ]]>', ' \t\n ', '\u{1F600}']) {
        expect(decodeXmlpickle(encodeXmlpickleText(s)), JSON.stringify(s)).to.equal(s);
        expect(decodeXmlpickle(encodeXmlpickleText(dict([[s, s]]))), JSON.stringify(s)).to.satisfy(
          (d: Value) => valueEquals(d, dict([[s, s]])),
        );
      }
    });

    it('refuses values without an xmlpickle form, naming their path', () => {
      const cycle: Value[] = [];
      cycle.push(cycle);
      const selfDict = dict();
      selfDict['me'] = selfDict;
      // eslint-disable-next-line no-sparse-arrays
      const holey = [1, , 3] as unknown as Value;
      const cases: [unknown, string, string][] = [
        [undefined, '(value)', 'undefined'],
        [null, '(value)', 'null'],
        [dict([['a', [1, null as unknown as Value]]]), 'a[1]', 'null'],
        [dict([['f', (() => 1) as unknown as Value]]), 'f', 'function'],
        [[Symbol('s')], '[0]', 'symbol'],
        [dict([['x', new RawXml(parseXml('<a/>').documentElement!)]]), 'x', 'RawXml'],
        [new Map([['a', 1]]), '(value)', 'Map'],
        [[new Date(0)], '[0]', 'Date'],
        [dict([['n', 2 ** 60]]), 'n', 'beyond 2^53'],
        [dict([['s', 'a\u0001b']]), 's', 'U+0001'],
        [['\uD800'], '[0]', 'U+D800'],
        [dict([['k\u0000', 1]]), '["k\\u0000"]', 'U+0000'],
        [dict([['a.b', ['\uFFFE']]]), '["a.b"][0]', 'U+FFFE'],
        [cycle, '[0]', 'contains itself'],
        [dict([['d', selfDict]]), 'd.me', 'contains itself'],
        [new Set([[1]]), '(value)', 'hashable'],
        [new Set([new Float(4), new Float(4)]), '(value)', 'two equal members'],
        [holey, '[1]', 'undefined'],
      ];
      for (const [v, path, words] of cases) {
        const e = thrown(() => encodeXmlpickle(v as Value));
        expect(e, path).to.be.instanceOf(MetadataError);
        expect(e.code, path).to.equal('METADATA_VALUE');
        expect(e.path).to.equal(path);
        expect(e.detail).to.contain(words);
      }
    });

    it('encodes a value shared twice (not a cycle) twice', () => {
      const shared = [1];
      expectValue(decodeXmlpickle(encodeXmlpickleText([shared, shared])), [[1], [1]]);
    });

    it('refuses bad names and a prefix without a namespace', () => {
      expect(thrown(() => encodeXmlpickle(1, { namespace: null, prefix: 'x' })).code).to.equal(
        'METADATA_SHAPE',
      );
      expect(thrown(() => encodeXmlpickle(1, { root: 'two words' })).code).to.equal('METADATA_SHAPE');
      expect(thrown(() => encodeXmlpickle(1, { doc: createDocument('d'), root: '<' })).code).to.equal(
        'METADATA_SHAPE',
      );
    });
  });

  describe('deep nesting', () => {
    const depth = 10_000;
    function nested(): Value {
      let v: Value = 'bottom';
      for (let i = 0; i < depth; i++) v = [v];
      return v;
    }

    it('encodes and decodes 10,000 nested lists without a stack overflow, the limit raised', () => {
      const text = encodeXmlpickleText(nested(), { namespace: null, maxDepth: depth + 10 });
      const root = parseXml(text, { maxDepth: depth + 10 }).documentElement as Element;
      let v = decodeXmlpickle(root, { namespace: null, maxDepth: depth + 10 });
      for (let i = 0; i < depth; i++) {
        expect(Array.isArray(v) && v.length === 1).to.equal(true);
        v = (v as Value[])[0]!;
      }
      expect(v).to.equal('bottom');
    });

    it('refuses the same text under the default depth limit, with a clear error', () => {
      const text = encodeXmlpickleText(nested(), { namespace: null, maxDepth: depth + 10 });
      const e = thrown(() => decodeXmlpickle(text, { namespace: null }));
      expect(e).to.be.instanceOf(XmlLimitError);
      expect(e.detail).to.contain('nested deeper than the limit of 512');
      // Given as an element parsed with a higher limit, the same document is refused the same way.
      const root = parseXml(text, { maxDepth: depth + 10 }).documentElement as Element;
      const again = thrown(() => decodeXmlpickle(root, { namespace: null, source: 'deep.xml' }));
      expect(again).to.be.instanceOf(XmlLimitError);
      expect(again).to.include({ source: 'deep.xml', line: 1 });
      expect(again.path).to.match(/^(\[0\]){510}$/);
    });

    it('refuses at encode time what the decoder would refuse, naming the path', () => {
      const e = thrown(() => encodeXmlpickleText(nested(), { namespace: null }));
      expect(e).to.be.instanceOf(MetadataError);
      expect(e.code).to.equal('METADATA_SHAPE');
      expect(e.path).to.match(/^(\[0\]){510}$/);
    });
  });

  describe('properties', () => {
    const value = valueArb();

    it('decode(encode(v)) equals v, namespaced and plain', () => {
      fc.assert(
        fc.property(value, (v) => {
          expect(valueEquals(decodeXmlpickle(encodeXmlpickleText(v)), v)).to.equal(true);
          const plain = encodeXmlpickleText(v, { namespace: null, root: 'pyxmlpickle' });
          expect(valueEquals(decodeXmlpickle(plain, { namespace: null }), v)).to.equal(true);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('decoding the text and decoding its parsed element give the same value', () => {
      fc.assert(
        fc.property(value, (v) => {
          const text = encodeXmlpickleText(v);
          const root = parseXml(text).documentElement as Element;
          expectValue(decodeXmlpickle(root), decodeXmlpickle(text));
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('encode is byte-identical on decode -> encode of its own output', () => {
      fc.assert(
        fc.property(value, (v) => {
          const text = encodeXmlpickleText(v);
          expect(encodeXmlpickleText(decodeXmlpickle(text))).to.equal(text);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('garbled documents only ever raise the library errors', () => {
      const edit = fc.record({
        at: fc.nat(),
        op: fc.constantFrom('delete', 'insert', 'replace'),
        char: fc.oneof(
          fc.constantFrom('<', '>', '/', '"', '=', '&', ' ', 'x', '0', '.', ':', '-'),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        ),
      });
      fc.assert(
        fc.property(value, fc.array(edit, { minLength: 1, maxLength: 4 }), (v, edits) => {
          let text = encodeXmlpickleText(dict([['v', v]]));
          for (const { at, op, char } of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + (op === 'delete' ? '' : char) + text.slice(op === 'insert' ? i : i + 1);
          }
          try {
            decodeXmlpickle(text, { source: 'garbled' });
          } catch (e) {
            expect(e, String(e)).to.be.instanceOf(VmDevicesError);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
