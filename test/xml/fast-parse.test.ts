/**
 * The fast engine (our tokenizer building xmldom's DOM) against xmldom's own DOMParser: on every corpus
 * document, every XML fixture, generated well-formed documents and garbled corpus documents, both
 * must build the same document (same nodes, names, namespaces, attributes in order, positions,
 * serialization) or both refuse it; the only inputs where they part are the ones xmldom wrongly
 * accepts, listed in STRICTER below.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XmlLimitError, XmlParseError, VmDevicesError } from '../../src/errors.js';
import { canonicalDiff, NODE, parseXml, serialize, serializeWithXmldom } from '../../src/xml/index.js';
import type { Document, Element, Node } from '../../src/xml/index.js';
import {
  CORPUS,
  expectGolden,
  FIXTURES,
  listFixtures,
  readFixture,
  requireCorpus,
  xmlFilesUnder,
} from '../helpers/fixtures.js';
import { wellFormedDocument } from '../helpers/xml-arbitrary.js';
import { writtenBack } from '../helpers/line-ends.js';

const numRuns = process.env['CI'] ? 1000 : 200;

type Engine = 'xmldom' | 'fast';
type Outcome = { doc: Document; error?: undefined } | { doc?: undefined; error: VmDevicesError };

function attempt(text: string, engine: Engine, source = 'test.xml'): Outcome {
  try {
    return { doc: parseXml(text, { source, engine }) };
  } catch (e) {
    if (e instanceof XmlParseError || e instanceof XmlLimitError) return { error: e };
    throw e;
  }
}

/**
 * Where xmldom accepts what XML 1.0 (or Namespaces in XML 1.0) forbids, and the fast engine refuses
 * it: the fast engine's message for each, and the rule xmldom does not apply. Each was checked with
 * libxml2 (xmllint), which refuses all of them too.
 */
const STRICTER: [RegExp, string][] = [
  [/^the value of attribute .+ is not quoted/, 'AttValue is quoted (production [10])'],
  [/^attribute .+ has no value/, 'an attribute has = and a value ([41])'],
  [/^no whitespace between attributes /, 'attributes are separated by whitespace ([40], [44])'],
  [/^'\/' in the start tag of <.+> must be followed by '>'$/, "an empty-element tag ends with '/>' ([44])"],
  [/^'&' does not start an entity or character reference/, "a literal '&' in content is escaped ([14])"],
  [
    /^undefined entity |^malformed (?:entity|character) reference |^empty entity reference/,
    "a reference is complete and names a declared entity ([66]-[68], WFC Entity Declared); xmldom keeps as text what it does not take for one ('&é;', '&#;')",
  ],
  [/^']]>' is not allowed in text/, "']]>' does not occur in character data ([14])"],
  [/^CDATA section outside the root element$/, 'CDATA sections occur only in content ([43])'],
  [
    /^text outside the root element$/,
    'only markup and #x20 #x9 #xD #xA outside the root ([1], [3], [27]); xmldom drops any JavaScript whitespace (U+00A0, U+2028, U+FEFF...) at the end of the text',
  ],
  [/^character .* is not allowed here$/, 'documents consist of Char only ([2])'],
  [
    /^character U\+[0-9A-F]+ is not allowed in a name$/,
    "names consist of NameChar ([4], [4a]); xmldom's pattern also lets U+037E and U+F0000 to U+10FFFF in",
  ],
  [/^lone surrogate /, 'documents consist of Char only ([2]); a lone surrogate is not a character'],
  [/^character reference .* is not a character XML 1.0 allows$/, 'Legal Character constraint ([66])'],
  [/^attribute \{.*\}.+ appears twice on </, 'Namespaces: attributes unique by expanded name (section 6.3)'],
  [
    /^xmlns:.*="": a prefix cannot be undeclared in XML 1.0$/,
    'Namespaces 1.0: no prefix undeclaring (section 5)',
  ],
  [
    /^the prefix xml must be bound to|belongs to the prefix xml only$/,
    'Namespaces: the xml prefix binding (section 3)',
  ],
  [
    /^the prefix xmlns must not be declared$|^the namespace http:\/\/www.w3.org\/2000\/xmlns\/ must not be declared$/,
    'Namespaces: the xmlns prefix and namespace are reserved (section 3)',
  ],
];

