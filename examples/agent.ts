/**
 * A small host agent on a real libvirt, written only against vmdevices' public API: it turns an
 * Engine XML into a running QEMU/TCG domain and keeps the device metadata with it through recovery,
 * hotplug and unplug. Run it as root with libvirt up (`sudo scripts/libvirt-up.sh`):
 *
 *   npx tsx examples/agent.ts
 *
 * Each step is a function of its own (test/e2e/agent.test.ts drives them one by one); `main` runs
 * them all, prints the device table after each, and removes every domain and file it made, also
 * when a step fails.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Device, Domain } from '../src/index.js';
import { Descriptor, NS, create, domainReport, recover } from '../src/index.js';

export const LIBVIRT_URI = 'qemu:///system';
/** The group Vdsm keeps its device metadata in, as `virsh metadata` names it. */
export const OVIRT_VM = { uri: NS['ovirt-vm'], key: 'ovirt-vm' };
const EMULATOR = '/usr/bin/qemu-system-x86_64';
const MiB = 1024 * 1024;

/** A failed virsh call, with what virsh wrote to stderr. */
export class VirshFailed extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`virsh ${args.join(' ')} failed: ${stderr.trim()}`);
    this.name = 'VirshFailed';
  }
}

/** Runs `virsh -c qemu:///system ...args` and returns its stdout. */
export function virsh(args: readonly string[]): string {
  const r = spawnSync('virsh', ['-c', LIBVIRT_URI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * MiB,
  });
  if (r.error !== undefined) throw new VirshFailed(args, r.error.message);
  if (r.status !== 0) throw new VirshFailed(args, r.stderr);
  return r.stdout;
}

/** What the agent made: removed again by `cleanup`. */
export interface Workspace {
  dir: string;
  /** Domain names the agent defined. */
  domains: string[];
}

export function openWorkspace(): Workspace {
  return { dir: mkdtempSync(join(tmpdir(), 'vmdevices-agent-')), domains: [] };
}

/** Destroys and undefines every domain the agent made, then removes its files. */
export function cleanup(ws: Workspace): void {
  const errors: unknown[] = [];
  for (const name of ws.domains.splice(0).reverse()) {
    try {
      if (!virsh(['list', '--all', '--name']).split('\n').includes(name)) continue;
      if (virsh(['domstate', name]).trim() !== 'shut off') virsh(['destroy', name]);
      virsh(['undefine', name]);
    } catch (e) {
      errors.push(e);
    }
  }
  rmSync(ws.dir, { recursive: true, force: true });
  if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
}

/** A sparse raw image in the workspace (QEMU reads it as an empty disk). */
export function rawImage(ws: Workspace, file: string, size = MiB): string {
  const path = join(ws.dir, file);
  writeFileSync(path, '', { flag: 'wx' });
  truncateSync(path, size);
  return path;
}

/** The ids the Engine gives the VM's devices (`ua-<id>` becomes each device's user alias). */
export interface EngineIds {
  controller: string;
  disk: string;
  nic: string;
  mac: string;
}

export function newEngineIds(): EngineIds {
  const b = randomBytes(3);
  return {
    controller: randomUUID(),
    disk: randomUUID(),
    nic: randomUUID(),
    mac: `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`,
  };
}

/**
 * The Engine XML: a TCG domain (`type='qemu'`, 96 MiB, i440fx with ACPI, which PCI hotplug needs),
 * a virtio-scsi controller and a user-mode NIC in `<devices>`, and the disk `sda` only as
 * `ovirt-vm` descriptor metadata: `create` builds its `<disk>`.
 */
