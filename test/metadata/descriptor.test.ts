import { expect } from 'chai';
import { expectInvalidFixture, expectLenientFixture, thrown } from '../helpers/errors.js';
import fc from 'fast-check';
import { basename } from 'node:path';
import {
  AmbiguousMetadataError,
  InvalidDomainError,
  MetadataError,
  NoSuchDeviceError,
  VmDevicesError,
  XmlLimitError,
} from '../../src/errors.js';
import { recover } from '../../src/domain/flows.js';
import { DESCRIPTOR_URI, Descriptor, DescriptorEntry } from '../../src/metadata/descriptor.js';
import type { DescriptorJson } from '../../src/metadata/descriptor.js';
import type { Dict, Value } from '../../src/metadata/value.js';
import {
  Float,
  RawXml,
  Tuple,
  UnreadableValue,
  dict,
  dictDelete,
  dictSet,
  floatValue,
  intValue,
} from '../../src/metadata/value.js';
import type { Document, Element } from '../../src/xml/index.js';
import {
  childElements,
  findInvalidXmlChar,
  firstChild,
  getAttr,
  parseXml,
  serialize,
  textOf,
} from '../../src/xml/index.js';
import { expectGolden, expectJsonGolden, listFixtures, readFixture } from '../helpers/fixtures.js';
import { assertXmlEqual, elementAt } from '../helpers/xml-assert.js';

const NUM_RUNS = process.env['CI'] ? 1000 : 200;
const VM = DESCRIPTOR_URI;

function raw(xml: string): RawXml {
  return new RawXml(parseXml(xml).documentElement!);
}

/** The group element of a parsed fixture, if its root is not the group itself. */
function isGroupRoot(doc: Document): boolean {
  return doc.documentElement!.localName === 'vm';
}

/** What the library writes back for a fixture: the whole document, or the group of its own. */
function writeBack(text: string, source: string): string {
  const doc = parseXml(text, { source });
  const d = Descriptor.fromNode(doc, { source });
  if (isGroupRoot(doc)) return written(text, source);
  d.writeInto(doc);
  return serialize(doc);
}

/** The group as written anew, as Vdsm writes it (namespaced, or bare when the fixture's is). */
function written(text: string, source: string): string {
  const doc = parseXml(text, { source });
  const bare = isGroupRoot(doc) && doc.documentElement!.namespaceURI === null;
  return Descriptor.fromNode(doc, { source }).toXml({ bare });
}

/** The JSON form without the entries that have no data (those are not written: Vdsm's delete). */
/**
 * Typed JSON with every dict an object: what it holds, whatever its order. The layout writes leaves
 * and files sorted, so a dict that typed JSON keeps in order as `$dict` pairs may come back in
 * another order.
 */
function unordered(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(unordered);
  if (typeof j !== 'object' || j === null) return j;
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o);
  const pairs = o['$dict'];
  if (keys.length === 1 && Array.isArray(pairs)) {
    const d = Object.fromEntries((pairs as [string, unknown][]).map(([k, v]) => [k, unordered(v)]));
    return Object.keys(d).some((k) => k.startsWith('$')) ? { $dict: d } : d;
  }
  return Object.fromEntries(keys.map((k) => [k, unordered(o[k])]));
}

function withData(j: DescriptorJson): DescriptorJson {
  return { ...j, devices: j.devices.filter((e) => Object.keys(e.data as object).length > 0) };
}

