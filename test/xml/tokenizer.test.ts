/**
 * The tokenizer's events (readXml, no Document built) against a walk (walkXml) over the Document
 * xmldom's own DOMParser builds from the same text: both sources must report the same elements,
 * names, namespaces, attributes, character data, comments, processing instructions and positions,
 * since one consumer (the xmlpickle decoder) reads either. And readXml refuses what parseXml
 * refuses, with the same error.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VmDevicesError } from '../../src/errors.js';
import { parseXml, readXml, walkXml } from '../../src/xml/index.js';
import type { Document, StartTag, XmlEventSource, XmlHandler } from '../../src/xml/index.js';
import { CORPUS, listFixtures, readFixture, requireCorpus } from '../helpers/fixtures.js';
import { wellFormedDocument } from '../helpers/xml-arbitrary.js';

const numRuns = process.env['CI'] ? 1000 : 200;

/** The events inside the root element, as lines; adjacent character data merged, as xmldom merges it. */
class Recorder implements XmlHandler {
  readonly lines: string[] = [];
  private events!: XmlEventSource;
  private lastWasText = false;
  private depth = 0;
  private textHead = '';
  private textData = '';

  begin(events: XmlEventSource): void {
    this.events = events;
  }

  private at(): string {
    const { line, column } = this.events.positionOf(this.events.mark());
    return `@${line ?? '?'}:${column ?? '?'}`;
  }

  private push(line: string): void {
    // A walk starts at the root element: what is outside it is not compared.
    if (this.depth === 0) return;
    this.lines.push(line);
    this.lastWasText = false;
  }

  startElement(tag: StartTag): void {
    this.depth++;
    const attrs = ['type', 'name', 'key', 'xmlns', 'missing'].map((a) => `${a}=${String(tag.attribute(a))}`);
    this.push(
      `<${tag.qname} {${String(tag.namespaceURI)}}${tag.localName} prefix=${String(tag.prefix)} ${attrs.join(' ')} ${this.at()}`,
    );
  }
  endElement(): void {
    this.push('>');
    this.depth--;
  }
  text(data: string): void {
    if (this.lastWasText) {
      this.textData += data;
      this.lines[this.lines.length - 1] = `${this.textHead} ${JSON.stringify(this.textData)}`;
      return;
    }
    this.textHead = `text ${this.at()}`;
    this.textData = data;
    this.push(`${this.textHead} ${JSON.stringify(data)}`);
    this.lastWasText = true;
  }
  cdata(data: string): void {
    // xmldom drops an empty section, and the text around it is one node.
    if (data !== '') this.push(`cdata ${this.at()} ${JSON.stringify(data)}`);
  }
  comment(data: string): void {
    this.push(`comment ${this.at()} ${JSON.stringify(data)}`);
  }
  processingInstruction(target: string, data: string): void {
    this.push(`pi ${this.at()} ${target} ${JSON.stringify(data)}`);
  }
  outerSpace(): void {
    // Nothing.
  }
  xmlDeclaration(): void {
    // Nothing.
  }
}

function fromText(text: string): string[] {
  const r = new Recorder();
  readXml(text, r);
  return r.lines;
}

function fromDocument(doc: Document): string[] {
  const r = new Recorder();
  if (doc.documentElement !== null) walkXml(doc.documentElement, r);
  return r.lines;
}

function expectSameEvents(text: string, label: string): void {
  const expected = fromDocument(parseXml(text, { engine: 'xmldom' }));
  const actual = fromText(text);
  const i = actual.findIndex((line, k) => line !== expected[k]);
  expect(
    i === -1 && actual.length === expected.length,
    `${label}: event ${i}: ${actual[i] ?? '(none)'} != ${expected[i] ?? '(none)'}`,
  ).to.equal(true);
}

describe('tokenizer events (readXml) and walkXml', () => {
  const corpus = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.xml')) : [];

  it('report every corpus document alike', function () {
    requireCorpus(this);
    expect(corpus.length).to.be.greaterThan(100);
    for (const f of corpus) expectSameEvents(readFileSync(join(CORPUS, f), 'utf8'), f);
  });

  it('report every well-formed fixture alike', () => {
    const files = [
      ...listFixtures('xml/wellformed'),
      ...listFixtures('domains'),
      ...listFixtures('metadata/descriptor'),
    ].filter((f) => f.endsWith('.xml'));
    expect(files.length).to.be.greaterThan(20);
    for (const rel of files) expectSameEvents(readFixture(rel), rel);
  });

  it('report generated documents alike', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(wellFormedDocument, (text) => {
        expectSameEvents(text, 'generated');
      }),
      { numRuns },
    );
  });

  it('readXml refuses every malformed fixture with the error parseXml gives', () => {
    const files = [...listFixtures('xml/malformed'), ...listFixtures('xml/stricter')];
    expect(files.length).to.be.greaterThan(40);
    for (const rel of files) {
      const text = readFixture(rel);
      const error = (f: () => unknown): string => {
        try {
          f();
        } catch (e) {
          if (e instanceof VmDevicesError) return e.format();
          throw e;
        }
        return 'accepted';
      };
      const parsed = error(() => parseXml(text, { source: rel }));
      expect(parsed, rel).to.not.equal('accepted');
      expect(
        error(() => readXml(text, new Recorder(), { source: rel })),
        rel,
      ).to.equal(parsed);
    }
  });

  it('a start tag with many attributes still finds a duplicate', () => {
    const attrs = Array.from({ length: 40 }, (_, i) => `a${i}="${i}"`).join(' ');
    expect(fromText(`<r ${attrs}/>`)).to.have.length(2);
    expect(() => fromText(`<r ${attrs} a17="x"/>`)).to.throw(
      VmDevicesError,
      'attribute a17 appears twice on <r>',
    );
  });
});