function stricterRule(error: VmDevicesError): string | undefined {
  return STRICTER.find(([re]) => re.test(error.detail))?.[1];
}

interface Positioned {
  lineNumber?: number;
  columnNumber?: number;
  _nsMap?: Record<string, string>;
}

/**
 * The first difference between two documents, down to what xmldom keeps per node: type, names,
 * namespace, value, attributes in order, positions (of attributes too), xmldom's per-element
 * namespace map, and the consistency of the links and lists between nodes. Iterative: documents
 * may be deep.
 */
function treeDiff(a: Document, b: Document): string | undefined {
  const stack: [Node, Node, string][] = [[a, b, '']];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop() as [Node, Node, string];
    const here = `${path}/${x.nodeName}`;
    for (const key of ['nodeType', 'nodeName', 'nodeValue', 'namespaceURI', 'prefix', 'localName'] as const) {
      if (x[key] !== y[key]) return `${here}: ${key} ${JSON.stringify(x[key])} != ${JSON.stringify(y[key])}`;
    }
    const lx = (x as unknown as { length?: unknown }).length;
    const ly = (y as unknown as { length?: unknown }).length;
    if (lx !== ly) return `${here}: length ${String(lx)} != ${String(ly)}`;
    const px = x as unknown as Positioned;
    const py = y as unknown as Positioned;
    if (
      x.nodeType !== NODE.DOCUMENT &&
      (px.lineNumber !== py.lineNumber || px.columnNumber !== py.columnNumber)
    ) {
      return `${here}: at ${px.lineNumber}:${px.columnNumber} != ${py.lineNumber}:${py.columnNumber}`;
    }
    if (x.ownerDocument !== a || y.ownerDocument !== b) return `${here}: wrong ownerDocument`;
    if (x.nodeType === NODE.ELEMENT) {
      const ex = x as Element;
      const ey = y as Element;
      if (ex.tagName !== ey.tagName) return `${here}: tagName`;
      if (
        JSON.stringify(Object.entries(px._nsMap ?? {})) !== JSON.stringify(Object.entries(py._nsMap ?? {}))
      ) {
        return `${here}: namespace map ${JSON.stringify(px._nsMap)} != ${JSON.stringify(py._nsMap)}`;
      }
      if (ex.attributes.length !== ey.attributes.length) return `${here}: ${ex.attributes.length} attributes`;
      for (let i = 0; i < ex.attributes.length; i++) {
        const ax = ex.attributes.item(i);
        const ay = ey.attributes.item(i);
        if (ax === null || ay === null) return `${here}: attribute ${i} missing`;
        for (const key of [
          'name',
          'value',
          'nodeValue',
          'namespaceURI',
          'prefix',
          'localName',
          'specified',
        ] as const) {
          if (ax[key] !== ay[key])
            return `${here}/@${ax.name}: ${key} ${String(ax[key])} != ${String(ay[key])}`;
        }
        const qx = ax as unknown as Positioned;
        const qy = ay as unknown as Positioned;
        if (qx.lineNumber !== qy.lineNumber || qx.columnNumber !== qy.columnNumber) {
          return `${here}/@${ax.name}: at ${qx.lineNumber}:${qx.columnNumber} != ${qy.lineNumber}:${qy.columnNumber}`;
        }
        if (ax.ownerElement !== ex || ay.ownerElement !== ey)
          return `${here}/@${ax.name}: wrong ownerElement`;
        if (ey.getAttributeNodeNS(ay.namespaceURI, ay.localName ?? '') !== ay)
          return `${here}/@${ay.name}: not indexed`;
      }
    }
    const cx = childrenOf(x);
    const cy = childrenOf(y);
    if (typeof cy === 'string') return `${here}: ${cy}`;
    if (typeof cx === 'string') return `${here}: (xmldom) ${cx}`;
    if (cx.length !== cy.length) return `${here}: ${cx.length} children != ${cy.length}`;
    for (let i = cx.length - 1; i >= 0; i--) stack.push([cx[i] as Node, cy[i] as Node, here]);
  }
  if (a.documentElement?.nodeName !== b.documentElement?.nodeName) return 'documentElement';
  return undefined;
}

