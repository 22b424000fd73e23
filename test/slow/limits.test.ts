/**
 * Hostile and huge inputs: each gives a clear error or a correct result; no crash, no hang, no
 * prototype pollution. Slow by nature, so this suite runs in `npm run test:slow`.
 */
import { expect } from 'chai';
import { XmlLimitError, XmlParseError, decodeXmlpickle, Descriptor, recover } from '../../src/index.js';
import { parseXml } from '../../src/xml/index.js';
import { fromTypedJson, toTypedJson } from '../../src/metadata/typed-json.js';
import type { Value } from '../../src/metadata/value.js';
import { dict, frozenCopy, parseFloatText, parseIntText, valueEquals } from '../../src/metadata/value.js';
import { encodeXmlpickleText } from '../../src/metadata/xmlpickle-encode.js';
import { thrown } from '../helpers/errors.js';
import { AmbiguousBindingError, create, domainReport } from '../../src/index.js';

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

// Issue 17, the metadata layer at the real sizes: each a typed error or a correct result, in a
// time linear in the input (budgets generous: the machine is shared).
describe('limits: metadata values (issue 17)', () => {
  const groups = '1_'.repeat(3_400_000) + '1'; // 6.7 MB, a valid Python literal
  const huge = '7'.repeat(10_000_000);

  function within<T>(budgetMs: number, f: () => T): T {
    const started = Date.now();
    const out = f();
    expect(Date.now() - started).to.be.below(budgetMs);
    return out;
  }

  it('a 6.7 MB text of `1_` groups: read by one scan, the int refused over the digit limit', () => {
    expect(within(5_000, () => parseIntText(groups))).to.equal(undefined);
    expect(within(5_000, () => parseFloatText(groups))).to.equal(Infinity);
    const pickle = `<pyxmlpickle><value type="int">${groups}</value></pyxmlpickle>`;
    const e = thrown(() =>
      within(10_000, () => decodeXmlpickle(pickle, { namespace: null, source: 'p.xml' })),
    );
    expect(e).to.include({ code: 'METADATA_VALUE', source: 'p.xml', line: 1 });
    expect(e.detail).to.contain('3400001 digits');
    const float = `<pyxmlpickle><value type="float">${groups}</value></pyxmlpickle>`;
    expect(within(10_000, () => decodeXmlpickle(float, { namespace: null }))).to.have.property(
      'value',
      Infinity,
    );
  });

  it('a 10 MB integer leaf is refused in well under a second per codec, not decoded in 13 s', () => {
    const pickle = `<pyxmlpickle><value type="int">${huge}</value></pyxmlpickle>`;
    const e = thrown(() => within(5_000, () => decodeXmlpickle(pickle, { namespace: null })));
    expect(e.detail).to.equal('an int of 10000000 digits is over the limit of 4300 (maxIntDigits)');
    const group = `<vm><device alias="a"><size type="int">${huge}</size></device></vm>`;
    const d = thrown(() => within(5_000, () => Descriptor.fromXml(group, { source: 'g.xml' })));
    expect(d).to.include({ code: 'METADATA_VALUE', path: 'devices[0].size', line: 1, source: 'g.xml' });
    expect(thrown(() => within(5_000, () => fromTypedJson({ $int: huge }))).code).to.equal('METADATA_VALUE');
    // Writing one is refused before its decimal form is made.
    const big = 1n << 33_000_000n;
    expect(thrown(() => within(5_000, () => encodeXmlpickleText(big))).code).to.equal('METADATA_VALUE');
    expect(thrown(() => within(5_000, () => toTypedJson(big))).code).to.equal('METADATA_VALUE');
  });

  it('typed JSON 2,000 lists deep (4 KB) is a typed error, through JSON.parse as the CLI reads it', () => {
    const json = JSON.parse('['.repeat(2000) + '1' + ']'.repeat(2000)) as unknown;
    const e = thrown(() => fromTypedJson(json));
    expect(e).to.include({ code: 'METADATA_VALUE' });
    expect(e.path).to.match(/^(\[0\]){512}$/);
  });

  it('values 3,000 and 100,000 deep built in code: compared and copied, refused by every encoder', () => {
    for (const depth of [3_000, 100_000]) {
      let v: Value = 'bottom';
      let w: Value = 'bottom';
      for (let i = 0; i < depth; i++) {
        v = i % 2 === 0 ? [v] : dict([['k', v]]);
        w = i % 2 === 0 ? [w] : dict([['k', w]]);
      }
      expect(valueEquals(v, w)).to.equal(true);
      expect(valueEquals(frozenCopy(v), w)).to.equal(true);
      expect(thrown(() => toTypedJson(v)).code).to.equal('METADATA_VALUE');
      expect(thrown(() => encodeXmlpickleText(v)).code).to.equal('METADATA_SHAPE');
    }
  });
});

