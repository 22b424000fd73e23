/**
 * Elements whose attributes are read from their start tag until xmldom's code asks for attribute
 * nodes (src/xml/start-tag.ts): the library's reads give what xmldom's DOMParser gives, without
 * making the nodes; the nodes, when made, are DOMParser's; and every way of changing or copying
 * such an element sees its attributes.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { canonicalDiff, parseXml, selectNodes, serialize, serializeWithXmldom } from '../../src/xml/index.js';
import type { Element } from '../../src/xml/index.js';
import { isLazy, spaceStartBefore, tagEndAt } from '../../src/xml/start-tag.js';
import { attributesOf, getAttr, removeAttr, setAttr } from '../../src/xml/tree.js';
import { CORPUS, requireCorpus, xmlFilesUnder } from '../helpers/fixtures.js';
import { elementsOf } from '../helpers/xml-assert.js';

/** What xmldom's DOMParser gives for the element's attributes: [name, value, line, column]. */
function domParserAttributes(el: Element): [string, string, number, number][] {
  return Array.from({ length: el.attributes.length }, (_, i) => {
    const a = el.attributes.item(i) as unknown as {
      name: string;
      value: string;
      lineNumber: number;
      columnNumber: number;
    };
    return [a.name, a.value, a.lineNumber, a.columnNumber];
  });
}