/** The children by sibling links, checked against childNodes, parentNode and the back links. */
function childrenOf(n: Node): Node[] | string {
  const out: Node[] = [];
  let prev: Node | null = null;
  for (let c = n.firstChild; c !== null; c = c.nextSibling) {
    if (c.parentNode !== n) return `child ${out.length} has another parentNode`;
    if (c.previousSibling !== prev) return `child ${out.length} has a wrong previousSibling`;
    if (n.childNodes.item(out.length) !== c) return `childNodes[${out.length}] is not the child`;
    out.push(c);
    prev = c;
  }
  if (n.lastChild !== prev) return 'lastChild is not the last child';
  if (n.childNodes.length !== out.length)
    return `childNodes.length ${n.childNodes.length} for ${out.length} children`;
  return out;
}

/** Both engines build the same document, or both refuse the text, or the fast engine refuses it for a STRICTER rule. */
function expectSameOutcome(text: string, source: string): 'same' | 'refused' | 'stricter' {
  const x = attempt(text, 'xmldom', source);
  const f = attempt(text, 'fast', source);
  if (x.error !== undefined) {
    expect(f.error, `${source}: xmldom refuses (${x.error.message}), the fast engine accepts`).to.not.equal(
      undefined,
    );
    return 'refused';
  }
  if (f.error !== undefined) {
    expect(stricterRule(f.error), `${source}: only the fast engine refuses: ${f.error.format()}`).to.be.a(
      'string',
    );
    return 'stricter';
  }
  const diff = treeDiff(x.doc, f.doc) ?? canonicalDiff(x.doc, f.doc);
  expect(diff, `${source}: ${diff}`).to.equal(undefined);
  expect(serializeWithXmldom(f.doc), source).to.equal(serializeWithXmldom(x.doc));
  // The fast engine's document also writes back its source (in LF line ends unless CR LF ends every
  // line), but for the empty CDATA sections that xmldom drops where no text is around them.
  if (!text.includes('<![CDATA[]]>')) expect(serialize(f.doc), source).to.equal(writtenBack(text));
  return 'same';
}

