/**
 * A real libvirt for end-to-end tests: libvirtd + QEMU (TCG) at qemu:///system, started by
 * `sudo scripts/libvirt-up.sh`. Under CI its absence fails the tests; elsewhere they are skipped with
 * one line saying how to enable them. Every domain and file a test makes is removed again, also when
 * the test fails.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstChild, parseXml, textOf } from '../../src/xml/index.js';

export const LIBVIRT_URI = 'qemu:///system';
export const ENABLE_LIBVIRT = 'sudo scripts/libvirt-up.sh';
/** What scripts/libvirt-up.sh installs (Debian 12): QEMU 7.2 for x86_64, run with TCG (`type='qemu'`). */
export const QEMU_EMULATOR = '/usr/bin/qemu-system-x86_64';
export const MiB = 1024 * 1024;

/** A virsh call may wait for QEMU; it must never hang a test run. */
const VIRSH_TIMEOUT_MS = 60_000;

/** A failed virsh call: the arguments, the exit status and what virsh wrote to stderr. */
export class VirshError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`virsh -c ${LIBVIRT_URI} ${args.join(' ')} failed (exit ${status ?? 'none'}): ${stderr.trim()}`);
    this.name = 'VirshError';
  }
}

/** True when libvirtd answers at qemu:///system. */
export function libvirtAvailable(): boolean {
  const r = spawnSync('virsh', ['-c', LIBVIRT_URI, 'version'], { stdio: 'ignore', timeout: 15_000 });
  return r.status === 0;
}

/**
 * For a mocha `before` hook: returns when libvirt answers. Otherwise, under CI=true, throws (the
 * end-to-end tests must run there); elsewhere prints one line saying how to enable them and skips.
 */
export function requireLibvirt(ctx: Mocha.Context): void {
  if (libvirtAvailable()) return;
  const why = `libvirt does not answer at ${LIBVIRT_URI}`;
  if (process.env['CI'] === 'true') {
    throw new Error(`${why}: the end-to-end tests must run under CI (start it with: ${ENABLE_LIBVIRT})`);
  }
  console.log(`    skipping libvirt end-to-end tests: ${why} (enable them with: ${ENABLE_LIBVIRT})`);
  ctx.skip();
}

/** Runs `virsh -c qemu:///system ...args`; returns stdout, throws VirshError. */
export function virsh(args: readonly string[]): string {
  const r = spawnSync('virsh', ['-c', LIBVIRT_URI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: VIRSH_TIMEOUT_MS,
    maxBuffer: 64 * MiB,
  });
  if (r.error !== undefined) throw new VirshError(args, r.status, r.error.message);
  if (r.status !== 0) throw new VirshError(args, r.status, r.stderr);
  return r.stdout;
}