// Issue 17, binding and save at the real sizes: one problem per collision, attributes in linear time
// (budgets generous: the machine is shared; the costs before are in the titles).
describe('limits: collisions and many attributes (issue 17)', () => {
  const GROUP = '<ovirt-vm:vm xmlns:ovirt-vm="http://ovirt.org/vm/1.0">';
  const domain = (metadata: string, devices: string) =>
    `<domain type="kvm"><name>x</name><metadata>${GROUP}${metadata}</ovirt-vm:vm></metadata><devices>${devices}</devices></domain>`;
  const attributes = (n: number) => Array.from({ length: n }, (_, i) => ` a${i}="${i}"`).join('');

  function within<T>(budgetMs: number, f: () => T): T {
    const started = Date.now();
    const out = f();
    expect(Date.now() - started).to.be.below(budgetMs);
    return out;
  }

  it('250 NICs sharing one MAC (51 KB): inspect --json in a report linear in the input, not a RangeError after 5 s', () => {
    const mac = '52:54:00:00:00:01';
    const xml = domain(
      `<ovirt-vm:device mac_address="${mac}"><ovirt-vm:network>n</ovirt-vm:network></ovirt-vm:device>`.repeat(
        250,
      ),
      `<interface type="network"><mac address="${mac}"/><source network="default"/></interface>`.repeat(250),
    );
    expect(xml.length).to.be.within(50_000, 53_000);
    const json = within(10_000, () => {
      const d = recover(xml);
      return JSON.stringify(domainReport(d, d.validate()), null, 2);
    });
    expect(json.length).to.be.below(15 * xml.length);
    const d = recover(xml);
    const problems = d.validate();
    expect(problems.map((p) => [p.code, p.devices?.length])).to.deep.equal([
      ['AMBIGUOUS_BINDING', 250],
      ['DUPLICATE_DEVICE', 250],
    ]);
    expect(problems.reduce((n, p) => n + p.message.length, 0)).to.be.below(2_000);
    expect(() => within(10_000, () => create(xml))).to.throw(
      AmbiguousBindingError,
      /250 entries and 250 devices/,
    );
  });

  it('an <address> of 80,000 attributes: recovered in well under 4.2 s; 1,000,000 in linear time', () => {
    for (const [n, budget] of [
      [80_000, 3_000],
      [1_000_000, 60_000],
    ] as const) {
      const address = `<address${attributes(n)}/>`;
      const xml = domain(
        `<ovirt-vm:device devtype="rng"><ovirt-vm:x>1</ovirt-vm:x><ovirt-vm:${address.slice(1)}</ovirt-vm:device>`,
        `<rng model="virtio">${address}</rng>`,
      );
      const d = within(budget, () => recover(xml));
      // Both sides normalized: the device's address, and the entry's kept as attributes.
      expect(d.devices[0]!.identity().address?.split(',')).to.have.length(n);
    }
  });

  it('a descriptor <device> of 80,000 attributes: saved in well under 12 s; 1,000,000 under 120 s', () => {
    for (const [n, budget] of [
      [80_000, 3_000],
      [1_000_000, 40_000],
    ] as const) {
      const xml = domain(
        `<ovirt-vm:device devtype="rng" alias="ua-r"${attributes(n)}><ovirt-vm:x>1</ovirt-vm:x></ovirt-vm:device>`,
        '<rng model="virtio"><alias name="ua-r"/></rng>',
      );
      const d = recover(xml);
      expect(within(budget, () => d.save())).to.deep.equal([]);
      const again = recover(d.toXml());
      const attrs = again.descriptorEntries[0]!.attrs ?? {};
      expect(Object.keys(attrs).filter((k) => /^a\d+$/.test(k))).to.have.length(n);
      expect(attrs[`a${n - 1}`]).to.equal(String(n - 1));
      expect(again.devices[0]!.meta.raw('x')).to.equal('1');
    }
  });
});
