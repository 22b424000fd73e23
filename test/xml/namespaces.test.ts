import { expect } from 'chai';
import type { Element } from '../../src/xml/index.js';
import { NS, localNameOf, parseXml, selectNodes, selectValue } from '../../src/xml/index.js';

const VM = NS['ovirt-vm'];

function domain(metadata: string): Element {
  return parseXml(`<domain><metadata>${metadata}</metadata></domain>`).documentElement!;
}

describe('namespaces and xpath (namespaces.ts)', () => {
  it('finds ovirt-vm:vm whatever prefix the document uses', () => {
    for (const prefix of ['ovirt-vm', 'ns0', 'x']) {
      const root = domain(
        `<${prefix}:vm xmlns:${prefix}="${VM}"><${prefix}:a>1</${prefix}:a></${prefix}:vm>`,
      );
      const found = selectNodes('/domain/metadata/ovirt-vm:vm', root);
      expect(found, prefix).to.have.length(1);
      expect(localNameOf(found[0] as Element)).to.equal('vm');
      expect(selectValue('string(/domain/metadata/ovirt-vm:vm/ovirt-vm:a)', root)).to.equal('1');
    }
  });

  it('finds it under a default namespace declaration', () => {
    const root = domain(`<vm xmlns="${VM}"><a>2</a></vm>`);
    expect(selectNodes('/domain/metadata/ovirt-vm:vm', root)).to.have.length(1);
    expect(selectValue('string(//ovirt-vm:a)', root)).to.equal('2');
  });

  it('does not match the local name in another namespace, or the prefix alone', () => {
    const root = domain(`<ovirt-vm:vm xmlns:ovirt-vm="http://example.com/other"/><vm/>`);
    expect(selectNodes('//ovirt-vm:vm', root)).to.have.length(0);
  });

  it('selectValue returns strings, numbers and booleans, and the value of a selected node', () => {
    const root = domain(`<v:vm xmlns:v="${VM}" v:k="attr"><v:a/><v:a/></v:vm>`);
    expect(selectValue('count(//ovirt-vm:a)', root)).to.equal(2);
    expect(selectValue('boolean(//ovirt-vm:missing)', root)).to.equal(false);
    expect(selectValue('string(//ovirt-vm:missing)', root)).to.equal('');
    expect(selectValue('//ovirt-vm:vm/@ovirt-vm:k', root)).to.equal('attr');
    expect(selectValue('//ovirt-vm:missing', root)).to.equal('');
  });

  it('selectNodes refuses an expression that gives no node set', () => {
    const root = domain('');
    expect(() => selectNodes('count(//a)', root)).to.throw(TypeError, 'does not select nodes: count(//a)');
  });
});