export function engineXml(name: string, image: string, ids: EngineIds): string {
  return `<domain type="qemu" xmlns:ovirt-vm="${OVIRT_VM.uri}">
  <name>${name}</name>
  <uuid>${randomUUID()}</uuid>
  <metadata>
    <ovirt-vm:vm>
      <ovirt-vm:clusterVersion>4.7</ovirt-vm:clusterVersion>
      <ovirt-vm:minGuaranteedMemoryMb type="int">64</ovirt-vm:minGuaranteedMemoryMb>
      <ovirt-vm:device mac_address="${ids.mac}">
        <ovirt-vm:network>ovirtmgmt</ovirt-vm:network>
        <ovirt-vm:custom>
          <ovirt-vm:queues type="int">1</ovirt-vm:queues>
        </ovirt-vm:custom>
      </ovirt-vm:device>
      <ovirt-vm:device devtype="disk" name="sda">
        <ovirt-vm:deviceId>${ids.disk}</ovirt-vm:deviceId>
        <ovirt-vm:imageID>${ids.disk}</ovirt-vm:imageID>
        <ovirt-vm:iface>scsi</ovirt-vm:iface>
        <ovirt-vm:path>${image}</ovirt-vm:path>
        <ovirt-vm:format>raw</ovirt-vm:format>
        <ovirt-vm:shared>false</ovirt-vm:shared>
      </ovirt-vm:device>
    </ovirt-vm:vm>
  </metadata>
  <memory unit="MiB">96</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch="x86_64" machine="pc">hvm</type>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <emulator>${EMULATOR}</emulator>
    <controller type="scsi" index="0" model="virtio-scsi">
      <alias name="ua-${ids.controller}"/>
    </controller>
    <interface type="user">
      <mac address="${ids.mac}"/>
      <model type="virtio"/>
      <alias name="ua-${ids.nic}"/>
    </interface>
  </devices>
</domain>
`;
}

/** A hotplug envelope for a SCSI disk on the virtio-scsi controller, with its metadata. */
export function diskEnvelope(image: string, id: string, target: string): string {
  return `<hotplug>
  <devices>
    <disk type="file" device="disk">
      <driver name="qemu" type="raw"/>
      <source file="${image}"/>
      <target dev="${target}" bus="scsi"/>
      <serial>${id.slice(0, 20)}</serial>
      <alias name="ua-${id}"/>
    </disk>
  </devices>
  <metadata xmlns:ovirt-vm="${OVIRT_VM.uri}">
    <ovirt-vm:vm>
      <ovirt-vm:device devtype="disk" name="${target}">
        <ovirt-vm:deviceId>${id}</ovirt-vm:deviceId>
        <ovirt-vm:imageID>${id}</ovirt-vm:imageID>
        <ovirt-vm:shared>false</ovirt-vm:shared>
      </ovirt-vm:device>
    </ovirt-vm:vm>
  </metadata>
</hotplug>
`;
}

/** A hotplug envelope for a user-mode NIC; its metadata is keyed by MAC, as the Engine sends it. */
export function nicEnvelope(id: string, mac: string): string {
  return `<hotplug>
  <devices>
    <interface type="user">
      <mac address="${mac}"/>
      <model type="virtio"/>
      <alias name="ua-${id}"/>
    </interface>
  </devices>
  <metadata xmlns:ovirt-vm="${OVIRT_VM.uri}">
    <ovirt-vm:vm>
      <ovirt-vm:device mac_address="${mac}">
        <ovirt-vm:network>hotplugged</ovirt-vm:network>
        <ovirt-vm:portMirroring>
          <ovirt-vm:network>mirror1</ovirt-vm:network>
        </ovirt-vm:portMirroring>
      </ovirt-vm:device>
    </ovirt-vm:vm>
  </metadata>
</hotplug>
`;
}

/** Writes `text` to a file in the workspace, for virsh commands that read XML from a file. */
function xmlFile(ws: Workspace, label: string, text: string): string {
  const path = join(ws.dir, `${label}-${randomBytes(4).toString('hex')}.xml`);
  writeFileSync(path, text);
  return path;
}

/** Step 1: `virsh define` the XML `create` produced, then start the domain. */
export function defineAndStart(ws: Workspace, name: string, xml: string): void {
  virsh(['define', xmlFile(ws, 'define', xml)]);
  ws.domains.push(name);
  virsh(['start', name]);
}

/** The live XML (`virsh dumpxml`), or the persistent definition with `inactive`. */
export function dumpXml(name: string, inactive = false): string {
  return virsh(inactive ? ['dumpxml', name, '--inactive'] : ['dumpxml', name]);
}

/** Step 2, after a start or an agent restart: the device map from libvirt's live XML. */
export function recoverFromLibvirt(name: string): Domain {
  return recover(dumpXml(name), { source: `${name} (live)` });
}

