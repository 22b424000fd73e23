/**
 * Proves the real-libvirt setup the end-to-end tests stand on (scripts/libvirt-up.sh): libvirtd
 * defines and starts a bootless QEMU/TCG domain with a user-mode NIC and a raw disk on virtio-scsi,
 * assigns aliases and addresses while keeping `ua-` aliases, round-trips an `ovirt-vm` metadata group,
 * and the helpers remove every domain and file again, also when a test fails.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '../../src/xml/index.js';
import { NS, canonicalDiff, parseXml, selectNodes, selectValue } from '../../src/xml/index.js';
import {
  MiB,
  VirshError,
  createRawImage,
  domainExists,
  domainState,
  dumpXml,
  getMetadata,
  requireLibvirt,
  setMetadata,
  testDomainXml,
  uniqueDomainName,
  virsh,
  withDomain,
  withTempDir,
} from '../helpers/libvirt.js';
import { validateDomainXml } from '../helpers/validate.js';

const OVIRT_VM = { uri: NS['ovirt-vm'], key: 'ovirt-vm' };

/** The devices of the smoke domain, with Engine-style `ua-<uuid>` user aliases. */
function smokeDevices(image: string, ids: { ctrl: string; disk: string; nic: string }, mac: string): string {
  return `
    <controller type='scsi' index='0' model='virtio-scsi'><alias name='ua-${ids.ctrl}'/></controller>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${image}'/>
      <target dev='sda' bus='scsi'/>
      <alias name='ua-${ids.disk}'/>
    </disk>
    <interface type='user'>
      <mac address='${mac}'/>
      <model type='virtio'/>
      <alias name='ua-${ids.nic}'/>
    </interface>`;
}

function newIds(): { ctrl: string; disk: string; nic: string } {
  return { ctrl: randomUUID(), disk: randomUUID(), nic: randomUUID() };
}

function one(expression: string, context: Element): Element {
  const found = selectNodes(expression, context);
  expect(found, expression).to.have.length(1);
  return found[0] as Element;
}

function str(expression: string, context: Element): string {
  return String(selectValue(`string(${expression})`, context));
}

