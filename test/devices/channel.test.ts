import { expect } from 'chai';
import { Channel } from '../../src/devices/index.js';
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

function fromFixture(rel: string): Channel {
  return deviceFromFixture(Channel, rel);
}

describe('Channel', () => {
  describeDeviceFixtures(Channel, 'channel');
  describeFieldCoverage(Channel, 'channel');

  it('reads the guest agent channel: socket, port name, state and virtio-serial address', () => {
    const { device: c } = loadDeviceFixture(Channel, 'devices/channel/guest-agent-unix.xml');
    if (!(c instanceof Channel)) return expect.fail('not a Channel');
    expect([c.type, c.sourceMode]).to.deep.equal(['unix', 'bind']);
    expect(c.sourcePath).to.equal(
      '/var/lib/libvirt/qemu/channels/ccd945c8-8069-4f31-8471-bbb58e9dd6ea.org.qemu.guest_agent.0',
    );
    expect([c.targetType, c.targetName, c.targetState]).to.deep.equal([
      'virtio',
      'org.qemu.guest_agent.0',
      'disconnected',
    ]);
    expect(c.address).to.deep.equal({ type: 'virtio-serial', controller: '0', bus: '0', port: '2' });
    expect(c.deviceId).to.equal('f1b0c2d4-6e8a-4b3c-9d2e-7a5f1c0b3e22');
    expect(c.identity()).to.deep.include({
      kind: 'channel',
      alias: 'channel1',
      address: 'bus=0,controller=0,port=2,type=virtio-serial',
    });
  });

  it('reads the spice agent, guestfwd and qemu-vdagent channels', () => {
    const spice = fromFixture('devices/channel/spicevmc.xml');
    expect([spice.type, spice.targetName, spice.targetState, spice.sourcePath]).to.deep.equal([
      'spicevmc',
      'com.redhat.spice.0',
      'connected',
      undefined,
    ]);
    const fwd = fromFixture('devices/channel/guestfwd.xml');
    expect([fwd.type, fwd.sourcePath, fwd.targetType, fwd.targetAddress, fwd.targetPort]).to.deep.equal([
      'pipe',
      '/tmp/guestfwd',
      'guestfwd',
      '10.0.2.1',
      4600,
    ]);
    const vd = fromFixture('devices/channel/qemu-vdagent.xml');
    expect([vd.sourceClipboardCopypaste, vd.sourceMouseMode]).to.deep.equal([true, 'client']);
  });

  it('reports bad values with the XML path and line:column', () => {
    const c = deviceInDomain(
      Channel,
      `<channel type='qemu-vdagent'>\n  <source>\n    <clipboard copypaste='maybe'/>\n  </source>\n</channel>`,
    );
    const err = xmlValueErrorOf(() => c.sourceClipboardCopypaste);
    expect(err.path).to.equal('/domain/devices/channel/source/clipboard/@copypaste');
    expect(err.message).to.contain('"maybe" is not yes/no');
    expect([err.line, err.column]).to.deep.equal([5, 5]);
    const fwd = deviceInDomain(
      Channel,
      `<channel type='pipe'><target type='guestfwd' address='10.0.2.1' port='http'/></channel>`,
    );
    expect(() => fwd.targetPort).to.throw(
      XmlValueError,
      /channel\/target\/@port: "http" is not an unsigned integer/,
    );
  });

  it('keeps absent and empty apart', () => {
    const empty = deviceInDomain(
      Channel,
      `<channel type='unix'><target type='virtio' name='' state=''/></channel>`,
    );
    expect([empty.targetName, empty.targetState, empty.targetAddress]).to.deep.equal(['', '', undefined]);
    expect(empty.toJSON().fields).to.deep.equal({
      type: 'unix',
      targetType: 'virtio',
      targetName: '',
      targetState: '',
    });
    const absent = deviceInDomain(Channel, `<channel/>`);
    expect([absent.targetName, absent.targetState, absent.sourceMouseMode]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    expect(absent.toJSON().fields).to.deep.equal({});
  });

  it('accepts states and modes libvirt may add later', () => {
    const c = deviceInDomain(
      Channel,
      `<channel type='dbus'><source channel='org.x'><mouse mode='relative'/></source><target type='virtio' name='x' state='half-open'/></channel>`,
    );
    expect([c.type, c.sourceChannel, c.sourceMouseMode, c.targetState]).to.deep.equal([
      'dbus',
      'org.x',
      'relative',
      'half-open',
    ]);
  });

  it('changing the state changes only that attribute', () => {
    const c = fromFixture('edits/channel-connected.in.xml');
    c.targetState = 'connected';
    expectGolden(c.toXml(), 'edits/channel-connected.out.xml');
  });

  it('adds <clipboard> before the existing <mouse>, where libvirt puts it', () => {
    const c = fromFixture('edits/channel-vdagent-clipboard.in.xml');
    c.sourceClipboardCopypaste = false;
    expectGolden(c.toXml(), 'edits/channel-vdagent-clipboard.out.xml');
  });

  it('unknown content survives edits', () => {
    const c = fromFixture('devices/channel/unknown-content.xml');
    c.targetState = 'connected';
    c.sourceReconnectEnabled = undefined; // <reconnect> left empty: removed; <source> keeps its attributes
    const xml = c.toXml();
    expect(xml).not.to.contain('<reconnect');
    expect(xml)
      .to.contain("state='connected' futureAttr='x'")
      .and.contain('<ovirt:purpose>vdsm</ovirt:purpose>');
    expect(xml)
      .to.contain("ovirt:managed='yes'")
      .and.contain('<futureChild/>')
      .and.contain("<!-- vdsm's own channel -->");
  });

  if (haveVirtXmlValidate()) {
    it("libvirt's schema accepts the edited channels", () => {
      for (const rel of ['channel-connected', 'channel-vdagent-clipboard']) {
        expect(validateDeviceXml(readFixture(`edits/${rel}.out.xml`)), rel).to.equal(undefined);
      }
    });
  }
});
