import { expect } from 'chai';
import { Lease } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

function fromFixture(rel: string): Lease {
  return deviceFromFixture(Lease, rel);
}

describe('Lease', () => {
  describeDeviceFixtures(Lease, 'lease');

  it('reads lockspace, key, target path and a numeric offset', () => {
    const lease = fromFixture('devices/lease/vm-lease.xml');
    expect(lease.lockspace).to.equal('somearea');
    expect(lease.key).to.equal('thequickbrownfoxjumpedoverthelazydog');
    expect(lease.targetPath).to.equal('/some/lease/path');
    expect(lease.targetOffset).to.equal(1024);
    expect(lease.hasPlaceholders).to.equal(false);
  });

  it('offers its key to the binder', () => {
    const lease = fromFixture('devices/lease/volume-lease.xml').identity();
    expect(lease).to.deep.include({
      kind: 'lease',
      alias: undefined,
      userAliasId: undefined,
      address: undefined,
      // Vdsm saves the lease key as `name`.
      keys: { name: '5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc' },
    });
    expect(lease.lookups).to.have.length(1);
    // An empty or missing key never matches anything.
    expect(
      deviceInDomain(Lease, `<lease><lockspace>a</lockspace><key/></lease>`).identity().keys,
    ).to.deep.equal({});
    expect(deviceInDomain(Lease, `<lease><lockspace>a</lockspace></lease>`).identity().keys).to.deep.equal(
      {},
    );
  });

  it("keeps the Engine's placeholders as text until they are filled in", () => {
    const lease = fromFixture('devices/lease/engine-placeholders.xml');
    expect(lease.targetOffset).to.equal(
      'LEASE-OFFSET:5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc:c578566d-bc61-420c-8f1e-8dfa0a18efd5',
    );
    expect(lease.hasPlaceholders).to.equal(true);
    lease.targetOffset = 1048576;
    expect(lease.hasPlaceholders).to.equal(true); // the path still is one
    lease.targetPath = '/rhev/data-center/mnt/sd/images/img/vol.lease';
    expect(lease.hasPlaceholders).to.equal(false);
    expect(lease.targetOffset).to.equal(1048576);
  });

  it('keeps absent and empty apart', () => {
    const lease = deviceInDomain(Lease, `<lease><lockspace></lockspace><target path=''/></lease>`);
    expect(lease.lockspace).to.equal('');
    expect(lease.key).to.equal(undefined);
    expect(lease.targetPath).to.equal('');
    expect(lease.targetOffset).to.equal(undefined);
    expect(lease.toJSON().fields).to.deep.equal({ lockspace: '', targetPath: '' });
  });

  it('reports a bad offset with its XML path and position', () => {
    const lease = deviceInDomain(
      Lease,
      `<lease>\n  <key>k</key>\n  <target path='/p' offset='1k'/>\n</lease>`,
    );
    expect(() => lease.targetOffset)
      .to.throw(XmlValueError, '/domain/devices/lease/target/@offset: "1k" is not an unsigned integer')
      .with.property('line', 5);
    expect(() => deviceInDomain(Lease, `<lease><target offset='-1'/></lease>`).toJSON()).to.throw(
      XmlValueError,
      /@offset/,
    );
  });

  it('fills in the placeholders without touching anything else', () => {
    const lease = fromFixture('edits/lease-fill-placeholders.in.xml');
    lease.targetPath = '/rhev/data-center/mnt/server:_data/sd-1/images/img-1/vol-1.lease';
    lease.targetOffset = 0;
    expectGolden(lease.toXml(), 'edits/lease-fill-placeholders.out.xml');
  });
});
