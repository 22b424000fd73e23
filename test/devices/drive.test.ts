import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { Drive } from '../../src/devices/index.js';
import { ConfError, MetadataError, UnexpectedElementError, XmlValueError } from '../../src/errors.js';
import { fromTypedJson } from '../../src/metadata/typed-json.js';
import type { Dict } from '../../src/metadata/value.js';
import { dict, dictKeys, hasKey } from '../../src/metadata/value.js';
import { canonicalDiff, createDocument, parseXml, serialize } from '../../src/xml/index.js';
import {
  describeDeviceFixtures,
  describeFieldCoverage,
  deviceFromFixture,
} from '../helpers/device-fixtures.js';
import { expectGolden, fixturePath, readFixture } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';
import { haveVirtXmlValidate, validateDeviceXml } from '../helpers/validate.js';

function fromFixture(rel: string, meta?: Dict): Drive {
  return deviceFromFixture(Drive, rel, meta);
}

function conf(rel: string): Dict {
  return fromTypedJson(JSON.parse(readFixture(rel))) as Dict;
}

/** The typed JSON of a plain conf written inline. */
function confOf(o: Record<string, unknown>): Dict {
  return fromTypedJson(o) as Dict;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return expect.fail('no error thrown');
}

/** Edits `in.xml` with `edit` and compares the whole document with the `out.xml` golden. */
function editGolden(name: string, edit: (d: Drive) => void): void {
  const doc = parseXml(readFixture(`edits/${name}.in.xml`));
  edit(Drive.fromXmlTree(doc.documentElement!));
  expectGolden(serialize(doc), `edits/${name}.out.xml`);
}