/** Runs `fn` with a fresh temporary directory and removes the directory afterwards, also on failure. */
export async function withTempDir<T>(
  fn: (dir: string) => T | Promise<T>,
  prefix = 'vmdevices-e2e-',
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A sparse raw disk image of `size` bytes (QEMU reads it as an empty disk). */
export function createRawImage(path: string, size = MiB): string {
  writeFileSync(path, '', { flag: 'wx' });
  truncateSync(path, size);
  return path;
}

/** A domain name no other test run uses (tests may share one libvirtd). */
export function uniqueDomainName(label: string): string {
  return `vmdevices-e2e-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * A minimal bootless test domain around `devices` (XML text): QEMU with TCG (`type='qemu'`), 64 MiB,
 * the i440fx machine with ACPI, which PCI hotplug into pci.0 needs (without `<acpi/>` QEMU refuses:
 * "Bus 'pci.0' does not support hotplugging").
 */
export function testDomainXml(name: string, devices: string): string {
  return [
    `<domain type='qemu'>`,
    `  <name>${name}</name>`,
    `  <memory unit='MiB'>64</memory>`,
    `  <vcpu>1</vcpu>`,
    `  <os><type arch='x86_64' machine='pc'>hvm</type></os>`,
    `  <features><acpi/></features>`,
    `  <devices>`,
    `    <emulator>${QEMU_EMULATOR}</emulator>`,
    devices,
    `  </devices>`,
    `</domain>`,
  ].join('\n');
}

function domainNameOf(xml: string): string {
  const root = parseXml(xml).documentElement;
  const name = root === null ? undefined : firstChild(root, 'name');
  if (name === undefined || textOf(name).trim() === '') throw new Error('domain XML has no <name>');
  return textOf(name).trim();
}

/** True when libvirt knows a domain of this name (running or only defined). */
export function domainExists(name: string): boolean {
  return virsh(['list', '--all', '--name']).split('\n').includes(name);
}

export function domainState(name: string): string {
  return virsh(['domstate', name]).trim();
}

/** `virsh dumpxml`: the live XML of a running domain, or the persistent one with `inactive`. */
export function dumpXml(name: string, inactive = false): string {
  return virsh(inactive ? ['dumpxml', name, '--inactive'] : ['dumpxml', name]);
}

/**
 * Defines the domain (`virsh define FILE`) and returns its name. The XML goes through a file: node
 * gives a child a socket, not a pipe, as stdin, and virsh cannot open that as /dev/stdin.
 */
export function defineDomain(xml: string): string {
  const name = domainNameOf(xml);
  const dir = mkdtempSync(join(tmpdir(), 'vmdevices-define-'));
  try {
    const file = join(dir, 'domain.xml');
    writeFileSync(file, xml);
    virsh(['define', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return name;
}

export function startDomain(name: string): void {
  virsh(['start', name]);
}

/** Stops (destroys) the domain if it runs and undefines it if it is defined; a no-op when it is gone. */
export function removeDomain(name: string): void {
  if (!domainExists(name)) return;
  if (domainState(name) !== 'shut off') virsh(['destroy', name]);
  virsh(['undefine', name]);
}

/**
 * Defines (and with `start`, starts) the domain, runs `fn` with its name, then destroys and
 * undefines it, also when `fn` or the start fails. A failing cleanup does not hide the test's error.
 */
export async function withDomain<T>(
  xml: string,
  options: { start: boolean },
  fn: (name: string) => T | Promise<T>,
): Promise<T> {
  const name = defineDomain(xml);
  let result: T;
  try {
    if (options.start) startDomain(name);
    result = await fn(name);
  } catch (e) {
    try {
      removeDomain(name);
    } catch (cleanup) {
      throw new AggregateError(
        [e, cleanup],
        `${String(e)}; removing domain ${name} also failed: ${String(cleanup)}`,
        { cause: cleanup },
      );
    }
    throw e;
  }
  removeDomain(name);
  return result;
}

/** Where `virsh metadata` reads or writes: the persistent definition, the running domain, or both. */
export type MetadataScope = 'config' | 'live';

/**
 * `virsh metadata NAME --uri URI --key KEY --set XML`. libvirt puts `xml`'s root and its unprefixed
 * descendants into `uri` under the prefix `key`, so `xml` must come without that namespace: a root
 * that declares it fails ("failed to create a new XML namespace"). On a running domain, `config`
 * alone leaves the live XML unchanged.
 */
export function setMetadata(
  name: string,
  group: { uri: string; key: string },
  xml: string,
  scopes: readonly MetadataScope[],
): void {
  virsh([
    'metadata',
    name,
    '--uri',
    group.uri,
    '--key',
    group.key,
    '--set',
    xml,
    ...scopes.map((s) => `--${s}`),
  ]);
}

/** `virsh metadata NAME --uri URI`: the group's element, namespace stripped, or a VirshError when absent. */
export function getMetadata(name: string, uri: string, scope: MetadataScope): string {
  return virsh(['metadata', name, '--uri', uri, `--${scope}`]);
}
