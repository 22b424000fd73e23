import { expect } from 'chai';
import { Interface, InterfaceFilterParameter, InterfaceVlanTag } from '../../src/devices/interface.js';
import { ConfError, MetadataError, NoSuchDeviceError, XmlValueError } from '../../src/errors.js';
import { dict } from '../../src/metadata/value.js';
import {
  describeDeviceFixtures,
  deviceFixtures,
  deviceFromFixture,
  loadDeviceFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string): Interface {
  return deviceFromFixture(Interface, rel);
}

/** A fixture's device with its metadata (`<name>.meta.json`). */
function withMeta(rel: string): Interface {
  return loadDeviceFixture(Interface, rel).device;
}

describe('Interface', () => {
  describeDeviceFixtures(Interface, 'interface', 4);

  it('reads every declared field in at least one fixture', () => {
    const seen = new Set<string>();
    for (const rel of deviceFixtures('interface')) {
      for (const k of Object.keys(loadDeviceFixture(Interface, rel).device.toJSON().fields)) seen.add(k);
    }
    expect(Object.keys(Interface.fields).filter((k) => !seen.has(k))).to.deep.equal([]);
  });

  it('reads a bridged NIC of the seed domain with its metadata', () => {
    const nic = withMeta('devices/interface/bridge-ovirtmgmt.xml');
    expect(nic.type).to.equal('bridge');
    expect(nic.macAddress).to.equal('00:1A:4A:16:01:51');
    expect(nic.source?.bridge).to.equal('ovirtmgmt');
    expect(nic.targetDev).to.equal('vnet0');
    expect(nic.modelType).to.equal('virtio');
    expect([nic.driverName, nic.driverQueues]).to.deep.equal(['vhost', 4]);
    expect(nic.filterrefFilter).to.equal('vdsm-no-mac-spoofing');
    expect(nic.filterParameters.map((p) => [p.name, p.value])).to.deep.equal([
      ['IP', '192.168.1.10'],
      ['IP', '192.168.1.11'],
    ]);
    expect([nic.linkState, nic.mtuSize, nic.bootOrder]).to.deep.equal(['up', 1500, 2]);
    expect(nic.deviceId).to.equal('0b3fd3c5-0a0e-4bba-a6d9-2e9a8a4ad0a0');
    expect(nic.address?.['slot']).to.equal('0x03');
    expect(nic.network).to.equal('ovirtmgmt');
    expect(nic.portMirroring).to.deep.equal(['blue', 'red']);
    expect(nic.custom?.['hook_param']).to.equal('x');
  });

  it('offers the MAC, lower-cased, as its natural key', () => {
    const nic = fromFixture('devices/interface/bridge-ovirtmgmt.xml');
    expect(nic.identity()).to.deep.include({
      kind: 'interface',
      alias: 'ua-0b3fd3c5-0a0e-4bba-a6d9-2e9a8a4ad0a0',
      userAliasId: '0b3fd3c5-0a0e-4bba-a6d9-2e9a8a4ad0a0',
      address: 'bus=0,domain=0,function=0,slot=3,type=pci',
      keys: { mac_address: '00:1a:4a:16:01:51' },
    });
    expect(nic.identity().lookups).to.have.length(1);
    const empty = fromFixture('devices/interface/empty-values.xml');
    expect([empty.identity().keys, empty.identity().lookups]).to.deep.equal([{}, []]);
  });

  it('keeps every metadata key on save, also those it never read', () => {
    const nic = withMeta('devices/interface/bridge-ovirtmgmt.xml');
    expect(nic.network).to.equal('ovirtmgmt');
    const saved = nic.metadataToSave();
    expect(Object.keys(saved)).to.deep.equal(['deviceId', 'network', 'portMirroring', 'custom', 'vmid']);
  });

  it('reads the source of each interface type', () => {
    const ovs = fromFixture('devices/interface/network-openvswitch.xml');
    expect([ovs.source?.network, ovs.source?.portgroup]).to.deep.equal(['ovs-net', 'engineering']);
    expect(ovs.network).to.equal('ovs-net');
    expect(ovs.vlanTrunk).to.equal(true);
    expect(ovs.vlanTags.map((t) => [t.id, t.nativeMode])).to.deep.equal([
      [42, undefined],
      [48, 'untagged'],
    ]);
    expect(ovs.virtualportType).to.equal('openvswitch');
    expect([ovs.bandwidthInboundAverage, ovs.bandwidthOutboundBurst]).to.deep.equal([1000, 32768]);

    const sriov = fromFixture('devices/interface/hostdev-sriov.xml');
    expect(sriov.source?.hostAddress).to.deep.equal({
      type: 'pci',
      domain: '0x0000',
      bus: '0x05',
      slot: '0x10',
      function: '0x7',
    });
    // The host address is not the guest address.
    expect(sriov.address?.['slot']).to.equal('0x07');
    expect(sriov.network).to.equal(undefined);

    const vhost = fromFixture('devices/interface/vhostuser-server.xml');
    expect([vhost.source?.type, vhost.source?.path, vhost.source?.mode]).to.deep.equal([
      'unix',
      '/var/run/vdsm/vhostuser/5f2b1c8e',
      'server',
    ]);

    const direct = fromFixture('devices/interface/direct-vepa.xml');
    expect([direct.source?.dev, direct.source?.mode]).to.deep.equal(['eth0', 'vepa']);

    const user = deviceInDomain(
      Interface,
      `<interface type='user'><mac address='00:11:22:33:44:55'/></interface>`,
    );
    expect(user.source).to.equal(undefined);
    expect(user.toJSON().fields).to.deep.equal({ type: 'user', macAddress: '00:11:22:33:44:55' });
  });

  it('keeps absent and empty apart', () => {
    const nic = fromFixture('devices/interface/empty-values.xml');
    expect([nic.macAddress, nic.targetDev, nic.filterrefFilter, nic.romFile]).to.deep.equal(['', '', '', '']);
    expect([nic.modelType, nic.linkState, nic.mtuSize]).to.deep.equal([undefined, undefined, undefined]);
    expect(nic.filterParameters).to.deep.equal([]);
  });

  describe('bad values', () => {
    it('reports malformed numbers and booleans with their XML path and position', () => {
      const nic = deviceInDomain(
        Interface,
        `<interface type='bridge' managed='true'>\n  <mtu size='15OO'/>\n  <vlan>\n    <tag id='-4'/>\n  </vlan>\n</interface>`,
      );
      expect(() => nic.mtuSize)
        .to.throw(XmlValueError, '/domain/devices/interface/mtu/@size: "15OO" is not an unsigned integer')
        .with.property('line', 4);
      expect(() => nic.managed).to.throw(
        XmlValueError,
        '/domain/devices/interface/@managed: "true" is not yes/no',
      );
      expect(() => nic.vlanTags[0]?.id)
        .to.throw(XmlValueError, '/domain/devices/interface/vlan/tag/@id: "-4" is not an unsigned integer')
        .with.property('line', 6);
      expect(() => nic.toJSON()).to.throw(XmlValueError);
    });

    it('accepts types, models and link states libvirt may add later', () => {
      const nic = deviceInDomain(
        Interface,
        `<interface type='vds'><model type='virtio-net-ng'/><link state='dormant'/><source switchid='x'/></interface>`,
      );
      expect([nic.type, nic.modelType, nic.linkState]).to.deep.equal(['vds', 'virtio-net-ng', 'dormant']);
      expect(nic.network).to.equal(undefined);
      expect(() => nic.toJSON()).not.to.throw();
    });

    it('names the device and key when metadata has the wrong type', () => {
      const nic = deviceInDomain(
        Interface,
        `<interface type='bridge'><source bridge='br0'/></interface>`,
        dict([['portMirroring', ['a', 3]]]),
      );
      expect(() => nic.portMirroring).to.throw(MetadataError, 'portMirroring[1]: expected string, got 3');
    });
  });

  describe('edits', () => {
    it('setting the link state changes only that attribute', () => {
      const nic = fromFixture('edits/interface-set-link-down.in.xml');
      nic.linkState = 'down';
      expectGolden(nic.toXml(), 'edits/interface-set-link-down.out.xml');
    });

    it('adds an <mtu> in libvirt order (after link, before boot)', () => {
      const nic = fromFixture('edits/interface-add-mtu.in.xml');
      nic.mtuSize = 9000;
      expectGolden(nic.toXml(), 'edits/interface-add-mtu.out.xml');
    });

    it('adds a vlan tag, creating <vlan> after the source', () => {
      const nic = fromFixture('edits/interface-add-vlan-tag.in.xml');
      const tag = nic.addVlanTag(42);
      expect(tag).to.be.instanceOf(InterfaceVlanTag);
      nic.addVlanTag(48, 'untagged');
      expect(nic.vlanTags.map((t) => t.id)).to.deep.equal([42, 48]);
      expectGolden(nic.toXml(), 'edits/interface-add-vlan-tag.out.xml');
      nic.removeVlanTag(nic.vlanTags[1]!);
      nic.removeVlanTag(tag);
      expect(nic.toXml()).not.to.contain('vlan');
    });

    it('changes the source bridge in place', () => {
      const nic = fromFixture('edits/interface-set-source-bridge.in.xml');
      nic.source!.bridge = 'blue';
      expectGolden(nic.toXml(), 'edits/interface-set-source-bridge.out.xml');
    });

    it('adds and removes filter parameters; refuses parts of another NIC', () => {
      const nic = deviceInDomain(
        Interface,
        `<interface type='bridge'><source bridge='br0'/><link state='up'/></interface>`,
      );
      nic.filterrefFilter = 'clean-traffic';
      const p = nic.addFilterParameter('IP', '10.0.0.1');
      expect(p).to.be.instanceOf(InterfaceFilterParameter);
      expect(nic.toXml()).to.equal(
        `<interface type='bridge'><source bridge='br0'/><filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.1'/></filterref><link state='up'/></interface>`,
      );
      const other = fromFixture('devices/interface/bridge-ovirtmgmt.xml');
      expect(() => {
        nic.removeFilterParameter(other.filterParameters[0]!);
      }).to.throw(NoSuchDeviceError);
      nic.removeFilterParameter(p);
      // The filterref keeps its filter.
      expect(nic.toXml()).to.contain("<filterref filter='clean-traffic'/>");
    });

    it('creates and removes a source', () => {
      const nic = deviceInDomain(
        Interface,
        `<interface type='network'><mac address='00:11:22:33:44:55'/><model type='virtio'/></interface>`,
      );
      nic.ensureSource().network = 'default';
      expect(nic.toXml()).to.equal(
        `<interface type='network'><mac address='00:11:22:33:44:55'/><source network='default'/><model type='virtio'/></interface>`,
      );
      nic.removeSource();
      expect(nic.source).to.equal(undefined);
    });
  });

  describe('create', () => {
    const validate = haveVirtXmlValidate();

    function expectValid(nic: Interface): void {
      if (!validate) return;
      const problem = validateDeviceXml(nic.toXml());
      expect(problem, problem).to.equal(undefined);
    }

    it('builds a bridged NIC from a Vdsm conf', () => {
      const nic = Interface.create({
        type: 'interface',
        device: 'bridge',
        macAddr: '00:1a:4a:16:01:51',
        network: 'ovirtmgmt',
        nicModel: 'pv',
        linkActive: 'true',
        mtu: '1500',
        filter: 'vdsm-no-mac-spoofing',
        filterParameters: [
          dict([
            ['name', 'IP'],
            ['value', '192.168.1.10'],
          ]),
        ],
        bootOrder: '2',
        deviceId: '0b3fd3c5-0a0e-4bba-a6d9-2e9a8a4ad0a0',
        address: dict([
          ['type', 'pci'],
          ['domain', '0x0000'],
          ['bus', '0x00'],
          ['slot', '0x03'],
          ['function', '0x0'],
        ]),
        portMirroring: ['blue'],
        custom: dict([['queues', '4']]),
      });
      expectGolden(nic.toXml(), 'devices/interface/create-bridge.out.xml');
      expect(nic.deviceId).to.equal('0b3fd3c5-0a0e-4bba-a6d9-2e9a8a4ad0a0');
      expect(nic.network).to.equal('ovirtmgmt');
      expect(nic.portMirroring).to.deep.equal(['blue']);
      expect(nic.metadataToSave()).to.deep.equal(
        dict([
          ['deviceId', '0b3fd3c5-0a0e-4bba-a6d9-2e9a8a4ad0a0'],
          ['network', 'ovirtmgmt'],
          ['portMirroring', ['blue']],
          ['custom', dict([['queues', '4']])],
        ]),
      );
      expectValid(nic);
    });

    it('builds network, user and SR-IOV NICs', () => {
      const net = Interface.create({
        type: 'network',
        macAddr: '52:54:00:e5:48:58',
        network: 'default',
        linkActive: false,
      });
      expect(net.toXml()).to.equal(
        '<interface type="network"><mac address="52:54:00:e5:48:58"/><source network="default"/><link state="down"/></interface>',
      );
      expectValid(net);
      const user = Interface.create({ type: 'user', macAddr: '52:54:00:e5:48:59', nicModel: 'e1000' });
      expect(user.toXml()).to.equal(
        '<interface type="user"><mac address="52:54:00:e5:48:59"/><model type="e1000"/></interface>',
      );
      expectValid(user);
      const sriov = Interface.create({
        device: 'hostdev',
        macAddr: '00:11:22:33:44:55',
        hostdev: 'pci_0000_05_10_7',
      });
      expectGolden(sriov.toXml(), 'devices/interface/create-hostdev.out.xml');
      expect(sriov.source?.hostAddress?.['function']).to.equal('0x7');
      expectValid(sriov);
    });

    it('refuses bad confs naming the key', () => {
      const base = { macAddr: '00:1a:4a:16:01:51', network: 'ovirtmgmt' };
      expect(() => Interface.create({ network: 'x' }))
        .to.throw(ConfError, 'macAddr: interface conf: required key "macAddr" is missing')
        .with.property('code', 'CONF_MISSING_KEY');
      expect(() => Interface.create({ ...base, macAddr: '00:1a:4a:16:01' }))
        .to.throw(ConfError, '"00:1a:4a:16:01" is not a MAC address')
        .with.property('code', 'CONF_VALUE');
      expect(() => Interface.create({ macAddr: '00:1a:4a:16:01:51' }))
        .to.throw(ConfError, 'network: interface conf: required key "network" is missing')
        .with.property('path', 'network');
      expect(() => Interface.create({ ...base, network: '' })).to.throw(ConfError, 'needs a network name');
      expect(() => Interface.create({ ...base, mtu: 'big' })).to.throw(
        ConfError,
        'mtu: interface conf: expected int, got "big"',
      );
      expect(() => Interface.create({ ...base, linkActive: 'yes' })).to.throw(
        ConfError,
        'expected bool, got "yes"',
      );
      expect(() => Interface.create({ ...base, bootOrder: 0 })).to.throw(ConfError, 'bootOrder');
      expect(() => Interface.create({ ...base, device: 'bridge', type: 'network' })).to.throw(
        ConfError,
        'type: interface conf: "network" contradicts device "bridge"',
      );
      expect(() => Interface.create({ ...base, device: 'vhostuser' }))
        .to.throw(ConfError, 'cannot build a "vhostuser" interface')
        .with.property('path', 'device');
      expect(() => Interface.create({ ...base, device: 'hostdev', hostdev: 'usb_1_2' })).to.throw(
        ConfError,
        '"usb_1_2" is not a PCI device name',
      );
      expect(() => Interface.create({ ...base, filter: 'f', filterParameters: [dict([['name', 'IP']])] }))
        .to.throw(ConfError, 'required key "filterParameters[0].value" is missing')
        .with.property('path', 'filterParameters[0].value');
      expect(() => Interface.create({ ...base, portMirroring: 'blue' })).to.throw(ConfError, 'portMirroring');
      expect(() => Interface.create({ ...base, custom: dict([['queues', 'many']]) }))
        .to.throw(ConfError, 'expected int, got "many"')
        .with.property('path', 'custom.queues');
      expect(() => Interface.create({ ...base, deviceId: 'a b' })).to.throw(
        ConfError,
        'cannot form a user alias',
      );
      expect(() => Interface.create({ ...base, address: dict([['slot', true]]) }))
        .to.throw(ConfError, 'expected string or number, got true')
        .with.property('path', 'address.slot');
      // Address keys become attribute names: `<address slot x="3">` would not be XML.
      expect(() => Interface.create({ ...base, address: dict([['slot x', '3']]) }))
        .to.throw(ConfError, '"slot x" is not an address attribute name')
        .with.property('path', 'address.slot x');
    });
  });
});
