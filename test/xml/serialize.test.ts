/**
 * Our serializer (src/xml/serialize.ts): a parsed document comes back as its source, byte for byte
 * (every corpus document and fixture, generated documents), each of its elements alone as its
 * source too (or, where it needs declarations of namespaces declared above it, canonically as
 * xmldom's XMLSerializer writes it); nodes made through the API are written as XMLSerializer
 * writes them with the same text filter, and documents changed through xmldom's API in the ways
 * that make a serializer declare namespaces itself stay canonically what XMLSerializer writes.
 * test/xml/verbatim.test.ts: edits change only what they edit, and new elements take the quote of
 * the document.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { canonicalDiff, NODE, parseXml, serialize, serializeWithXmldom } from '../../src/xml/index.js';
import type { Document, Element, Node } from '../../src/xml/index.js';
import { serializeNode } from '../../src/xml/serialize.js';
import { sourceTagAt } from '../../src/xml/start-tag.js';
import { CORPUS, FIXTURES, requireCorpus, xmlFilesUnder } from '../helpers/fixtures.js';
import { elementsOf } from '../helpers/xml-assert.js';
import { wellFormedDocument } from '../helpers/xml-arbitrary.js';
import { writtenBack } from '../helpers/line-ends.js';

const numRuns = process.env['CI'] ? 1000 : 200;

/** Our text equals xmldom's for the node, and ours was written (not left to xmldom). */
function expectSame(node: Node, what: string): void {
  const ours = serializeNode(node);
  expect(ours, `${what}: left to xmldom`).to.be.a('string');
  expect(ours, what).to.equal(serializeWithXmldom(node));
}

/** Our text for the node reads canonically as xmldom's, and ours was written (not left to xmldom). */
function expectCanonicallySame(node: Node, what: string): void {
  const ours = serializeNode(node);
  expect(ours, `${what}: left to xmldom`).to.be.a('string');
  let theirs: Document;
  try {
    theirs = parseXml(serializeWithXmldom(node));
  } catch {
    // XMLSerializer wrote what no parser reads (two attributes of one qualified name): so do we.
    expect(() => parseXml(ours as string), what).to.throw();
    return;
  }
  const diff = canonicalDiff(parseXml(ours as string), theirs);
  expect(diff, `${what}: ${diff}`).to.equal(undefined);
}

/** Whether no node from `el` down is in a namespace (none then needs a declaration written alone). */
function withoutNamespaces(el: Element): boolean {
  const below = el.getElementsByTagName('*');
  const all = [el, ...Array.from({ length: below.length }, (_, i) => below.item(i) as Element)];
  return all.every((e) => {
    if (e.namespaceURI !== null) return false;
    for (let i = 0; i < e.attributes.length; i++) if (e.attributes.item(i)?.namespaceURI) return false;
    return true;
  });
}

/**
 * A document parsed from `text` is written as `text` (in LF line ends unless CR LF ends every line);
 * each element alone as its (LF) source when it needs no declaration from above, always canonically
 * as XMLSerializer writes it; each attribute alone as XMLSerializer writes it.
 */
function expectSourceEverywhere(text: string, what: string): void {
  const source = text.replace(/\r\n?/g, '\n');
  const doc = parseXml(text);
  expect(serializeNode(doc), what).to.equal(writtenBack(text));
  for (const [i, el] of elementsOf(doc).entries()) {
    const here = `${what}, element ${i} <${el.nodeName}>`;
    const ours = serializeNode(el) as string;
    expectCanonicallySame(el, here);
    if (withoutNamespaces(el))
      expect(source.startsWith(ours, sourceTagAt(el)), `${here}: ${ours}`).to.equal(true);
    for (let j = 0; j < el.attributes.length; j++)
      expectSame(el.attributes.item(j) as Node, `${here} attribute ${j}`);
  }
}

/** The text of a fixture that parses, or undefined for those that must not parse. */
function parsable(path: string): string | undefined {
  const text = readFileSync(path, 'utf8');
  try {
    parseXml(text, { source: path });
    return text;
  } catch {
    return undefined;
  }
}

