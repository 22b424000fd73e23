/**
 * Domain.bindingOf/problemsOf look devices up through an index rebuilt after every change of the
 * device list: a device that left the domain (unplug, refresh) is not found, one that joined
 * (hotplug, create) is.
 */
import { expect } from 'chai';
import { NoSuchDeviceError, create, recover } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

const NIC_ALIAS = 'ua-a0000000-0000-4000-8000-0000000000a2';

describe('Domain device index', () => {
  it('follows hotplug, refresh and unplug', () => {
    const live = readFixture('domains/engine-ovirt-vm-live.xml');
    const d = recover(live);
    const before = d.devices;
    // Looked up once, so that the index exists before the changes below.
    expect(d.bindingOf(before[0]!).rule).to.equal('user-alias');

    const nic = d.hotplug(readFixture('domains/hotplug-nic.xml'));
    expect(d.bindingOf(nic).rule).to.not.equal('none');
    expect(d.problemsOf(nic)).to.deep.equal([]);

    d.save();
    d.refresh(
      live.replace(
        '<input type="mouse"',
        `<interface type="bridge"><mac address="00:1a:4a:16:02:02"/><source bridge="ovirtmgmt"/><alias name="${NIC_ALIAS}"/></interface>\n    <input type="mouse"`,
      ),
    );
    // refresh found every device again: the objects the agent holds are still the domain's.
    expect(d.bindingOf(before[0]!)).to.not.equal(undefined);
    const again = d.deviceByAlias(NIC_ALIAS)!;
    expect(again).to.equal(nic);
    expect(d.bindingOf(again).rule).to.equal('key');

    d.unplug(NIC_ALIAS);
    expect(() => d.bindingOf(again)).to.throw(NoSuchDeviceError);
    expect(() => d.problemsOf(again)).to.throw(NoSuchDeviceError);
    for (const dev of d.devices) expect(() => d.bindingOf(dev)).to.not.throw();
  });

  it('finds the drives create built from metadata', () => {
    const { domain } = create(readFixture('domains/seed1-repaired.xml'));
    const disks = domain.devices.filter((x) => x.kind === 'disk');
    expect(disks.map((x) => domain.bindingOf(x).rule)).to.deep.equal(['created', 'created']);
  });
});
