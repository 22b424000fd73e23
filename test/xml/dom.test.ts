/**
 * parseXml and serialize, with each parse engine: what the hardened parser keeps, what it refuses,
 * and where it says the problem is.
 */
import { expect } from 'chai';
import { XmlLimitError, XmlParseError, VmDevicesError } from '../../src/errors.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  NODE,
  NS,
  childElements,
  firstChild,
  parseXml,
  positionOf,
  serialize,
} from '../../src/xml/index.js';
import type { Element, Node } from '../../src/xml/index.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';

const ENGINES = ['fast', 'xmldom'] as const;

function refusal(text: string, options: Parameters<typeof parseXml>[1] = {}): VmDevicesError {
  try {
    parseXml(text, { source: 'in.xml', ...options });
  } catch (e) {
    if (e instanceof VmDevicesError) return e;
    throw e;
  }
  expect.fail(`accepted: ${JSON.stringify(text.slice(0, 80))}`);
}

function kids(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

function child(parent: Node, name: string): Element {
  const el = firstChild(parent, name);
  expect(el, name).to.not.equal(undefined);
  return el as Element;
}

function nested(depth: number): string {
  return '<a>'.repeat(depth) + '</a>'.repeat(depth);
}

for (const engine of ENGINES) {
  describe(`parseXml with the ${engine} engine`, () => {
    const parse = (text: string, options: Parameters<typeof parseXml>[1] = {}) =>
      parseXml(text, { source: 'in.xml', engine, ...options });
    const refuse = (text: string, options: Parameters<typeof parseXml>[1] = {}) =>
      refusal(text, { engine, ...options });

    describe('keeps', () => {
      it('namespaces by URI, prefix and local name, default and prefixed, declared anywhere up the tree', () => {
        const doc = parse(readFixture('xml/wellformed/namespaces.xml'));
        const root = doc.documentElement as Element;
        const metadata = child(root, 'metadata');
        const vm = child(metadata, 'vm');
        expect([vm.namespaceURI, vm.prefix, vm.localName, vm.tagName]).to.deep.equal([
          NS['ovirt-vm'],
          'ovirt-vm',
          'vm',
          'ovirt-vm:vm',
        ]);
        const device = child(vm, 'device');
        const flag = device.getAttributeNodeNS(NS['ovirt-vm'], 'flag');
        expect([flag?.name, flag?.prefix, flag?.value]).to.deep.equal(['ovirt-vm:flag', 'ovirt-vm', 'x']);
        // An unprefixed attribute is in no namespace, whatever the default namespace.
        expect(device.getAttributeNode('mac_address')?.namespaceURI).to.equal(null);
        expect(child(vm, 'qos').namespaceURI).to.equal('http://ovirt.org/vm/tune/1.0');
        const plain = child(vm, 'vm');
        expect([plain.namespaceURI, plain.prefix]).to.deep.equal([NS['ovirt-vm'], null]);
        const inner = child(plain, 'inner');
        expect(inner.namespaceURI).to.equal(null);
        expect(child(inner, 'bare').namespaceURI).to.equal(null);
        expect(child(plain, 'custom').namespaceURI).to.equal(NS['ovirt-vm']);
        const shadowed = child(child(vm, 'y'), 'z');
        expect([shadowed.namespaceURI, shadowed.getAttributeNodeNS('urn:shadow2', 'a')?.value]).to.deep.equal(
          ['urn:shadow2', '1'],
        );
        expect(child(root, 'commandline').namespaceURI).to.equal(NS.qemu);
        expect(
          child(root, 'p').getAttributeNodeNS('http://www.w3.org/XML/1998/namespace', 'lang')?.value,
        ).to.equal('en');
        // Declarations are attributes in the xmlns namespace, in document order with the others.
        expect(
          [...Array(root.attributes.length).keys()].map((i) => root.attributes.item(i)?.name),
        ).to.deep.equal(['type', 'xmlns:qemu', 'xmlns:ovirt-vm']);
        expect(root.attributes.item(1)?.namespaceURI).to.equal('http://www.w3.org/2000/xmlns/');
        expect(root.lookupNamespaceURI('ovirt-vm')).to.equal(NS['ovirt-vm']);
      });

      it('text with entities and character references decoded once, CDATA, comments and PIs', () => {
        const doc = parse(readFixture('xml/wellformed/text-and-markup.xml'));
        const root = doc.documentElement as Element;
        expect(child(root, 'description').textContent).to.equal(`a & b < c > d "e" 'f' 😀 AB ]]>`);
        const title = kids(child(root, 'title'));
        expect(title.map((n) => [n.nodeType, n.nodeValue])).to.deep.equal([
          [NODE.CDATA, '<raw> & ]] > '],
          [NODE.TEXT, 'tail'],
        ]);
        // An empty CDATA section leaves no node behind, and the text around it is one node.
        expect(kids(child(root, 'empty-cdata')).map((n) => n.nodeValue)).to.deep.equal(['xy']);
        const markup = kids(root).filter(
          (n) => n.nodeType === NODE.COMMENT || n.nodeType === NODE.PROCESSING_INSTRUCTION,
        );
        expect(markup.map((n) => [n.nodeName, n.nodeValue])).to.deep.equal([
          ['#comment', ''],
          ['#comment', ' c - d '],
          ['target', ''],
          ['target', 'spaced data  '],
        ]);
        const attrs = child(root, 'attrs');
        expect(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => attrs.getAttribute(n))).to.deep.equal([
          'tab here',
          'nl here',
          '\t\n\r',
          '"quoted"',
          "it's <ok>",
          ']]>',
          '',
        ]);
        // The prolog and what follows the root stay, whitespace between them included; the
        // whitespace after the last markup does not.
        expect(kids(doc).map((n) => n.nodeName)).to.deep.equal([
          'xml',
          '#text',
          '#comment',
          '#text',
          'pi-before-root',
          '#text',
          'domain',
          '#text',
          '#comment',
          '#text',
          'pi-after-root',
        ]);
      });

      it('the XML declaration, so serialize gives the document back', () => {
        const text =
          '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<domain type="kvm" xmlns:q="urn:q">\n  <q:x q:y="1">a &amp; b</q:x>\n</domain>';
        expect(serialize(parse(text))).to.equal(text);
        // Only the fast engine keeps the white space after the root (verbatim.ts); xmldom drops it.
        expect(serialize(parse("<?xml version='1.0'  ?><a/>\n"))).to.equal(
          engine === 'fast' ? "<?xml version='1.0'  ?><a/>\n" : "<?xml version='1.0'  ?><a/>",
        );
        expect(serialize(parse('\n  <a/>'))).to.equal('\n  <a/>');
      });

      it('1-based lines and columns of elements, in UTF-16 code units, after line-end normalization', () => {
        const doc = parse('<a>\r\n  <b/>\r\t<c\n d="1"/><d>😀<e/></d></a>');
        const at = (el: Element | undefined) => {
          const p = positionOf(el as Element);
          return `${p.line}:${p.column}`;
        };
        const a = doc.documentElement as Element;
        const [b, c, d] = childElements(a);
        expect([at(a), at(b), at(c), at(d), at(firstChild(d as Element, 'e'))]).to.deep.equal([
          '1:1',
          '2:3',
          '3:2',
          '4:9',
          // 😀 is two code units.
          '4:14',
        ]);
      });

      it('XML 1.0 line ends: CR LF and CR become LF; U+2028, U+2029 and U+0085 stay', () => {
        const doc = parse(readFixture('xml/wellformed/line-endings.xml'));
        const root = doc.documentElement as Element;
        expect(child(root, 'description').textContent).to.equal('a\nb\nc\u2028d');
        // In attribute values a line end is a space, as any whitespace.
        expect(child(root, 'devices').getAttribute('a')).to.equal('x y');
        const kept = parse('<a b="\u2028\u2029\u0085&#13;&#10;">\u2028\u2029\u0085&#13;</a>')
          .documentElement as Element;
        expect(kept.getAttribute('b')).to.equal('\u2028\u2029\u0085\r\n');
        expect(kept.textContent).to.equal('\u2028\u2029\u0085\r');
      });

      it('nesting up to the depth limit', () => {
        expect(parse(nested(DEFAULT_MAX_DEPTH)).documentElement?.nodeName).to.equal('a');
        expect(parse(nested(10_000), { maxDepth: 10_000 }).documentElement?.nodeName).to.equal('a');
      });

      it('100,000-deep nesting when the limit allows it (no recursion)', () => {
        let depth = 0;
        for (
          let n: Node | null = parse(nested(100_000), { maxDepth: 100_000 }).documentElement;
          n !== null;
          n = n.firstChild
        ) {
          depth++;
        }
        expect(depth).to.equal(100_000);
      });
    });

    describe('refuses', () => {
      it('DOCTYPE declarations, with their position', () => {
        const e = refuse('<?xml version="1.0"?>\n<!DOCTYPE domain>\n<domain/>');
        expect(e).to.be.instanceOf(XmlParseError);
        expect([e.code, e.detail, e.line, e.column]).to.deep.equal([
          'XML_PARSE',
          'DOCTYPE declarations are not allowed',
          2,
          1,
        ]);
      });

      it('entity declarations, never expanding them (billion laughs, external entities)', () => {
        for (const f of ['xml/malformed/billion-laughs.xml', 'xml/malformed/external-entity.xml']) {
          const started = Date.now();
          expect(refuse(readFixture(f)), f).to.be.instanceOf(XmlParseError);
          expect(Date.now() - started).to.be.below(2_000);
        }
      });

      it('undefined entities; only the five predefined ones and character references exist', () => {
        const e = refuse('<a>\n  <b>&nbsp;</b>\n</a>');
        expect(e).to.be.instanceOf(XmlParseError);
        expect(e.detail).to.match(/nbsp/);
        expect(e.line).to.equal(2);
        // One level of decoding only: &amp;lt; is the text &lt;.
        expect(parse('<a>&amp;lt;&#38;#60;</a>').documentElement?.textContent).to.equal('&lt;&#60;');
      });

      it('several root elements', () => {
        const e = refuse('<a/>\n<b/>');
        expect(e).to.be.instanceOf(XmlParseError);
        expect([e.detail, e.line, e.column]).to.deep.equal(['more than one root element', 2, 1]);
      });

      it('unbound namespace prefixes on elements and attributes', () => {
        const e1 = refuse('<domain>\n  <ovirt-vm:vm/>\n</domain>');
        expect([e1.line, e1.column]).to.deep.equal([2, 3]);
        const e2 = refuse('<domain>\n  <vm ovirt:x="1"/>\n</domain>');
        expect([e2.line, e2.column]).to.deep.equal([2, 3]);
        expect(e1).to.be.instanceOf(XmlParseError);
        expect(e2).to.be.instanceOf(XmlParseError);
      });

      it('duplicate attributes', () => {
        const e = refuse('<a>\n<disk type="file" type="block"/></a>');
        expect(e).to.be.instanceOf(XmlParseError);
        expect(e.line).to.equal(2);
        expect(e.detail).to.match(/\btype\b/);
      });

      it('input over the size limit, before parsing it', () => {
        const e = refuse('<a>' + 'x'.repeat(100) + '</a>', { maxBytes: 100 });
        expect(e).to.be.instanceOf(XmlLimitError);
        expect(e.code).to.equal('XML_LIMIT');
        expect(e.detail).to.equal('input is 107 characters, over the limit of 100');
        expect(parse('<a>' + 'x'.repeat(93) + '</a>', { maxBytes: 100 }).documentElement?.nodeName).to.equal(
          'a',
        );
        expect(DEFAULT_MAX_BYTES).to.equal(64 * 1024 * 1024);
        expect(refuse('<'.repeat(DEFAULT_MAX_BYTES + 1))).to.be.instanceOf(XmlLimitError);
      });

      it('nesting over the depth limit, naming the first element too deep', () => {
        const e = refuse(`<r>\n${nested(DEFAULT_MAX_DEPTH)}</r>`);
        expect(e).to.be.instanceOf(XmlLimitError);
        expect([e.code, e.detail, e.line, e.column]).to.deep.equal([
          'XML_LIMIT',
          'elements nested deeper than the limit of 512',
          2,
          3 * (DEFAULT_MAX_DEPTH - 1) + 1,
        ]);
        expect(refuse(nested(4), { maxDepth: 3 })).to.be.instanceOf(XmlLimitError);
      });

      it('10,000- and 100,000-deep nesting with a clear error, not a stack overflow', () => {
        for (const depth of [10_000, 100_000]) {
          const e = refuse(nested(depth));
          expect(e, String(depth)).to.be.instanceOf(XmlLimitError);
          expect([e.line, e.column]).to.deep.equal([1, 3 * DEFAULT_MAX_DEPTH + 1]);
        }
      });

      it('every malformed fixture, with source, line and column', () => {
        for (const rel of listFixtures('xml/malformed')) {
          const e = refusal(readFixture(rel), { engine, source: rel });
          expect(e, rel).to.be.instanceOf(XmlParseError);
          expect(e.format()).to.match(new RegExp(`^${rel}:\\d+:\\d+: XML_PARSE: .+`));
        }
      });
    });
  });
}

describe('parseXml engines', () => {
  it('the default is the fast engine', () => {
    // An unquoted attribute value: xmldom takes it, the fast engine refuses it.
    expect(parseXml('<a b=1/>', { engine: 'xmldom' }).documentElement?.getAttribute('b')).to.equal('1');
    expect(refusal('<a b=1/>').detail).to.equal('the value of attribute b is not quoted (write b="...")');
  });

  it('the fast engine counts depth while parsing: an unclosed 100,000-deep text is a limit error', () => {
    expect(refusal('<a>'.repeat(100_000), { engine: 'fast' })).to.be.instanceOf(XmlLimitError);
  });

  it('the fast engine gives every error a line and a column from 1', () => {
    for (const rel of listFixtures('xml/malformed')) {
      const e = refusal(readFixture(rel), { engine: 'fast', source: rel });
      expect(e.line, rel).to.be.at.least(1);
      expect(e.column, rel).to.be.at.least(1);
    }
  });
});
