import { expect } from 'chai';
import {
  Audio,
  Balloon,
  buildDevice,
  buildDevices,
  Channel,
  classForTag,
  Console,
  Controller,
  Crypto,
  DEVICE_CLASSES,
  Drive,
  Filesystem,
  Generic,
  Graphics,
  HostDevice,
  Hub,
  Input,
  Interface,
  Iommu,
  Lease,
  Memory,
  NON_DEVICE_TAGS,
  Nvram,
  Panic,
  Parallel,
  Pstore,
  Redir,
  Redirfilter,
  Rng,
  Serial,
  Shmem,
  Smartcard,
  Sound,
  Tpm,
  Video,
  Vsock,
  Watchdog,
} from '../../src/devices/index.js';
import type { Dict } from '../../src/metadata/value.js';
import { dict } from '../../src/metadata/value.js';
import type { Element } from '../../src/xml/index.js';
import { firstChild, getAttr, parseXml } from '../../src/xml/index.js';

const EXPECTED: [string, unknown][] = [
  ['disk', Drive],
  ['interface', Interface],
  ['graphics', Graphics],
  ['controller', Controller],
  ['console', Console],
  ['serial', Serial],
  ['parallel', Parallel],
  ['channel', Channel],
  ['input', Input],
  ['sound', Sound],
  ['video', Video],
  ['memballoon', Balloon],
  ['rng', Rng],
  ['tpm', Tpm],
  ['watchdog', Watchdog],
  ['panic', Panic],
  ['audio', Audio],
  ['smartcard', Smartcard],
  ['redirdev', Redir],
  ['hostdev', HostDevice],
  ['memory', Memory],
  ['lease', Lease],
  ['filesystem', Filesystem],
  ['shmem', Shmem],
  ['vsock', Vsock],
  ['iommu', Iommu],
  ['hub', Hub],
  ['crypto', Crypto],
  ['pstore', Pstore],
  ['nvram', Nvram],
  ['redirfilter', Redirfilter],
];

function devicesOf(xml: string): Element {
  return firstChild(parseXml(xml).documentElement!, 'devices')!;
}

describe('registry', () => {
  it('maps every libvirt device tag to its class', () => {
    for (const [tag, cls] of EXPECTED) expect(classForTag(tag), tag).to.equal(cls);
  });

  it('has one class per tag, each registered under its own tag', () => {
    const tags = DEVICE_CLASSES.map((c) => c.tag);
    expect(new Set(tags).size).to.equal(tags.length);
    expect([...tags].sort()).to.deep.equal(EXPECTED.map(([t]) => t).sort());
    for (const cls of DEVICE_CLASSES) expect(classForTag(cls.tag)).to.equal(cls);
  });

  it('gives Generic to every other tag, including the names Vdsm used instead of libvirt`s', () => {
    for (const tag of ['redir', 'balloon', 'general', 'x-new']) {
      expect(classForTag(tag), tag).to.equal(Generic);
    }
  });

  it('builds every device under <devices> in document order, skipping <emulator> and non-elements', () => {
    const devices = buildDevices(
      devicesOf(`<domain><devices>
        <emulator>/usr/bin/qemu-system-x86_64</emulator>
        <!-- disks first -->
        <disk type='file' device='disk'><target dev='vda'/></disk>
        <?hint keep?>
        <redirdev bus='usb' type='spicevmc'/>
        <memballoon model='virtio'/>
        <vsock model='virtio'/>
        <rng model='virtio'><backend model='random'/></rng>
      </devices></domain>`),
    );
    expect(devices.map((d) => [d.kind, d.className])).to.deep.equal([
      ['disk', 'Drive'],
      ['redirdev', 'Redir'],
      ['memballoon', 'Balloon'],
      ['vsock', 'Vsock'],
      ['rng', 'Rng'],
    ]);
    expect(NON_DEVICE_TAGS.has('emulator')).to.equal(true);
  });

  it('walks direct children only: a nested element is not a device', () => {
    const devices = buildDevices(
      devicesOf(
        `<domain><devices><hostdev mode='subsystem' type='pci'><source><address bus='0x01'/></source></hostdev></devices></domain>`,
      ),
    );
    expect(devices).to.have.length(1);
    expect(devices[0]?.address).to.equal(undefined);
  });

  it('binds each element to the metadata metaFor gives it', () => {
    const seen: string[] = [];
    const metaFor = (el: Element): Dict | undefined => {
      const alias = getAttr(firstChild(el, 'alias') ?? el, 'name');
      seen.push(alias ?? '-');
      return alias === undefined ? undefined : dict([['deviceId', `id-${alias}`]]);
    };
    const devices = buildDevices(
      devicesOf(
        `<domain><devices><watchdog model='ib700'><alias name='wd0'/></watchdog><lease><key>k</key></lease></devices></domain>`,
      ),
      metaFor,
    );
    expect(seen).to.deep.equal(['wd0', '-']);
    expect(devices.map((d) => d.deviceId)).to.deep.equal(['id-wd0', undefined]);
  });

  it('builds one device with its metadata', () => {
    const el = firstChild(devicesOf(`<domain><devices><tpm model='tpm-tis'/></devices></domain>`), 'tpm')!;
    const tpm = buildDevice(el, dict([['deviceId', 'abc']]));
    expect(tpm).to.be.instanceOf(Tpm);
    expect(tpm.deviceId).to.equal('abc');
    expect(classForTag('tpm').fromXmlTree(el).className).to.equal('Tpm');
  });
});
