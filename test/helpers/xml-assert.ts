import { expect } from 'chai';
import { canonicalDiff, parseXml } from '../../src/xml/index.js';
import type { Node } from '../../src/xml/index.js';

/** Asserts two XML texts or nodes are canonically equal, naming the first difference. */
export function assertXmlEqual(actual: string | Node, expected: string | Node): void {
  const a = typeof actual === 'string' ? parseXml(actual, { source: 'actual' }) : actual;
  const b = typeof expected === 'string' ? parseXml(expected, { source: 'expected' }) : expected;
  const diff = canonicalDiff(a, b);
  expect(diff, diff).to.equal(undefined);
}