describe('attributes read from the start tag (start-tag.ts)', () => {
  let corpus: string[] = [];
  before(function () {
    requireCorpus(this);
    corpus = xmlFilesUnder(CORPUS);
  });

  it('finds an attribute by its whole name, whatever the quotes and the white space around =', () => {
    const el = parseXml("<a bus='1' busy = \"2\"\n\tb\t=\n'x y' c=\"it's\"/>").documentElement!;
    expect(isLazy(el)).to.equal(true);
    expect(['bus', 'busy', 'b', 'c', 'bu', 'us', 'd'].map((n) => getAttr(el, n))).to.deep.equal([
      '1',
      '2',
      'x y',
      "it's",
      undefined,
      undefined,
      undefined,
    ]);
    expect(getAttr(parseXml('<a></a>').documentElement!, 'a')).to.equal(undefined);
  });

  it('read without making attribute nodes, they equal DOMParser’s on every corpus document', () => {
    let lazy = 0;
    let all = 0;
    for (const f of corpus) {
      const text = readFileSync(f, 'utf8');
      const fresh = elementsOf(parseXml(text));
      const reference = elementsOf(parseXml(text, { engine: 'xmldom' }));
      expect(fresh.length, f).to.equal(reference.length);
      fresh.forEach((el, i) => {
        const ref = reference[i] as Element;
        const wasLazy = isLazy(el);
        const expected = domParserAttributes(ref).map(([n, v]) => [n, v]);
        expect(attributesOf(el), `${f} <${el.nodeName}> ${i}`).to.deep.equal(expected);
        for (const [name, value] of expected)
          expect(getAttr(el, name as string), `${f} @${name}`).to.equal(value);
        expect(getAttr(el, 'no-such-attribute')).to.equal(undefined);
        // Reading through the library's helpers makes no nodes.
        expect(isLazy(el), `${f} <${el.nodeName}> ${i}`).to.equal(wasLazy);
        if (wasLazy) lazy++;
        all++;
      });
    }
    // Most elements of real domains qualify (the rest declare namespaces or need decoding).
    expect(lazy / all).to.be.greaterThan(0.9);
  });

  it('serialize and canonical comparison read them too, with the same result as on the nodes', () => {
    for (const f of corpus) {
      const text = readFileSync(f, 'utf8');
      const fresh = parseXml(text);
      const reference = parseXml(text, { engine: 'xmldom' });
      expect(canonicalDiff(fresh, reference), f).to.equal(undefined);
      const written = serialize(fresh);
      expect(elementsOf(fresh).some(isLazy), f).to.equal(true);
      // The source as written (serialize.ts), which xmldom's serializer writes canonically alike.
      expect(written, f).to.equal(text);
      expect(canonicalDiff(parseXml(serializeWithXmldom(reference)), parseXml(written)), f).to.equal(
        undefined,
      );
    }
  });

  it('the attribute nodes, made on first use, are DOMParser’s, positions included', () => {
    const text =
      '<a  x = "1"\n   y=\'say "hi" > there\'\tz="a=b/c" ><b w="&amp; &lt;"/><c v="two\nlines"/><d xmlns:p="urn:p" p:q="1"/></a>';
    const fresh = parseXml(text);
    const reference = parseXml(text, { engine: 'xmldom' });
    const [a, b, c, d] = elementsOf(fresh) as [Element, Element, Element, Element];
    // Only the start tags that read as written wait: references, white space to normalize, namespaces do not.
    expect([a, b, c, d].map(isLazy)).to.deep.equal([true, false, false, false]);
    expect(attributesOf(a)).to.deep.equal([
      ['x', '1'],
      ['y', 'say "hi" > there'],
      ['z', 'a=b/c'],
    ]);
    elementsOf(reference).forEach((ref, i) => {
      const el = elementsOf(fresh)[i] as Element;
      expect(domParserAttributes(el), el.nodeName).to.deep.equal(domParserAttributes(ref));
      expect(isLazy(el)).to.equal(false);
      for (let j = 0; j < el.attributes.length; j++) {
        expect(el.attributes.item(j)?.ownerElement).to.equal(el);
        expect(el.getAttributeNode(el.attributes.item(j)?.name ?? '')).to.equal(el.attributes.item(j));
      }
    });
  });

  describe('every way of reading or changing such an element sees its attributes', () => {
    const lazyRoot = (): Element => {
      const el = parseXml('<disk type="file" device="disk"><target dev="vda"/></disk>')
        .documentElement as Element;
      expect(isLazy(el)).to.equal(true);
      return el;
    };

    it('xmldom’s own reads make the nodes', () => {
      const el = lazyRoot();
      expect(el.getAttribute('device')).to.equal('disk');
      expect(isLazy(el)).to.equal(false);
      expect(el.hasAttribute('type')).to.equal(true);
      expect(el.attributes.length).to.equal(2);
    });

    it('setting, replacing and removing', () => {
      const el = lazyRoot();
      setAttr(el, 'type', 'block');
      setAttr(el, 'snapshot', 'no');
      removeAttr(el, 'device');
      expect(attributesOf(el)).to.deep.equal([
        ['type', 'block'],
        ['snapshot', 'no'],
      ]);
      expect(serialize(el)).to.equal('<disk type="block" snapshot="no"><target dev="vda"/></disk>');
    });

    it('a clone has its own attributes, and changing it leaves the original alone', () => {
      const el = lazyRoot();
      const clone = el.cloneNode(true) as Element;
      expect(isLazy(clone)).to.equal(false);
      setAttr(clone, 'type', 'network');
      expect(getAttr(clone, 'type')).to.equal('network');
      expect(getAttr(el, 'type')).to.equal('file');
      const target = clone.firstChild as Element;
      expect(getAttr(target, 'dev')).to.equal('vda');
      const other = parseXml('<domain/>');
      const imported = other.importNode(el, true);
      expect(serialize(imported)).to.equal(serialize(el));
    });

    it('xpath selects by attribute', () => {
      const el = lazyRoot();
      expect(selectNodes('./target[@dev="vda"]', el)).to.have.length(1);
      expect(selectNodes('@device', el).map((n) => n.nodeValue)).to.deep.equal(['disk']);
    });
  });
});

describe('where a start tag ends (tagEndAt, spaceStartBefore)', () => {
  it("finds the tag's '>' or '/>' past values that hold them, and the white space before it", () => {
    const text = `<r><a k='>' j="/>"  \n/><b/><c x="1">t</c></r>`;
    const [, a, b, c] = elementsOf(parseXml(text));
    const ends = [a, b, c].map((el) => {
      const at = text.indexOf(`<${el!.tagName}`);
      const end = tagEndAt(el!, at);
      return [text.slice(spaceStartBefore(text, end), end + 1), text.slice(at, spaceStartBefore(text, end))];
    });
    expect(ends).to.deep.equal([
      ['  \n/', `<a k='>' j="/>"`],
      ['/', '<b'],
      ['>', '<c x="1"'],
    ]);
  });
});