describe('Drive', () => {
  describeDeviceFixtures(Drive, 'disk', 6);

  describeFieldCoverage(Drive, 'disk', ['source', 'auth', 'iotune', 'backingStore', 'bootOrder']);

  describe('reading', () => {
    it('a file qcow2 virtio disk: driver, source, target, iotune, serial, boot, user alias, address', () => {
      const d = fromFixture('devices/disk/file-qcow2-virtio.xml');
      expect(d.type).to.equal('file');
      expect(d.device).to.equal('disk');
      expect(d.driverType).to.equal('qcow2');
      expect(d.driverCache).to.equal('none');
      expect(d.driverErrorPolicy).to.equal('stop');
      expect(d.driverRerrorPolicy).to.equal('report');
      expect(d.driverIothread).to.equal(1);
      expect(d.driverCopyOnRead).to.equal(true);
      expect(d.targetDev).to.equal('vda');
      expect(d.targetBus).to.equal('virtio');
      expect(d.sourcePath).to.match(/^\/rhev\/data-center\/5890a292.*a711cc$/);
      expect(d.sourceSummary()).to.deep.include({ type: 'file', index: 1 });
      expect(d.iotune).to.deep.equal({
        total_bytes_sec: 10485760,
        total_iops_sec: 1000,
        total_iops_sec_max: 2000,
        total_iops_sec_max_length: 30,
      });
      expect(d.iotuneGroupName).to.equal('gold');
      expect(d.bootOrder).to.equal(1);
      expect(d.userAlias).to.equal(true);
      expect(d.deviceId).to.equal('66441539-f7ac-4946-8a25-75e422f939d4');
      expect(d.address).to.deep.equal({
        type: 'pci',
        domain: '0x0000',
        bus: '0x00',
        slot: '0x05',
        function: '0x0',
      });
      expect(d.backingChain()).to.deep.equal([]);
      expect(d.identity()).to.deep.include({
        kind: 'disk',
        alias: 'ua-66441539-f7ac-4946-8a25-75e422f939d4',
        userAliasId: '66441539-f7ac-4946-8a25-75e422f939d4',
        address: 'bus=0,domain=0,function=0,slot=5,type=pci',
        keys: { name: 'vda', serial: '66441539-f7ac-4946-8', path: d.sourcePath },
      });
      // Found by each: target dev, serial, source path.
      expect(d.identity().lookups).to.have.length(3);
    });

    it('a block lun: sgio, rawio, shareable, the dev as source path', () => {
      const d = fromFixture('devices/disk/block-lun.xml');
      expect(d.device).to.equal('lun');
      expect(d.sgio).to.equal('unfiltered');
      expect(d.rawio).to.equal(true);
      expect(d.shareable).to.equal(true);
      expect(d.readonly).to.equal(false);
      expect(d.sourceSummary()).to.deep.equal({
        type: 'block',
        dev: '/dev/mapper/36001405b4d0ad7b6b6b4d4f8a1e2c3d4',
      });
      expect(d.identity().keys).to.deep.equal({
        name: 'sda',
        path: '/dev/mapper/36001405b4d0ad7b6b6b4d4f8a1e2c3d4',
      });
    });

    it('a network rbd disk: protocol, name, hosts with typed ports, disk-level auth', () => {
      const d = fromFixture('devices/disk/network-rbd.xml');
      expect(d.sourceSummary()).to.deep.equal({
        type: 'network',
        protocol: 'rbd',
        name: 'volumes/volume-5f8a1b2c',
        hosts: [
          { name: 'mon1.example.org', port: 6789 },
          { name: 'mon2.example.org', port: 6789 },
          { name: '2001:db8::ff00:42:8329', port: 6790, transport: 'tcp' },
        ],
      });
      expect(d.sourcePath).to.equal('volumes/volume-5f8a1b2c');
      expect(d.source.hosts.map((h) => h.port)).to.deep.equal([6789, 6789, 6790]);
      const auth = d.auth!;
      expect([auth.username, auth.secretType, auth.secretUuid, auth.secretUsage]).to.deep.equal([
        'cinder',
        'ceph',
        'a5d0dd94-57c4-ae55-ffe0-7e3732a24455',
        undefined,
      ]);
      expect(d.deviceId).to.equal(undefined);
    });

    it('reads auth placed inside <source> too', () => {
      const d = deviceInDomain(
        Drive,
        `<disk type="network" device="disk"><source protocol="iscsi" name="iqn.2013-07.com.example:iscsi-pool/1">` +
          `<host name="example.com" port="3260"/><auth username="myuser"><secret type="iscsi" usage="libvirtiscsi"/></auth>` +
          `</source><target dev="vda" bus="virtio"/></disk>`,
      );
      expect(d.auth?.toJSON()).to.deep.equal({
        username: 'myuser',
        secretType: 'iscsi',
        secretUsage: 'libvirtiscsi',
      });
    });

    it('an ejected cdrom: no source, no source path, tray open, readonly, id from the user alias', () => {
      const d = fromFixture('devices/disk/cdrom-ejected.xml');
      expect(d.device).to.equal('cdrom');
      expect(d.sourceSummary()).to.equal(undefined);
      expect(d.sourcePath).to.equal(undefined);
      expect(d.source.file).to.equal(undefined);
      expect(d.targetTray).to.equal('open');
      expect(d.readonly).to.equal(true);
      expect(d.deviceId).to.equal('e59c985c-46c2-4489-b355-a6f374125eb9');
      expect(d.identity().keys).to.deep.equal({ name: 'hdc' });
    });

    it('an nvme disk: source type, managed, namespace and the host PCI address (not the guest address)', () => {
      const d = fromFixture('devices/disk/nvme.xml');
      expect(d.sourceSummary()).to.deep.equal({
        type: 'nvme',
        nvmeType: 'pci',
        managed: true,
        namespace: 1,
        address: { domain: '0x0000', bus: '0x01', slot: '0x00', function: '0x0' },
      });
      expect(d.address).to.equal(undefined);
      expect(d.sourcePath).to.equal(undefined);
    });

    it('a volume cdrom: pool, volume, mode, startup policy', () => {
      const d = fromFixture('devices/disk/volume-cdrom.xml');
      expect(d.sourceSummary()).to.deep.equal({
        type: 'volume',
        pool: 'iso-pool',
        volume: 'Fedora-40.iso',
        mode: 'host',
        startupPolicy: 'optional',
      });
      expect(d.targetRemovable).to.equal(true);
    });

    it('the backingStore chain, top first, across file, network and block layers', () => {
      const d = fromFixture('devices/disk/backing-chain.xml');
      expect(d.backingChain()?.map((b) => b.toJSON())).to.deep.equal([
        { type: 'network', index: 2, format: 'qcow2', protocol: 'nbd', path: 'base-export' },
        { type: 'block', index: 1, format: 'raw', path: '/dev/vg0/base' },
      ]);
      expect(d.sourceSummary()).to.deep.equal({
        type: 'file',
        file: '/var/lib/libvirt/images/top.qcow2',
        index: 3,
      });
    });

    it('a disk type it does not model: its source attributes as written, still lossless', () => {
      const d = fromFixture('devices/disk/unknown-type.xml');
      expect(d.type).to.equal('vhostvdpa');
      expect(d.sourceSummary()).to.deep.equal({
        type: 'other',
        diskType: 'vhostvdpa',
        attributes: { dev: '/dev/vhost-vdpa-0' },
      });
      expect(d.sourcePath).to.equal(undefined);
      expect(() => {
        d.sourcePath = '/dev/vhost-vdpa-1';
      }).to.throw(ConfError, /has no source path/);
    });

    it('an absent type is a file disk, as libvirt reads it', () => {
      const d = deviceInDomain(
        Drive,
        `<disk device="disk"><source file="/a.img"/><target dev="hda"/></disk>`,
      );
      expect(d.type).to.equal(undefined);
      expect(d.sourceSummary()).to.deep.equal({ type: 'file', file: '/a.img' });
      expect(d.sourcePath).to.equal('/a.img');
    });

    it('keeps absent and empty apart (serial, iotune, backingStore)', () => {
      const absent = deviceInDomain(Drive, `<disk type="file" device="disk"><target dev="vda"/></disk>`);
      expect(absent.serial).to.equal(undefined);
      expect(absent.iotune).to.equal(undefined);
      expect(absent.backingChain()).to.equal(undefined);
      expect(absent.toJSON().fields).to.deep.equal({ type: 'file', device: 'disk', targetDev: 'vda' });

      const empty = deviceInDomain(
        Drive,
        `<disk type="file" device="disk"><source/><backingStore/><target dev=""/><iotune/><serial/></disk>`,
      );
      expect(empty.serial).to.equal('');
      expect(empty.targetDev).to.equal('');
      expect(empty.iotune).to.deep.equal({});
      expect(empty.backingChain()).to.deep.equal([]);
      expect(empty.sourceSummary()).to.deep.equal({ type: 'file' });
      expect(empty.toJSON().fields).to.deep.equal({
        type: 'file',
        device: 'disk',
        targetDev: '',
        serial: '',
        source: { type: 'file' },
        iotune: {},
        backingStore: [],
      });
      // Empty keys never bind.
      expect(empty.identity().keys).to.deep.equal({});
    });

    it('accepts values libvirt may add later (open enums)', () => {
      const d = deviceInDomain(
        Drive,
        `<disk type="file" device="zipdrive"><driver name="qemu" cache="quantum" error_policy="retry"/><target dev="vda" bus="cxl"/></disk>`,
      );
      expect([d.device, d.driverCache, d.driverErrorPolicy, d.targetBus]).to.deep.equal([
        'zipdrive',
        'quantum',
        'retry',
        'cxl',
      ]);
    });

    it('rejects another element', () => {
      expect(() => Drive.fromXmlTree(parseXml('<interface/>').documentElement!)).to.throw(
        UnexpectedElementError,
      );
    });
  });

  describe('bad values', () => {
    it('a bad boot order names the XML path and position', () => {
      const d = deviceInDomain(Drive, `<disk type="file">\n  <boot order="x"/>\n</disk>`);
      const e = thrown(() => d.bootOrder) as XmlValueError;
      expect(e).to.be.instanceOf(XmlValueError);
      expect(e.code).to.equal('XML_VALUE');
      expect(e.path).to.equal('/domain/devices/disk/boot/@order');
      expect([e.line, e.column]).to.deep.equal([4, 3]);
      expect(e.message).to.contain('"x" is not an unsigned integer');
      expect(() => d.toJSON()).to.throw(XmlValueError, /boot\/@order/);
    });

    it('a bad iotune number names its element and position', () => {
      const bad = parseXml(
        `<disk type="file">\n  <iotune>\n    <total_iops_sec>10</total_iops_sec>\n    <total_bytes_sec>1O0</total_bytes_sec>\n  </iotune>\n</disk>`,
      );
      const e = thrown(() => Drive.fromXmlTree(bad.documentElement!).iotune) as XmlValueError;
      expect(e).to.be.instanceOf(XmlValueError);
      expect(e.path).to.equal('/disk/iotune/total_bytes_sec');
      expect([e.line, e.column]).to.deep.equal([4, 5]);
      expect(e.raw).to.equal('1O0');
    });

    it('iotune keys libvirt adds are numbers too; Vdsm failed on them', () => {
      const d = deviceInDomain(
        Drive,
        `<disk type="file"><iotune><read_bytes_sec_max_length>5</read_bytes_sec_max_length><future_ops_sec>7</future_ops_sec>` +
          `<x:note xmlns:x="urn:x">not a limit</x:note></iotune></disk>`,
      );
      expect(d.iotune).to.deep.equal({ read_bytes_sec_max_length: 5, future_ops_sec: 7 });
    });

    it('a bad host port, source index or backing index names its path', () => {
      const d = deviceInDomain(
        Drive,
        `<disk type="network"><source protocol="nbd" name="x" index="one"><host name="a" port="1"/><host name="b" port="-2"/></source>` +
          `<backingStore type="file" index="0x"><source file="/b"/></backingStore></disk>`,
      );
      expect(() => d.sourceSummary()).to.throw(
        XmlValueError,
        /^\/domain\/devices\/disk\/source\/@index: "one"/,
      );
      expect(() => d.source.hosts[1]?.port).to.throw(
        XmlValueError,
        /^\/domain\/devices\/disk\/source\/host\[2\]\/@port: "-2"/,
      );
      expect(() => d.backingStore.index).to.throw(
        XmlValueError,
        /^\/domain\/devices\/disk\/backingStore\/@index: "0x"/,
      );
    });

    it('a bad flag-like value (rawio, managed) is an error, not a guess', () => {
      const d = deviceInDomain(
        Drive,
        `<disk type="nvme" rawio="on"><source type="pci" managed="true" namespace="1"/></disk>`,
      );
      expect(() => d.rawio).to.throw(XmlValueError, /@rawio: "on" is not yes\/no/);
      expect(() => d.sourceSummary()).to.throw(XmlValueError, /source\/@managed: "true" is not yes\/no/);
    });
  });

  describe('metadata', () => {
    it('decodes its keys lazily and typed; unknown keys are kept for saving', () => {
      const meta = conf('devices/disk/file-qcow2-virtio.meta.json');
      meta['vm_custom'] = dict([['x', '1']]);
      const d = fromFixture('devices/disk/file-qcow2-virtio.xml', meta);
      expect(d.meta.get('imageID')).to.equal('66441539-f7ac-4946-8a25-75e422f939d4');
      expect(d.meta.get('shared')).to.equal(false);
      const chain = d.meta.get('volumeChain')!;
      expect(chain).to.have.length(1);
      expect(chain[0]?.leaseOffset).to.equal(0);
      expect(chain[0]?.leasePath).to.match(/\.lease$/);
      expect(d.meta.get('volumeInfo')?.volType).to.equal('path');
      const saved = d.metadataToSave();
      expect(dictKeys(saved)).to.deep.equal([
        ...dictKeys(conf('devices/disk/file-qcow2-virtio.meta.json')),
        'vm_custom',
        'deviceId',
      ]);
      expect(saved['deviceId']).to.equal('66441539-f7ac-4946-8a25-75e422f939d4');
    });

    it('accepts Vdsm text forms: shared, propagateErrors, leaseOffset and pinToIoThread as text', () => {
      const d = deviceInDomain(
        Drive,
        `<disk type="block"/>`,
        confOf({
          shared: 'Exclusive',
          propagateErrors: 'true',
          volumeChain: [{ leaseOffset: '1048576' }],
          specParams: { pinToIoThread: '2', other: [1] },
        }),
      );
      expect(d.meta.get('shared')).to.equal('exclusive');
      expect(d.meta.get('propagateErrors')).to.equal('on');
      expect(d.meta.get('volumeChain')?.[0]?.leaseOffset).to.equal(1048576);
      expect(d.meta.get('specParams')?.pinToIoThread).to.equal(2);
      expect(d.meta.get('specParams')?.['other']).to.deep.equal([1]);
    });

    it('a wrongly typed key is an error naming the device and the key path, raised when asked', () => {
      const meta = confOf({
        imageID: 'ok',
        volumeChain: [{ leaseOffset: 0 }, { path: '/a', leaseOffset: 'x' }],
        shared: 'sometimes',
      });
      const d = deviceInDomain(Drive, `<disk type="file"><target dev="vda"/></disk>`, meta);
      expect(d.meta.get('imageID')).to.equal('ok');
      const e = thrown(() => d.meta.get('volumeChain')) as MetadataError;
      expect(e).to.be.instanceOf(MetadataError);
      expect(e.code).to.equal('METADATA_VALUE');
      expect(e.message).to.contain('disk /domain/devices/disk');
      expect(e.message).to.contain('volumeChain[1].leaseOffset: expected int, got "x"');
      expect(() => d.meta.get('shared')).to.throw(
        MetadataError,
        /shared: expected bool or none\/exclusive\/shared\/transient, got "sometimes"/,
      );
      // Nothing was dropped by the failed reads.
      expect(dictKeys(d.metadataToSave())).to.deep.equal(['imageID', 'volumeChain', 'shared']);
    });
  });

  describe('editing', () => {
    it('filling in a prepared block path changes only the source dev and driver type', () => {
      editGolden('disk-prepare-block', (d) => {
        d.sourcePath =
          '/rhev/data-center/5890a292-0390-01d2-01ed-00000000029a/c578566d-bc61-420c-8f1e-8dfa0a18efd5/images/d591482b-0a29-4e37-9b48-0ec9b7c55f5b/5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc';
        d.driverType = 'qcow2';
      });
    });

    it('ejecting a cdrom removes the source that became empty and opens the tray', () => {
      editGolden('disk-eject-cdrom', (d) => {
        d.source.file = undefined;
        d.source.startupPolicy = undefined;
        d.targetTray = 'open';
      });
    });

    it('inserting media creates <source> between driver and target', () => {
      editGolden('disk-insert-cdrom', (d) => {
        d.source.file = '/rhev/data-center/mnt/iso/Fedora-40.iso';
        d.targetTray = undefined;
      });
    });

    it('iotune limits go in libvirt order; removed ones vanish; group_name stays', () => {
      editGolden('disk-iotune', (d) => {
        d.setIotune('total_iops_sec_max', 2000);
        d.setIotune('read_bytes_sec', 5);
        d.setIotune('write_iops_sec', undefined);
        d.setIotune('total_bytes_sec', 20971520);
      });
    });

    it('new children go before alias and address, in libvirt order', () => {
      editGolden('disk-add-children', (d) => {
        d.bootOrder = 2;
        d.serial = 'b1';
        d.shareable = true;
        d.readonly = true;
        d.driverErrorPolicy = 'stop';
      });
    });

    it('replacing hosts keeps the other source children in place', () => {
      editGolden('disk-replace-hosts', (d) => {
        const hosts = d.source.hosts;
        for (const old of [...hosts]) hosts.remove(old);
        const mon = hosts.add();
        [mon.name, mon.port] = ['mon3.example.org', 6789];
        const local = hosts.add();
        [local.transport, local.socket] = ['unix', '/run/ceph.sock'];
      });
    });

    it('setting iotune as a whole and removing it', () => {
      const d = fromFixture('edits/disk-iotune.in.xml');
      d.iotune = { read_iops_sec: 10, total_bytes_sec: 1 };
      expect(d.iotune).to.deep.equal({ total_bytes_sec: 1, read_iops_sec: 10 });
      expect(d.iotuneGroupName).to.equal('gold');
      d.iotune = undefined;
      expect(d.iotune).to.equal(undefined);
      expect(d.toXml()).not.to.contain('iotune');
    });

    it('refuses iotune keys and values libvirt cannot take', () => {
      const d = fromFixture('edits/disk-iotune.in.xml');
      expect(() => d.setIotune('bad key', 1)).to.throw(ConfError, /"bad key" is not an iotune limit/);
      expect(() => d.setIotune('group_name', 1)).to.throw(ConfError);
      expect(() => d.setIotune('total_iops_sec', -1)).to.throw(ConfError, /non-negative integer, got -1/);
      expect(() => d.setIotune('total_iops_sec', 1.5)).to.throw(ConfError);
      assertUnchanged(d, readFixture('edits/disk-iotune.in.xml'));
    });

    it('removing the last flag or field prunes only what became empty', () => {
      const d = fromFixture('devices/disk/cdrom-ejected.xml');
      d.readonly = false;
      d.targetTray = undefined;
      expect(d.toXml()).not.to.contain('readonly');
      expect(d.toXml()).to.contain('<target dev="hdc" bus="ide"/>');
    });
  });

  describe('create()', () => {
    const dir = 'devices/disk/create';
    const confs = readdirSync(fixturePath(dir))
      .filter((f) => f.endsWith('.conf.json'))
      .sort();

    it('has create fixtures for cdrom, file, block, network, lun and floppy', () => {
      expect(confs.length).to.be.at.least(6);
    });

    for (const file of confs) {
      const name = file.replace(/\.conf\.json$/, '');
      it(`${name}: matches its golden, keeps the conf's metadata keys, reads back`, () => {
        const c = conf(`${dir}/${file}`);
        const d = Drive.create(c);
        expectGolden(d.toXml() + '\n', `${dir}/${name}.xml`);
        for (const key of [
          'deviceId',
          'poolID',
          'domainID',
          'imageID',
          'volumeID',
          'GUID',
          'volumeInfo',
          'volumeChain',
          'specParams',
          'shared',
        ]) {
          expect(d.meta.has(key), key).to.equal(hasKey(c, key));
        }
        for (const key of ['path', 'iface', 'index', 'format', 'address', 'propagateErrors', 'readonly'])
          expect(d.meta.has(key), key).to.equal(false);
        // What create wrote reads back through the same class.
        const again = Drive.fromXmlTree(parseXml(d.toXml()).documentElement!);
        expect(again.toJSON()).to.deep.equal(d.toJSON());
      });

      it(`${name}: virt-xml-validate accepts the output`, function () {
        if (!haveVirtXmlValidate()) this.skip();
        expect(validateDeviceXml(Drive.create(conf(`${dir}/${file}`)).toXml())).to.equal(undefined);
      });
    }

    it('the seed cdrom: empty path gives no source, readonly, ua- alias, drive address, hdc', () => {
      const d = Drive.create(conf(`${dir}/seed-cdrom.conf.json`));
      expect(d.sourceSummary()).to.equal(undefined);
      expect(d.readonly).to.equal(true);
      expect(d.targetDev).to.equal('hdc');
      expect(d.targetBus).to.equal('ide');
      expect(d.alias).to.equal('ua-e59c985c-46c2-4489-b355-a6f374125eb9');
      expect(d.deviceId).to.equal('e59c985c-46c2-4489-b355-a6f374125eb9');
      expect(d.address).to.deep.equal({ bus: '1', controller: '0', type: 'drive', target: '0', unit: '0' });
    });

    it('the seed disk: a file under /rhev, raw, stop, boot order 1, virtio vda', () => {
      const d = Drive.create(conf(`${dir}/seed-file.conf.json`));
      expect([
        d.type,
        d.device,
        d.driverType,
        d.driverErrorPolicy,
        d.targetDev,
        d.bootOrder,
        d.readonly,
      ]).to.deep.equal(['file', 'disk', 'raw', 'stop', 'vda', 1, false]);
      expect(d.meta.get('volumeChain')?.[0]?.volumeID).to.equal('5c4eeed4-f2a7-490a-ab57-a0d6f3a711cc');
    });

    it('a /dev path is a block disk; cow is qcow2; on is enospace; shared is shareable; iotune in libvirt order', () => {
      const d = Drive.create(conf(`${dir}/block-qcow2.conf.json`));
      expect([
        d.type,
        d.driverType,
        d.driverErrorPolicy,
        d.shareable,
        d.driverDiscard,
        d.driverIothread,
      ]).to.deep.equal(['block', 'qcow2', 'enospace', true, 'unmap', 1]);
      expect(Object.keys(d.iotune!)).to.deep.equal(['total_bytes_sec', 'read_iops_sec', 'write_iops_sec']);
    });

    it('a protocol makes a network disk with its hosts', () => {
      const d = Drive.create(conf(`${dir}/network-rbd.conf.json`));
      expect(d.sourceSummary()).to.deep.equal({
        type: 'network',
        protocol: 'rbd',
        name: 'volumes/volume-5f8a1b2c',
        hosts: [
          { name: 'mon1.example.org', port: 6789, transport: 'tcp' },
          { name: 'mon2.example.org', port: 6789 },
        ],
      });
      expect(d.driverErrorPolicy).to.equal('report');
      expect(d.auth?.secretType).to.equal('ceph');
    });

    it('`name` is the target dev as given, never recomputed', () => {
      const d = Drive.create(conf(`${dir}/named-iso.conf.json`));
      expect([d.targetDev, d.targetBus, d.alias, d.source.startupPolicy]).to.deep.equal([
        'sdc',
        'sata',
        'ua-iso',
        'optional',
      ]);
      expect(Drive.create(confOf({ name: 'vdz', iface: 'virtio', index: 0, path: '/a' })).targetDev).to.equal(
        'vdz',
      );
    });

    it('builds into a given document, detached, for the caller to insert', () => {
      const doc = createDocument('domain');
      const d = Drive.create(confOf({ iface: 'virtio', index: 3, path: '/a.img' }), doc);
      expect(d.element.ownerDocument).to.equal(doc);
      expect(d.element.parentNode).to.equal(null);
      expect(d.targetDev).to.equal('vdd');
      expect(d.path).to.equal('/disk');
    });

    it('builds its own document otherwise', () => {
      const d = Drive.create(confOf({ iface: 'ide', index: 0, path: '/a.img' }));
      expect(d.element.ownerDocument?.documentElement).to.equal(d.element);
    });

    const errors: [string, Record<string, unknown>, string, string, RegExp][] = [
      [
        'no path for a disk',
        { iface: 'virtio', index: 0 },
        'CONF_MISSING_KEY',
        'path',
        /required key "path" is missing/,
      ],
      [
        'an empty path for a disk',
        { iface: 'virtio', index: 0, path: '' },
        'CONF_VALUE',
        'path',
        /non-empty path/,
      ],
      ['no iface and no name', { index: 0, path: '/a' }, 'CONF_MISSING_KEY', 'iface', /"iface"/],
      ['no index and no name', { iface: 'virtio', path: '/a' }, 'CONF_MISSING_KEY', 'index', /"index"/],
      [
        'a bad index',
        { iface: 'virtio', index: 'two', path: '/a' },
        'CONF_VALUE',
        'index',
        /expected int, got "two"/,
      ],
      ['a negative index', { iface: 'virtio', index: '-1', path: '/a' }, 'CONF_VALUE', 'index', /-1/],
      ['an unknown iface', { iface: 'nvme', index: 0, path: '/a' }, 'CONF_VALUE', 'iface', /"nvme"/],
      ['an empty name', { name: '', path: '/a' }, 'CONF_VALUE', 'name', /empty/],
      ['an unknown device', { device: 'tape', name: 'sda', path: '/a' }, 'CONF_VALUE', 'device', /"tape"/],
      ['an unknown format', { name: 'vda', path: '/a', format: 'vmdk' }, 'CONF_VALUE', 'format', /"vmdk"/],
      [
        'a bad readonly',
        { name: 'vda', path: '/a', readonly: 'maybe' },
        'CONF_VALUE',
        'readonly',
        /expected bool, got "maybe"/,
      ],
      [
        'a bad propagateErrors',
        { name: 'vda', path: '/a', propagateErrors: 'loud' },
        'CONF_VALUE',
        'propagateErrors',
        /"loud"/,
      ],
      [
        'a bad shared',
        { name: 'vda', path: '/a', shared: 'sometimes' },
        'CONF_VALUE',
        'shared',
        /"sometimes"/,
      ],
      [
        'a network disk without protocol',
        { name: 'vda', path: 'p/i', diskType: 'network' },
        'CONF_MISSING_KEY',
        'protocol',
        /"protocol"/,
      ],
      [
        'a protocol on a file disk',
        { name: 'vda', path: '/a', diskType: 'file', protocol: 'nbd' },
        'CONF_VALUE',
        'protocol',
        /no protocol/,
      ],
      [
        'an unknown diskType',
        { name: 'vda', path: '/a', diskType: 'tape' },
        'CONF_VALUE',
        'diskType',
        /"tape"/,
      ],
      ['a file lun', { device: 'lun', name: 'sda', path: '/a' }, 'CONF_VALUE', 'diskType', /lun/],
      [
        'a qcow2 lun',
        { device: 'lun', name: 'sda', path: '/dev/sdx', format: 'cow' },
        'CONF_VALUE',
        'format',
        /raw/,
      ],
      ['sgio on a disk', { name: 'vda', path: '/a', sgio: 'filtered' }, 'CONF_VALUE', 'sgio', /lun/],
      [
        'a bad host port',
        { name: 'vda', path: 'p/i', protocol: 'rbd', hosts: [{ name: 'a', port: 'x1' }] },
        'CONF_VALUE',
        'hosts[0].port',
        /"x1"/,
      ],
      [
        'hosts that are not a list',
        { name: 'vda', path: 'p/i', protocol: 'rbd', hosts: { name: 'a' } },
        'CONF_VALUE',
        'hosts',
        /list/,
      ],
      [
        'an address value that is a list',
        { name: 'vda', path: '/a', address: { type: 'pci', slot: [5] } },
        'CONF_VALUE',
        'address.slot',
        /list/,
      ],
      [
        'a host with neither name nor socket',
        { name: 'vda', path: 'p/i', protocol: 'nbd', hosts: [{ name: 'a' }, { port: 10809 }] },
        'CONF_VALUE',
        'hosts[1]',
        /name or a socket/,
      ],
      [
        'an address key that is no attribute name',
        { name: 'vda', path: '/a', address: { type: 'pci', 'slot x': '5' } },
        'CONF_VALUE',
        'address.slot x',
        /not an address attribute name/,
      ],
      [
        'a zero boot order',
        { name: 'vda', path: '/a', bootOrder: '0' },
        'CONF_VALUE',
        'bootOrder',
        /positive/,
      ],
      [
        'a bad iotune value',
        { name: 'vda', path: '/a', iotune: { total_iops_sec: 'fast' } },
        'CONF_VALUE',
        'iotune.total_iops_sec',
        /"fast"/,
      ],
      [
        'a negative iotune value',
        { name: 'vda', path: '/a', iotune: { total_iops_sec: -5 } },
        'CONF_VALUE',
        'iotune.total_iops_sec',
        /-5/,
      ],
      [
        'a deviceId unfit for an alias',
        { name: 'vda', path: '/a', deviceId: 'a b' },
        'CONF_VALUE',
        'deviceId',
        /user alias/,
      ],
      [
        'startup policy on a network disk',
        { name: 'vda', path: 'p/i', protocol: 'nbd', optional: true },
        'CONF_VALUE',
        'optional',
        /network/,
      ],
    ];
    for (const [what, c, code, path, message] of errors) {
      it(`refuses ${what} with ${code} naming ${path}`, () => {
        const e = thrown(() => Drive.create(confOf(c))) as ConfError;
        expect(e).to.be.instanceOf(ConfError);
        expect(e.code).to.equal(code);
        expect(e.path).to.equal(path);
        expect(e.message).to.match(message);
      });
    }

    it('an empty cdrom or floppy needs no path; a cdrom may be left writable only when asked', () => {
      const floppy = Drive.create(confOf({ device: 'floppy', iface: 'fdc', index: 1 }));
      expect([floppy.sourceSummary(), floppy.targetDev, floppy.readonly]).to.deep.equal([
        undefined,
        'fdb',
        false,
      ]);
      const cdrom = Drive.create(confOf({ device: 'cdrom', iface: 'sata', index: 0, readonly: 'false' }));
      expect([cdrom.targetDev, cdrom.readonly]).to.deep.equal(['sda', false]);
    });
  });
});

function assertUnchanged(d: Drive, text: string): void {
  const diff = canonicalDiff(parseXml(d.toXml()), parseXml(text));
  expect(diff, diff).to.equal(undefined);
}
