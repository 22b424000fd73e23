import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '../../src/xml/index.js';
import { firstChild, parseXml, serialize } from '../../src/xml/index.js';
import {
  addAttributes,
  childElementPaths,
  elementPath,
  getAttr,
  indentOf,
  indentSubtree,
  insertAllIndented,
  insertInOrder,
  insertIndented,
  removeIndented,
} from '../../src/xml/tree.js';
import { CORPUS, requireCorpus } from '../helpers/fixtures.js';

/** The root of `xml` and a new, empty element `name` of its document. */
function setUp(xml: string, name = 'new'): { root: Element; child: Element } {
  const doc = parseXml(xml);
  return { root: doc.documentElement!, child: doc.createElement(name) };
}

/** The element at `path` (direct-child steps) below `root`. */
function at(root: Element, ...path: string[]): Element {
  return path.reduce((el, step) => firstChild(el, step)!, root);
}

describe('indentation-keeping edits (tree.ts)', () => {
  describe('indentOf', () => {
    it('is the whitespace after the last line break before a node, and "" for the root', () => {
      const { root } = setUp('<a>\n\n    <b/><c/>\n  <d/></a>');
      expect(indentOf(root)).to.equal('');
      expect(indentOf(at(root, 'b'))).to.equal('    ');
      expect(indentOf(at(root, 'c'))).to.equal(undefined);
      expect(indentOf(at(root, 'd'))).to.equal('  ');
    });
  });

  describe('insertIndented', () => {
    it('inserts before a sibling on a line of its own, with that sibling’s indentation', () => {
      const { root, child } = setUp('<a>\n  <b/>\n  <c/>\n</a>');
      insertIndented(root, child, at(root, 'c'));
      expect(serialize(root)).to.equal('<a>\n  <b/>\n  <new/>\n  <c/>\n</a>');
    });

    it('appends on a new line before the closing tag’s indentation', () => {
      const { root, child } = setUp('<domain>\n  <devices>\n    <b/>\n  </devices>\n</domain>');
      insertIndented(at(root, 'devices'), child, null);
      expect(serialize(root)).to.equal(
        '<domain>\n  <devices>\n    <b/>\n    <new/>\n  </devices>\n</domain>',
      );
    });

    it('appends after a last child that has no closing line, adding the closing line', () => {
      const { root, child } = setUp('<domain>\n  <devices>\n    <b/></devices>\n</domain>');
      insertIndented(at(root, 'devices'), child, null);
      expect(serialize(root)).to.equal(
        '<domain>\n  <devices>\n    <b/>\n    <new/>\n  </devices>\n</domain>',
      );
    });

    it('opens an empty element one level deeper, by the step of its parent', () => {
      const { root, child } = setUp(
        '<domain>\n    <devices>\n        <tpm model="x"/>\n    </devices>\n</domain>',
      );
      insertIndented(at(root, 'devices', 'tpm'), child, null);
      expect(serialize(root)).to.equal(
        '<domain>\n    <devices>\n        <tpm model="x">\n            <new/>\n        </tpm>\n    </devices>\n</domain>',
      );
      const standalone = setUp('<tpm>\n  <backend type="emulator"/>\n</tpm>');
      insertIndented(at(standalone.root, 'backend'), standalone.child, null);
      expect(serialize(standalone.root)).to.equal(
        '<tpm>\n  <backend type="emulator">\n    <new/>\n  </backend>\n</tpm>',
      );
    });

    it('an element holding only whitespace is opened the same way', () => {
      const { root, child } = setUp('<a>\n  <b>\n     \n  </b>\n</a>');
      insertIndented(at(root, 'b'), child, null);
      expect(serialize(root)).to.equal('<a>\n  <b>\n    <new/>\n  </b>\n</a>');
    });

    it('changes nothing else where the document has no line breaks, or the element holds text', () => {
      const oneLine = setUp('<a><b/><c/></a>');
      insertIndented(oneLine.root, oneLine.child, at(oneLine.root, 'c'));
      expect(serialize(oneLine.root)).to.equal('<a><b/><new/><c/></a>');
      const appended = setUp('<a><b/></a>');
      insertIndented(appended.root, appended.child, null);
      expect(serialize(appended.root)).to.equal('<a><b/><new/></a>');
      const text = setUp('<a>\n  <backend>/dev/urandom</backend>\n</a>');
      insertIndented(at(text.root, 'backend'), text.child, null);
      expect(serialize(text.root)).to.equal('<a>\n  <backend>/dev/urandom<new/></backend>\n</a>');
      // An empty root: no sibling and no parent to learn the indentation from.
      const root = setUp('<a/>');
      insertIndented(root.root, root.child, null);
      expect(serialize(root.root)).to.equal('<a><new/></a>');
    });
  });

  describe('insertAllIndented', () => {
    /** Each layout insertIndented distinguishes: [document, path of the parent, name of ref or null]. */
    const layouts: [string, string[], string | null][] = [
      ['<a>\n  <b/>\n  <c/>\n</a>', [], 'c'],
      ['<a>\n  <b/>\n  <c/>\n</a>', [], 'b'],
      ['<domain>\n  <devices>\n    <b/>\n  </devices>\n</domain>', ['devices'], null],
      ['<domain>\n  <devices>\n    <b/></devices>\n</domain>', ['devices'], null],
      ['<domain>\n    <devices>\n        <tpm/>\n    </devices>\n</domain>', ['devices', 'tpm'], null],
      ['<a>\n  <b>\n     \n  </b>\n</a>', ['b'], null],
      ['<a>\n</a>', [], null],
      ['<a><b/><c/></a>', [], 'c'],
      ['<a><b/></a>', [], null],
      ['<a>\n  <backend>/dev/urandom</backend>\n</a>', ['backend'], null],
      ['<a/>', [], null],
      ['<a>\n  <b/><c/>\n</a>', [], 'c'],
    ];
    const names = ['x1', 'x2', 'x3', 'x4'];

    for (const [xml, path, ref] of layouts) {
      for (const count of [0, 1, 2, 3, 4]) {
        it(`equals insertIndented of each in turn: ${count} into ${JSON.stringify(xml)} at ${path.join('/') || 'root'} before ${ref ?? 'the end'}`, () => {
          const one = parseXml(xml);
          const parentOne = at(one.documentElement!, ...path);
          const refOne = ref === null ? null : at(parentOne, ref);
          for (const n of names.slice(0, count)) insertIndented(parentOne, one.createElement(n), refOne);

          const all = parseXml(xml);
          const parentAll = at(all.documentElement!, ...path);
          const refAll = ref === null ? null : at(parentAll, ref);
          insertAllIndented(
            parentAll,
            names.slice(0, count).map((n) => all.createElement(n)),
            refAll,
          );
          expect(serialize(all)).to.equal(serialize(one));
          // xmldom's child list agrees with the sibling links (it would not after appending a fragment).
          const listed = Array.from({ length: parentAll.childNodes.length }, (_, i) =>
            parentAll.childNodes.item(i),
          );
          const linked: unknown[] = [];
          for (let c = parentAll.firstChild; c !== null; c = c.nextSibling) linked.push(c);
          expect(listed).to.deep.equal(linked);
        });
      }
    }
  });

  it('insertInOrder indents what it inserts', () => {
    const { root, child } = setUp('<disk>\n  <driver/>\n  <target/>\n</disk>', 'source');
    insertInOrder(root, child, ['driver', 'source', 'target']);
    expect(serialize(root)).to.equal('<disk>\n  <driver/>\n  <source/>\n  <target/>\n</disk>');
  });

  describe('indentSubtree', () => {
    /** `built` (one-line XML) inserted into `parent` of `xml` as create inserts it, then laid out. */
    function insertBuilt(xml: string, path: string[], built: string): string {
      const doc = parseXml(xml);
      const parent = at(doc.documentElement!, ...path);
      const el = doc.importNode(parseXml(built).documentElement!, true);
      insertIndented(parent, el, null);
      indentSubtree(el);
      return serialize(doc);
    }
    const disk = '<disk type="file"><driver name="qemu"/><source file="/a"><seclabel/></source></disk>';

    it("lays out a built subtree with the step of its siblings' children, libvirt's 2 spaces", () => {
      const xml =
        '<domain>\n  <devices>\n    <disk>\n      <target dev="vda"/>\n    </disk>\n  </devices>\n</domain>';
      expect(insertBuilt(xml, ['devices'], disk)).to.equal(
        '<domain>\n  <devices>\n    <disk>\n      <target dev="vda"/>\n    </disk>\n' +
          '    <disk type="file">\n      <driver name="qemu"/>\n      <source file="/a">\n' +
          '        <seclabel/>\n      </source>\n    </disk>\n  </devices>\n</domain>',
      );
    });

    it('takes the step between the parent and the new element when no sibling has children', () => {
      const xml = '<domain>\n    <devices>\n        <tpm/>\n    </devices>\n</domain>';
      expect(insertBuilt(xml, ['devices'], '<disk><driver/></disk>')).to.equal(
        '<domain>\n    <devices>\n        <tpm/>\n        <disk>\n            <driver/>\n        </disk>\n' +
          '    </devices>\n</domain>',
      );
    });

    it('keeps a document that does not indent (the seed) without indentation, one element a line', () => {
      const xml = '<domain>\n<devices>\n<controller>\n<alias/>\n</controller>\n</devices>\n</domain>';
      expect(insertBuilt(xml, ['devices'], '<disk><driver/></disk>')).to.equal(
        '<domain>\n<devices>\n<controller>\n<alias/>\n</controller>\n<disk>\n<driver/>\n</disk>\n</devices>\n</domain>',
      );
    });

    it('leaves a one-line document and elements holding text as they are', () => {
      expect(insertBuilt('<domain><devices/></domain>', ['devices'], disk)).to.equal(
        `<domain><devices>${disk}</devices></domain>`,
      );
      const xml = '<domain>\n  <devices>\n    <tpm/>\n  </devices>\n</domain>';
      expect(insertBuilt(xml, ['devices'], '<disk><serial>a<b/></serial><iotune> </iotune></disk>')).to.equal(
        '<domain>\n  <devices>\n    <tpm/>\n    <disk>\n      <serial>a<b/></serial>\n      <iotune> </iotune>\n' +
          '    </disk>\n  </devices>\n</domain>',
      );
    });
  });

  describe('removeIndented', () => {
    it('takes the line break before a node alone on its line, leaving no blank line', () => {
      const first = setUp('<a>\n  <b/>\n  <c/>\n</a>');
      removeIndented(at(first.root, 'b'));
      expect(serialize(first.root)).to.equal('<a>\n  <c/>\n</a>');
      const last = setUp('<a>\n  <b/>\n  <c/>\n</a>');
      removeIndented(at(last.root, 'c'));
      expect(serialize(last.root)).to.equal('<a>\n  <b/>\n</a>');
    });

    it('keeps the whitespace of a node that shares its line', () => {
      const { root } = setUp('<a>\n  <b/><c/>\n</a>');
      removeIndented(at(root, 'b'));
      expect(serialize(root)).to.equal('<a>\n  <c/>\n</a>');
      const second = setUp('<a>\n  <b/><c/>\n</a>');
      removeIndented(at(second.root, 'c'));
      expect(serialize(second.root)).to.equal('<a>\n  <b/>\n</a>');
    });

    it('closes up a parent left with only whitespace, and keeps comments and text', () => {
      const { root } = setUp('<a>\n  <source x="1">\n    <address/>\n  </source>\n</a>');
      removeIndented(at(root, 'source', 'address'));
      expect(serialize(root)).to.equal('<a>\n  <source x="1"/>\n</a>');
      const commented = setUp('<a>\n  <!-- c -->\n  <b/>\n</a>');
      removeIndented(at(commented.root, 'b'));
      expect(serialize(commented.root)).to.equal('<a>\n  <!-- c -->\n</a>');
      // Text that is not only whitespace is content: it stays exactly as written.
      const text = setUp('<a>text\n  <b/>\n</a>');
      removeIndented(at(text.root, 'b'));
      expect(serialize(text.root)).to.equal('<a>text\n  \n</a>');
    });

    it('does nothing to a detached node', () => {
      const { child } = setUp('<a/>');
      removeIndented(child);
      expect(child.parentNode).to.equal(null);
    });
  });
});