describe('libvirt + QEMU (TCG) smoke test', function () {
  before(function () {
    requireLibvirt(this);
  });

  it('defines and starts a domain; the live XML has aliases and addresses, ua- aliases kept', async function () {
    let tempDir = '';
    const name = uniqueDomainName('smoke');
    await withTempDir(async (dir) => {
      tempDir = dir;
      const image = createRawImage(join(dir, 'sda.img'), MiB);
      expect(statSync(image).size).to.equal(MiB);
      const ids = newIds();
      const xml = testDomainXml(name, smokeDevices(image, ids, '52:54:00:4d:00:01'));
      expect(validateDomainXml(xml)).to.equal(undefined);

      await withDomain(xml, { start: true }, (dom) => {
        expect(dom).to.equal(name);
        expect(domainState(name)).to.equal('running');
        const liveText = dumpXml(name);
        expect(validateDomainXml(liveText)).to.equal(undefined);
        const live = parseXml(liveText).documentElement as Element;
        expect(Number(str('@id', live))).to.be.greaterThan(0);

        const disk = one('devices/disk', live);
        expect(str('alias/@name', disk)).to.equal(`ua-${ids.disk}`);
        expect(str('source/@file', disk)).to.equal(image);
        expect(str('address/@type', disk)).to.equal('drive');
        expect([str('address/@controller', disk), str('address/@unit', disk)]).to.deep.equal(['0', '0']);

        const ctrl = one("devices/controller[@type='scsi']", live);
        expect(str('@model', ctrl)).to.equal('virtio-scsi');
        expect(str('alias/@name', ctrl)).to.equal(`ua-${ids.ctrl}`);
        expect(str('address/@type', ctrl)).to.equal('pci');

        const nic = one('devices/interface', live);
        expect(str('@type', nic)).to.equal('user');
        expect(str('mac/@address', nic)).to.equal('52:54:00:4d:00:01');
        expect(str('alias/@name', nic)).to.equal(`ua-${ids.nic}`);
        expect(str('address/@type', nic)).to.equal('pci');

        // Devices libvirt added itself get libvirt's own aliases.
        const balloon = one('devices/memballoon', live);
        expect(str('alias/@name', balloon)).to.equal('balloon0');
        expect(str('address/@type', balloon)).to.equal('pci');
        const unaliased = selectNodes('devices/*[not(alias)]', live).map((n) => n.nodeName);
        expect(unaliased.sort()).to.deep.equal(['audio', 'emulator']);
      });
      expect(domainExists(name)).to.equal(false);
    });
    expect(existsSync(tempDir)).to.equal(false);
  });

  it('round-trips an ovirt-vm metadata group through virsh metadata (--config, then --live)', async function () {
    await withTempDir(async (dir) => {
      const ids = newIds();
      const image = createRawImage(join(dir, 'sda.img'));
      const name = uniqueDomainName('meta');
      await withDomain(
        testDomainXml(name, smokeDevices(image, ids, '52:54:00:4d:00:02')),
        { start: true },
        () => {
          const group =
            `<vm><minGuaranteedMemoryMb type="int">64</minGuaranteedMemoryMb>` +
            `<device alias="ua-${ids.disk}"><deviceId>${ids.disk}</deviceId><shared>false</shared></device></vm>`;
          setMetadata(name, OVIRT_VM, group, ['config']);

          const got = getMetadata(name, OVIRT_VM.uri, 'config');
          expect(canonicalDiff(parseXml(got), parseXml(group))).to.equal(undefined);
          // In the domain XML the group is in the ovirt-vm namespace, as Vdsm writes it.
          const inactive = parseXml(dumpXml(name, true)).documentElement as Element;
          const stored = one('metadata/ovirt-vm:vm', inactive);
          const expected = parseXml(
            `<ovirt-vm:vm xmlns:ovirt-vm="${NS['ovirt-vm']}">` +
              `<ovirt-vm:minGuaranteedMemoryMb type="int">64</ovirt-vm:minGuaranteedMemoryMb>` +
              `<ovirt-vm:device alias="ua-${ids.disk}"><ovirt-vm:deviceId>${ids.disk}</ovirt-vm:deviceId>` +
              `<ovirt-vm:shared>false</ovirt-vm:shared></ovirt-vm:device></ovirt-vm:vm>`,
          );
          expect(canonicalDiff(stored, expected)).to.equal(undefined);

          // --config alone does not touch the running domain; --live does.
          const live = parseXml(dumpXml(name)).documentElement as Element;
          expect(selectNodes('metadata/ovirt-vm:vm', live)).to.have.length(0);
          expect(() => getMetadata(name, OVIRT_VM.uri, 'live')).to.throw(VirshError, /metadata not found/);
          setMetadata(name, OVIRT_VM, group, ['live']);
          expect(canonicalDiff(parseXml(getMetadata(name, OVIRT_VM.uri, 'live')), parseXml(group))).to.equal(
            undefined,
          );
        },
      );
    });
  });

  it('removes the domain and the temporary files when the test body fails', async function () {
    let tempDir = '';
    const name = uniqueDomainName('fail');
    const failure = new Error('test body failed');
    const thrown = await withTempDir(async (dir) => {
      tempDir = dir;
      const image = createRawImage(join(dir, 'sda.img'));
      await withDomain(
        testDomainXml(name, smokeDevices(image, newIds(), '52:54:00:4d:00:03')),
        { start: true },
        () => {
          expect(domainState(name)).to.equal('running');
          throw failure;
        },
      );
    }).catch((e: unknown) => e);
    expect(thrown).to.equal(failure);
    expect(domainExists(name)).to.equal(false);
    expect(existsSync(tempDir)).to.equal(false);
  });

  it('undefines the domain when it fails to start, and reports virsh errors with their stderr', async function () {
    const name = uniqueDomainName('nostart');
    const xml = testDomainXml(
      name,
      smokeDevices('/nonexistent/vmdevices/sda.img', newIds(), '52:54:00:4d:00:04'),
    );
    const thrown = await withDomain(xml, { start: true }, () => 'started').catch((e: unknown) => e);
    expect(thrown).to.be.instanceOf(VirshError);
    expect((thrown as VirshError).message).to.match(
      /^virsh -c qemu:\/\/\/system start vmdevices-e2e-nostart-/,
    );
    expect((thrown as VirshError).stderr).to.contain('/nonexistent/vmdevices/sda.img');
    expect(domainExists(name)).to.equal(false);
    expect(() => virsh(['dominfo', name])).to.throw(VirshError, /failed to get domain/);
  });
});