describe('Descriptor', () => {
  describe('fixtures (fixtures/metadata/descriptor)', () => {
    const files = listFixtures('metadata/descriptor').filter((f) => !f.endsWith('.out.xml'));
    it('covers the layouts', () => {
      expect(files.length).to.be.at.least(12);
    });
    for (const rel of files) {
      const name = rel.replace(/\.xml$/, '');
      describe(basename(name), () => {
        const text = readFixture(rel);

        it('decodes to its reviewed JSON', () => {
          expectJsonGolden(Descriptor.fromXml(text, { source: rel }).toJSON(), `${name}.json`);
        });

        it('writes its reviewed XML when written anew, as Vdsm writes it', () => {
          expectGolden(written(text, rel), `${name}.out.xml`);
        });

        it('reads back what it wrote anew, and writes that again byte for byte', () => {
          const out = written(text, rel);
          const before = Descriptor.fromXml(text).toJSON();
          expect(unordered(Descriptor.fromXml(out).toJSON())).to.deep.equal(unordered(withData(before)));
          expect(written(out, `${rel} (written)`)).to.equal(out);
        });

        // A group of its own has nothing around it to keep.
        if (isGroupRoot(parseXml(text))) return;
        it('written back unchanged into its document, gives the input byte for byte', () => {
          expect(writeBack(text, rel)).to.equal(text);
        });
      });
    }
  });

  describe('invalid documents (fixtures/metadata/descriptor/invalid)', () => {
    const files = listFixtures('metadata/descriptor/invalid');
    it('has fixtures for every error kind', () => {
      const codes = new Set(files.map((f) => basename(f).split('--')[0]));
      expect([...codes].sort()).to.deep.equal(['METADATA_SHAPE', 'METADATA_VALUE', 'XML_LIMIT', 'XML_PARSE']);
    });
    for (const rel of files) {
      const name = basename(rel, '.xml');
      it(name, () => expectInvalidFixture(rel, (text, source) => Descriptor.fromXml(text, { source })));
    }
  });

  describe('lenient reading (onUnreadable)', () => {
    /** Reads leniently: the descriptor, the problems, and the entry index each was reported with. */
    function lenient(text: string, source: string) {
      const problems: MetadataError[] = [];
      const entries: (number | undefined)[] = [];
      const descriptor = Descriptor.fromNode(parseXml(text, { source }), {
        source,
        onUnreadable: (p, entry) => {
          problems.push(p);
          entries.push(entry);
        },
      });
      return { descriptor, problems, entries };
    }
    const leaf = (el: Element): unknown[] => [el.localName, getAttr(el, 'type'), textOf(el)];

    for (const rel of listFixtures('metadata/descriptor/invalid').filter((f) =>
      basename(f).startsWith('METADATA_VALUE--'),
    )) {
      it(`${basename(rel, '.xml')}: kept as written and reported, with the strict error`, () => {
        const e = expectLenientFixture(
          rel,
          (text, source) => Descriptor.fromXml(text, { source }),
          (text, source) => lenient(text, source).problems,
        );
        const { descriptor } = lenient(readFixture(rel), rel);
        // Written back with its text and type hint, it is kept unread again, at the same path.
        const written = descriptor.toXml();
        const again = lenient(written, 'written').problems;
        expect(again.map((p) => p.path)).to.deep.equal([e.path]);
        expect(leaf(elementAt(parseXml(written), again[0]!))).to.deep.equal(
          leaf(elementAt(parseXml(readFixture(rel)), e)),
        );
        // Typed JSON carries it too.
        const json = JSON.parse(JSON.stringify(descriptor.toJSON())) as unknown;
        expect(Descriptor.fromJSON(json).toXml()).to.equal(written);
      });
    }

    it('reports the device entry a value is in, none for VM-level values and custom', () => {
      const entriesOf = (rel: string): (number | undefined)[] => lenient(readFixture(rel), rel).entries;
      expect(entriesOf('domains/lenient/device-values.xml')).to.deep.equal([0, 1, 2]);
      expect(entriesOf('domains/lenient/vm-values.xml')).to.deep.equal([undefined, undefined]);
    });

    it('keeps the value as an UnreadableValue, frozen, and reads every other value', () => {
      const { descriptor } = lenient(readFixture('domains/lenient/vm-values.xml'), 'vm-values.xml');
      const paused = descriptor.values['launchPaused'];
      expect(paused).to.be.instanceOf(UnreadableValue);
      expect([(paused as UnreadableValue).text, (paused as UnreadableValue).type]).to.deep.equal([
        'maybe',
        'bool',
      ]);
      expect(Object.isFrozen(paused)).to.equal(true);
      expect(descriptor.values['clusterVersion']).to.equal('4.7');
      expect(
        descriptor.entries().map((e): Value | undefined => e.data['network'] ?? e.data['displayNetwork']),
      ).to.deep.equal(['ovirtmgmt', 'ovirtmgmt']);
    });

    it('still throws on errors of structure', () => {
      const rel = 'metadata/descriptor/invalid/METADATA_SHAPE--duplicate-key.xml';
      expect(thrown(() => lenient(readFixture(rel), rel)).code).to.equal('METADATA_SHAPE');
    });
  });

  describe('reading', () => {
    it('gives typed values: int, float (integral ones as Float), bool in any case, str', () => {
      const d = Descriptor.fromXml(
        `<vm><i type="int"> -4_2 </i><big type="int">9007199254740993</big><f type="float">4.0</f>
         <h type="float">0.5</h><n type="float">nan</n><z type="float">-0.0</z><b type="bool">TRUE</b>
         <s type="str">x</s><e/></vm>`,
      );
      const v = d.values;
      expect(v['i']).to.equal(-42);
      expect(v['big']).to.equal(9007199254740993n);
      expect(v['f']).to.be.instanceOf(Float).and.to.have.property('value', 4);
      expect(v['h']).to.equal(0.5);
      expect(Number.isNaN((v['n'] as Float).value)).to.equal(true);
      expect(Object.is((v['z'] as Float).value, -0)).to.equal(true);
      expect(v['b']).to.equal(true);
      expect(v['s']).to.equal('x');
      expect(v['e']).to.equal('');
    });

    it('finds the group by URI in a domain, a <metadata> element, or as the bare group', () => {
      const group = `<p:vm xmlns:p="${VM}"><p:a>1</p:a></p:vm>`;
      for (const text of [
        `<domain><metadata>${group}</metadata></domain>`,
        `<metadata>${group}</metadata>`,
        group,
      ]) {
        expect(Descriptor.fromXml(text).values['a']).to.equal('1');
      }
      expect(Descriptor.fromXml('<vm><a>1</a></vm>').values['a']).to.equal('1');
    });

    it('ignores a group that has the usual prefix in another namespace, and the absence of any group', () => {
      const other = `<domain><metadata><ovirt-vm:vm xmlns:ovirt-vm="urn:x"><ovirt-vm:a>1</ovirt-vm:a></ovirt-vm:vm></metadata></domain>`;
      expect(Descriptor.fromXml(other).isEmpty()).to.equal(true);
      expect(Descriptor.fromXml('<domain><name>x</name></domain>').isEmpty()).to.equal(true);
      expect(Descriptor.fromXml('<domain><metadata/></domain>').isEmpty()).to.equal(true);
      // A namespaced <vm> in the wrong place is not a group either.
      expect(
        Descriptor.fromXml(`<domain><p:vm xmlns:p="${VM}"><p:a>1</p:a></p:vm></domain>`).isEmpty(),
      ).to.equal(true);
    });

    it('reads bare, namespaced and un-namespaced leaves alike', () => {
      const bare = Descriptor.fromXml(readFixture('metadata/descriptor/bare.xml'));
      const namespaced = Descriptor.fromXml(bare.toXml());
      expect(namespaced.toJSON()).to.deep.equal(bare.toJSON());
      const mixed = Descriptor.fromXml(
        `<ovirt-vm:vm xmlns:ovirt-vm="${VM}"><clusterVersion>4.2</clusterVersion><ovirt-vm:device devtype="disk" name="vda"><index type="int">0</index></ovirt-vm:device></ovirt-vm:vm>`,
      );
      expect(mixed.values['clusterVersion']).to.equal('4.2');
      expect(mixed.entries()[0]!.data['index']).to.equal(0);
      expect(mixed.toXml()).to.contain('<ovirt-vm:clusterVersion>4.2</ovirt-vm:clusterVersion>');
    });

    it('keeps unknown nested elements as RawXml and writes them back unchanged', () => {
      const d = Descriptor.fromXml(readFixture('metadata/descriptor/unknown-nested.xml'));
      const data = d.entries()[0]!.data;
      expect(data['ioTune']).to.be.instanceOf(RawXml);
      expect(data['leaf']).to.be.instanceOf(RawXml);
      expect(data['address']).to.be.instanceOf(RawXml);
      expect((data['hosts'] as Value[])[0]).to.be.instanceOf(RawXml);
      expect(((data['hosts'] as Value[])[1] as Dict)['tls']).to.be.instanceOf(RawXml);
      expect((data['portMirroring'] as Value[])[0]).to.be.instanceOf(RawXml);
      expect((data['portMirroring'] as Value[])[1]).to.equal('blue');
      expect(d.values['agentChannels']).to.be.instanceOf(RawXml);
      expect(d.values['{urn:example:ext}tag']).to.be.instanceOf(RawXml);
      expect(d.custom['nested']).to.be.instanceOf(RawXml);
      const again = Descriptor.fromXml(d.toXml());
      expect((again.entries()[0]!.data['address'] as RawXml).xml).to.equal((data['address'] as RawXml).xml);
    });

    it('keeps volumeInfo and specParams.ioTune as flat dicts (Vdsm dropped them)', () => {
      const data = Descriptor.fromXml(readFixture('metadata/descriptor/disk.xml')).entries()[0]!.data;
      expect((data['volumeInfo'] as Dict)['leaseOffset']).to.equal(1048576);
      expect(((data['specParams'] as Dict)['ioTune'] as Dict)['total_bytes_sec']).to.equal(10485760);
    });

    it('bounds nesting even when the parser was allowed deeper documents', () => {
      const depth = 700;
      const text = `<vm><device a="1">${'<diskReplicate>'.repeat(depth)}<x>1</x>${'</diskReplicate>'.repeat(depth)}</device></vm>`;
      const e = thrown(() => Descriptor.fromXml(text, { maxDepth: 5000 }));
      expect(e).to.be.instanceOf(XmlLimitError);
      expect(e.path).to.match(/^devices\[0\](\.diskReplicate)+$/);
    });
  });

  describe("Vdsm's harmless variants (what Vdsm reads, read alike; nothing lost)", () => {
    const fixture = (name: string) => readFixture(`metadata/descriptor/vdsm-${name}.xml`);
    const read = (name: string) => Descriptor.fromXml(fixture(name));

    for (const name of ['leaf-attribute', 'file-attribute', 'group-attribute', 'address-children']) {
      it(`${name}: written back byte for byte`, () => {
        const text = fixture(name);
        // A document keeps its trailing newline; a group written alone ends with its end tag.
        expect(writeBack(text, name)).to.equal(isGroupRoot(parseXml(text)) ? text.trimEnd() : text);
      });

      it(`${name}: the JSON form keeps the attributes (group, custom, entries, files)`, () => {
        const d = read(name);
        const json = JSON.parse(JSON.stringify(d.toJSON())) as unknown;
        expect(Descriptor.fromJSON(json).toXml()).to.equal(d.toXml());
      });
    }

    it('reads a leaf with an extra attribute as a plain value, and writes the attribute back', () => {
      const d = read('leaf-attribute');
      expect(d.values['memGuaranteedSize']).to.equal(1024);
      expect(d.entries()[0]!.data['shared']).to.equal('exclusive');
      // The value stays plain: the JSON form has the attribute beside it, not in it.
      expect((d.toJSON().values as { $dict: unknown }).$dict).to.deep.equal({
        clusterVersion: '4.2',
        memGuaranteedSize: 1024,
      });
      // The attribute annotates the key: a new value keeps it, a deleted key takes it along.
      dictSet(d.values, 'memGuaranteedSize', 2048);
      expect(d.toXml()).to.contain('<ovirt-vm:memGuaranteedSize type="int" unit="MiB">2048<');
      dictDelete(d.values, 'memGuaranteedSize');
      dictSet(d.values, 'memGuaranteedSize', 2048);
      expect(d.toXml()).to.contain('<ovirt-vm:memGuaranteedSize type="int">2048<');
    });

    it('reads payload files with extra attributes as path -> content', () => {
      const data = read('file-attribute').entries()[0]!.data;
      expect((data['payload'] as Dict)['file']).to.deep.equal({ a: 'one', b: 'two' });
      const vmPayload = (data['specParams'] as Dict)['vmPayload'] as Dict;
      expect(vmPayload['file']).to.deep.equal({ 'openstack/latest/user_data': 'hello' });
    });

    it('keeps the attributes of the group, of custom and of a sub-key, their values plain', () => {
      const d = read('group-attribute');
      expect(d.values).to.deep.equal({ clusterVersion: '4.2' });
      expect(d.custom).to.deep.equal({ foo: 'bar' });
      const data = read('address-children').entries()[0]!.data;
      expect(data['address']).to.deep.equal({ bus: '0', unit: '0' });
      expect(data['hosts']).to.deep.equal([{ name: '10.0.0.1' }]);
      // A new descriptor over the same dicts (as the domain's save builds one) writes them too.
      const again = new Descriptor({ values: d.values, custom: d.custom, entries: d.entries() }).toXml();
      expect(again).to.contain(`<ovirt-vm:vm xmlns:ovirt-vm="${VM}" version="1">`);
      expect(again).to.contain('<ovirt-vm:custom origin="engine">');
    });

    it('keeps a kept attribute through a recovered domain and its save', () => {
      const live = `<domain type="kvm">
  <name>x</name>
  <metadata>
    <ovirt-vm:vm xmlns:ovirt-vm="${VM}" version="1">
      <ovirt-vm:memGuaranteedSize type="int" unit="MiB">1024</ovirt-vm:memGuaranteedSize>
      <ovirt-vm:device devtype="disk" name="vda">
        <ovirt-vm:index type="int" base="10">0</ovirt-vm:index>
      </ovirt-vm:device>
    </ovirt-vm:vm>
  </metadata>
  <devices>
    <disk type="file" device="disk"><source file="/a"/><target dev="vda" bus="virtio"/></disk>
  </devices>
</domain>`;
      const domain = recover(live);
      domain.devices[0]!.meta.set('mark', 'x');
      expect(domain.save()).to.deep.equal([]);
      const out = domain.toXml();
      expect(out).to.contain(`<ovirt-vm:vm xmlns:ovirt-vm="${VM}" version="1">`);
      expect(out).to.contain('<ovirt-vm:memGuaranteedSize type="int" unit="MiB">1024<');
      expect(out).to.contain('<ovirt-vm:index type="int" base="10">0<');
      expect(out).to.contain('<ovirt-vm:mark>x<');
    });

    it('reads past text between the children of a device, white space or not, as Vdsm does', () => {
      const d = read('device-text');
      expect(d.entries().map((e) => e.data)).to.deep.equal([
        { deviceId: 'D-1', index: 0 },
        { deviceId: 'D-2', index: 1 },
      ]);
      // Written anew, it has no place to go; written back, it stays where it was, as any byte not changed.
      expect(d.toXml()).to.not.match(/note|trailing|deviceId=2/);
      expect(writeBack(fixture('device-text'), 'device-text')).to.equal(fixture('device-text'));
    });

    it('reads a bool written as an int as Vdsm does (non-zero is true), and writes True/False', () => {
      const d = read('bool-int');
      expect(d.values).to.deep.equal({ destroy_on_reboot: false, launchPaused: true });
      expect(d.entries()[0]!.data['custom']).to.deep.equal({
        hugepages: true,
        large: true,
        negative: true,
        padded: false,
      });
      expect(d.toXml()).to.contain('<ovirt-vm:launchPaused type="bool">True<');
      for (const text of ['yes', 'on', ' true', '0x1', '1.0']) {
        const e = thrown(() => Descriptor.fromXml(`<vm><b type="bool">${text}</b></vm>`));
        expect(e.code, text).to.equal('METADATA_VALUE');
        expect(e.path).to.equal('b');
      }
    });

    it("reads hosts and volumeChain items whatever their tag, and writes Vdsm's tags", () => {
      const d = read('item-tags');
      const data = d.entries()[0]!.data;
      expect(data['hosts']).to.deep.equal([{ name: '10.0.0.1', port: '6789' }, { name: '10.0.0.2' }]);
      expect(data['volumeChain']).to.deep.equal([{ leaseOffset: 0, path: '/p/base' }, {}]);
      const names = (parent: string) =>
        childElements(firstChild(firstChild(parseXml(d.toXml()).documentElement!, 'device')!, parent)!).map(
          (e) => e.localName,
        );
      expect(names('hosts')).to.deep.equal(['hostInfo', 'hostInfo']);
      expect(names('volumeChain')).to.deep.equal(['volumeChainNode', 'volumeChainNode']);
    });

    it('still refuses what is ambiguous: a leaf twice', () => {
      const e = thrown(() => Descriptor.fromXml('<vm><device a="1"><x>1</x><x>2</x></device></vm>'));
      expect(e.code).to.equal('METADATA_SHAPE');
      expect(e.path).to.equal('devices[0].x');
    });
  });

  describe('lookup', () => {
    function sample(): Descriptor {
      return new Descriptor({
        entries: [
          { attrs: { devtype: 'disk', name: 'vda' }, data: dict([['index', 0]]) },
          { attrs: { devtype: 'disk', name: 'vdb', alias: 'ua-1' }, data: dict([['index', 1]]) },
          { attrs: { mac_address: '00:1a:4a:16:01:51' }, data: dict([['network', 'red']]) },
          { attrs: { devtype: 'balloon', name: '' }, data: dict([['deviceId', 'B']]) },
        ],
      });
    }

    it('finds the entry whose attributes include the query', () => {
      const d = sample();
      expect(d.find({ devtype: 'disk', name: 'vda' })?.data['index']).to.equal(0);
      expect(d.find({ alias: 'ua-1' })?.attrs['name']).to.equal('vdb');
      expect(d.find({ mac_address: '00:1A:4A:16:01:51' })).to.equal(undefined);
      expect(d.findAll({ devtype: 'disk' }).map((m) => m.index)).to.deep.equal([0, 1]);
    });

    it('never matches an empty value or an empty query, and never creates an entry', () => {
      const d = sample();
      expect(d.find({ devtype: 'balloon', name: '' })).to.equal(undefined);
      expect(d.find({ name: '' })).to.equal(undefined);
      expect(d.find({})).to.equal(undefined);
      expect(d.find({ devtype: 'disk', name: 'vdz' })).to.equal(undefined);
      expect(d.entries()).to.have.length(4);
      expect(new Descriptor().find({ devtype: 'disk' })).to.equal(undefined);
      expect(new Descriptor().isEmpty()).to.equal(true);
    });

    it('refuses an ambiguous query, listing every candidate', () => {
      const e = thrown(() => sample().find({ devtype: 'disk' }));
      expect(e).to.be.instanceOf(AmbiguousMetadataError);
      expect(e instanceof AmbiguousMetadataError ? e.candidates : []).to.deep.equal([
        'devices[0] {devtype="disk" name="vda"}',
        'devices[1] {devtype="disk" name="vdb" alias="ua-1"}',
      ]);
      expect(e.message).to.contain('match 2 entries');
      expect(() => sample().remove({ devtype: 'disk' })).to.throw(AmbiguousMetadataError);
      expect(() => sample().set({ devtype: 'disk' }, dict())).to.throw(AmbiguousMetadataError);
    });

    it('sets the data of the matching entry in place, or appends a new entry', () => {
      const d = sample();
      const updated = d.set({ name: 'vdb' }, dict([['index', 5]]));
      expect(updated.attrs).to.deep.equal({ devtype: 'disk', name: 'vdb', alias: 'ua-1' });
      expect(d.entries()[1]).to.equal(updated);
      const added = d.set({ devtype: 'disk', name: 'vdc' }, dict([['index', 2]]));
      expect(d.entries()).to.have.length(5);
      expect(d.entries()[4]).to.equal(added);
      expect(() => d.set({}, dict())).to.throw(MetadataError, /identify no entry/);
      expect(() => d.set({ devtype: 'balloon', name: '' }, dict())).to.throw(
        MetadataError,
        /identify no entry/,
      );
    });

    it('replaces an entry in its place, by attributes or by the entry itself', () => {
      const d = sample();
      const next = d.replace(
        { name: 'vda' },
        { attrs: { devtype: 'disk', name: 'vda', alias: 'ua-0' }, data: dict([['x', 'y']]) },
      );
      expect(d.entries()[0]).to.equal(next);
      const orphan = d.entries()[3]!;
      const renamed = d.replace(orphan, {
        attrs: { devtype: 'balloon', name: 'balloon0' },
        data: orphan.data,
      });
      expect(d.find({ name: 'balloon0' })).to.equal(renamed);
      expect(d.entries()).to.have.length(4);
      expect(() => d.replace({ name: 'nope' }, next)).to.throw(NoSuchDeviceError);
      expect(() => d.replace(orphan, next)).to.throw(NoSuchDeviceError);
    });

    it('removes an entry by attributes or by the entry itself', () => {
      const d = sample();
      expect(d.remove({ mac_address: '00:1a:4a:16:01:51' })?.data['network']).to.equal('red');
      expect(d.remove({ mac_address: '00:1a:4a:16:01:51' })).to.equal(undefined);
      const balloon = d.entries()[2]!;
      expect(d.remove(balloon)).to.equal(balloon);
      expect(d.remove(new DescriptorEntry({ devtype: 'disk', name: 'vda' }))).to.equal(undefined);
      expect(d.entries().map((e) => e.attrs['name'])).to.deep.equal(['vda', 'vdb']);
    });

    it('hands out a copy of the list, live entries', () => {
      const d = sample();
      const list = d.entries() as DescriptorEntry[];
      list.pop();
      expect(d.entries()).to.have.length(4);
      dictSet(list[0]!.data, 'path', '/p');
      expect(d.toXml()).to.contain('<ovirt-vm:path>/p</ovirt-vm:path>');
    });
  });

  describe('writing', () => {
    it('writes typed leaves sorted by code point, sub-keys in Vdsm order, then kept elements', () => {
      const data = dict([
        ['volumeChain', [dict([['path', '/p']])]],
        ['zeta', 'z'],
        ['{urn:x}kept', raw('<x:kept xmlns:x="urn:x"/>')],
        ['specParams', dict()],
        ['\u{10400}', 'astral'],
        ['\uFF21', 'bmp'],
        ['GUID', 'G'],
        ['address', dict([['slot', '0x05']])],
        ['device', 'disk'],
        ['deviceId', 'D'],
        ['ratio', new Float(4)],
        ['shared', true],
        ['big', 2n ** 70n],
        ['f', 1e-5],
        ['diskReplicate', dict([['path', '/r']])],
        ['change', dict([['path', '/c']])],
      ]);
      const xml = new Descriptor({ entries: [{ attrs: { devtype: 'disk', name: 'vda' }, data }] }).toXml({
        bare: true,
      });
      const names = childElements(firstChild(parseXml(xml).documentElement!, 'device')!).map(
        (e) => e.nodeName,
      );
      expect(names).to.deep.equal([
        'GUID',
        'big',
        'device',
        'deviceId',
        'f',
        'ratio',
        'shared',
        'zeta',
        '\uFF21',
        '\u{10400}',
        'address',
        'change',
        'diskReplicate',
        'specParams',
        'volumeChain',
        'x:kept',
      ]);
      expect(xml).to.contain('<ratio type="float">4.0</ratio>');
      expect(xml).to.contain('<f type="float">1e-05</f>');
      expect(xml).to.contain('<shared type="bool">True</shared>');
      expect(xml).to.contain(`<big type="int">${2n ** 70n}</big>`);
      expect(xml).to.contain('<specParams/>');
    });

    it("reads Vdsm's own output and writes it back canonically identical", () => {
      const text = readFixture('metadata/descriptor/vdsm-example.xml');
      assertXmlEqual(Descriptor.fromXml(text).toXml(), text);
    });

    it('writes the values, then the entries that have data, then custom when not empty', () => {
      const d = new Descriptor({
        values: dict([
          ['b', 1],
          ['a', 'x'],
        ]),
        custom: dict(),
        entries: [
          { attrs: { id: 'gone' }, data: dict() },
          { attrs: { id: 'z' }, data: dict([['q', '1']]) },
        ],
      });
      expect(d.toXml({ bare: true })).to.equal(
        '<vm>\n  <a>x</a>\n  <b type="int">1</b>\n  <device id="z">\n    <q>1</q>\n  </device>\n</vm>',
      );
      expect(new Descriptor().toXml()).to.equal(`<ovirt-vm:vm xmlns:ovirt-vm="${VM}"/>`);
    });

    it('writes empty sub-keys, so that empty and absent stay apart', () => {
      const data = dict([
        ['address', dict()],
        ['hosts', []],
        ['payload', dict([['file', dict()]])],
        ['GUID', ''],
      ]);
      const back = Descriptor.fromXml(new Descriptor({ entries: [{ attrs: { a: '1' }, data }] }).toXml());
      expect(back.toJSON().devices[0]!.data).to.deep.equal({
        GUID: '',
        address: {},
        hosts: [],
        payload: { file: {} },
      });
    });

    it('gives a payload without files its empty file dict', () => {
      const data = dict([['payload', dict([['volId', 'config-2']])]]);
      const back = Descriptor.fromXml(new Descriptor({ entries: [{ attrs: { a: '1' }, data }] }).toXml());
      const payload = back.entries()[0]!.data['payload'] as Dict;
      expect(Object.keys(payload)).to.deep.equal(['volId', 'file']);
    });

    const cases: [string, () => Descriptor, 'METADATA_VALUE' | 'METADATA_SHAPE', string, RegExp][] = [
      [
        'a list as a VM-level value',
        () => new Descriptor({ values: dict([['devices', ['a']]]) }),
        'METADATA_SHAPE',
        'devices',
        /a list cannot be stored/,
      ],
      [
        'null',
        () => entry(dict([['foo', null as unknown as Value]])),
        'METADATA_VALUE',
        'devices[0].foo',
        /null is not a metadata value/,
      ],
      [
        'undefined',
        () => entry(dict([['foo', undefined as unknown as Value]])),
        'METADATA_VALUE',
        'devices[0].foo',
        /undefined/,
      ],
      [
        'a list where a flat dict is expected',
        () => entry(dict([['address', ['a']]])),
        'METADATA_SHAPE',
        'devices[0].address',
        /address must be a dict, got a list/,
      ],
      [
        'a nested dict in a flat sub-key',
        () => entry(dict([['address', dict([['x', dict()]])]])),
        'METADATA_SHAPE',
        'devices[0].address.x',
        /a dict cannot be stored/,
      ],
      [
        'a dict under an unknown key',
        () => entry(dict([['ioTune', dict([['x', 1]])]])),
        'METADATA_SHAPE',
        'devices[0].ioTune',
        /a dict cannot be stored/,
      ],
      ['a set', () => entry(dict([['s', new Set<Value>(['a'])]])), 'METADATA_SHAPE', 'devices[0].s', /a set/],
      [
        'a tuple as a layered list',
        () => entry(dict([['hosts', Tuple.of_([dict()])]])),
        'METADATA_SHAPE',
        'devices[0].hosts',
        /must be a list, got a tuple/,
      ],
      [
        'a string as a list item',
        () => entry(dict([['volumeChain', ['/p']]])),
        'METADATA_SHAPE',
        'devices[0].volumeChain[0]',
        /volumeChainNode must be a dict/,
      ],
      [
        'a list in a volumeChainNode',
        () => entry(dict([['volumeChain', [dict([['x', []]])]]])),
        'METADATA_SHAPE',
        'devices[0].volumeChain[0].x',
        /a list cannot be stored/,
      ],
      [
        'a number in portMirroring',
        () => entry(dict([['portMirroring', ['red', 2]]])),
        'METADATA_VALUE',
        'devices[0].portMirroring[1]',
        /network must be a string/,
      ],
      [
        'a payload file that is not a dict',
        () => entry(dict([['payload', dict([['file', 'x']])]])),
        'METADATA_SHAPE',
        'devices[0].payload.file',
        /path to content/,
      ],
      [
        'a file content that is not a string',
        () => entry(dict([['payload', dict([['file', dict([['a/b', 1]])]])]])),
        'METADATA_VALUE',
        'devices[0].payload.file["a/b"]',
        /file content must be a string/,
      ],
      [
        'an ambiguous integral number',
        () => entry(dict([['n', 2 ** 60]])),
        'METADATA_VALUE',
        'devices[0].n',
        /beyond 2\^53/,
      ],
      [
        'a key that is no XML name',
        () => entry(dict([['a b', 'x']])),
        'METADATA_VALUE',
        'devices[0]["a b"]',
        /not a valid XML element name/,
      ],
      [
        'a key starting with a digit',
        () => entry(dict([['1st', 'x']])),
        'METADATA_VALUE',
        'devices[0]["1st"]',
        /not a valid XML element name/,
      ],
      [
        'an attribute name that is no XML name',
        () => entry(dict([['a', 'x']]), { 'bad name': 'v' }),
        'METADATA_VALUE',
        'devices[0]@bad name',
        /not a valid attribute name/,
      ],
      [
        'an xmlns attribute',
        () => entry(dict([['a', 'x']]), { xmlns: 'urn:x' }),
        'METADATA_VALUE',
        'devices[0]@xmlns',
        /not a valid attribute name/,
      ],
      [
        'an attribute value that is not a string',
        () => entry(dict([['a', 'x']]), { n: 1 as unknown as string }),
        'METADATA_VALUE',
        'devices[0]@n',
        /must be a string/,
      ],
      [
        'a control character',
        () => entry(dict([['a', 'x\u0001']])),
        'METADATA_VALUE',
        'devices[0].a',
        /U\+0001 cannot be written/,
      ],
      [
        'a lone surrogate in an attribute',
        () => entry(dict([['a', 'x']]), { n: '\uD800' }),
        'METADATA_VALUE',
        'devices[0]@n',
        /U\+D800/,
      ],
      [
        'a value that contains itself',
        () => entry(selfContaining()),
        'METADATA_VALUE',
        'devices[0].diskReplicate.diskReplicate',
        /contains itself/,
      ],
      [
        'a VM-level value named device',
        () => new Descriptor({ values: dict([['device', 'x']]) }),
        'METADATA_SHAPE',
        'device',
        /the group's own element/,
      ],
      [
        'a VM-level value named custom',
        () => new Descriptor({ values: dict([['custom', 'x']]) }),
        'METADATA_SHAPE',
        'custom',
        /the group's own element/,
      ],
      [
        'a kept element under another name',
        () => entry(dict([['other', raw('<x:kept xmlns:x="urn:x"/>')]])),
        'METADATA_SHAPE',
        'devices[0].other',
        /under its own name/,
      ],
      [
        'a dict in custom',
        () => new Descriptor({ custom: dict([['x', dict()]]) }),
        'METADATA_SHAPE',
        'custom.x',
        /a dict cannot be stored/,
      ],
      [
        'a list in specParams.ioTune',
        () => entry(dict([['specParams', dict([['ioTune', dict([['x', []]])]])]])),
        'METADATA_SHAPE',
        'devices[0].specParams.ioTune.x',
        /a list/,
      ],
      [
        'a Date',
        () => entry(dict([['when', new Date(0) as unknown as Value]])),
        'METADATA_SHAPE',
        'devices[0].when',
        /an object cannot be stored/,
      ],
      [
        'nesting deeper than the parser reads',
        () => entry(deepReplicate(600)),
        'METADATA_SHAPE',
        // 512 elements deep in all, in a domain: <domain><metadata><ovirt-vm:vm><device> and the
        // leaf's own element leave 507 levels of values.
        `devices[0]${'.diskReplicate'.repeat(507)}`,
        /nested deeper/,
      ],
    ];
    for (const [what, make, code, path, message] of cases) {
      it(`refuses ${what}, naming its path`, () => {
        const e = thrown(() => make().toXml());
        expect(e).to.be.instanceOf(MetadataError);
        expect(e.code).to.equal(code);
        expect(e.path).to.equal(path);
        expect(e.detail).to.match(message);
      });
    }
  });

  describe('writeInto', () => {
    const d = new Descriptor({ values: dict([['clusterVersion', '4.2']]) });

    it('appends the group to a compact <metadata> and keeps it compact', () => {
      const doc = parseXml(`<domain><name>x</name><metadata><a:b xmlns:a="urn:a"/></metadata></domain>`);
      d.writeInto(doc);
      expect(serialize(doc)).to.equal(
        `<domain><name>x</name><metadata><a:b xmlns:a="urn:a"/><ovirt-vm:vm xmlns:ovirt-vm="${VM}"><ovirt-vm:clusterVersion>4.2</ovirt-vm:clusterVersion></ovirt-vm:vm></metadata></domain>`,
      );
    });

    it('writes only into the group, in its place, in the prefix it has', () => {
      const doc = parseXml(
        `<domain><metadata><a:b xmlns:a="urn:a"/><v:vm xmlns:v="${VM}"><v:old>1</v:old></v:vm><!--c--><c:d xmlns:c="urn:c">t</c:d></metadata></domain>`,
      );
      d.writeInto(doc);
      expect(serialize(doc)).to.equal(
        `<domain><metadata><a:b xmlns:a="urn:a"/><v:vm xmlns:v="${VM}"><v:clusterVersion>4.2</v:clusterVersion></v:vm><!--c--><c:d xmlns:c="urn:c">t</c:d></metadata></domain>`,
      );
    });

    it('writes into a <metadata> element given directly, and creates <metadata> first when there is no head', () => {
      const md = parseXml('<metadata/>');
      d.writeInto(md.documentElement!);
      expect(Descriptor.fromNode(md).values['clusterVersion']).to.equal('4.2');
      const doc = parseXml('<domain><devices/></domain>');
      d.writeInto(doc);
      expect(childElements(doc.documentElement!).map((e) => e.nodeName)).to.deep.equal([
        'metadata',
        'devices',
      ]);
    });

    it('writes nothing when there is nothing to write and no group', () => {
      for (const text of ['<domain><metadata/></domain>', '<domain><name>x</name></domain>']) {
        const doc = parseXml(text);
        new Descriptor({ entries: [{ attrs: { devtype: 'disk', name: 'vda' }, data: dict() }] }).writeInto(
          doc,
        );
        expect(serialize(doc)).to.equal(text);
      }
    });

    it('empties a group it has nothing more to write into, and keeps an empty one as it is', () => {
      const doc = parseXml(
        `<domain><metadata><v:vm xmlns:v="${VM}"><v:old>1</v:old></v:vm></metadata></domain>`,
      );
      new Descriptor().writeInto(doc);
      expect(serialize(doc)).to.equal(`<domain><metadata><v:vm xmlns:v="${VM}"/></metadata></domain>`);
      const empty = `<domain><metadata><v:vm xmlns:v="${VM}">\n</v:vm></metadata></domain>`;
      const again = parseXml(empty);
      new Descriptor().writeInto(again);
      expect(serialize(again)).to.equal(empty);
    });

    it('refuses a group of its own as the target', () => {
      for (const text of ['<vm/>', `<p:vm xmlns:p="${VM}"/>`]) {
        expect(() => d.writeInto(parseXml(text))).to.throw(InvalidDomainError, /not a group/);
      }
    });

    it('refuses a <metadata> holding two groups', () => {
      const doc = parseXml(
        `<domain><metadata><a:vm xmlns:a="${VM}"/><b:vm xmlns:b="${VM}"/></metadata></domain>`,
      );
      expect(() => d.writeInto(doc)).to.throw(MetadataError, /more than one group/);
    });
  });

  describe('JSON form', () => {
    it('round-trips through fromJSON, typed values included', () => {
      const d = Descriptor.fromXml(readFixture('metadata/descriptor/disk.xml'));
      const j = JSON.parse(JSON.stringify(d.toJSON())) as unknown;
      expect(Descriptor.fromJSON(j).toXml()).to.equal(d.toXml());
    });

    it('refuses malformed JSON with a path', () => {
      const bad: [unknown, string][] = [
        [[], '(value)'],
        [{ devices: {} }, 'devices'],
        [{ devices: [{ attrs: { a: 1 } }] }, 'devices[0].attrs.a'],
        [{ devices: [{ data: [] }] }, 'devices[0].data'],
        [{ values: { a: null } }, 'values.a'],
      ];
      for (const [json, path] of bad) expect(thrown(() => Descriptor.fromJSON(json)).path).to.equal(path);
    });
  });

  describe('untrusted keys', () => {
    it('reads __proto__, constructor and prototype as ordinary keys and attributes', () => {
      const text = `<vm><__proto__>x</__proto__><constructor type="int">1</constructor>
        <device __proto__="a" constructor="b"><prototype>p</prototype><__proto__><polluted>yes</polluted></__proto__></device>
        <custom><__proto__ type="bool">true</__proto__></custom></vm>`;
      const d = Descriptor.fromXml(text);
      expect(Object.getPrototypeOf(d.values)).to.equal(null);
      expect(Object.prototype.hasOwnProperty.call(d.values, '__proto__')).to.equal(true);
      expect(d.values['__proto__']).to.equal('x');
      expect(d.values['constructor']).to.equal(1);
      expect(d.custom['__proto__']).to.equal(true);
      const entry = d.entries()[0]!;
      expect(Object.getPrototypeOf(entry.attrs)).to.equal(null);
      expect(entry.attrs['__proto__']).to.equal('a');
      expect(entry.data['__proto__']).to.be.instanceOf(RawXml);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect(d.find(JSON.parse('{"__proto__": "a"}') as Record<string, string>)).to.equal(entry);
      expect(d.find({ constructor: 'b' })).to.equal(entry);
      expect(unordered(Descriptor.fromXml(d.toXml()).toJSON())).to.deep.equal(unordered(d.toJSON()));
    });

    it('takes __proto__ attributes from plain objects without touching prototypes', () => {
      const attrs = JSON.parse('{"__proto__": {"polluted": "yes"}, "name": "vda"}') as Record<string, string>;
      const d = new Descriptor({
        entries: [{ attrs: { ...attrs, ['__proto__']: 'p' }, data: dict([['a', '1']]) }],
      });
      expect(d.entries()[0]!.attrs['__proto__']).to.equal('p');
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect(d.toXml({ bare: true })).to.contain('<device __proto__="p" name="vda">');
    });
  });

  describe('properties', function () {
    // 1000 runs under CI, each writing and parsing whole documents.
    this.timeout(300_000);
    it('decode(encode(d)) equals d, namespaced and bare', () => {
      fc.assert(
        fc.property(descriptorArb, fc.boolean(), (d, bare) => {
          expect(unordered(Descriptor.fromXml(d.toXml({ bare })).toJSON())).to.deep.equal(
            unordered(d.toJSON()),
          );
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('decode then encode of what the encoder wrote is byte-identical, alone and in a domain', () => {
      fc.assert(
        fc.property(descriptorArb, fc.boolean(), (d, bare) => {
          const text = d.toXml({ bare });
          expect(Descriptor.fromXml(text).toXml({ bare })).to.equal(text);
          const doc = parseXml(FOREIGN_DOMAIN);
          d.writeInto(doc);
          const once = serialize(doc);
          const again = parseXml(once);
          Descriptor.fromNode(again).writeInto(again);
          expect(serialize(again)).to.equal(once);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('garbled XML only ever gives the library errors', () => {
      fc.assert(
        fc.property(
          descriptorArb,
          fc.boolean(),
          fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
          (d, bare, ms) => {
            let text = d.toXml({ bare });
            for (const m of ms) {
              const at = m.at % (text.length + 1);
              text = text.slice(0, at) + m.insert + text.slice(at + m.cut);
            }
            try {
              const back = Descriptor.fromXml(text);
              Descriptor.fromXml(back.toXml({ bare }));
            } catch (e) {
              expect(e, String(e)).to.be.instanceOf(VmDevicesError);
            }
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });
});

function entry(data: Dict, attrs: Record<string, string> = { devtype: 'disk', name: 'vda' }): Descriptor {
  return new Descriptor({ entries: [{ attrs, data }] });
}

function selfContaining(): Dict {
  const d = dict([['path', '/r']]);
  dictSet(d, 'diskReplicate', d);
  return dict([['diskReplicate', d]]);
}

function deepReplicate(depth: number): Dict {
  let d = dict([['path', '/p']]);
  for (let i = 0; i < depth; i++) d = dict([['diskReplicate', d]]);
  return d;
}

const FOREIGN_DOMAIN = `<domain type="kvm">
  <name>p</name>
  <metadata xmlns:ovirt-tune="http://ovirt.org/vm/tune/1.0">
    <ovirt-tune:qos/>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.0"><nova:name>n</nova:name></nova:instance>
  </metadata>
</domain>`;

// ---- generators ----------------------------------------------------------------------------------

const SPECIAL_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'é',
  'ключ',
  '\uFF21',
  '\u{10400}',
  'a.b',
  'x-y',
];
const keyArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,6}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
);

const charArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'a',
      'Z',
      '0',
      ' ',
      '\n',
      '\t',
      '\r',
      '<',
      '>',
      '&',
      '"',
      "'",
      ']]>',
      '\u2028',
      '\u0085',
      '\u00a0',
      '\u{1F600}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 1 })
      .filter((c) => findInvalidXmlChar(c) < 0),
  },
);
const textArb = fc.string({ unit: charArb, maxLength: 12 });

const scalarArb: fc.Arbitrary<Value> = fc.oneof(
  textArb,
  fc.integer(),
  fc.bigInt().map((b) => intValue(b)),
  fc.double().map((x) => floatValue(x)),
  fc.boolean(),
);

/** Kept elements no rule reads as a leaf or sub-key, with the key they are stored under. */
const RAW_MEMBERS = [
  '<x:thing xmlns:x="urn:example:x" a="1"><x:sub>t</x:sub></x:thing>',
  '<y:leaf xmlns:y="urn:example:y">text</y:leaf>',
  `<ovirt-vm:unknownBlock xmlns:ovirt-vm="${VM}"><ovirt-vm:inner type="int">1</ovirt-vm:inner></ovirt-vm:unknownBlock>`,
  '<plainNested>mixed <a/> text</plainNested>',
  // A plain attribute is kept beside a leaf's value; a namespaced one keeps the whole element.
  `<ovirt-vm:withAttr xmlns:ovirt-vm="${VM}" xmlns:x="urn:x" x:unit="KiB">4</ovirt-vm:withAttr>`,
];
const rawMemberArb = fc.constantFrom(...RAW_MEMBERS).map((xml): [string, Value] => {
  const r = raw(xml);
  const el = r.element;
  const key =
    el.namespaceURI === null || el.namespaceURI === VM
      ? el.localName!
      : `{${el.namespaceURI}}${el.localName!}`;
  return [key, r];
});
const rawItemArb = fc
  .constantFrom(
    '<other>x</other>',
    `<ovirt-vm:hostInfo xmlns:ovirt-vm="${VM}" xmlns:x="urn:x" x:extra="1"/>`,
    '<network vlan="1">x</network>',
  )
  .map((xml) => raw(xml));

function dictArb(reserved: readonly string[], maxLength = 5): fc.Arbitrary<Dict> {
  const leaf = fc.tuple(
    keyArb.filter((k) => !reserved.includes(k)),
    scalarArb,
  );
  return fc
    .uniqueArray(fc.oneof({ weight: 6, arbitrary: leaf }, { weight: 1, arbitrary: rawMemberArb }), {
      selector: (e) => e[0],
      maxLength,
    })
    .map((es) => dict(es));
}

const flatArb = dictArb([]);
const payloadArb = fc
  .tuple(
    dictArb(['file'], 3),
    fc.uniqueArray(fc.tuple(textArb, textArb), { selector: (e) => e[0], maxLength: 3 }),
  )
  .map(([d, files]) => {
    dictSet(d, 'file', dict(files));
    return d;
  });
const specParamsArb = fc
  .tuple(
    dictArb(['vmPayload', 'ioTune'], 3),
    fc.option(payloadArb, { nil: undefined }),
    fc.option(flatArb, { nil: undefined }),
  )
  .map(([d, vmPayload, ioTune]) => {
    if (vmPayload !== undefined) dictSet(d, 'vmPayload', vmPayload);
    if (ioTune !== undefined) dictSet(d, 'ioTune', ioTune);
    return d;
  });
const dictListArb = fc.array(
  fc.oneof({ weight: 4, arbitrary: flatArb }, { weight: 1, arbitrary: rawItemArb }),
  { maxLength: 3 },
);
const textListArb = fc.array(
  fc.oneof({ weight: 4, arbitrary: textArb }, { weight: 1, arbitrary: rawItemArb }),
  { maxLength: 3 },
);

const DEVICE_SUBKEYS = [
  'address',
  'auth',
  'change',
  'custom',
  'hosts',
  'payload',
  'portMirroring',
  'diskReplicate',
  'specParams',
  'vm_custom',
  'volumeChain',
  'volumeInfo',
];

function deviceDataArb(depth: number): fc.Arbitrary<Dict> {
  const nested = depth > 0 ? fc.option(deviceDataArb(depth - 1), { nil: undefined }) : fc.constant(undefined);
  return fc
    .tuple(
      dictArb(DEVICE_SUBKEYS, 6),
      fc.record(
        {
          address: flatArb,
          auth: flatArb,
          custom: flatArb,
          hosts: dictListArb,
          payload: payloadArb,
          portMirroring: textListArb,
          specParams: specParamsArb,
          vm_custom: flatArb,
          volumeChain: dictListArb,
          volumeInfo: flatArb,
        },
        { requiredKeys: [] },
      ),
      nested,
      nested,
    )
    .map(([d, subs, change, diskReplicate]) => {
      for (const [k, v] of Object.entries(subs)) dictSet(d, k, v);
      if (change !== undefined) dictSet(d, 'change', change);
      if (diskReplicate !== undefined) dictSet(d, 'diskReplicate', diskReplicate);
      return d;
    });
}

const attrsArb = fc
  .uniqueArray(
    fc.tuple(
      keyArb.filter((k) => k !== 'xmlns'),
      textArb,
    ),
    { selector: (e) => e[0], maxLength: 3 },
  )
  .map((es) => {
    const o: Record<string, string> = {};
    for (const [k, v] of es)
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });

const descriptorArb = fc
  .record({
    values: dictArb(['device', 'custom']),
    custom: flatArb,
    entries: fc.array(
      fc.record({ attrs: attrsArb, data: deviceDataArb(1).filter((d) => Object.keys(d).length > 0) }),
      { maxLength: 4 },
    ),
  })
  .map((init) => new Descriptor(init));

const mutationArb = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 12 }),
  insert: fc.constantFrom(
    '',
    '<',
    '>',
    '/',
    '"',
    '&',
    ' type="int"',
    ' type="megs"',
    ' path="p"',
    'x',
    '<file>',
    '</device>',
    `<device a="1">`,
    '<!--',
    ']]>',
    '&#0;',
    '<![CDATA[',
    ' xmlns:a="urn:a"',
    '<custom>',
    '<hostInfo a="b"/>',
  ),
});