describe('element paths (tree.ts)', () => {
  it('childElementPaths gives every child the path elementPath gives it, in one pass', () => {
    const doc = parseXml(
      '<domain><devices><disk/>\n<p:disk xmlns:p="urn:p"/><interface/><disk/><!-- c --><video/></devices></domain>',
    );
    const devices = at(doc.documentElement!, 'devices');
    const paths = childElementPaths(devices);
    expect([...paths.values()]).to.deep.equal([
      '/domain/devices/disk[1]',
      '/domain/devices/p:disk',
      '/domain/devices/interface',
      '/domain/devices/disk[2]',
      '/domain/devices/video',
    ]);
    for (const [el, path] of paths) expect(path).to.equal(elementPath(el));
  });

  it('agrees with elementPath on the devices of every corpus domain', function () {
    requireCorpus(this);
    const files = readdirSync(join(CORPUS)).filter((f) => f.endsWith('.xml'));
    expect(files.length).to.be.greaterThan(100);
    for (const f of files) {
      const devices = firstChild(parseXml(readFileSync(join(CORPUS, f), 'utf8')).documentElement!, 'devices');
      if (devices === undefined) continue;
      for (const [el, path] of childElementPaths(devices)) expect(path, f).to.equal(elementPath(el));
    }
  });
});

describe('addAttributes (tree.ts)', () => {
  it('adds, in order, the attributes the element lacks; the first of repeated names wins', () => {
    const { root } = setUp('<r a="1"/>');
    addAttributes(root, [
      ['b', '2'],
      ['a', 'x'],
      ['c', '<&">'],
      ['b', 'y'],
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
    expect(serialize(root)).to.equal(
      '<r a="1" b="2" c="&lt;&amp;&quot;&gt;" __proto__="p" constructor="c"/>',
    );
    expect(getAttr(root, '__proto__')).to.equal('p');
  });

  it('never looks a name up by scanning the attributes: linear in their number', () => {
    const { child } = setUp('<r/>');
    // xmldom's name scan: setAttribute and hasAttribute go through it, once per call.
    child.getAttributeNode = () => expect.fail('scanned the attributes by name');
    const n = 20_000;
    addAttributes(
      child,
      Array.from({ length: n }, (_, i) => [`a${i}`, String(i)] as const),
    );
    expect(child.attributes.length).to.equal(n);
    expect(child.attributes.item(n - 1)?.value).to.equal(String(n - 1));
  });
});
