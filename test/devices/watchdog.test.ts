import { expect } from 'chai';
import { Watchdog } from '../../src/devices/index.js';
import { UnexpectedElementError } from '../../src/errors.js';
import { describeDeviceFixtures, deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

function fromFixture(rel: string): Watchdog {
  return deviceFromFixture(Watchdog, rel);
}

describe('Watchdog', () => {
  describeDeviceFixtures(Watchdog, 'watchdog');

  it('reads model and action', () => {
    const wd = fromFixture('devices/watchdog/i6300esb-pci.xml');
    expect(wd.model).to.equal('i6300esb');
    expect(wd.action).to.equal('inject-nmi');
    expect(wd.deviceId).to.equal('8f9e0d1c-2b3a-4c5d-6e7f-8091a2b3c4d5');
    expect(wd.address?.['slot']).to.equal('0x09');
  });

  it('keeps absent and empty apart (no made-up default action)', () => {
    const absent = fromFixture('devices/watchdog/diag288-default-action.xml');
    expect(absent.action).to.equal(undefined);
    expect(absent.toJSON().fields).to.deep.equal({ model: 'diag288' });
    const empty = deviceInDomain(Watchdog, `<watchdog model='' action=''/>`);
    expect(empty.toJSON().fields).to.deep.equal({ model: '', action: '' });
  });

  it('accepts models and actions libvirt may add later (nothing here is strict)', () => {
    const wd = deviceInDomain(Watchdog, `<watchdog model='sbsa-gwdt' action='reboot-twice'/>`);
    expect([wd.model, wd.action]).to.deep.equal(['sbsa-gwdt', 'reboot-twice']);
    expect(() => wd.toJSON()).not.to.throw();
  });

  it('refuses an element of another kind, naming where it is', () => {
    expect(() => deviceInDomain(Watchdog, `<tpm model='tpm-tis'/>`))
      .to.throw(UnexpectedElementError, 'expected <watchdog>, got <tpm>')
      .with.property('path', '/domain/devices/tpm');
  });

  it('edits write through and change nothing else', () => {
    const wd = fromFixture('edits/watchdog-action.in.xml');
    wd.action = 'dump';
    wd.model = 'itco';
    wd.alias = 'ua-12345678-9abc-4def-8123-456789abcdef';
    expectGolden(wd.toXml(), 'edits/watchdog-action.out.xml');
  });
});
