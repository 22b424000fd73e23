import { expect } from 'chai';
import { Video } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Video {
  return deviceFromFixture(Video, rel);
}

describe('Video', () => {
  describeDeviceFixtures(Video, 'video');
  describeFieldCoverage(Video, 'video');

  it('reads the seed qxl card, primary flag included (Vdsm dropped it)', () => {
    const { device: v } = loadDeviceFixture(Video, 'devices/video/qxl-primary-seed.xml');
    if (!(v instanceof Video)) return expect.fail('not a Video');
    expect([v.modelType, v.modelRam, v.modelVram, v.modelVgamem, v.modelHeads, v.modelPrimary]).to.deep.equal(
      ['qxl', 65536, 8192, 16384, 1, true],
    );
    expect([v.alias, v.deviceId]).to.deep.equal(['video0', 'c4e6a8b0-2d4f-4b6a-8c0e-2a4c6e8a0b2d']);
  });

  it('reads acceleration, resolution and driver options', () => {
    const gl = fromFixture('devices/video/virtio-virgl.xml');
    expect([gl.accel3d, gl.accel2d, gl.rendernode]).to.deep.equal([true, undefined, '/dev/dri/renderD128']);
    expect([gl.virtio.iommu, gl.virtio.ats, gl.virtio.packed, gl.virtio.pagePerVq]).to.deep.equal([
      true,
      false,
      true,
      false,
    ]);
    const qxl = fromFixture('devices/video/qxl-resolution.xml');
    expect([qxl.modelVram64, qxl.accel2d, qxl.resolutionX, qxl.resolutionY]).to.deep.equal([
      1048576,
      false,
      1280,
      720,
    ]);
    expect(fromFixture('devices/video/vhostuser-secondary.xml').driverName).to.equal('vhostuser');
    expect(fromFixture('devices/video/vga-vgaconf.xml').driverVgaconf).to.equal('io');
  });

  it('reports bad values with the XML path and line:column', () => {
    const v = deviceInDomain(Video, `<video>\n  <model type='qxl' vram='64M'/>\n</video>`);
    const err = xmlValueErrorOf(() => v.modelVram);
    expect(err.path).to.equal('/domain/devices/video/model/@vram');
    expect(err.message).to.contain('"64M" is not an unsigned integer');
    expect([err.line, err.column]).to.deep.equal([4, 3]);
    const accel = deviceInDomain(
      Video,
      `<video><model type='virtio'><acceleration accel3d='on'/></model></video>`,
    );
    expect(() => accel.accel3d).to.throw(
      XmlValueError,
      /video\/model\/acceleration\/@accel3d: "on" is not yes\/no/,
    );
    expect(
      () => deviceInDomain(Video, `<video><model type='qxl' primary='true'/></video>`).modelPrimary,
    ).to.throw(XmlValueError, /"true" is not yes\/no/);
  });

  it('keeps absent and empty apart', () => {
    const noModel = fromFixture('devices/video/no-model.xml');
    expect([noModel.modelType, noModel.modelHeads]).to.deep.equal([undefined, undefined]);
    expect(noModel.toJSON().fields).to.deep.equal({});
    const empty = deviceInDomain(
      Video,
      `<video><model type=''><acceleration rendernode=''/></model></video>`,
    );
    expect([empty.modelType, empty.rendernode, empty.accel3d]).to.deep.equal(['', '', undefined]);
    expect(empty.toJSON().fields).to.deep.equal({ modelType: '', rendernode: '' });
  });

  it('accepts model types libvirt may add later', () => {
    expect(deviceInDomain(Video, `<video><model type='virtio-gpu-rutabaga'/></video>`).modelType).to.equal(
      'virtio-gpu-rutabaga',
    );
  });

  it('adds acceleration before the resolution and a driver before the model', () => {
    const v = fromFixture('edits/video-acceleration.in.xml');
    v.accel3d = true;
    v.driverName = 'vhostuser';
    v.modelHeads = 2;
    expectGolden(v.toXml(), 'edits/video-acceleration.out.xml');
  });

  it('removing the last acceleration attribute removes <acceleration>; unknown content survives', () => {
    const v = fromFixture('devices/video/virtio-virgl.xml');
    v.accel3d = undefined;
    v.rendernode = undefined;
    expect(v.toXml()).not.to.contain('acceleration');
    expect(v.modelType).to.equal('virtio');
    const u = fromFixture('devices/video/unknown-content.xml');
    u.modelHeads = 1;
    u.accel3d = true;
    const xml = u.toXml();
    expect(xml).to.contain("heads='1' blob='on' futureModelAttr='1'").and.contain('<futureModelChild/>');
    expect(xml).to.contain("<gfx:edid file='/var/lib/edid.bin'/>").and.contain("gfx:vendor='acme'");
    expect(xml).to.contain('<!-- blob is newer than some schemas: kept as written -->');
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited video device", () => {
      expect(validateDeviceXml(readFixture('edits/video-acceleration.out.xml'))).to.equal(undefined);
    });
  }
});