describe('fast parse engine', () => {
  describe('builds the same documents as xmldom', () => {
    const corpus = existsSync(CORPUS)
      ? readdirSync(CORPUS)
          .filter((f) => f.endsWith('.xml'))
          .sort()
      : [];
    it('has the corpus to compare on', function () {
      requireCorpus(this);
      expect(corpus.length).to.be.greaterThan(100);
    });
    for (const f of corpus) {
      it(`corpus ${f}`, () => {
        expect(expectSameOutcome(readFileSync(join(CORPUS, f), 'utf8'), f)).to.equal('same');
      });
    }
    const refusals = new Set(['xml/malformed', 'xml/stricter']);
    for (const abs of xmlFilesUnder(FIXTURES)) {
      const rel = relative(FIXTURES, abs);
      if (refusals.has(rel.slice(0, rel.lastIndexOf('/')))) continue;
      it(`fixture ${rel}`, () => {
        expectSameOutcome(readFileSync(abs, 'utf8'), rel);
      });
    }
    for (const rel of listFixtures('xml/wellformed')) {
      it(`well-formed edge cases: ${rel}`, () => {
        expect(expectSameOutcome(readFixture(rel), rel)).to.equal('same');
      });
    }
    it('positions past what a node packs into one field: a column past 2047, a line past 524287', () => {
      // Nodes there, and their copies, carry their own lineNumber and columnNumber.
      const wide = `<a>${' '.repeat(3000)}<b>t</b><!--c-->${'\n'.repeat(600_000)}<c x="1">u</c></a>`;
      expect(expectSameOutcome(wide, 'wide.xml')).to.equal('same');
      const doc = parseXml(wide, { engine: 'fast' });
      const c = doc.getElementsByTagName('c').item(0) as unknown as Positioned & Element;
      expect([c.lineNumber, c.columnNumber]).to.deep.equal([600_001, 1]);
      const b = doc.getElementsByTagName('b').item(0) as unknown as Positioned & Element;
      expect([b.lineNumber, b.columnNumber]).to.deep.equal([1, 3004]);
      const copy = b.cloneNode(true) as unknown as Positioned & Element;
      expect([copy.lineNumber, copy.columnNumber]).to.deep.equal([1, 3004]);
      const text = copy.firstChild as unknown as Positioned;
      expect([text.lineNumber, text.columnNumber]).to.deep.equal([1, 3007]);
    });
  });

  describe('refuses what xmldom refuses', () => {
    const malformed = listFixtures('xml/malformed');
    it('has malformed fixtures', () => {
      expect(malformed.length).to.be.greaterThan(20);
    });
    for (const rel of malformed) {
      it(rel, () => {
        const x = attempt(readFixture(rel), 'xmldom', rel);
        const f = attempt(readFixture(rel), 'fast', rel);
        expect(x.error, 'xmldom').to.be.instanceOf(VmDevicesError);
        expect(f.error, 'fast').to.be.instanceOf(VmDevicesError);
        const e = f.error as VmDevicesError;
        expect(e.source).to.equal(rel);
        expect(e.line).to.be.a('number').and.to.be.at.least(1);
        expect(e.column).to.be.a('number').and.to.be.at.least(1);
      });
    }
    it('with messages as clear as xmldom', () => {
      // Both engines' complaints side by side, reviewed by eye.
      const lines = malformed.flatMap((rel) => {
        const text = readFixture(rel);
        const show = (o: Outcome) => (o.error === undefined ? 'accepted' : o.error.format());
        return [
          rel,
          `  fast:   ${show(attempt(text, 'fast', rel))}`,
          `  xmldom: ${show(attempt(text, 'xmldom', rel))}`,
        ];
      });
      expectGolden(lines.join('\n') + '\n', 'xml/malformed.golden.txt');
    });
  });

  describe('is stricter than xmldom only where XML 1.0 says xmldom is wrong', () => {
    const stricter = listFixtures('xml/stricter');
    it('has a fixture for each such rule', () => {
      const covered = new Set(
        stricter.map((rel) => stricterRule(attempt(readFixture(rel), 'fast', rel).error!)),
      );
      expect([...covered].sort()).to.deep.equal(
        [...new Set(STRICTER.map(([, rule]) => rule))].sort().filter((r) => !r.includes('lone surrogate')),
      );
    });
    for (const rel of stricter) {
      it(rel, () => {
        const text = readFixture(rel);
        expect(attempt(text, 'xmldom', rel).doc, 'xmldom accepts it').to.not.equal(undefined);
        expect(expectSameOutcome(text, rel)).to.equal('stricter');
        const e = attempt(text, 'fast', rel).error!;
        expect(e.line).to.be.at.least(1);
        expect(e.column).to.be.at.least(1);
      });
    }
    it('lone surrogates (which no UTF-8 fixture can hold)', () => {
      for (const text of ['<a>\uD800</a>', '<a b="x\uDC00"/>', '<a>\uD83D<</a>', '<a><!--\uD800--></a>']) {
        const e = attempt(text, 'fast').error!;
        expect(e, JSON.stringify(text)).to.be.instanceOf(XmlParseError);
        expect(e.detail).to.match(/^lone surrogate U\+D[89A-F][0-9A-F]{2} is not a character$/);
        expect(expectSameOutcome(text, JSON.stringify(text))).to.not.equal('same');
      }
    });
    it('a duplicate attribute by namespace is refused, not silently dropped', () => {
      const text = '<a xmlns:p="urn:x" xmlns:q="urn:x" p:id="1" q:id="2"/>';
      // xmldom keeps only q:id: the value of p:id would be lost.
      expect(serialize(attempt(text, 'xmldom').doc!)).to.not.contain('p:id');
      expect(() => parseXml(text, { engine: 'fast' })).to.throw(
        XmlParseError,
        'attribute {urn:x}id appears twice on <a>',
      );
    });
  });

  describe('properties', function () {
    // Thousands of parses each in CI, on a shared two-core machine.
    this.timeout(180_000);
    it('generated well-formed documents: both engines agree byte for byte', () => {
      const features = new Map(
        [
          '<![CDATA[',
          '<!--',
          '<?',
          '<?xml ',
          'xmlns=',
          'xmlns:',
          ':',
          '&amp;',
          '&#',
          '\u2028',
          '\r',
          '😀',
          '/>',
        ].map((f) => [f, 0]),
      );
      fc.assert(
        fc.property(wellFormedDocument, (text) => {
          expect(expectSameOutcome(text, 'generated')).to.equal('same');
          for (const f of features.keys()) if (text.includes(f)) features.set(f, (features.get(f) ?? 0) + 1);
        }),
        { numRuns },
      );
      // The generator is not degenerate: every feature shows up.
      for (const [f, n] of features) expect(n, JSON.stringify(f)).to.be.greaterThan(numRuns / 50);
    });

    const corpusTexts = existsSync(CORPUS)
      ? readdirSync(CORPUS)
          .filter((f) => f.endsWith('.xml'))
          .sort()
          .map((f) => readFileSync(join(CORPUS, f), 'utf8'))
      : [];
    it('garbled corpus documents: the fast engine refuses whatever xmldom refuses, else both agree', function () {
      requireCorpus(this);
      expect(corpusTexts.length).to.be.greaterThan(100);
      const outcomes = new Map<string, number>();
      fc.assert(
        fc.property(
          fc.constantFrom(...corpusTexts),
          fc.array(edit, { minLength: 1, maxLength: 4 }),
          (text, edits) => {
            const outcome = expectSameOutcome(
              edits.reduce((t, e) => e(t), text),
              'garbled',
            );
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          },
        ),
        { numRuns },
      );
      // Both kinds of outcome occur: garbling keeps some documents well-formed (about one in ten)
      // and breaks others.
      expect(outcomes.get('same')).to.be.greaterThan(numRuns / 40);
      expect(outcomes.get('refused')).to.be.greaterThan(numRuns / 20);
    });

    it('DOM mutations act the same on both engines’ documents', function () {
      requireCorpus(this);
      // The largest domain of the corpus.
      const text = readFileSync(join(CORPUS, 'pcie-expander-bus.xml'), 'utf8');
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 12 }), (ops) => {
          const x = parseXml(text, { engine: 'xmldom' });
          const f = parseXml(text, { engine: 'fast' });
          // Live lists made before the mutations must follow them.
          const liveX = x.getElementsByTagName('*');
          const liveF = f.getElementsByTagName('*');
          for (const op of ops) {
            op(x);
            op(f);
            expect(treeDiff(x, f)).to.equal(undefined);
          }
          expect(serializeWithXmldom(f)).to.equal(serializeWithXmldom(x));
          expect(liveF.length).to.equal(liveX.length);
          expect(liveF.length).to.equal(f.getElementsByTagName('*').length);
          for (let i = 0; i < liveF.length; i++)
            expect(liveF.item(i)?.nodeName).to.equal(liveX.item(i)?.nodeName);
        }),
        { numRuns },
      );
    });
  });
});