describe('serializer', () => {
  describe('writes a parsed document as its source, and each of its elements alone', () => {
    const corpus = existsSync(CORPUS) ? xmlFilesUnder(CORPUS) : [];
    it('has the corpus to compare on', function () {
      requireCorpus(this);
      expect(corpus.length).to.be.greaterThan(100);
    });
    it('on every corpus document, and each of its elements and attributes alone', () => {
      for (const f of corpus) expectSourceEverywhere(readFileSync(f, 'utf8'), f);
    });
    it('on every XML fixture that parses', () => {
      const texts = xmlFilesUnder(FIXTURES).map((f) => [f, parsable(f)] as const);
      expect(texts.filter(([, t]) => t !== undefined).length).to.be.greaterThan(50);
      for (const [f, text] of texts) if (text !== undefined) expectSourceEverywhere(text, f);
    });
  });

  describe('escapes as XMLSerializer does, and keeps a CR in text', () => {
    const doc = parseXml('<r a="x"><e/></r>');
    const r = doc.documentElement as Element;
    it('attribute values: < > & " and TAB, LF, CR as references', () => {
      r.setAttribute('a', '<>&"\'\t\n\r');
      expect(serialize(r)).to.equal('<r a="&lt;&gt;&amp;&quot;\'&#9;&#10;&#13;"><e/></r>');
    });
    it('text: < > & escaped, a CR written as &#13; (a parser would read it back as LF)', () => {
      const e = r.firstChild as Element;
      e.appendChild(doc.createTextNode('a<b>&"\'\r\n'));
      expect(serialize(e)).to.equal('<e>a&lt;b&gt;&amp;"\'&#13;\n</e>');
    });
    it('CDATA holding ]]> is split in two sections; comments and instructions as they are', () => {
      const e = doc.createElement('c');
      // xmldom refuses to create such a section, not to extend one into it.
      const cdata = doc.createCDATASection('x]]');
      cdata.appendData('>y');
      e.appendChild(cdata);
      e.appendChild(doc.createComment(' c '));
      e.appendChild(doc.createProcessingInstruction('pi', ''));
      expect(serialize(e)).to.equal('<c><![CDATA[x]]]]><![CDATA[>y]]><!-- c --><?pi ?></c>');
    });
  });

  describe('declares the namespaces of nodes made through the API, as XMLSerializer does', () => {
    it('an element in a namespace no ancestor declares gets its declaration', () => {
      const doc = parseXml('<domain><metadata/></domain>');
      const md = elementsOf(doc)[1] as Element;
      const vm = doc.createElementNS('http://ovirt.org/vm/1.0', 'ovirt-vm:vm');
      vm.appendChild(doc.createElementNS('http://ovirt.org/vm/1.0', 'ovirt-vm:device'));
      md.appendChild(vm);
      expect(serialize(doc)).to.equal(
        '<domain><metadata><ovirt-vm:vm xmlns:ovirt-vm="http://ovirt.org/vm/1.0"><ovirt-vm:device/></ovirt-vm:vm></metadata></domain>',
      );
      expectSame(vm, 'ovirt-vm group');
    });
    it('an unprefixed element in a namespace bound to a prefix above is written with that prefix', () => {
      const doc = parseXml('<r xmlns:p="urn:p"><a/></r>');
      const a = elementsOf(doc)[1] as Element;
      a.appendChild(doc.createElementNS('urn:p', 'x'));
      expect(serialize(doc)).to.equal('<r xmlns:p="urn:p"><a><p:x/></a></r>');
      expectSame(a.firstChild as Node, 'prefixed');
    });
  });

  describe('properties', function () {
    // Thousands of documents each in CI, on a shared two-core machine.
    this.timeout(180_000);
    it('generated well-formed documents', () => {
      fc.assert(
        fc.property(wellFormedDocument, (text) => {
          // xmldom drops an empty CDATA section, which is then kept only beside text.
          if (!text.includes('<![CDATA[]]>')) expectSourceEverywhere(text, 'generated');
        }),
        { numRuns },
      );
    });
    it('generated documents after namespace-making mutations', () => {
      fc.assert(
        fc.property(wellFormedDocument, fc.array(mutation, { minLength: 1, maxLength: 8 }), (text, ops) => {
          const doc = parseXml(text);
          for (const op of ops) op(doc);
          expectCanonicallySame(doc, 'mutated');
          for (const [i, el] of elementsOf(doc).entries()) expectCanonicallySame(el, `mutated, element ${i}`);
        }),
        { numRuns },
      );
    });
  });

  it('writes a document fragment as its children, in the scope of none', () => {
    const doc = parseXml('<r xmlns:p="urn:p"/>');
    const fragment = doc.createDocumentFragment();
    fragment.appendChild(doc.createElementNS('urn:p', 'p:a'));
    fragment.appendChild(doc.createTextNode('&'));
    fragment.appendChild(doc.createElementNS('urn:q', 'b'));
    expectSame(fragment, 'fragment');
    expect(serialize(fragment)).to.equal('<p:a xmlns:p="urn:p"/>&amp;<b xmlns="urn:q"/>');
  });

  describe('leaves to xmldom what it does not write itself', () => {
    it('an element in the XHTML namespace (XMLSerializer closes empty ones by HTML rules)', () => {
      const doc = parseXml('<r><x:br xmlns:x="http://www.w3.org/1999/xhtml"/></r>');
      expect(serializeNode(doc)).to.equal(undefined);
      expect(serialize(doc)).to.equal(serializeWithXmldom(doc));
      expect(serialize(doc)).to.include('<x:br');
    });
    it('a document with a document type', () => {
      const impl = parseXml('<r/>').implementation;
      const doc = impl.createDocument(null, 'r', impl.createDocumentType('r', '', ''));
      expect(serializeNode(doc)).to.equal(undefined);
      expect(serialize(doc)).to.equal('<!DOCTYPE r><r/>');
    });
  });
});

