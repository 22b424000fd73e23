import { expect } from 'chai';
import { DomainDocument } from '../../src/domain/domain-document.js';
import { MetadataError, XmlValueError } from '../../src/errors.js';
import { NS, localNameOf } from '../../src/xml/index.js';
import { readFixture } from '../helpers/fixtures.js';

const VM = NS['ovirt-vm'];
const INSTANCE = NS['ovirt-instance'];

function domain(body: string, rootAttrs = ' type="kvm"'): DomainDocument {
  return DomainDocument.parse(`<domain${rootAttrs}>\n${body}\n</domain>`, { source: 'vm.xml' });
}

function valueError(read: () => unknown): XmlValueError {
  try {
    read();
  } catch (e) {
    expect(e).to.be.instanceOf(XmlValueError);
    return e as XmlValueError;
  }
  throw new Error('expected an XmlValueError');
}

describe('DomainDocument (domain-document.ts)', () => {
  it('reads name, uuid (trimmed) and type; absent ones are undefined', () => {
    const d = domain('<name> vm1 </name><uuid>1b2c-3d</uuid>');
    expect(d.name).to.equal('vm1');
    expect(d.uuid).to.equal('1b2c-3d');
    expect(d.type).to.equal('kvm');
    expect(d.source).to.equal('vm.xml');
    const e = domain('', '');
    expect([e.name, e.uuid, e.type, e.memoryKiB, e.currentMemoryKiB, e.vcpus]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  describe('memory', () => {
    it('is in KiB by default and honours unit', () => {
      expect(domain('<memory>1048576</memory>').memoryKiB).to.equal(1048576);
      expect(domain('<memory unit="KiB">2048</memory>').memoryKiB).to.equal(2048);
      expect(domain('<memory unit="MiB">512</memory>').memoryKiB).to.equal(524288);
      expect(domain('<memory unit="GiB">4</memory>').memoryKiB).to.equal(4194304);
      expect(domain('<memory unit="bytes">4096</memory>').memoryKiB).to.equal(4);
      expect(domain('<memory unit="b">2048</memory>').memoryKiB).to.equal(2);
      expect(domain('<currentMemory unit="M">3</currentMemory>').currentMemoryKiB).to.equal(3072);
      expect(domain('<memory> 16 </memory>').memoryKiB).to.equal(16);
    });

    it('a bad value is an XmlValueError with source, path and line:column', () => {
      const e = valueError(() => domain('<name>x</name>\n  <memory unit="MiB">lots</memory>').memoryKiB);
      expect(e.format()).to.equal(
        'vm.xml:3:3: XML_VALUE: /domain/memory: "lots" is not a non-negative integer',
      );
      expect(e.raw).to.equal('lots');
      expect(valueError(() => domain('<memory unit="bytes">1000</memory>').memoryKiB).detail).to.equal(
        '1000 bytes is not a whole number of KiB',
      );
      expect(valueError(() => domain('<memory unit="parsec">1</memory>').memoryKiB).detail).to.equal(
        'unknown unit "parsec"',
      );
      expect(valueError(() => domain('<memory unit="__proto__">1</memory>').memoryKiB).detail).to.equal(
        'unknown unit "__proto__"',
      );
      expect(valueError(() => domain('<currentMemory>-5</currentMemory>').currentMemoryKiB).path).to.equal(
        '/domain/currentMemory',
      );
    });
  });

  describe('vcpus', () => {
    it('gives max from the text and current from the attribute, or max when absent', () => {
      expect(domain('<vcpu placement="static" current="2">16</vcpu>').vcpus).to.deep.equal({
        max: 16,
        current: 2,
      });
      expect(domain('<vcpu> 4 </vcpu>').vcpus).to.deep.equal({ max: 4, current: 4 });
    });

    it('a bad count is an XmlValueError at the text or the current attribute', () => {
      const max = valueError(() => domain('<vcpu>four</vcpu>').vcpus);
      expect(max.path).to.equal('/domain/vcpu');
      expect(max.detail).to.equal('"four" is not a vcpu count');
      expect([max.source, max.line, max.column]).to.deep.equal(['vm.xml', 2, 1]);
      expect(valueError(() => domain('<vcpu/>').vcpus).detail).to.equal('"" is not a vcpu count');
      expect(valueError(() => domain('<vcpu>-1</vcpu>').vcpus).path).to.equal('/domain/vcpu');
      const cur = valueError(() => domain('<vcpu current="1.5">4</vcpu>').vcpus);
      expect(cur.path).to.equal('/domain/vcpu/@current');
      expect(cur.raw).to.equal('1.5');
      expect(valueError(() => domain('<vcpu current="">4</vcpu>').vcpus).path).to.equal(
        '/domain/vcpu/@current',
      );
    });

    it('refuses counts beyond 2^53 and a current count over the maximum', () => {
      expect(valueError(() => domain('<vcpu>99999999999999999999</vcpu>').vcpus).detail).to.match(
        /is not a vcpu count/,
      );
      const over = valueError(() => domain('<vcpu current="8">4</vcpu>').vcpus);
      expect(over.path).to.equal('/domain/vcpu/@current');
      expect(over.detail).to.equal('current vcpus 8 exceed the maximum 4');
    });
  });

  describe('metadataGroups', () => {
    it('finds both groups by namespace URI, whatever the prefix', () => {
      const d = domain(
        `<metadata><x:vm xmlns:x="${VM}"/><y:instance xmlns:y="${INSTANCE}"/><other xmlns="urn:o"/></metadata>`,
      );
      const g = d.metadataGroups;
      expect(g.descriptor && localNameOf(g.descriptor)).to.equal('vm');
      expect(g.descriptor?.namespaceURI).to.equal(VM);
      expect(g.xmlpickle?.namespaceURI).to.equal(INSTANCE);
      const dflt = domain(`<metadata><vm xmlns="${VM}"/></metadata>`).metadataGroups;
      expect(dflt.descriptor?.namespaceURI).to.equal(VM);
    });

    it('ignores a vm element in another namespace, and gives none without <metadata>', () => {
      expect(
        domain('<metadata><ovirt-vm:vm xmlns:ovirt-vm="urn:other"/></metadata>').metadataGroups,
      ).to.deep.equal({
        descriptor: undefined,
        xmlpickle: undefined,
      });
      expect(domain('<name>x</name>').metadataGroups).to.deep.equal({
        descriptor: undefined,
        xmlpickle: undefined,
      });
    });

    it('two ovirt-vm groups are a METADATA_SHAPE error at the second, whatever their prefixes', () => {
      const d = domain(`<metadata>\n<a:vm xmlns:a="${VM}"/>\n  <b:vm xmlns:b="${VM}"/></metadata>`);
      let caught: unknown;
      try {
        expect(d.metadataGroups).to.equal(undefined);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(MetadataError);
      const e = caught as MetadataError;
      expect(e.code).to.equal('METADATA_SHAPE');
      expect(e.format()).to.equal(
        `vm.xml:4:3: METADATA_SHAPE: <metadata> holds more than one group in ${VM}`,
      );
    });

    it('a second <metadata> is a METADATA_SHAPE error at its line:column, not a group silently unread', () => {
      const d = DomainDocument.parse(readFixture('cli/two-metadata.xml'), {
        source: 'two-metadata.xml',
      });
      for (const read of [() => d.metadataElement, () => d.metadataGroups]) {
        let caught: unknown;
        try {
          read();
        } catch (e) {
          caught = e;
        }
        expect(caught).to.be.instanceOf(MetadataError);
        expect((caught as MetadataError).format()).to.equal(
          'two-metadata.xml:8:3: METADATA_SHAPE: /domain/metadata[2]: a second <metadata> element: a domain has at most one (libvirt keeps one)',
        );
      }
    });
  });

  it('reads a hotplug envelope root: devices and metadata below any root', () => {
    const d = DomainDocument.parse(
      `<hotplug><devices><disk type="file"/></devices><metadata><ovirt-vm:vm xmlns:ovirt-vm="${VM}"/></metadata></hotplug>`,
    );
    expect(localNameOf(d.root)).to.equal('hotplug');
    expect(d.devicesElement && localNameOf(d.devicesElement)).to.equal('devices');
    expect(d.metadataGroups.descriptor?.namespaceURI).to.equal(VM);
    expect(d.type).to.equal(undefined);
    expect(d.source).to.equal(undefined);
  });

  it('toXml serializes the document unchanged', () => {
    const xml = `<domain type="kvm">\n  <name>a</name>\n  <!-- kept -->\n  <memory unit='GiB'>1</memory>\n</domain>`;
    expect(DomainDocument.parse(xml).toXml()).to.equal(xml);
  });
});
