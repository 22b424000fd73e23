/**
 * Bytes in, bytes out: a document is read in the encoding its BOM or declaration names, and
 * written back in it; what cannot be read or written is a typed error naming the encoding.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DomainDocument } from '../../src/domain/domain-document.js';
import { VmDevicesError } from '../../src/errors.js';
import { decodeXml, encodeXml, parseXml, serialize, serializeWithXmldom } from '../../src/xml/index.js';
import type { XmlEncoding } from '../../src/xml/index.js';
import { fixturePath } from '../helpers/fixtures.js';

function bytesOf(name: string): Buffer {
  return readFileSync(fixturePath(`xml/encoding/${name}`));
}

function refusal(f: () => unknown): VmDevicesError {
  try {
    f();
  } catch (e) {
    if (e instanceof VmDevicesError) return e;
    throw e;
  }
  return expect.fail('accepted');
}

const READABLE: readonly [string, XmlEncoding][] = [
  ['latin1.xml', { name: 'ISO-8859-1', bom: false }],
  ['windows-1252.xml', { name: 'windows-1252', bom: false }],
  ['utf8-bom.xml', { name: 'UTF-8', bom: true }],
  ['utf16le-bom.xml', { name: 'UTF-16LE', bom: true }],
  ['utf16be-bom.xml', { name: 'UTF-16BE', bom: true }],
];

describe('xml encodings', () => {
  for (const [file, encoding] of READABLE) {
    it(`${file}: read as ${encoding.name}, written back byte for byte`, () => {
      const bytes = bytesOf(file);
      const decoded = decodeXml(bytes, { source: file });
      expect(decoded.encoding).to.deep.equal(encoding);
      const d = DomainDocument.parse(bytes, { source: file });
      expect(d.name).to.match(/^café/);
      expect(d.devicesElement?.getElementsByTagName('source')[0]?.getAttribute('file')).to.equal(
        '/var/lib/images/café.img',
      );
      expect(Buffer.from(encodeXml(serialize(parseXml(decoded.text)), decoded.encoding))).to.deep.equal(
        bytes,
      );
    });
  }

  it('reads ISO-8859-1 as ISO-8859-1, not as windows-1252 (which TextDecoder substitutes for it)', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\x80</a>', 'latin1');
    expect(parseXml(bytes).documentElement?.textContent).to.equal('\u0080');
    expect(bytesOf('windows-1252.xml').includes(0x80)).to.equal(true);
    expect(DomainDocument.parse(bytesOf('windows-1252.xml')).name).to.equal('café €5');
  });

  it('reads bytes without a declaration or BOM as UTF-8, and refuses bytes that are not', () => {
    expect(parseXml(Buffer.from('<a>café</a>')).documentElement?.textContent).to.equal('café');
    const e = refusal(() => parseXml(Buffer.from('<a>caf\xe9</a>', 'latin1'), { source: 'in.xml' }));
    expect([e.code, e.source, e.message]).to.deep.equal([
      'XML_ENCODING',
      'in.xml',
      'the bytes are not valid UTF-8',
    ]);
  });

  it('refuses what it cannot read with XML_ENCODING, naming the encoding', () => {
    const cases: [string, string][] = [
      ['unknown-encoding.xml', ':1:31: XML_ENCODING: encoding "x-klingon" is not supported'],
      [
        'bom-contradicts-declaration.xml',
        ':1:31: XML_ENCODING: the byte order mark says UTF-8, the declaration "ISO-8859-1"',
      ],
      [
        'utf16-without-bom.xml',
        ':1:1: XML_ENCODING: the text looks like UTF-16 or UTF-32 without a byte order mark',
      ],
    ];
    for (const [file, message] of cases) {
      const e = refusal(() => parseXml(bytesOf(file), { source: file }));
      expect(e.format(), file).to.equal(file + message);
    }
    const ascii = refusal(() =>
      parseXml(Buffer.from('<?xml version="1.0" encoding="US-ASCII"?><a>\xe9</a>', 'latin1')),
    );
    expect(ascii.message).to.equal('byte 0xe9 at offset 44 is not US-ASCII');
    expect([ascii.line, ascii.column]).to.deep.equal([1, 45]);
  });

  it('says at which line and column bytes stop being valid in their encoding', () => {
    const utf8 = refusal(() =>
      parseXml(Buffer.concat([Buffer.from('<a>\n  é\n  caf'), Buffer.from([0xe9]), Buffer.from('</a>')]), {
        source: 'in.xml',
      }),
    );
    expect(utf8.format()).to.equal('in.xml:3:6: XML_ENCODING: the bytes are not valid UTF-8');
    const cut = refusal(() => parseXml(Buffer.concat([Buffer.from('<a>é\nb'), Buffer.from([0xc3])])));
    expect([cut.line, cut.column]).to.deep.equal([2, 2]);
    const sjis = refusal(() =>
      parseXml(Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?>\n<a>\x82\xa0\x82\xff</a>', 'latin1')),
    );
    expect([sjis.code, sjis.line, sjis.column]).to.deep.equal(['XML_ENCODING', 2, 5]);
    const ascii = refusal(() =>
      parseXml(Buffer.from('<?xml version="1.0" encoding="US-ASCII"?>\n<a>\n\xe9</a>', 'latin1')),
    );
    expect([ascii.line, ascii.column]).to.deep.equal([3, 1]);
    const utf32 = refusal(() => parseXml(Buffer.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0])));
    expect([utf32.line, utf32.column]).to.deep.equal([1, 1]);
  });

  it('applies maxBytes to the bytes, before decoding', () => {
    const e = refusal(() => parseXml(bytesOf('utf16le-bom.xml'), { maxBytes: 1000 }));
    expect([e.code, e.message]).to.deep.equal(['XML_LIMIT', 'input is 1194 bytes, over the limit of 1000']);
  });

  it('writes a character the encoding cannot hold as a reference in text and attribute values', () => {
    const latin1: XmlEncoding = { name: 'ISO-8859-1', bom: false };
    const text = '<?xml version="1.0" encoding="ISO-8859-1"?><a b="€ é">x😀y é</a>';
    const out = encodeXml(text, latin1);
    expect(Buffer.from(out).toString('latin1')).to.equal(
      '<?xml version="1.0" encoding="ISO-8859-1"?><a b="&#x20AC; é">x&#x1F600;y é</a>',
    );
    // Read back: the references stand for the characters, and are written back as they are.
    const back = parseXml(out);
    expect(serializeWithXmldom(back)).to.equal(text);
    expect(serialize(back)).to.equal(Buffer.from(out).toString('latin1'));
  });

  it('refuses, with XML_ENCODING, such a character in a name, a comment, a CDATA section or a PI', () => {
    const ascii: XmlEncoding = { name: 'US-ASCII', bom: false };
    for (const [text, where] of [
      ['<café/>', 'a name'],
      ['<a é="1"/>', 'a name'],
      ['<a><!-- é --></a>', 'a comment'],
      ['<a><![CDATA[é]]></a>', 'a CDATA section'],
      ['<a><?pi é?></a>', 'a processing instruction'],
    ] as const) {
      const e = refusal(() => encodeXml(text, ascii, 'out.xml'));
      expect([e.code, e.source, e.message], text).to.deep.equal([
        'XML_ENCODING',
        'out.xml',
        `"é" (U+00E9) in ${where} cannot be written in US-ASCII`,
      ]);
    }
  });

  it('writes a multi-byte encoding it has no encoder for as its single bytes and references', () => {
    const sjis: XmlEncoding = { name: 'Shift_JIS', bom: false };
    const out = encodeXml('<a t="日本">ｱ日</a>', sjis);
    expect(
      decodeXml(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?>'), out])).text,
    ).to.equal('<?xml version="1.0" encoding="Shift_JIS"?><a t="&#x65E5;&#x672C;">ｱ&#x65E5;</a>');
  });
});
