import { expect } from 'chai';
import { Console, Serial } from '../../src/devices/index.js';
import { NoSuchDeviceError } from '../../src/errors.js';
import { deviceFromFixture } from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';

describe('character devices (shared by Console, Serial, Channel)', () => {
  it('lists both ends of a udp backend; the source* fields read the first', () => {
    const s = deviceFromFixture(Serial, 'devices/serial/udp-two-ends.xml');
    expect(s.sources.map((x) => [x.mode, x.host, x.service])).to.deep.equal([
      ['bind', '127.0.0.1', '9999'],
      ['connect', '127.0.0.1', '9998'],
    ]);
    expect([s.sourceMode, s.sourceService]).to.deep.equal(['bind', '9999']);
    expect(s.toJSON().fields['sources']).to.deep.equal([
      { mode: 'bind', host: '127.0.0.1', service: '9999' },
      { mode: 'connect', host: '127.0.0.1', service: '9998' },
    ]);
    // A single source is only in the flat fields.
    const one = deviceInDomain(Console, `<console type='pty'><source path='/dev/pts/1'/></console>`);
    expect(one.toJSON().fields).to.deep.equal({ type: 'pty', sourcePath: '/dev/pts/1' });
  });

  it("adds udp's connect end after the bind end, before the target", () => {
    const s = deviceFromFixture(Serial, 'edits/serial-udp-add-source.in.xml');
    const remote = s.addSource();
    remote.mode = 'connect';
    remote.host = '192.0.2.1';
    remote.service = '2445';
    expect(s.sources).to.have.length(2);
    expectGolden(s.toXml(), 'edits/serial-udp-add-source.out.xml');
  });

  it('edits and removes one source through its part', () => {
    const c = deviceFromFixture(Console, 'devices/console/udp-two-ends.xml');
    const [bind, connect] = c.sources;
    connect!.service = '3333';
    connect!.reconnect.enabled = false;
    expect(c.toXml()).to.contain(
      `<source mode='connect' host='127.0.0.1' service='3333'>\n    <reconnect enabled='no'/>\n  </source>`,
    );
    c.removeSource(bind!);
    expect(c.sources.map((x) => x.mode)).to.deep.equal(['connect']);
    expect(c.sourceService).to.equal('3333');
    expect(() => c.removeSource(bind!)).to.throw(NoSuchDeviceError, /that <source> is not part of/);
    const other = deviceInDomain(Console, `<console type='pty'><source path='/dev/pts/1'/></console>`);
    expect(() => c.removeSource(other.sources[0]!))
      .to.throw(NoSuchDeviceError, 'that <source> is not part of /console')
      .with.property('path', '/console');
  });

  it('a source part reads every source field', () => {
    const [part] = deviceInDomain(
      Console,
      `<console type='tcp'><source mode='connect' path='/s' host='h' service='1' channel='c' append='off' tls='yes'><reconnect enabled='yes' timeout='2'/></source></console>`,
    ).sources;
    expect(part?.toJSON()).to.deep.equal({
      mode: 'connect',
      path: '/s',
      host: 'h',
      service: '1',
      channel: 'c',
      append: false,
      tls: true,
      reconnect: { enabled: true, timeout: 2 },
    });
  });
});