// ---- Garbling: random edits of a document's text ----

// prettier-ignore
const SNIPPETS = [
  '<', '>', '&', ';', '"', "'", '/', '=', '!', '?', '-', '[', ']', ':', ' ', '\n', '\r\n', '\r', '\t', 'a', '#',
  '&amp;', '&lt;', '&x;', '&#', '&#x', '&#10;', '&#0;', '&é;', '&é', '<a>', '</a>', '<a/>', ']]>', '<!--', '-->',
  '<![CDATA[', '<?', '?>', '<?xml version="1.0"?>', '<!DOCTYPE a>', 'xmlns="urn:d"', 'xmlns:p="urn:p"',
  'xmlns:q="urn:p"', 'p:', 'q:', 'xml:', 'xmlns:', '\u0000', '\u0001', '\uFFFE', '\u2028', '\u0085', '😀',
  '\uD800', '\uDC00', '\uFEFF', 'é', '·', '\u0300', '\u037E', '\u{F0000}', '\u00A0', '1', '.',
];

type Edit = (text: string) => string;

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 4 })).map(([at, n]): Edit => (t) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + t.slice(i + n);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...SNIPPETS)).map(([at, s]): Edit => (t) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + s + t.slice(i);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...SNIPPETS)).map(([at, s]): Edit => (t) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + s + t.slice(i + 1);
  }),
  fc.nat().map(
    (at): Edit =>
      (t) =>
        t.slice(0, at % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 60 })).map(([from, to, n]): Edit => (t) => {
    const i = from % (t.length + 1);
    const j = to % (t.length + 1);
    return t.slice(0, j) + t.slice(i, i + n) + t.slice(j);
  }),
);