// ---- Mutations that make the serializer declare or choose namespaces ----

type Mutation = (doc: Document) => void;

const URIS = ['urn:a', 'urn:b', 'http://ovirt.org/vm/1.0'];
const QNAMES = ['x', 'p:x', 'q:y', 'ovirt-vm:device'];

function elementAt(doc: Document, k: number): Element {
  const all = elementsOf(doc);
  return all[k % all.length] as Element;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // An element in a namespace, prefixed or not, declared above or not.
  fc
    .tuple(fc.nat(), fc.constantFrom(...URIS), fc.constantFrom(...QNAMES))
    .map(([k, uri, qname]): Mutation => (doc) => {
      elementAt(doc, k).appendChild(doc.createElementNS(uri, qname));
    }),
  // An element in no namespace (under a default namespace, it is written unprefixed all the same).
  fc.nat().map((k): Mutation => (doc) => {
    elementAt(doc, k).appendChild(doc.createElementNS(null, 'plain'));
  }),
  // A namespaced attribute, whose prefix may be bound to another namespace in scope.
  fc
    .tuple(fc.nat(), fc.constantFrom(...URIS), fc.constantFrom('p:a', 'q:b', 'ovirt-vm:c'), fc.string())
    .map(([k, uri, qname, value]): Mutation => (doc) => {
      elementAt(doc, k).setAttributeNS(uri, qname, value);
    }),
  // Declarations: a default namespace, or a prefix, set on an element.
  fc
    .tuple(fc.nat(), fc.constantFrom('xmlns', 'xmlns:p', 'xmlns:q'), fc.constantFrom(...URIS, ''))
    .map(([k, name, uri]): Mutation => (doc) => {
      elementAt(doc, k).setAttributeNS('http://www.w3.org/2000/xmlns/', name, uri);
    }),
  // Text, CDATA, comments and instructions with characters that need escaping.
  fc
    .tuple(fc.nat(), fc.constantFrom('text', 'cdata', 'comment', 'pi'), fc.string())
    .map(([k, kind, data]): Mutation => (doc) => {
      const el = elementAt(doc, k);
      const s = `${data}<&>"]]>\r\t\n`;
      if (kind === 'text') el.appendChild(doc.createTextNode(s));
      else if (kind === 'cdata') {
        const cdata = doc.createCDATASection('');
        cdata.appendData(s);
        el.appendChild(cdata);
      } else if (kind === 'comment') el.appendChild(doc.createComment(data));
      else el.appendChild(doc.createProcessingInstruction('pi', data));
    }),
  // An element moved elsewhere, out of the scope of its declarations (unless that is a cycle).
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    const a = elementAt(doc, k);
    const b = elementAt(doc, j);
    if (a === doc.documentElement || a.contains(b) || a === b.firstChild) return;
    b.insertBefore(a, b.firstChild);
  }),
  // An attribute removed (a declaration among them), the others moving up.
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    const el = elementAt(doc, k);
    const a = el.attributes.item(j % Math.max(1, el.attributes.length));
    if (a !== null) el.removeAttributeNode(a);
  }),
  // An element removed, leaving its parent empty or not.
  fc.nat().map((k): Mutation => (doc) => {
    const a = elementAt(doc, k);
    if (a !== doc.documentElement && a.parentNode !== null && a.parentNode.nodeType === NODE.ELEMENT)
      a.parentNode.removeChild(a);
  }),
);
