import { expect } from 'chai';
import { buildDevices, Generic } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { dict } from '../../src/metadata/value.js';
import { firstChild, parseXml } from '../../src/xml/index.js';
import { describeDeviceFixtures } from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

describe('Generic', () => {
  describeDeviceFixtures(Generic, 'generic');

  it('takes any tag and exposes alias, address and the element itself', () => {
    const doc = parseXml(readFixture('devices/generic/shmem-ivshmem.xml'));
    const g = Generic.fromXmlTree(doc.documentElement!);
    expect(g.kind).to.equal('shmem');
    expect(g.className).to.equal('Generic');
    expect(g.alias).to.equal('shmem0');
    expect(g.address).to.deep.equal({
      type: 'pci',
      domain: '0x0000',
      bus: '0x00',
      slot: '0x03',
      function: '0x0',
    });
    expect(g.element).to.equal(doc.documentElement);
    expect(g.toJSON()).to.deep.equal({
      kind: 'shmem',
      class: 'Generic',
      fields: {},
      alias: 'shmem0',
      address: { type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x03', function: '0x0' },
    });
  });

  it('binds like any device: user alias, alias, address; metadata kept whole', () => {
    const g = deviceInDomain(
      Generic,
      `<vsock model='virtio'><alias name='ua-42'/><address type='pci' bus='0x00' slot='0x0a'/></vsock>`,
      dict([
        ['deviceId', '42'],
        ['custom', 'x'],
      ]),
    );
    expect(g.identity()).to.deep.include({
      kind: 'vsock',
      alias: 'ua-42',
      userAliasId: '42',
      address: 'bus=0,slot=10,type=pci',
      keys: {},
      lookups: [],
    });
    expect(Object.keys(g.metadataToSave())).to.deep.equal(['deviceId', 'custom']);
  });

  it('is what the registry gives every tag without a class', () => {
    const doc = parseXml(
      `<domain><devices><vsock model='virtio'/><x-vendor-hub type='usb'/><future-thing/></devices></domain>`,
    );
    const devices = buildDevices(firstChild(doc.documentElement!, 'devices')!);
    expect(devices.map((d) => [d.kind, d.className])).to.deep.equal([
      ['vsock', 'Vsock'],
      ['x-vendor-hub', 'Generic'],
      ['future-thing', 'Generic'],
    ]);
  });

  it('keeps absent and empty apart', () => {
    expect(deviceInDomain(Generic, `<panic model='isa'/>`).toJSON()).to.deep.equal({
      kind: 'panic',
      class: 'Generic',
      fields: {},
    });
    const empty = deviceInDomain(Generic, `<panic><alias name=''/><address/></panic>`);
    expect(empty.alias).to.equal('');
    expect(empty.address).to.deep.equal({});
    expect(empty.identity().alias).to.equal(undefined);
    expect(empty.identity().address).to.equal(undefined);
  });

  it('reports a bad boot order with its XML path', () => {
    const g = deviceInDomain(Generic, `<quantum-link>\n  <boot order='x'/>\n</quantum-link>`);
    expect(() => g.toJSON())
      .to.throw(XmlValueError, '/domain/devices/quantum-link/boot/@order: "x" is not an unsigned integer')
      .with.property('line', 4);
  });

  it('edits alias and address only', () => {
    const g = Generic.fromXmlTree(
      parseXml(readFixture('edits/generic-alias-address.in.xml')).documentElement!,
    );
    g.alias = 'ua-0c7d1e2f-3a4b-4c5d-8e6f-708192a3b4c5';
    g.address = { type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x0c', function: '0x0' };
    expectGolden(g.toXml(), 'edits/generic-alias-address.out.xml');
  });

  it('puts a new alias before an existing address, as libvirt does', () => {
    const g = deviceInDomain(
      Generic,
      `<panic model='isa'><future/><address type='isa' iobase='0x505'/></panic>`,
    );
    g.alias = 'panic0';
    expect(g.toXml()).to.equal(
      `<panic model='isa'><future/><alias name='panic0'/><address type='isa' iobase='0x505'/></panic>`,
    );
  });
});
