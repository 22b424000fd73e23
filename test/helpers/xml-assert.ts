import { expect } from 'chai';
import { canonicalDiff, parseXml, positionOf } from '../../src/xml/index.js';
import type { Document, Element, Node } from '../../src/xml/index.js';

/** Asserts two XML texts or nodes are canonically equal, naming the first difference. */
export function assertXmlEqual(actual: string | Node, expected: string | Node): void {
  const a = typeof actual === 'string' ? parseXml(actual, { source: 'actual' }) : actual;
  const b = typeof expected === 'string' ? parseXml(expected, { source: 'expected' }) : expected;
  const diff = canonicalDiff(a, b);
  expect(diff, diff).to.equal(undefined);
}

/** Every element of the document, in document order. */
export function elementsOf(doc: Document): Element[] {
  const all = doc.getElementsByTagName('*');
  return Array.from({ length: all.length }, (_, i) => all.item(i) as Element);
}

/** The element that starts at line:column of a parsed document (where errors point). */
export function elementAt(doc: Document, where: { line?: number; column?: number }): Element {
  const el = elementsOf(doc).find((e) => {
    const p = positionOf(e);
    return p.line === where.line && p.column === where.column;
  });
  if (el === undefined) throw new Error(`no element starts at ${where.line ?? '?'}:${where.column ?? '?'}`);
  return el;
}
