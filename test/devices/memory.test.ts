import { expect } from 'chai';
import { Memory } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';

function fromFixture(rel: string): Memory {
  return deviceFromFixture(Memory, rel);
}

function dimm(size: string): Memory {
  return deviceInDomain(
    Memory,
    `<memory model='dimm'>\n  <target>\n    ${size}\n    <node>0</node>\n  </target>\n</memory>`,
  );
}

describe('Memory', () => {
  describeDeviceFixtures(Memory, 'memory');

  it('reads a dimm exactly: 524287 KiB stays 524287 (Vdsm rounded down to whole MiB)', () => {
    const m = fromFixture('devices/memory/dimm-hugepages.xml');
    expect(m.model).to.equal('dimm');
    expect(m.sizeKiB).to.equal(524287);
    expect(m.targetNode).to.equal(0);
    expect(m.pagesizeKiB).to.equal(2048);
    expect(m.sourceNodemask).to.equal('1-3');
    expect(m.discard).to.equal(true);
    expect(m.address).to.deep.equal({ type: 'dimm', slot: '0', base: '0x100000000' });
  });

  it('normalizes every size to KiB honouring its unit, libvirt-style', () => {
    const cases: [string, number][] = [
      [`<size unit='KiB'>524288</size>`, 524288],
      [`<size>524288</size>`, 524288],
      [`<size unit=''>1024</size>`, 1024],
      [`<size unit='b'>1048576</size>`, 1024],
      [`<size unit='bytes'>2048</size>`, 2],
      [`<size unit='byte'>1024</size>`, 1],
      [`<size unit='k'>7</size>`, 7],
      [`<size unit='KB'>1024</size>`, 1000],
      [`<size unit='MB'>1024</size>`, 1000000],
      [`<size unit='M'>512</size>`, 524288],
      [`<size unit='MiB'>512</size>`, 524288],
      [`<size unit='mib'>1</size>`, 1024],
      [`<size unit='GB'>1024</size>`, 1000000000],
      [`<size unit='G'>2</size>`, 2097152],
      [`<size unit='GiB'>2</size>`, 2097152],
      [`<size unit='TB'>1024</size>`, 1e12],
      [`<size unit='T'>1</size>`, 1024 ** 3],
      [`<size unit='TiB'>1</size>`, 1024 ** 3],
    ];
    for (const [xml, kib] of cases) expect(dimm(xml).sizeKiB, xml).to.equal(kib);
  });

  it('refuses a size that is not a whole number of KiB instead of rounding it', () => {
    for (const size of [
      `<size unit='b'>1000</size>`,
      `<size unit='MB'>1</size>`,
      `<size unit='GB'>1</size>`,
      `<size unit='KB'>1</size>`,
    ]) {
      const err = xmlValueErrorOf(() => dimm(size).sizeKiB);
      expect(err.path, size).to.equal('/domain/devices/memory/target/size');
      expect(err.message).to.contain('is not a whole number of KiB');
      expect([err.line, err.column]).to.deep.equal([5, 5]);
    }
  });

  it('reports an unknown unit, a bad number and an overflow with their XML paths', () => {
    expect(() => dimm(`<size unit='KiBs'>4</size>`).sizeKiB)
      .to.throw(XmlValueError, '/domain/devices/memory/target/size/@unit: unknown unit "KiBs"')
      .with.property('line', 5);
    expect(() => dimm(`<size unit='KiB'>4x</size>`).sizeKiB).to.throw(
      XmlValueError,
      '/domain/devices/memory/target/size: "4x" is not a non-negative integer',
    );
    expect(() => dimm(`<size unit='KiB'>0x400</size>`).sizeKiB).to.throw(
      XmlValueError,
      /"0x400" is not a non-negative integer/,
    );
    expect(() => dimm(`<size unit='KiB'>-4</size>`).toJSON()).to.throw(XmlValueError, /target\/size/);
    expect(() => dimm(`<size unit='EiB'>16</size>`).sizeKiB).to.throw(XmlValueError, /too large/);
    const badNode = deviceInDomain(
      Memory,
      `<memory model='dimm'><target><node>first</node></target></memory>`,
    );
    expect(() => badNode.targetNode).to.throw(
      XmlValueError,
      '/domain/devices/memory/target/node: "first" is not an unsigned integer',
    );
  });

  it('reads nvdimm and virtio-mem specifics', () => {
    const nv = fromFixture('devices/memory/nvdimm-label.xml');
    expect([nv.model, nv.access, nv.uuid, nv.sourcePath]).to.deep.equal([
      'nvdimm',
      'private',
      'f4c3b2a1-9e8d-4c7b-8a6f-5e4d3c2b1a09',
      '/dev/dax0.0',
    ]);
    expect(nv.sizeKiB).to.equal(1000000);
    expect(nv.labelSizeKiB).to.equal(128);
    expect(nv.alignsizeKiB).to.equal(2048);
    expect(nv.sourcePmem).to.equal(true);
    expect(nv.targetReadonly).to.equal(true);
    const vm = fromFixture('devices/memory/virtio-mem.xml');
    expect([vm.sizeKiB, vm.blockKiB, vm.requestedKiB, vm.currentKiB, vm.pagesizeKiB]).to.deep.equal([
      4194304, 2048, 1048576, 524288, 2048,
    ]);
    expect(vm.sourcePmem).to.equal(false);
    expect(vm.targetReadonly).to.equal(false);
  });

  it('keeps absent and empty apart', () => {
    const m = deviceInDomain(
      Memory,
      `<memory model='virtio-pmem' access=''><source><path/></source></memory>`,
    );
    expect(m.access).to.equal('');
    expect(m.sourcePath).to.equal('');
    expect(m.sizeKiB).to.equal(undefined);
    expect(m.targetNode).to.equal(undefined);
    expect(m.toJSON().fields).to.deep.equal({ model: 'virtio-pmem', access: '', sourcePath: '' });
  });

  it('resizes virtio-mem in KiB, writing the unit, and changes nothing else', () => {
    const m = fromFixture('edits/memory-virtio-mem-resize.in.xml');
    m.requestedKiB = 2097152;
    m.currentKiB = undefined;
    m.sizeKiB = 8388608;
    m.targetNode = 1;
    expectGolden(m.toXml(), 'edits/memory-virtio-mem-resize.out.xml');
    expect(m.requestedKiB).to.equal(2097152);
    expect(() => (m.requestedKiB = 1.5)).to.throw(
      XmlValueError,
      /1\.5 is not a whole, non-negative number of KiB/,
    );
    expect(() => (m.sizeKiB = -1)).to.throw(XmlValueError, /target\/size/);
    expect(m.sizeKiB).to.equal(8388608);
  });

  it('creates missing parts where libvirt puts them', () => {
    const m = deviceInDomain(Memory, `<memory model='dimm'>\n  <alias name='dimm3'/>\n</memory>`);
    m.sizeKiB = 1048576;
    m.pagesizeKiB = 2048;
    m.uuid = '0b8e9f7a-1c2d-4e3f-a4b5-c6d7e8f90a1b';
    expect(m.toXml().replace(/\s+/g, '')).to.equal(
      `<memorymodel='dimm'><uuid>0b8e9f7a-1c2d-4e3f-a4b5-c6d7e8f90a1b</uuid><source><pagesizeunit='KiB'>2048</pagesize></source><target><sizeunit='KiB'>1048576</size></target><aliasname='dimm3'/></memory>`,
    );
    m.pagesizeKiB = undefined;
    expect(m.toXml()).not.to.contain('<source');
    const nv = deviceInDomain(
      Memory,
      `<memory model='nvdimm'><source><pmem/></source><target><node>0</node><readonly/></target></memory>`,
    );
    nv.sourcePath = '/dev/pmem0';
    nv.sizeKiB = 1024;
    nv.labelSizeKiB = 128;
    expect(nv.toXml()).to.equal(
      `<memory model='nvdimm'><source><path>/dev/pmem0</path><pmem/></source><target><size unit="KiB">1024</size><node>0</node><label><size unit="KiB">128</size></label><readonly/></target></memory>`,
    );
  });
});
