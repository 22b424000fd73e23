/**
 * Memory probe, run by bench/run.ts in a child process started with --expose-gc (so that nothing
 * else the benchmark allocated is counted): recovers the realistic domain `count` times and holds
 * every Domain (document, devices, bindings, metadata entries) at once. Prints JSON: the process's
 * peak RSS, and the heap retained per device after a full GC.
 *
 * Run: `node --expose-gc --import tsx bench/memory.ts FILE [COUNT]`.
 */
import { readFileSync } from 'node:fs';
import { recover } from '../src/index.js';
import type { Domain } from '../src/index.js';

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('bench/memory.ts needs node --expose-gc');
  // Two passes: the first may only queue finalizers and weak references.
  gc();
  gc();
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: bench/memory.ts FILE [COUNT]');
const count = Number(process.argv[3] ?? 1000);
const text = readFileSync(file, 'utf8');

// One recover first, so that code and lazily built tables are not counted as per-domain memory.
const devicesPerDomain = recover(text).devices.length;
collect();
const before = process.memoryUsage();
const held: Domain[] = [];
for (let i = 0; i < count; i++) held.push(recover(text));
collect();
const after = process.memoryUsage();
const retained = after.heapUsed - before.heapUsed + (after.external - before.external);

process.stdout.write(
  JSON.stringify({
    domains: held.length,
    devices: held.length * devicesPerDomain,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    rss_mb: after.rss / (1024 * 1024),
    retained_mb: retained / (1024 * 1024),
    bytes_per_device: retained / (held.length * devicesPerDomain),
  }) + '\n',
);