/**
 * Step 3: writes the devices' metadata into the domain document and hands the `ovirt-vm` group to
 * libvirt, for both the running domain and its persistent definition. `virsh metadata --set` wants
 * the group without its namespace (libvirt adds it), hence `bare`.
 */
export function saveToLibvirt(name: string, domain: Domain): void {
  const problems = domain.save();
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  const group = Descriptor.fromXml(domain.toXml()).toXml({ bare: true });
  virsh([
    'metadata',
    name,
    '--uri',
    OVIRT_VM.uri,
    '--key',
    OVIRT_VM.key,
    '--set',
    group,
    '--config',
    '--live',
  ]);
}

/**
 * Step 4: hot-plugs the envelope's device: the library builds it and binds its metadata, libvirt
 * attaches it (live and persistent), and the live XML, now with libvirt's address, is bound again.
 */
export function hotplugDevice(ws: Workspace, name: string, domain: Domain, envelope: string): Device {
  const device = domain.hotplug(envelope);
  virsh(['attach-device', name, xmlFile(ws, 'attach', device.toXml()), '--live', '--config']);
  domain.refresh(dumpXml(name), { source: `${name} (live)` });
  saveToLibvirt(name, domain);
  const alias = device.alias;
  const bound = alias === undefined ? undefined : domain.deviceByAlias(alias);
  if (bound === undefined) throw new Error(`the hot-plugged ${device.kind} is not in the live XML`);
  return bound;
}

/**
 * Step 5: unplugs a device by alias. A SCSI disk (or a USB device) goes at once; a PCI device would
 * wait for a guest OS to acknowledge, which this bootless domain has not got, so we poll and give up.
 */
export async function unplugDevice(name: string, domain: Domain, alias: string): Promise<Device> {
  virsh(['detach-device-alias', name, alias, '--live', '--config']);
  const deadline = Date.now() + 10_000;
  while (dumpXml(name).includes(`'${alias}'`)) {
    if (Date.now() > deadline) throw new Error(`${alias} is still in ${name} after 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const gone = domain.unplug(alias);
  domain.refresh(dumpXml(name), { source: `${name} (live)` });
  saveToLibvirt(name, domain);
  return gone;
}

/** One line per device: what it is, how libvirt knows it, and how its metadata was found. */
export function deviceTable(domain: Domain): Record<string, string>[] {
  const report = domainReport(domain);
  return report.devices.map((d) => ({
    kind: d.kind,
    alias: d.alias ?? '',
    address: d.address === null ? '' : Object.values(d.address).join(':'),
    rule: d.binding.rule,
    metadata: Object.keys(d.metadata as object).join(','),
  }));
}

function show(step: string, domain: Domain): void {
  console.log(`\n== ${step}`);
  console.table(deviceTable(domain));
  if (domain.orphans.length > 0) console.log(`orphans: ${domain.orphans.length}`);
}

export async function main(): Promise<void> {
  const ws = openWorkspace();
  try {
    const name = `vmdevices-agent-${process.pid}-${randomBytes(3).toString('hex')}`;
    const ids = newEngineIds();
    const created = create(engineXml(name, rawImage(ws, 'sda.img'), ids), { source: 'engine' });
    show('create (Engine XML -> libvirt XML)', created.domain);

    defineAndStart(ws, name, created.xml);
    const domain = recoverFromLibvirt(name);
    show('recover (after start)', domain);

    saveToLibvirt(name, domain);
    show('save (metadata in libvirt)', domain);

    const diskId = randomUUID();
    const disk = hotplugDevice(ws, name, domain, diskEnvelope(rawImage(ws, 'sdb.img'), diskId, 'sdb'));
    show(`hotplug disk ${disk.alias ?? ''}`, domain);
    const nic = hotplugDevice(ws, name, domain, nicEnvelope(randomUUID(), newEngineIds().mac));
    show(`hotplug nic ${nic.alias ?? ''}`, domain);

    await unplugDevice(name, domain, `ua-${diskId}`);
    show(`unplug disk ua-${diskId}`, domain);

    show('recover (as after an agent restart)', recoverFromLibvirt(name));
  } finally {
    cleanup(ws);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
