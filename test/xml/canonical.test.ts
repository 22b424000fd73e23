import { expect } from 'chai';
import { canonicalDiff, canonicalEqual, parseXml } from '../../src/xml/index.js';

/** The canonical difference between two XML texts. */
function diff(a: string, b: string): string | undefined {
  return canonicalDiff(parseXml(a), parseXml(b));
}

describe('canonical comparison (canonical.ts)', () => {
  it('ignores attribute order', () => {
    expect(diff('<a x="1" y="2"/>', '<a y="2" x="1"/>')).to.equal(undefined);
    expect(canonicalEqual(parseXml('<a x="1" y="2"/>'), parseXml('<a y="2" x="1"/>'))).to.equal(true);
  });

  it('compares namespaces by URI, whatever the prefix (or a default namespace)', () => {
    const a = '<m:meta xmlns:m="urn:x" xmlns:q="urn:q" q:k="v"><m:vm/></m:meta>';
    const b = '<meta xmlns="urn:x" xmlns:r="urn:q" r:k="v"><vm/></meta>';
    expect(diff(a, b)).to.equal(undefined);
    expect(diff('<m:a xmlns:m="urn:x"/>', '<m:a xmlns:m="urn:y"/>')).to.equal(
      '/m:a: element {urn:x}a differs from {urn:y}a',
    );
    expect(diff('<a xmlns:m="urn:x" m:k="1"/>', '<a xmlns:m="urn:y" m:k="1"/>')).to.equal(
      '/a/@{urn:x}k: attribute missing on the right',
    );
  });

  it('ignores whitespace-only text, but not text that differs', () => {
    expect(diff('<a>\n  <b/>\n  <c/>\n</a>', '<a><b/><c/></a>')).to.equal(undefined);
    expect(diff('<a><b>x</b></a>', '<a><b>y</b></a>')).to.equal('/a/b/text(): "x" differs from "y"');
    expect(diff('<a><b> x</b></a>', '<a><b>x</b></a>')).to.equal('/a/b/text(): " x" differs from "x"');
  });

  it('treats adjacent text and CDATA as one value', () => {
    expect(diff('<a>ab<![CDATA[c]]></a>', '<a>abc</a>')).to.equal(undefined);
  });

  it('compares comments and processing instructions', () => {
    expect(diff('<a><!--x--></a>', '<a><!--x--></a>')).to.equal(undefined);
    expect(diff('<a><!--x--></a>', '<a><!--y--></a>')).to.equal('/a/node()[1]: comment "x" differs from "y"');
    expect(diff('<a><?p data?></a>', '<a><?p other?></a>')).to.equal(
      '/a/node()[1]: pi "data" differs from "other"',
    );
    expect(diff('<a><?p data?></a>', '<a><?q data?></a>')).to.match(/^\/a\/node\(\)\[1\]: pi /);
    expect(diff('<a><!--x--></a>', '<a><?x?></a>')).to.equal('/a/node()[1]: comment differs from pi');
  });

  it('reports the first difference as an XML path: element, attribute, text, child count', () => {
    expect(diff('<a><b/><c/></a>', '<a><b/><d/></a>')).to.equal('/a/c: element {}c differs from {}d');
    expect(diff('<a><b x="1"/></a>', '<a><b x="2"/></a>')).to.equal('/a/b/@x: "1" differs from "2"');
    expect(diff('<a><b/></a>', '<a><b x="2"/></a>')).to.equal('/a/b/@x: attribute missing on the left');
    expect(diff('<a><b x="1"/></a>', '<a><b/></a>')).to.equal('/a/b/@x: attribute missing on the right');
    expect(diff('<a><b/><b/></a>', '<a><b/></a>')).to.equal('/a/node()[2]: <b> differs from nothing');
    expect(diff('<a/>', '<a>t</a>')).to.equal('/a/node()[1]: nothing differs from text "t"');
    expect(diff('<a><b/>t</a>', '<a><b/><c/></a>')).to.equal('/a/node()[2]: text "t" differs from <c>');
  });

  it('names the indexed path of the first differing element among same-named siblings', () => {
    expect(diff('<a><b/><b><c/></b></a>', '<a><b/><b><d/></b></a>')).to.equal(
      '/a/b[2]/c: element {}c differs from {}d',
    );
  });

  it('reports the first difference in document order, not a later one', () => {
    expect(diff('<a><b x="1"/><c y="1"/></a>', '<a><b x="2"/><c y="2"/></a>')).to.equal(
      '/a/b/@x: "1" differs from "2"',
    );
  });

  it('compares 10,000 levels of nesting without overflowing the stack', () => {
    const depth = 10000;
    const deep = (leaf: string): string => '<e>'.repeat(depth) + leaf + '</e>'.repeat(depth);
    const opts = { maxDepth: depth + 10 };
    expect(canonicalDiff(parseXml(deep('x'), opts), parseXml(deep('x'), opts))).to.equal(undefined);
    const d = canonicalDiff(parseXml(deep('x'), opts), parseXml(deep('y'), opts));
    expect(d).to.match(/\/text\(\): "x" differs from "y"$/);
    expect(d?.split('/e').length).to.equal(depth + 1);
  });
});
