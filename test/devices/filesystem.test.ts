import { expect } from 'chai';
import { Filesystem } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

function fromFixture(rel: string): Filesystem {
  return deviceFromFixture(Filesystem, rel);
}

describe('Filesystem', () => {
  describeDeviceFixtures(Filesystem, 'filesystem');

  it('reads a 9p share', () => {
    const fs = fromFixture('devices/filesystem/9p-mapped.xml');
    expect([fs.type, fs.accessmode, fs.driverType, fs.driverWrpolicy]).to.deep.equal([
      'mount',
      'mapped',
      'path',
      'immediate',
    ]);
    expect([fs.sourceDir, fs.targetDir, fs.readonly]).to.deep.equal([
      '/export/to/guest',
      '/import/from/host',
      true,
    ]);
    expect([fs.fmode, fs.dmode]).to.deep.equal(['644', '755']);
  });

  it('reads virtiofs with its virtiofsd binary', () => {
    const fs = fromFixture('devices/filesystem/virtiofs-binary.xml');
    expect([fs.driverType, fs.driverQueue, fs.virtio.iommu]).to.deep.equal(['virtiofs', 1024, true]);
    expect([fs.binaryPath, fs.binaryXattr, fs.binaryCacheMode, fs.binarySandboxMode]).to.deep.equal([
      '/usr/libexec/virtiofsd',
      true,
      'always',
      'chroot',
    ]);
    expect([fs.binaryLockPosix, fs.binaryLockFlock, fs.binaryThreadPoolSize]).to.deep.equal([
      false,
      false,
      16,
    ]);
    expect(fs.readonly).to.equal(false);
    expect(fromFixture('devices/filesystem/virtiofs-socket.xml').sourceSocket).to.equal(
      '/run/virtiofsd/tag1.sock',
    );
  });

  it('reads the source of each type', () => {
    expect(fromFixture('devices/filesystem/lxc-file-loop.xml').sourceFile).to.equal(
      '/var/lib/lxc/images/root.img',
    );
    expect(fromFixture('devices/filesystem/lxc-block-nbd.xml').sourceDev).to.equal('/dev/sdb1');
    expect(fromFixture('devices/filesystem/lxc-template.xml').sourceName).to.equal('fedora-base');
    const ram = fromFixture('devices/filesystem/lxc-ram.xml');
    expect(ram.usageKiB).to.equal(1024);
    expect(ram.toJSON().fields).to.include({ sourceUsage: 1, sourceUnits: 'MiB', usageKiB: 1024 });
    expect(
      deviceInDomain(Filesystem, `<filesystem type='ram'><source usage='1048576'/></filesystem>`).usageKiB,
    ).to.equal(1048576);
  });

  it('keeps absent and empty apart', () => {
    const fs = deviceInDomain(
      Filesystem,
      `<filesystem accessmode=''><source dir=''/><target dir='tag'/></filesystem>`,
    );
    expect(fs.type).to.equal(undefined);
    expect(fs.accessmode).to.equal('');
    expect(fs.sourceDir).to.equal('');
    expect(fs.sourceFile).to.equal(undefined);
    expect(fs.toJSON().fields).to.deep.equal({ accessmode: '', sourceDir: '', targetDir: 'tag' });
  });

  it('reports bad values with their XML path and position', () => {
    const fs = deviceInDomain(
      Filesystem,
      `<filesystem type='ram'>\n  <driver type='virtiofs' queue='big'/>\n  <source usage='1000' units='bytes'/>\n</filesystem>`,
    );
    expect(() => fs.driverQueue)
      .to.throw(XmlValueError, '/domain/devices/filesystem/driver/@queue: "big" is not an unsigned integer')
      .with.property('line', 4);
    expect(() => fs.usageKiB).to.throw(
      XmlValueError,
      '/domain/devices/filesystem/source/@usage: 1000 bytes is not a whole number of KiB',
    );
    const badUnit = deviceInDomain(
      Filesystem,
      `<filesystem type='ram'><source usage='1' units='pages'/></filesystem>`,
    );
    expect(() => badUnit.usageKiB).to.throw(
      XmlValueError,
      '/domain/devices/filesystem/source/@units: unknown unit "pages"',
    );
    const badXattr = deviceInDomain(Filesystem, `<filesystem><binary xattr='true'/></filesystem>`);
    expect(() => badXattr.binaryXattr).to.throw(XmlValueError, /binary\/@xattr: "true" is not on\/off/);
  });

  it('sets a RAM filesystem size in KiB, and removes it with its unit', () => {
    const fs = fromFixture('devices/filesystem/lxc-ram.xml');
    fs.usageKiB = 2048;
    expect(fs.toXml()).to.contain(`<source usage='2048' units='KiB'/>`);
    fs.usageKiB = undefined;
    expect(fs.toXml()).not.to.contain('<source');
  });

  it('edits write through in libvirt order and change nothing else', () => {
    const fs = fromFixture('edits/filesystem-virtiofs.in.xml');
    fs.driverType = 'virtiofs';
    fs.driverQueue = 1024;
    fs.binaryPath = '/usr/libexec/virtiofsd';
    fs.binaryCacheMode = 'always';
    fs.readonly = true;
    fs.accessmode = 'passthrough';
    expectGolden(fs.toXml(), 'edits/filesystem-virtiofs.out.xml');
    fs.readonly = false;
    expect(fs.toXml()).not.to.contain('readonly');
    fs.binaryThreadPoolSize = 8;
    fs.binaryLockPosix = true;
    expect(fs.toXml()).to.contain(
      "<binary path='/usr/libexec/virtiofsd'>\n    <cache mode='always'/>\n    <lock posix='on'/>\n    <thread_pool size='8'/>\n  </binary>",
    );
  });
});
