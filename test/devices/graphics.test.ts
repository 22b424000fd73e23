import { expect } from 'chai';
import { Graphics, GraphicsListen } from '../../src/devices/graphics.js';
import { ConfError, MetadataError, NoSuchDeviceError, XmlValueError } from '../../src/errors.js';
import { dict } from '../../src/metadata/value.js';
import {
  describeDeviceFixtures,
  deviceFixtures,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Graphics {
  return deviceFromFixture(Graphics, rel);
}

/** A fixture's device with its metadata (`<name>.meta.json`). */
function withMeta(rel: string): Graphics {
  return loadDeviceFixture(Graphics, rel).device;
}

describe('Graphics', () => {
  describeDeviceFixtures(Graphics, 'graphics', 4);

  it('reads every declared field in at least one fixture', () => {
    const seen = new Set<string>();
    for (const rel of deviceFixtures('graphics')) {
      for (const k of Object.keys(loadDeviceFixture(Graphics, rel).device.toJSON().fields)) seen.add(k);
    }
    expect(Object.keys(Graphics.fields).filter((k) => !seen.has(k))).to.deep.equal([]);
  });

  it('reads the seed domain vnc display', () => {
    const g = withMeta('devices/graphics/vnc-seed.xml');
    expect(g.type).to.equal('vnc');
    expect(g.port).to.equal(5900);
    expect(g.autoport).to.equal(true);
    expect(g.keymap).to.equal('en-us');
    expect(g.passwd).to.equal('*****');
    expect(g.listens.map((l) => [l.type, l.address, l.network])).to.deep.equal([
      ['network', '192.168.1.53', 'vdsm-ovirtmgmt'],
    ]);
    expect(g.displayNetwork).to.equal('ovirtmgmt');
    expect(g.displayIp).to.equal('192.168.1.53');
    // Vdsm saves a graphics device's type as its `name`.
    expect(g.identity().keys).to.deep.equal({ name: 'vnc' });
  });

  it('never prints the password, only that one is set', () => {
    const g = fromFixture('devices/graphics/vnc-seed.xml');
    const json = JSON.stringify(g.toJSON());
    expect(json).not.to.contain('*****');
    expect(g.toJSON().fields['passwdSet']).to.equal(true);
    const none = deviceInDomain(Graphics, `<graphics type='vnc'/>`);
    expect(none.toJSON().fields).not.to.have.property('passwdSet');
    const empty = deviceInDomain(Graphics, `<graphics type='vnc' passwd=''/>`);
    expect(empty.passwd).to.equal('');
    expect(empty.toJSON().fields['passwdSet']).to.equal(true);
  });

  describe('displayNetwork and displayIp', () => {
    it('strips the vdsm- prefix only when it is there', () => {
      const plain = deviceInDomain(
        Graphics,
        `<graphics type='vnc'><listen type='network' network='Bobsnetwork'/></graphics>`,
      );
      expect(plain.displayNetwork).to.equal('Bobsnetwork');
      const short = deviceInDomain(
        Graphics,
        `<graphics type='vnc'><listen type='network' network='mgmt'/></graphics>`,
      );
      expect(short.displayNetwork).to.equal('mgmt');
      const vdsm = deviceInDomain(
        Graphics,
        `<graphics type='vnc'><listen type='network' network='vdsm-blue'/></graphics>`,
      );
      expect(vdsm.displayNetwork).to.equal('blue');
    });

    it('uses only the first listen, and metadata when it does not say', () => {
      // The first listen is an address: the network of the second one is not the display network.
      const g = fromFixture('devices/graphics/vnc-plain-network.xml');
      expect(g.displayNetwork).to.equal('Bobsnetwork');
      const addressFirst = deviceInDomain(
        Graphics,
        `<graphics type='vnc'><listen type='address' address='1.2.3.4'/><listen type='network' network='vdsm-x'/></graphics>`,
        dict([['displayNetwork', 'fromMeta']]),
      );
      expect(addressFirst.displayIp).to.equal('1.2.3.4');
      expect(addressFirst.displayNetwork).to.equal('fromMeta');
    });

    it('prefers metadata displayNetwork, then display_network, then specParams', () => {
      const both = deviceInDomain(
        Graphics,
        `<graphics type='spice'/>`,
        dict([
          ['display_network', 'legacy'],
          ['displayNetwork', 'new'],
        ]),
      );
      expect(both.displayNetwork).to.equal('new');
      const legacy = deviceInDomain(
        Graphics,
        `<graphics type='spice'/>`,
        dict([['display_network', 'legacy']]),
      );
      expect(legacy.displayNetwork).to.equal('legacy');
      const spec = fromFixture('devices/graphics/vnc-no-listen.xml');
      expect(spec.displayNetwork).to.equal(undefined);
      const withSpec = withMeta('devices/graphics/vnc-no-listen.xml');
      expect([withSpec.displayNetwork, withSpec.displayIp]).to.deep.equal(['ovirtmgmt', '10.35.1.17']);
    });

    it('works without any <listen>, and invents nothing when nothing says', () => {
      const bare = deviceInDomain(Graphics, `<graphics type='vnc' port='-1' autoport='yes'/>`);
      expect(bare.listens).to.deep.equal([]);
      expect(bare.displayIp).to.equal(undefined);
      expect(bare.displayNetwork).to.equal(undefined);
      expect(bare.toJSON().fields).to.deep.equal({ type: 'vnc', port: -1, autoport: true });
      const attr = deviceInDomain(Graphics, `<graphics type='vnc' listen='0'/>`);
      expect(attr.displayIp).to.equal('0');
      const noAddress = deviceInDomain(Graphics, `<graphics type='vnc'><listen type='address'/></graphics>`);
      expect(noAddress.displayIp).to.equal(undefined);
      const socket = fromFixture('devices/graphics/vnc-socket.xml');
      expect([socket.displayIp, socket.displayNetwork]).to.deep.equal([undefined, undefined]);
    });

    it('keeps an empty listen address as empty', () => {
      const g = deviceInDomain(
        Graphics,
        `<graphics type='vnc'><listen type='address' address=''/></graphics>`,
      );
      expect(g.displayIp).to.equal('');
    });

    it('names the device and key when metadata has the wrong type', () => {
      const g = deviceInDomain(Graphics, `<graphics type='vnc'/>`, dict([['displayNetwork', 5]]));
      expect(() => g.displayNetwork)
        .to.throw(
          MetadataError,
          /graphics \/domain\/devices\/graphics: displayNetwork: expected string, got 5/,
        )
        .with.property('code', 'METADATA_VALUE');
      const sp = deviceInDomain(
        Graphics,
        `<graphics type='vnc'/>`,
        dict([['specParams', dict([['displayIp', true]])]]),
      );
      expect(() => sp.displayIp).to.throw(MetadataError, /specParams\.displayIp: expected string, got true/);
    });
  });

  describe('bad values', () => {
    it('reports a malformed port with its XML path and line:column', () => {
      const g = deviceInDomain(Graphics, `<graphics type='vnc' port='59x0'/>`);
      const x = xmlValueErrorOf(() => g.port);
      expect(x.message).to.equal('/domain/devices/graphics/@port: "59x0" is not an integer');
      expect([x.line, x.column]).to.deep.equal([3, 1]);
      // The source name the document was parsed under (deviceInDomain's 'test').
      expect(x.format('other.xml')).to.equal(
        'test:3:1: XML_VALUE: /domain/devices/graphics/@port: "59x0" is not an integer',
      );
      expect(() => g.toJSON()).to.throw(XmlValueError, '@port');
    });

    it('is strict on booleans and numbers of children and listens', () => {
      const g = deviceInDomain(
        Graphics,
        `<graphics type='spice' autoport='true' tlsPort=''>\n  <clipboard copypaste='off'/>\n</graphics>`,
      );
      expect(() => g.autoport).to.throw(
        XmlValueError,
        '/domain/devices/graphics/@autoport: "true" is not yes/no',
      );
      expect(() => g.tlsPort).to.throw(XmlValueError, '"" is not an integer');
      expect(() => g.clipboardCopypaste)
        .to.throw(XmlValueError, '/domain/devices/graphics/clipboard/@copypaste')
        .with.property('line', 4);
    });

    it('accepts types and listen types libvirt may add later', () => {
      const g = deviceInDomain(Graphics, `<graphics type='hologram'><listen type='quantum'/></graphics>`);
      expect(g.type).to.equal('hologram');
      expect(g.listens[0]?.type).to.equal('quantum');
      expect(() => g.toJSON()).not.to.throw();
    });
  });

  it('keeps absent and empty apart', () => {
    const g = deviceInDomain(
      Graphics,
      `<graphics type='vnc' keymap='' passwdValidTo=''><listen type='network' network=''/></graphics>`,
    );
    expect(g.keymap).to.equal('');
    expect(g.port).to.equal(undefined);
    expect(g.toJSON().fields).to.deep.equal({
      type: 'vnc',
      keymap: '',
      passwdValidTo: '',
      listens: [{ type: 'network', network: '' }],
    });
  });

  describe('edits', () => {
    it('setting the port changes only that attribute', () => {
      const g = fromFixture('edits/graphics-set-port.in.xml');
      g.port = 5901;
      expectGolden(g.toXml(), 'edits/graphics-set-port.out.xml');
    });

    it('adds a listen after the existing ones, before the channels', () => {
      const g = fromFixture('edits/graphics-add-listen.in.xml');
      const l = g.addListen({ type: 'network', network: 'vdsm-blue' });
      expect(l).to.be.instanceOf(GraphicsListen);
      expect(g.listens.map((x) => x.type)).to.deep.equal(['address', 'network']);
      expectGolden(g.toXml(), 'edits/graphics-add-listen.out.xml');
    });

    it('adds the first listen before the later children', () => {
      const g = fromFixture('edits/graphics-add-listen-first.in.xml');
      g.addListen({ type: 'address', address: '0.0.0.0' });
      expect(g.displayIp).to.equal('0.0.0.0');
      expectGolden(g.toXml(), 'edits/graphics-add-listen-first.out.xml');
    });

    it('removes a listen, and refuses one of another device', () => {
      const g = fromFixture('edits/graphics-remove-listen.in.xml');
      const other = deviceInDomain(Graphics, `<graphics type='vnc'><listen type='none'/></graphics>`);
      expect(() => {
        g.removeListen(other.listens[0]!);
      }).to.throw(NoSuchDeviceError);
      g.removeListen(g.listens[0]!);
      expect(g.displayNetwork).to.equal('ovirtmgmt');
      expectGolden(g.toXml(), 'edits/graphics-remove-listen.out.xml');
    });

    it('edits a listen in place and removes attributes set to undefined', () => {
      const g = deviceInDomain(
        Graphics,
        `<graphics type='vnc' port='5900'><listen type='address' address='1.2.3.4'/></graphics>`,
      );
      g.listens[0]!.address = '5.6.7.8';
      g.port = undefined;
      g.passwd = 'x';
      expect(g.toXml()).to.equal(
        `<graphics type='vnc' passwd='x'><listen type='address' address='5.6.7.8'/></graphics>`,
      );
    });
  });

  describe('create', () => {
    const validate = haveVirtXmlValidate();

    function expectValid(g: Graphics): void {
      if (!validate) return;
      const problem = validateDeviceXml(g.toXml());
      expect(problem, problem).to.equal(undefined);
    }

    it('builds a spice display from a Vdsm conf (specParams as Engine sends them)', () => {
      const g = Graphics.create({
        device: 'spice',
        type: 'graphics',
        port: '-1',
        tlsPort: '-1',
        deviceId: '8a1f3b2c-1111-4222-8333-944455556666',
        specParams: dict([
          ['keyMap', 'en-us'],
          ['displayNetwork', 'ovirtmgmt'],
          ['displayIp', '192.168.1.53'],
          ['spiceSecureChannels', 'smain,sinputs,scursor,splayback,srecord,sdisplay,ssmartcard,susbredir'],
          ['copyPasteEnable', 'false'],
          ['fileTransferEnable', 'true'],
        ]),
      });
      expectGolden(g.toXml(), 'devices/graphics/create-spice.out.xml');
      expect(g.deviceId).to.equal('8a1f3b2c-1111-4222-8333-944455556666');
      expect(g.alias).to.equal(undefined);
      expect(g.displayNetwork).to.equal('ovirtmgmt');
      expect(g.displayIp).to.equal('192.168.1.53');
      expect(g.metadataToSave()).to.deep.equal(
        dict([
          ['deviceId', '8a1f3b2c-1111-4222-8333-944455556666'],
          ['displayNetwork', 'ovirtmgmt'],
          ['displayIp', '192.168.1.53'],
        ]),
      );
      expectValid(g);
    });

    it('builds a vnc display with a fixed port and an address listen', () => {
      const g = Graphics.create({
        device: 'vnc',
        port: 5910,
        keyMap: 'de',
        displayIp: '10.0.0.1',
        spiceSecureChannels: 'smain',
      });
      expectGolden(g.toXml(), 'devices/graphics/create-vnc.out.xml');
      expect([g.port, g.autoport, g.tlsPort]).to.deep.equal([5910, false, undefined]);
      expect(g.channels).to.deep.equal([]);
      expectValid(g);
    });

    it('builds a bare display with no listen when the conf names no network or IP', () => {
      const g = Graphics.create({ device: 'vnc' });
      expect(g.toXml()).to.equal('<graphics type="vnc" port="-1" autoport="yes"/>');
      expect(g.displayIp).to.equal(undefined);
      expectValid(g);
    });

    it('refuses bad confs naming the key', () => {
      expect(() => Graphics.create({}))
        .to.throw(ConfError, 'device: graphics conf: required key "device" is missing')
        .with.property('code', 'CONF_MISSING_KEY');
      expect(() => Graphics.create({ device: 'vnc', port: '59x0' }))
        .to.throw(ConfError, 'port: graphics conf: expected int, got "59x0"')
        .with.property('code', 'CONF_VALUE');
      expect(() => Graphics.create({ device: 'vnc', port: 70000 })).to.throw(
        ConfError,
        '70000 is not a port',
      );
      expect(() => Graphics.create({ device: '' })).to.throw(
        ConfError,
        'device: graphics conf: the graphics type is empty',
      );
      expect(() => Graphics.create({ device: 'spice', spiceSecureChannels: 'smain,,sinputs' }))
        .to.throw(ConfError, 'spiceSecureChannels: graphics conf: spiceSecureChannels item 1 is empty')
        .with.property('path', 'spiceSecureChannels');
      expect(() =>
        Graphics.create({ device: 'spice', specParams: dict([['spiceSecureChannels', 'smain,']]) }),
      )
        .to.throw(ConfError, 'item 1 is empty')
        .with.property('path', 'specParams.spiceSecureChannels');
      expect(() => Graphics.create({ device: 'spice', spiceSecureChannels: 'main,bogus' })).to.throw(
        ConfError,
        '"bogus" is not a spice channel',
      );
      expect(() => Graphics.create({ device: 'spice', specParams: dict([['copyPasteEnable', 'maybe']]) }))
        .to.throw(ConfError, 'expected bool, got "maybe"')
        .with.property('path', 'specParams.copyPasteEnable');
      expect(() => Graphics.create({ device: 'vnc', specParams: 'nope' })).to.throw(ConfError, 'specParams');
    });
  });
});
