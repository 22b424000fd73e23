/**
 * An edit changes only what it edits (src/xml/serialize.ts, verbatim.ts): whatever changes a parsed
 * document through xmldom's API directly, its output shows the change and keeps every other byte.
 */
import { expect } from 'chai';
import { canonicalDiff, insertIndented, parseXml, serialize } from '../../src/xml/index.js';
import type { Element } from '../../src/xml/index.js';
import { elementsOf } from '../helpers/xml-assert.js';

/** The document parsed from `text`, changed by `edit` (given its elements), written. */
function edited(text: string, edit: (els: Element[], doc: ReturnType<typeof parseXml>) => void): string {
  const doc = parseXml(text);
  edit(elementsOf(doc), doc);
  return serialize(doc);
}

describe('edits of a parsed document change only what they edit', () => {
  describe('attributes', () => {
    const TAG = "<r>\n  <a  x='1'\n     y=\"2\"\tz = '3' />\n</r>\n";
    it('a changed value keeps its place, spacing and quote, and the others their bytes', () => {
      expect(edited(TAG, ([, a]) => a?.setAttribute('y', '5'))).to.equal(
        "<r>\n  <a  x='1'\n     y=\"5\"\tz = '3' />\n</r>\n",
      );
      expect(edited(TAG, ([, a]) => a?.setAttribute('z', "it's <&>"))).to.equal(
        "<r>\n  <a  x='1'\n     y=\"2\"\tz = 'it&apos;s &lt;&amp;&gt;' />\n</r>\n",
      );
    });
    it('a value set through the attribute node itself shows too', () => {
      expect(
        edited(TAG, ([, a]) => {
          (a?.getAttributeNode('x') as { value: string }).value = '9';
        }),
      ).to.equal("<r>\n  <a  x='9'\n     y=\"2\"\tz = '3' />\n</r>\n");
    });
    it('a new attribute comes after the others, in the quote of the tag', () => {
      expect(edited(TAG, ([, a]) => a?.setAttribute('w', 'v"'))).to.equal(
        "<r>\n  <a  x='1'\n     y=\"2\"\tz = '3' w='v\"' />\n</r>\n",
      );
    });
    it('on a tag without attributes, in the quote the document uses', () => {
      expect(edited("<r q='1'><a/></r>", ([, a]) => a?.setAttribute('w', 'v'))).to.equal(
        "<r q='1'><a w='v'/></r>",
      );
      expect(edited('<r q="1"><a/></r>', ([, a]) => a?.setAttribute('w', 'v'))).to.equal(
        '<r q="1"><a w="v"/></r>',
      );
    });
    it('a removed attribute goes with the white space before it; the rest keeps its bytes', () => {
      expect(edited(TAG, ([, a]) => a?.removeAttribute('x'))).to.equal(
        '<r>\n  <a\n     y="2"\tz = \'3\' />\n</r>\n',
      );
      expect(edited(TAG, ([, a]) => a?.removeAttribute('z'))).to.equal(
        '<r>\n  <a  x=\'1\'\n     y="2" />\n</r>\n',
      );
    });
    it('values written with references keep them while unchanged', () => {
      const text = "<r a='&lt;&#x41;&#10;' b='x\ty' c='1'/>";
      expect(edited(text, ([r]) => r?.setAttribute('c', '2'))).to.equal(
        "<r a='&lt;&#x41;&#10;' b='x\ty' c='2'/>",
      );
      // Read as the parser reads them: a tab written as such is a space.
      expect(edited(text, ([r]) => r?.setAttribute('b', 'x\ty'))).to.equal(
        "<r a='&lt;&#x41;&#10;' b='x&#9;y' c='1'/>",
      );
      expect(edited(text, ([r]) => r?.setAttribute('a', '&lt;A\n'))).to.equal(
        "<r a='&amp;lt;A&#10;' b='x\ty' c='1'/>",
      );
    });
    it('namespace declarations and prefixed attributes keep their bytes', () => {
      const text = "<r xmlns:p='urn:p'  p:a='1'><p:e p:b = '2'/></r>";
      expect(edited(text, ([, e]) => e?.setAttribute('c', '3'))).to.equal(
        "<r xmlns:p='urn:p'  p:a='1'><p:e p:b = '2' c='3'/></r>",
      );
    });
    it("an element moved out of the scope of its namespace gets a declaration, in its tag's quote", () => {
      const text = "<r><s xmlns:p='urn:p'><p:e a='1'/></s></r>";
      expect(
        edited(text, ([r, , e]) => {
          r?.appendChild(e as Element);
        }),
      ).to.equal("<r><s xmlns:p='urn:p'/><p:e a='1' xmlns:p='urn:p'/></r>");
    });
  });

  describe('children', () => {
    it('a new child opens an empty element, however it was written', () => {
      for (const [text, out] of [
        ["<r><a x='1'/></r>", "<r><a x='1'><b/></a></r>"],
        ["<r><a x='1' /></r>", "<r><a x='1'><b/></a></r>"],
        ["<r><a x='1'></a></r>", "<r><a x='1'><b/></a></r>"],
      ] as const) {
        expect(
          edited(text, ([, a], doc) => a?.appendChild(doc.createElement('b'))),
          text,
        ).to.equal(out);
      }
    });
    it('an element emptied closes as `/>`; one written `<a></a>` stays so', () => {
      expect(
        edited("<r><a x='1'>\n  <b/>\n</a></r>", ([, a]) => {
          while (a?.firstChild) a.removeChild(a.firstChild);
        }),
      ).to.equal("<r><a x='1'/></r>");
      expect(edited('<r><a></a></r>', () => undefined)).to.equal('<r><a></a></r>');
    });
    it('a new element takes the quote of the document, its values escaped for it', () => {
      const add = ([r]: Element[], doc: ReturnType<typeof parseXml>): void => {
        const mtu = doc.createElement('mtu');
        mtu.setAttribute('size', `9'000"`);
        r?.appendChild(mtu);
        r?.appendChild(doc.createElementNS('urn:p', 'p:e'));
      };
      expect(edited("<r q='1'/>", add)).to.equal(
        `<r q='1'><mtu size='9&apos;000"'/><p:e xmlns:p='urn:p'/></r>`,
      );
      expect(edited('<r q="1"/>', add)).to.equal(
        `<r q="1"><mtu size="9'000&quot;"/><p:e xmlns:p="urn:p"/></r>`,
      );
    });
    it('an end tag with white space keeps it', () => {
      expect(edited('<r><a>x</a  ></r  >\n', () => undefined)).to.equal('<r><a>x</a  ></r  >\n');
    });
  });

  describe('text', () => {
    const text = '<r><a>x &amp; &#x41; > y</a><b>1 &lt; 2</b></r>';
    it('unchanged, it keeps its references and `>` as written', () => {
      expect(edited(text, () => undefined)).to.equal(text);
    });
    it('changed, it is written anew and alone', () => {
      expect(
        edited(text, ([, a]) => {
          (a?.firstChild as unknown as { data: string }).data = 'x & y';
        }),
      ).to.equal('<r><a>x &amp; y</a><b>1 &lt; 2</b></r>');
      expect(
        edited(text, ([, a]) => {
          (a?.firstChild as unknown as { nodeValue: string }).nodeValue = 'x & A > y';
        }),
      ).to.equal(text);
    });
  });

  // What is unchanged goes out as runs of the source (serialize.ts, addSource): a run must end
  // where the DOM stops saying what the source says, whatever the source goes on with.
  describe('around what changed, the source goes on from the right place', () => {
    it('text changed to the bytes that follow it in the source', () => {
      expect(
        edited('<r>ab<c/>b</r>', ([r]) => {
          (r?.firstChild as unknown as { data: string }).data = 'a';
        }),
      ).to.equal('<r>a<c/>b</r>');
      expect(
        edited('<r><a>x</a><a>x</a></r>', ([, a]) => {
          (a?.firstChild as unknown as { data: string }).data = 'x</a><a>x';
        }),
      ).to.equal('<r><a>x&lt;/a&gt;&lt;a&gt;x</a><a>x</a></r>');
    });
    it('an element moved, removed, or one put in its place', () => {
      const text = '<r>\n  <a k="1"/>\n  <b>t</b>\n  <c></c>\n</r>';
      expect(edited(text, ([r, a]) => r?.appendChild(a as Element))).to.equal(
        '<r>\n  \n  <b>t</b>\n  <c></c>\n<a k="1"/></r>',
      );
      expect(edited(text, ([r, , b]) => r?.removeChild(b as Element))).to.equal(
        '<r>\n  <a k="1"/>\n  \n  <c></c>\n</r>',
      );
      expect(
        edited(text, ([r, a], doc) => {
          const twin = doc.createElement('a');
          twin.setAttribute('k', '1');
          r?.replaceChild(twin, a as Element);
        }),
      ).to.equal(text);
    });
    it("an end tag whose element was renamed, and one that is another element's", () => {
      expect(
        edited('<r><a><b/></a><b/></r>', ([, a], doc) => {
          const x = doc.createElement('x');
          while (a?.firstChild) x.appendChild(a.firstChild);
          a?.parentNode?.replaceChild(x, a);
        }),
      ).to.equal('<r><x><b/></x><b/></r>');
      expect(
        edited('<r><a></a><a>t</a></r>', ([, a], doc) => {
          a?.appendChild(doc.createTextNode('t'));
        }),
      ).to.equal('<r><a>t</a><a>t</a></r>');
    });
    it("an element of another parsed document: it goes out from its own source, in the middle of the other's", () => {
      const outer = parseXml('<r><slot/><after/></r>');
      const inner = parseXml("<s a='1'> <t/> </s>");
      (elementsOf(outer)[1] as Element).appendChild(inner.documentElement as Element);
      expect(serialize(outer)).to.equal("<r><slot><s a='1'> <t/> </s></slot><after/></r>");
    });
  });

  describe('line ends', () => {
    const LINES = [
      "<?xml version='1.0'?>",
      '<!-- a',
      'comment -->',
      "<r a='x",
      "y'>",
      '  <t>two',
      'lines &#13; kept</t>',
      '  <![CDATA[b',
      'c]]>',
      '  <e/>',
      '</r>',
      '',
    ];
    const crLf = LINES.join('\r\n');
    const lf = LINES.join('\n');

    it('a document that ends every line with CR LF comes back byte for byte', () => {
      expect(edited(crLf, () => undefined)).to.equal(crLf);
    });
    it('after an edit, every line, new ones included, ends with CR LF; it reads as the LF edit does', () => {
      const edit = (els: Element[], doc: ReturnType<typeof parseXml>): void => {
        const [r, , e] = els as [Element, Element, Element];
        e.setAttribute('n', 'v');
        const added = doc.createElement('new');
        insertIndented(r, added, null);
        added.appendChild(doc.createTextNode('x\ny'));
      };
      const out = edited(crLf, edit);
      expect(out).to.not.match(/(?<!\r)\n/);
      expect(out.replaceAll('\r\n', '\n')).to.equal(edited(lf, edit));
      expect(canonicalDiff(parseXml(out), parseXml(edited(lf, edit)))).to.equal(undefined);
    });
    it('mixed line ends, or lone CRs, are written as XML reads them: LF', () => {
      const mixed = `${LINES.slice(0, 6).join('\r\n')}\n${LINES.slice(6).join('\r\n')}`;
      expect(edited(mixed, () => undefined)).to.equal(lf);
      expect(edited(LINES.join('\r'), () => undefined)).to.equal(lf);
    });
    it('a node written alone is in LF: a value, not the document', () => {
      const doc = parseXml(crLf);
      expect(serialize(doc.documentElement as Element)).to.equal(
        lf.slice(lf.indexOf('<r'), lf.lastIndexOf('\n')),
      );
    });
  });

  describe('the prolog and what follows the root', () => {
    const text = "<?xml version='1.0'   encoding='UTF-8'?>\n<?pi   a b?>\n<!-- c -->\n<r/>\n\n";
    it('unchanged: the declaration, instructions, comments and the trailing white space', () => {
      expect(edited(text, () => undefined)).to.equal(text);
    });
    it('an instruction whose data changed is written anew', () => {
      expect(
        edited(text, (_, doc) => {
          (doc.childNodes.item(2) as unknown as { data: string }).data = 'z';
        }),
      ).to.equal("<?xml version='1.0'   encoding='UTF-8'?>\n<?pi z?>\n<!-- c -->\n<r/>\n\n");
    });
    it('the trailing white space goes when a node is added after it', () => {
      expect(edited(text, (_, doc) => doc.appendChild(doc.createComment('d')))).to.equal(
        "<?xml version='1.0'   encoding='UTF-8'?>\n<?pi   a b?>\n<!-- c -->\n<r/><!--d-->",
      );
    });
  });
});
