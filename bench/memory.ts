/**
 * Memory and restart probe, run by bench/run.ts in a child process started with --expose-gc (so
 * that nothing else the benchmark allocated is counted): recovers the realistic domain `count`
 * times and holds every Domain (document, devices, bindings, metadata entries) at once, as an
 * agent does when it restarts. Prints JSON: the process's peak RSS, the heap retained per device
 * after a full GC (both measured first), and the time of the `count` recovers (the median of three
 * rounds, after a warm-up; the Python peer's `restart` is the same, each round after a collection,
 * which costs CPython nothing later).
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

/** `count` recovers, every Domain held; with the time they took. */
function hold(): { held: Domain[]; ms: number } {
  const held: Domain[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) held.push(recover(text));
  return { held, ms: performance.now() - t0 };
}

/**
 * Recovers not held: code optimized, lazily built tables made (so that they are not counted as
 * per-domain memory), and the young generation back to its working size.
 */
function warmUp(): void {
  for (let i = 0; i < 200; i++) recover(text);
}

warmUp();
const devicesPerDomain = recover(text).devices.length;
collect();
const before = process.memoryUsage();
const measured = hold();
collect();
const after = process.memoryUsage();
const peakRss = process.resourceUsage().maxRSS / 1024;
const retained = after.heapUsed - before.heapUsed + (after.external - before.external);
const domains = measured.held.length;
measured.held = [];

// The restart is timed apart: a forced full collection shrinks V8's young generation, and the
// recovers right after it run up to twice as slow until it has grown back.
warmUp();
const times = [hold().ms, hold().ms, hold().ms].sort((a, b) => a - b);

process.stdout.write(
  JSON.stringify({
    domains,
    devices: domains * devicesPerDomain,
    peak_rss_mb: peakRss,
    rss_mb: after.rss / (1024 * 1024),
    retained_mb: retained / (1024 * 1024),
    bytes_per_device: retained / (domains * devicesPerDomain),
    restart_ms: times[1],
  }) + '\n',
);
