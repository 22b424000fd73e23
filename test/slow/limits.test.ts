/**
 * Hostile and huge inputs: each gives a clear error or a correct result; no crash, no hang, no
 * prototype pollution. Slow by nature, so this suite runs in `npm run test:slow`.
 */
import { expect } from 'chai';
import { XmlLimitError, XmlParseError, decodeXmlpickle, Descriptor, recover } from '../../src/index.js';
import { parseXml } from '../../src/xml/index.js';

describe('limits', () => {
  it('10,000-deep nesting is an XML_LIMIT error with a position, not a stack overflow', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    expect(() => parseXml(deep, { source: 'deep.xml' }))
      .to.throw(XmlLimitError, /nested deeper than the limit of 512/)
      .with.property('line', 1);
    // With the limit raised, the same document parses.
    expect(parseXml(deep, { maxDepth: 20_000 }).documentElement?.nodeName).to.equal('a');
  });

  it('100,000-deep nesting with a raised limit still parses', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(parseXml(deep, { maxDepth: 200_000 }).documentElement?.nodeName).to.equal('a');
  });

  it('a billion-laughs DOCTYPE is refused, never expanded', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
      ).join('') +
      ']><lolz>&lol9;</lolz>';
    const started = Date.now();
    expect(() => parseXml(lol, { source: 'lol.xml' })).to.throw(XmlParseError);
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('a 50 MB domain is parsed and recovered; over the size limit it is refused', () => {
    const device = (i: number) =>
      `<interface type="bridge"><mac address="52:54:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${(
        (i >> 8) &
        255
      )
        .toString(16)
        .padStart(
          2,
          '0',
        )}:${(i & 255).toString(16).padStart(2, '0')}"/><source bridge="br0"/><alias name="net${i}"/>` +
      `<address type="pci" domain="0x0000" bus="0x01" slot="0x${(i % 32).toString(16)}" function="0x0"/></interface>\n`;
    const parts: string[] = ['<domain type="kvm"><name>big</name><devices>\n'];
    let size = 0;
    let n = 0;
    while (size < 50 * 1024 * 1024) {
      const d = device(n++);
      parts.push(d);
      size += d.length;
    }
    parts.push('</devices></domain>');
    const text = parts.join('');
    expect(() => parseXml(text, { maxBytes: 10 * 1024 * 1024 })).to.throw(XmlLimitError, /over the limit/);
    const domain = recover(text);
    expect(domain.devices).to.have.length(n);
  });

  it('keys from documents never become prototypes', () => {
    const pickle =
      '<pyxmlpickle><value type="dict"><item key="__proto__" type="dict"><item key="polluted" type="str">yes</item></item>' +
      '<item key="constructor" type="str">c</item></value></pyxmlpickle>';
    const v = decodeXmlpickle(pickle, { namespace: null }) as Record<string, unknown>;
    expect(Object.keys(v)).to.deep.equal(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    const d = Descriptor.fromXml(
      '<vm><device __proto__="x" constructor="y"><__proto__>v</__proto__><prototype>p</prototype></device></vm>',
    );
    expect(d.entries()[0]?.attrs['__proto__']).to.equal('x');
    expect(({} as Record<string, unknown>)['v']).to.equal(undefined);
    expect(Object.prototype).to.not.have.property('polluted');
  });
});
