import { expect } from 'chai';
import { Controller, Generic, Interface } from '../../src/devices/index.js';
import { MetadataError, UnexpectedElementError } from '../../src/errors.js';
import { dict, dictKeys } from '../../src/metadata/value.js';
import { parseXml } from '../../src/xml/index.js';
import { deviceInDomain, xmlValueErrorOf } from '../helpers/in-domain.js';

describe('Device base (device.ts)', () => {
  describe('alias', () => {
    it('reads <alias name>, absent as undefined and empty as ""', () => {
      expect(deviceInDomain(Generic, '<panic><alias name="panic0"/></panic>').alias).to.equal('panic0');
      expect(deviceInDomain(Generic, '<panic/>').alias).to.equal(undefined);
      expect(deviceInDomain(Generic, '<panic><alias name=""/></panic>').alias).to.equal('');
    });

    it('writes <alias name> in the class’s child order, and undefined removes it', () => {
      const g = deviceInDomain(Generic, '<panic model="isa"><boot order="2"/><address type="isa"/></panic>');
      g.alias = 'ua-x';
      expect(g.toXml()).to.equal(
        '<panic model="isa"><boot order="2"/><alias name="ua-x"/><address type="isa"/></panic>',
      );
      g.alias = 'ua-y';
      expect(g.toXml()).to.equal(
        '<panic model="isa"><boot order="2"/><alias name="ua-y"/><address type="isa"/></panic>',
      );
      g.alias = undefined;
      expect(g.toXml()).to.equal('<panic model="isa"><boot order="2"/><address type="isa"/></panic>');
      const c = deviceInDomain(
        Controller,
        '<controller type="usb"><model name="x"/><address type="pci"/></controller>',
      );
      c.alias = 'usb0';
      expect(c.toXml()).to.equal(
        '<controller type="usb"><model name="x"/><alias name="usb0"/><address type="pci"/></controller>',
      );
    });
  });

  describe('userAlias and deviceId', () => {
    it('take the id from a ua-<id> alias before the metadata', () => {
      const g = deviceInDomain(
        Generic,
        '<panic><alias name="ua-abc-1"/></panic>',
        dict([['deviceId', 'other']]),
      );
      expect(g.userAlias).to.equal(true);
      expect(g.deviceId).to.equal('abc-1');
    });

    it('fall back to the metadata deviceId for other aliases or none', () => {
      const meta = dict([['deviceId', 'from-meta']]);
      const g = deviceInDomain(Generic, '<panic><alias name="panic0"/></panic>', meta);
      expect(g.userAlias).to.equal(false);
      expect(g.deviceId).to.equal('from-meta');
      expect(deviceInDomain(Generic, '<panic/>', dict([['deviceId', 'm']])).deviceId).to.equal('m');
      expect(deviceInDomain(Generic, '<panic/>').deviceId).to.equal(undefined);
      expect(deviceInDomain(Generic, '<panic/>', dict([['deviceId', '']])).deviceId).to.equal(undefined);
    });

    it('"ua-" alone is a user alias prefix with no id', () => {
      const g = deviceInDomain(Generic, '<panic><alias name="ua-"/></panic>');
      expect(g.userAlias).to.equal(true);
      expect(g.deviceId).to.equal(undefined);
      expect(g.identity().userAliasId).to.equal(undefined);
      expect(
        deviceInDomain(Generic, '<panic><alias name="ua-"/></panic>', dict([['deviceId', 'm']])).deviceId,
      ).to.equal('m');
    });

    it('a metadata deviceId of the wrong type is a METADATA_VALUE error naming the device', () => {
      const g = deviceInDomain(Generic, '<panic/>', dict([['deviceId', 5]]));
      expect(() => g.deviceId).to.throw(
        MetadataError,
        'panic /domain/devices/panic: deviceId: expected string, got 5',
      );
    });
  });

  describe('address', () => {
    it('reads, replaces and removes the direct <address> child', () => {
      const g = deviceInDomain(Generic, '<shmem><alias name="s"/><address type="pci" slot="0x03"/></shmem>');
      expect({ ...g.address }).to.deep.equal({ type: 'pci', slot: '0x03' });
      g.address = { type: 'pci', slot: '0x04', bus: '0x00' };
      expect(g.toXml()).to.equal(
        '<shmem><alias name="s"/><address type="pci" slot="0x04" bus="0x00"/></shmem>',
      );
      g.address = undefined;
      expect(g.toXml()).to.equal('<shmem><alias name="s"/></shmem>');
      g.address = { type: 'isa' };
      expect(g.toXml()).to.equal('<shmem><alias name="s"/><address type="isa"/></shmem>');
    });

    it('does not take a <source><address> for the device’s own', () => {
      const g = deviceInDomain(Generic, '<hostdev><source><address bus="1" device="2"/></source></hostdev>');
      expect(g.address).to.equal(undefined);
      expect(g.identity().address).to.equal(undefined);
      g.address = undefined;
      expect(g.toXml()).to.equal('<hostdev><source><address bus="1" device="2"/></source></hostdev>');
    });
  });

  describe('bootOrder', () => {
    it('reads and writes <boot order>, in child order', () => {
      const g = deviceInDomain(Generic, '<redirdev><alias name="r"/></redirdev>');
      expect(g.bootOrder).to.equal(undefined);
      g.bootOrder = 3;
      expect(g.toXml()).to.equal('<redirdev><boot order="3"/><alias name="r"/></redirdev>');
      expect(g.bootOrder).to.equal(3);
      g.bootOrder = undefined;
      expect(g.toXml()).to.equal('<redirdev><alias name="r"/></redirdev>');
    });

    it('is strict: a bad order is an XmlValueError with XML path and line:column', () => {
      for (const bad of ['x', '-1', '1.0', '']) {
        const g = deviceInDomain(Generic, `<panic>\n  <boot order="${bad}"/></panic>`);
        const e = xmlValueErrorOf(() => g.bootOrder);
        expect(e.path, bad).to.equal('/domain/devices/panic/boot/@order');
        expect([e.line, e.column]).to.deep.equal([4, 3]);
        expect(e.format('vm.xml')).to.equal(
          `test:4:3: XML_VALUE: /domain/devices/panic/boot/@order: "${bad}" is not an unsigned integer`,
        );
      }
    });
  });

  describe('identity', () => {
    it('gives kind, alias, user alias id, the normalized address and the keys of its class', () => {
      const g = deviceInDomain(
        Generic,
        '<shmem><alias name="ua-7"/><address type="pci" slot="0x0003" bus="0x00" domain=""/></shmem>',
      );
      expect(g.identity()).to.deep.include({
        kind: 'shmem',
        alias: 'ua-7',
        userAliasId: '7',
        address: 'bus=0,slot=3,type=pci',
        keys: {},
        lookups: [],
      });
      expect(deviceInDomain(Generic, '<shmem><alias name=""/></shmem>').identity()).to.deep.include({
        kind: 'shmem',
        alias: undefined,
        userAliasId: undefined,
        address: undefined,
        keys: {},
        lookups: [],
      });
      const c = deviceInDomain(
        Controller,
        '<controller type="scsi" index="1"><alias name="scsi1"/></controller>',
      );
      expect(c.identity().keys).to.deep.equal({ type: 'scsi', index: '1' });
      // Type and index; type alone, for a controller written without its index.
      expect(c.identity().lookups).to.deep.equal(['type=scsi\u0000index=1', 'type=scsi']);
    });

    it('gives one part as its keys do, lower-cased where the key is caseless', () => {
      const c = deviceInDomain(Controller, '<controller type="scsi" index="1"/>');
      const id = c.identity();
      expect([id.part('type'), id.part('index'), id.part('model')]).to.deep.equal(['scsi', '1', undefined]);
      expect(id.part('type')).to.equal(id.keys['type']);
      const nic = deviceInDomain(
        Interface,
        '<interface type="bridge"><mac address="52:54:00:AB:CD:EF"/></interface>',
      );
      expect(nic.identity().part('mac_address')).to.equal('52:54:00:ab:cd:ef');
    });

    it('is plain values in JSON, the parts it reads on first use included', () => {
      const c = deviceInDomain(
        Controller,
        '<controller type="scsi" index="1"><alias name="ua-9"/><address type="pci" slot="0x04"/></controller>',
      );
      expect(JSON.parse(JSON.stringify(c.identity()))).to.deep.equal({
        kind: 'controller',
        alias: 'ua-9',
        userAliasId: '9',
        address: 'slot=4,type=pci',
        keys: { type: 'scsi', index: '1' },
        lookups: ['type=scsi\u0000index=1', 'type=scsi'],
      });
    });
  });

  describe('metadataToSave', () => {
    it('keeps every key in order, unknown ones included, and adds the alias deviceId', () => {
      const meta = dict([
        ['zzz', 'unknown'],
        ['nested', dict([['a', 1]])],
      ]);
      const g = deviceInDomain(Generic, '<panic><alias name="ua-42"/></panic>', meta);
      const saved = g.metadataToSave();
      expect(dictKeys(saved)).to.deep.equal(['zzz', 'nested', 'deviceId']);
      expect(saved['deviceId']).to.equal('42');
      expect(saved['zzz']).to.equal('unknown');
      expect(dictKeys(meta)).to.deep.equal(['zzz', 'nested']);
    });

    it('does not overwrite a deviceId already there, and adds none without an id', () => {
      const g = deviceInDomain(Generic, '<panic><alias name="ua-42"/></panic>', dict([['deviceId', 'kept']]));
      expect(g.metadataToSave()['deviceId']).to.equal('kept');
      expect(dictKeys(deviceInDomain(Generic, '<panic/>').metadataToSave())).to.deep.equal([]);
    });
  });

  describe('toJSON', () => {
    it('leaves absent fields out and keeps "" for empty ones', () => {
      const c = deviceInDomain(Controller, '<controller type="usb" model=""><serial></serial></controller>');
      expect(c.toJSON()).to.deep.equal({
        kind: 'controller',
        class: 'Controller',
        fields: { type: 'usb', model: '', serial: '' },
      });
      const g = deviceInDomain(
        Generic,
        '<panic><boot order="1"/><alias name=""/><address type="isa" iobase="0x505"/></panic>',
        dict([['deviceId', 'd1']]),
      );
      expect(g.toJSON()).to.deep.equal({
        kind: 'panic',
        class: 'Generic',
        alias: '',
        deviceId: 'd1',
        address: { type: 'isa', iobase: '0x505' },
        fields: { bootOrder: 1 },
      });
    });
  });

  describe('element kind', () => {
    it('a concrete class refuses another tag with UnexpectedElementError at its path and position', () => {
      const doc = parseXml('<domain>\n  <disk type="file"/></domain>', { source: 'vm.xml' });
      const disk = doc.documentElement!.firstChild!.nextSibling!;
      let caught: unknown;
      try {
        Controller.fromXmlTree(disk as never);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(UnexpectedElementError);
      const e = caught as UnexpectedElementError;
      expect(e.code).to.equal('UNEXPECTED_ELEMENT');
      expect(e.message).to.equal('/domain/disk: expected <controller>, got <disk>');
      expect([e.line, e.column]).to.deep.equal([2, 3]);
    });

    it('Generic takes any tag, and the device is a view over the very element', () => {
      const doc = parseXml('<vsock model="virtio"><cid auto="yes"/></vsock>');
      const g = Generic.fromXmlTree(doc.documentElement!);
      expect(g.kind).to.equal('vsock');
      expect(g.element).to.equal(doc.documentElement);
      expect(g.path).to.equal('/vsock');
    });
  });
});