// ---- Mutations through xmldom's API, applied alike to both engines' documents ----

type Mutation = (doc: Document) => void;

function elementAt(doc: Document, k: number): Element {
  const all = doc.getElementsByTagName('*');
  return all.item(k % all.length) as Element;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom('disk', 'p:x')).map(([k, name]): Mutation => (doc) => {
    const el = elementAt(doc, k);
    el.appendChild(name.includes(':') ? doc.createElementNS('urn:p', name) : doc.createElement(name));
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    const el = elementAt(doc, k);
    const ref = el.childNodes.length === 0 ? null : el.childNodes.item(j % el.childNodes.length);
    el.insertBefore(doc.createTextNode(`t${j}`), ref);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    const el = elementAt(doc, k);
    if (el.childNodes.length > 0) el.removeChild(el.childNodes.item(j % el.childNodes.length) as Node);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    // Moves an element to become the first child of another one (unless that would be a cycle).
    // Not before itself: xmldom 0.9.12 then links the node to itself, whichever engine parsed.
    const a = elementAt(doc, k);
    const b = elementAt(doc, j);
    if (a === doc.documentElement || a.contains(b) || a === b.firstChild) return;
    b.insertBefore(a, b.firstChild);
  }),
  fc
    .tuple(fc.nat(), fc.constantFrom('type', 'name', 'new', 'xmlns:p'), fc.string({ maxLength: 5 }))
    .map(([k, name, value]): Mutation => (doc) => {
      const el = elementAt(doc, k);
      if (name === 'xmlns:p') el.setAttributeNS('http://www.w3.org/2000/xmlns/', name, 'urn:p');
      else el.setAttribute(name, value);
    }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    const el = elementAt(doc, k);
    const a = el.attributes.item(j % Math.max(1, el.attributes.length));
    if (a !== null) el.removeAttribute(a.name);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    const el = elementAt(doc, k);
    const c = el.childNodes.item(j % Math.max(1, el.childNodes.length));
    if (c !== null) el.replaceChild(doc.createComment('replaced'), c);
  }),
  fc.nat().map((k): Mutation => (doc) => {
    // Without a child to replace, xmldom's replaceChild appends.
    elementAt(doc, k).replaceChild(doc.createElement('r'), null as unknown as Node);
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.boolean()).map(([k, j, deep]): Mutation => (doc) => {
    // A copy of an element (with its subtree, attributes and namespace declarations) elsewhere.
    const copy = elementAt(doc, k).cloneNode(deep);
    const b = elementAt(doc, j);
    b.appendChild(copy);
  }),
  fc.tuple(fc.nat(), fc.string({ maxLength: 4 })).map(([k, text]): Mutation => (doc) => {
    // Replaces an element's children with one text node (none for '').
    const el = elementAt(doc, k);
    if (el !== doc.documentElement) el.textContent = text;
  }),
  fc.nat().map((k): Mutation => (doc) => {
    // Merges adjacent text nodes of a subtree.
    elementAt(doc, k).normalize();
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, j]): Mutation => (doc) => {
    // Text nodes edited in place.
    const el = elementAt(doc, k);
    const c = el.childNodes.item(j % Math.max(1, el.childNodes.length));
    if (c !== null && c.nodeType === NODE.TEXT)
      (c as unknown as { appendData(s: string): void }).appendData('+');
  }),
);
