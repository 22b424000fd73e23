/**
 * Identity on a real libvirt + QEMU (TCG), issue 12: every device of a running VM gets a mark of its
 * own in its metadata; then devices are removed from the persistent definition and the VM restarts,
 * so libvirt numbers its own (positional) aliases again. Every remaining device must find its own
 * mark; none may get another device's. A device may lose its mark only with a problem reported.
 * The domain and its files are removed in `after`, also when a step fails.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Device, Domain, Problem } from '../../src/index.js';
import { Descriptor } from '../../src/index.js';
import { childElements, firstChild, parseXml, serialize } from '../../src/xml/index.js';
import type { Workspace } from '../../examples/agent.js';
import {
  OVIRT_VM,
  cleanup,
  defineAndStart,
  dumpXml,
  openWorkspace,
  recoverFromLibvirt,
} from '../../examples/agent.js';
import {
  domainExists,
  requireLibvirt,
  setMetadata,
  startDomain,
  testDomainXml,
  uniqueDomainName,
  virsh,
} from '../helpers/libvirt.js';

/**
 * No `ua-` aliases: libvirt names every device itself, by position. Same NIC model and same sound
 * model twice, so that only the MAC and the guest address tell those apart. The PS/2 inputs and the
 * virtio consoles have no guest address; libvirt adds the serial console, the controllers, the
 * video, the balloon and the audio backend.
 */
const DEVICES = `
    <interface type='user'><mac address='52:54:00:1d:00:01'/><model type='virtio'/></interface>
    <interface type='user'><mac address='52:54:00:1d:00:02'/><model type='virtio'/></interface>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='virtio'/></console>
    <console type='pty'><target type='virtio'/></console>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <channel type='pty'><target type='virtio' name='org.example.pty.0'/></channel>
    <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
    <input type='tablet' bus='usb'/>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='ps2'/>
    <sound model='ich6'/>
    <sound model='ich6'/>
    <graphics type='spice'><listen type='none'/></graphics>`;

/** What is detached from the persistent definition: the first of each kind (by tag and position). */
const DETACHED: readonly Position[] = [
  { tag: 'input', index: 0 }, // the USB tablet: the PS/2 mouse and keyboard move up
  { tag: 'interface', index: 0 },
  { tag: 'console', index: 1 }, // the first virtio console (console 0 is the serial console)
  { tag: 'channel', index: 0 }, // the guest agent channel
  { tag: 'sound', index: 0 },
];

/** Device tag and alias (`-`: none) as libvirt 9.0 assigns them, in document order. */
const ALIASES_BEFORE = [
  'controller usb',
  'controller pci.0',
  'controller virtio-serial0',
  'interface net0',
  'interface net1',
  'serial serial0',
  'console serial0',
  'console console1',
  'console console2',
  'channel channel0',
  'channel channel1',
  'channel channel2',
  'input input0',
  'input input1',
  'input input2',
  'graphics -',
  'sound sound0',
  'sound sound1',
  'audio -',
  'video video0',
  'memballoon balloon0',
];
const ALIASES_AFTER = [
  'controller usb',
  'controller pci.0',
  'controller virtio-serial0',
  'interface net0',
  'serial serial0',
  'console serial0',
  'console console1',
  'channel channel0',
  'channel channel1',
  'input input0',
  'input input1',
  'graphics -',
  'sound sound0',
  'audio -',
  'video video0',
  'memballoon balloon0',
];

interface Position {
  tag: string;
  index: number;
}

/** A device's place among the devices of its tag (`input[1]`): what libvirt keeps in order. */
function positions(domain: Domain): Position[] {
  const seen = new Map<string, number>();
  return domain.devices.map((d) => {
    const index = seen.get(d.kind) ?? 0;
    seen.set(d.kind, index + 1);
    return { tag: d.kind, index };
  });
}

const label = (p: Position): string => `${p.tag}[${p.index}]`;
const aliases = (domain: Domain): string[] => domain.devices.map((d) => `${d.kind} ${d.alias ?? '-'}`);

/**
 * Where each device before the removal is afterwards: libvirt keeps the devices of a tag in one
 * array and removing one shifts the later ones up, so the n-th survivor of a tag is the n-th after.
 */
function survivorsOf(before: Position[]): Map<string, string> {
  const gone = new Set(DETACHED.map(label));
  const next = new Map<string, number>();
  const out = new Map<string, string>();
  for (const p of before) {
    if (gone.has(label(p))) continue;
    const index = next.get(p.tag) ?? 0;
    next.set(p.tag, index + 1);
    out.set(label({ tag: p.tag, index }), label(p));
  }
  return out;
}

