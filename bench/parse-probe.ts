/**
 * Parse probe: median time of parseXml with xmldom's DOMParser against the fast engine (our
 * tokenizer building xmldom's DOM), on a realistic ~60 KB oVirt domain and on a ~3 MB domain with 5000
 * devices, both generated deterministically from the libvirt corpus. Run: `npx tsx bench/parse-probe.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { childElements, firstChild, parseXml, serialize } from '../src/xml/index.js';
import type { ParseOptions } from '../src/xml/index.js';

const CORPUS = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'shared', 'corpus', 'libvirt');

/** Every `<devices>` child of every corpus domain, serialized, in file order. */
function devicePool(): string[] {
  const pool: string[] = [];
  for (const f of readdirSync(CORPUS).sort()) {
    const doc = parseXml(readFileSync(join(CORPUS, f), 'utf8'), { source: f });
    const devices = firstChild(doc.documentElement as never, 'devices');
    if (devices === undefined) continue;
    for (const d of childElements(devices)) if (d.localName !== 'emulator') pool.push(serialize(d));
  }
  return pool;
}

/** A domain with `count` devices taken round-robin from the pool, each with an alias and an ovirt-vm metadata entry. */
function domain(pool: string[], count: number): string {
  const devices: string[] = [];
  const entries: string[] = [];
  for (let i = 0; i < count; i++) {
    const xml = pool[i % pool.length] as string;
    const alias = `ua-${String(i).padStart(8, '0')}`;
    // The alias goes in as the device's first child, after its start tag.
    const end = xml.indexOf('>');
    const selfClosing = xml[end - 1] === '/';
    const open = selfClosing ? xml.slice(0, end - 1) + '>' : xml.slice(0, end + 1);
    const rest = selfClosing ? `</${/^<([^\s/>]+)/.exec(xml)?.[1] ?? ''}>` : xml.slice(end + 1);
    devices.push(`    ${open}\n      <alias name='${alias}'/>${rest}`);
    // What Vdsm keeps per device: identifiers, typed leaves, a custom block.
    const id = (k: number) => `${String(k).padStart(8, '0')}-7d1c-4a5e-9b2f-${String(i).padStart(12, '0')}`;
    entries.push(
      `      <ovirt-vm:device alias="${alias}">
        <ovirt-vm:deviceId>${id(1)}</ovirt-vm:deviceId>
        <ovirt-vm:domainID>${id(2)}</ovirt-vm:domainID>
        <ovirt-vm:imageID>${id(3)}</ovirt-vm:imageID>
        <ovirt-vm:custom>
          <ovirt-vm:index type="int">${i}</ovirt-vm:index>
          <ovirt-vm:readonly type="bool">false</ovirt-vm:readonly>
        </ovirt-vm:custom>
      </ovirt-vm:device>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<domain type="kvm" xmlns:ovirt-vm="http://ovirt.org/vm/1.0" xmlns:ovirt-tune="http://ovirt.org/vm/tune/1.0">
  <name>probe-${count}</name>
  <uuid>6c3b9e1c-2d47-4a64-9d9b-5f0f3b1a${String(count).padStart(4, '0')}</uuid>
  <metadata>
    <ovirt-tune:qos/>
    <ovirt-vm:vm>
      <ovirt-vm:minGuaranteedMemoryMb type="int">1024</ovirt-vm:minGuaranteedMemoryMb>
${entries.join('\n')}
    </ovirt-vm:vm>
  </metadata>
  <memory unit="KiB">4194304</memory>
  <vcpu placement="static">2</vcpu>
  <os><type arch="x86_64" machine="pc-q35-rhel8.6.0">hvm</type><boot dev="hd"/></os>
  <devices>
    <emulator>/usr/libexec/qemu-kvm</emulator>
${devices.join('\n')}
  </devices>
</domain>
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

interface Timing {
  /** Median wall time of a parse. */
  ms: number;
  /** Median of the same parses without the garbage collector's pauses inside them. */
  outsideGcMs: number;
}

/** GC pauses as [start, end] in performance.now() time, collected as the observer delivers them. */
const gcPauses: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push([e.startTime, e.startTime + e.duration]);
}).observe({ entryTypes: ['gc'] });

/**
 * Times both engines on `text`, alternating them run by run so that they share whatever else the
 * machine is doing.
 */
async function timeBoth(text: string, runs: number): Promise<Record<Engine, Timing>> {
  const windows: Record<Engine, [number, number][]> = { xmldom: [], fast: [] };
  for (let i = 0; i < Math.max(3, runs / 5) + runs; i++) {
    for (const engine of ENGINES) {
      const t0 = performance.now();
      parseXml(text, { engine, maxBytes: Infinity });
      const t1 = performance.now();
      if (i >= Math.max(3, runs / 5)) windows[engine].push([t0, t1]);
    }
  }
  // Let the observer deliver the last pauses.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const timing = (ws: [number, number][]): Timing => ({
    ms: median(ws.map(([a, b]) => b - a)),
    outsideGcMs: median(
      ws.map(
        ([a, b]) =>
          b - a - gcPauses.reduce((sum, [s, e]) => sum + Math.max(0, Math.min(b, e) - Math.max(a, s)), 0),
      ),
    ),
  });
  return { xmldom: timing(windows.xmldom), fast: timing(windows.fast) };
}

type Engine = NonNullable<ParseOptions['engine']>;
const ENGINES: Engine[] = ['xmldom', 'fast'];

const pool = devicePool();
// ~60 KB, the size of a realistic oVirt domain with its metadata.
let small = 20;
while (domain(pool, small).length < 60_000) small += 5;
const workloads: [string, string, number][] = [
  [`${small} devices`, domain(pool, small), 300],
  ['5000 devices', domain(pool, 5000), 21],
];
const row = (cells: string[]) =>
  console.log(cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(12))).join(' '));
console.log(`parseXml on domains built from ${pool.length} corpus devices; medians of interleaved runs`);
console.log('(outside GC: the same runs without the garbage collector pauses that fell inside them)');
row([
  'workload',
  'size',
  'xmldom ms',
  'fast ms',
  'speed-up',
  'outside GC:',
  'xmldom ms',
  'fast ms',
  'speed-up',
]);
for (const [name, text, runs] of workloads) {
  const t = await timeBoth(text, runs);
  row([
    name,
    `${(text.length / 1024).toFixed(0)} KB`,
    t.xmldom.ms.toFixed(2),
    t.fast.ms.toFixed(2),
    `${(t.xmldom.ms / t.fast.ms).toFixed(1)}x`,
    '',
    t.xmldom.outsideGcMs.toFixed(2),
    t.fast.outsideGcMs.toFixed(2),
    `${(t.xmldom.outsideGcMs / t.fast.outsideGcMs).toFixed(1)}x`,
  ]);
}
