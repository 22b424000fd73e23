import { expect } from 'chai';
import { Pstore } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture, loadDeviceFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';

function fromFixture(rel: string): Pstore {
  return deviceFromFixture(Pstore, rel);
}

describe('Pstore', () => {
  describeDeviceFixtures(Pstore, 'pstore');

  it('reads the backend, the host file and the size in KiB', () => {
    const { device: p } = loadDeviceFixture<Pstore>(Pstore, 'devices/pstore/live-alias.xml');
    expect([p.backend, p.filePath, p.sizeKiB, p.alias]).to.deep.equal([
      'acpi-erst',
      '/var/lib/libvirt/qemu/pstore/guest.pstore',
      1024,
      'pstore0',
    ]);
    expect(p.deviceId).to.equal('6f5e4d3c-2b1a-4098-8776-5a4b3c2d1e0f');
    // `path` stays the device's XML path.
    expect(p.path).to.equal('/pstore');
  });

  it('reads a size without unit as KiB', () => {
    expect(fromFixture('devices/pstore/size-without-unit.xml').sizeKiB).to.equal(64);
  });

  it('reports a bad size with its XML path and line:column', () => {
    const p = deviceInDomain(
      Pstore,
      `<pstore backend='acpi-erst'>\n  <size unit='pages'>8</size>\n</pstore>`,
    );
    const err = xmlValueErrorOf(() => p.sizeKiB);
    expect(err.path).to.equal('/domain/devices/pstore/size/@unit');
    expect(err.message).to.contain('unknown unit "pages"');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
  });

  it('keeps absent and empty apart', () => {
    expect(deviceInDomain(Pstore, `<pstore/>`).toJSON().fields).to.deep.equal({});
    expect(deviceInDomain(Pstore, `<pstore backend=''><path/></pstore>`).toJSON().fields).to.deep.equal({
      backend: '',
      filePath: '',
    });
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Pstore, `<nvram/>`))
      .to.throw(UnexpectedElementError, 'expected <pstore>, got <nvram>')
      .with.property('path', '/domain/devices/nvram');
  });

  it('edits write through: the size in KiB, the path before it, the alias before the address', () => {
    const p = fromFixture('edits/pstore-resize.in.xml');
    p.sizeKiB = 16;
    p.filePath = '/var/lib/libvirt/qemu/pstore/guest.pstore';
    p.backend = 'acpi-erst';
    p.alias = 'ua-4c5d6e7f-8091-4a2b-b4c5-d6e7f8091a2b';
    expectGolden(p.toXml(), 'edits/pstore-resize.out.xml');
  });

  it('unknown content survives edits', () => {
    const p = fromFixture('devices/pstore/unknown-content.xml');
    p.filePath = undefined;
    const xml = p.toXml();
    expect(xml).not.to.contain('<path>');
    expect(xml)
      .to.contain("<qe:extra value='kept'/>")
      .and.contain("qe:marker='m'")
      .and.contain("futureAttr='1'");
    expect(xml).to.contain('<!-- crash records -->');
  });
});