/** The mark a device holds, if any. */
function markOf(device: Device): string | undefined {
  const m = device.meta.raw('mark');
  return typeof m === 'string' ? m : undefined;
}

/**
 * Each device of `domain` whose mark is not `ownMark` of its position: it has another device's
 * mark, or it has none and nothing says why (neither recover nor, for the marks in `unsaved`, save).
 */
function misbound(
  domain: Domain,
  ownMark: (p: Position) => string | undefined,
  unsaved: ReadonlySet<string>,
): string[] {
  return positions(domain).flatMap((p, i) => {
    const device = domain.devices[i] as Device;
    const want = ownMark(p);
    const got = markOf(device);
    const where = `${label(p)} ${device.alias ?? '-'} (was ${want ?? '?'})`;
    if (got === want) return [];
    if (got !== undefined) return [`${where}: has the mark ${got}`];
    const reported = domain.problemsOf(device).length > 0 || (want !== undefined && unsaved.has(want));
    return reported ? [] : [`${where}: lost its mark, nothing reported`];
  });
}

/**
 * `saveToLibvirt` of examples/agent.ts, except that save's problems are returned, not thrown: a
 * device nothing identifies is a problem save reports, and it may then lose its mark.
 */
function saveAndPush(name: string, domain: Domain): Problem[] {
  const problems = domain.save();
  const group = Descriptor.fromXml(domain.toXml()).toXml({ bare: true });
  setMetadata(name, OVIRT_VM, group, ['config', 'live']);
  return problems;
}

/** `virsh detach-device --config` of the persistent definition's element at each position. */
function detachFromConfig(ws: Workspace, name: string, removed: readonly Position[]): void {
  const root = parseXml(dumpXml(name, true)).documentElement;
  const devices = root === null ? undefined : firstChild(root, 'devices');
  if (devices === undefined) throw new Error(`${name}: the persistent definition has no <devices>`);
  const elements = removed.map((p) => {
    const el = childElements(devices, p.tag)[p.index];
    if (el === undefined) throw new Error(`${name}: no ${label(p)} in the persistent definition`);
    return { p, xml: serialize(el) };
  });
  for (const { p, xml } of elements) {
    const file = join(ws.dir, `detach-${label(p)}.xml`);
    writeFileSync(file, xml);
    virsh(['detach-device', name, file, '--config']);
  }
}

describe('identity on libvirt + QEMU (TCG): devices removed from the config, VM restarted', function () {
  let ws: Workspace;
  let name: string;
  let running: Domain;
  let marked: Position[];
  /** The marks of the devices save refused to save (it reported them). */
  let unsaved: Set<string>;
  let restarted: Domain;

  before(function () {
    requireLibvirt(this);
    ws = openWorkspace();
    name = uniqueDomainName('identity');
  });

  after(function () {
    if (ws === undefined) return;
    cleanup(ws);
    expect(domainExists(name)).to.equal(false);
  });

  it('libvirt names the devices by position; the agent marks each and saves', function () {
    defineAndStart(ws, name, testDomainXml(name, DEVICES));
    running = recoverFromLibvirt(name);
    expect(aliases(running)).to.deep.equal(ALIASES_BEFORE);
    marked = positions(running);
    running.devices.forEach((d, i) => d.meta.set('mark', label(marked[i] as Position)));
    const problems = saveAndPush(name, running);
    // Save may refuse only a device libvirt gave no alias: an alias always tells a device apart.
    const refusedNamed = problems.filter(
      (p) => p.device === undefined || running.devices[p.device]?.alias !== undefined,
    );
    expect(refusedNamed.map((p) => p.message)).to.deep.equal([]);
    unsaved = new Set(problems.map((p) => label(marked[p.device as number] as Position)));
    // What libvirt holds now is what the agent saved: every mark is found again before any change.
    expect(misbound(recoverFromLibvirt(name), label, unsaved)).to.deep.equal([]);
  });

  it('after the removal and a restart, libvirt has renumbered its aliases', function () {
    detachFromConfig(ws, name, DETACHED);
    virsh(['destroy', name]);
    startDomain(name);
    restarted = recoverFromLibvirt(name);
    expect(aliases(restarted)).to.deep.equal(ALIASES_AFTER);
  });

  it('every remaining device has its own mark, or none with a problem reported; no other device has one', function () {
    const own = survivorsOf(marked);
    expect(misbound(restarted, (p) => own.get(label(p)), unsaved)).to.deep.equal([]);
  });

  it("the removed devices' entries are orphans, kept", function () {
    const orphanMarks = restarted.orphans.map((e) => e.data['mark']).sort();
    expect(orphanMarks).to.deep.equal(DETACHED.map(label).sort());
  });
});
