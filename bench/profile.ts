/**
 * Where an operation's time goes: runs one benchmark operation on one workload under the V8 CPU
 * profiler (only the runs are profiled, not the workload's generation) and prints the functions
 * with the most self time, as `file:line function`, the library functions with the most total
 * time (self + callees), and self time per file.
 *
 * Run: `npx tsx bench/profile.ts OP WORKLOAD [SECONDS]` (e.g. `descriptor-encode n5000 5`).
 */
import { Session } from 'node:inspector';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPS, operations } from './run.js';
import type { Op } from './run.js';
import { SCALING_WORKLOAD, WORKLOAD_NAMES, workload } from './workloads.js';
import type { WorkloadName } from './workloads.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((ok, fail) => {
    session.post(method, params ?? {}, (err, result) => {
      if (err !== null) fail(err);
      else ok(result as T);
    });
  });
}

function where(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = relative(ROOT, path);
  return rel.startsWith('node_modules/') ? rel.replace(/^node_modules\//, '') : rel;
}

const sources = new Map<string, string[]>();

/**
 * The line of `name`'s definition in a TypeScript file: under tsx, V8 reports positions in the
 * transpiled code, so the source is searched for the definition instead (first match).
 */
function lineOf(file: string, name: string, reported: number): number {
  if (!file.endsWith('.ts') || name === '') return reported + 1;
  let lines = sources.get(file);
  if (lines === undefined) {
    try {
      lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    } catch {
      lines = [];
    }
    sources.set(file, lines);
  }
  const escaped = name.replace(/[$]/g, '\\$');
  const def = new RegExp(
    `(?:function\\*?\\s+${escaped}\\b|^\\s*(?:(?:export|private|protected|public|static|override|readonly|async|get|set)\\s+)*${escaped}\\s*[(<]|\\b(?:const|let)\\s+${escaped}\\s*=)`,
  );
  const i = lines.findIndex((l) => def.test(l));
  return i < 0 ? reported + 1 : i + 1;
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [op, name, seconds] = argv;
  const names = [...WORKLOAD_NAMES, SCALING_WORKLOAD];
  if (!OPS.includes(op as Op) || !names.includes(name as WorkloadName)) {
    throw new Error(
      `usage: bench/profile.ts OP WORKLOAD [SECONDS]\n  OP: ${OPS.join(' ')}\n  WORKLOAD: ${names.join(' ')}`,
    );
  }
  const runner = operations(workload(name as WorkloadName))[op as Op]();
  // Warm up outside the profile, so that it shows steady-state code.
  let warmMs = 0;
  for (let i = 0; i < 3; i++) {
    const state = runner.setup();
    const t0 = performance.now();
    runner.run(state);
    warmMs += performance.now() - t0;
  }
  // The profiler runs only around batches of runs (about 50 ms each): setups stay out of it.
  const batch = Math.max(1, Math.min(500, Math.round(50 / Math.max(warmMs / 3, 1e-3))));

  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const perFile = new Map<string, number>();
  let total = 0;
  const until = performance.now() + 1000 * Number(seconds ?? 3);
  let runs = 0;
  let runMs = 0;
  while (performance.now() < until) {
    const states = Array.from({ length: batch }, () => runner.setup());
    await post(session, 'Profiler.start');
    const t0 = performance.now();
    for (const state of states) runner.run(state);
    runMs += performance.now() - t0;
    runs += batch;
    const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
    total += tally(profile, self, inclusive, perFile);
  }
  session.disconnect();

  const lines = [
    `${op} on ${name}: ${runs} runs, ${(runMs / runs).toFixed(2)} ms per run (mean, profiler on; setup not profiled)`,
    '',
    'self time by function:',
    ...top(self, total, 25),
    '',
    'total time (self + callees) by library function:',
    ...top(inclusive, total, 20),
    '',
    'self time by file:',
    ...top(perFile, total, 12),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function keyOf(node: ProfileNode): { key: string; file: string } {
  const file = where(node.callFrame.url);
  const fn = node.callFrame.functionName;
  return { key: `${file}:${lineOf(file, fn, node.callFrame.lineNumber)} ${fn || '(anonymous)'}`, file };
}

/** Adds a profile's samples to the tallies; returns its sample count (idle time excluded). */
function tally(
  profile: Profile,
  self: Map<string, number>,
  inclusive: Map<string, number>,
  perFile: Map<string, number>,
): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    total += hits;
    const { key, file } = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + hits);
    perFile.set(file, (perFile.get(file) ?? 0) + hits);
    // Each library function on the stack once, however deep the recursion.
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n !== undefined; n = byId.get(parent.get(n.id) ?? -1)) {
      const k = keyOf(n);
      if (!k.file.startsWith('src/') || seen.has(k.key)) continue;
      seen.add(k.key);
      inclusive.set(k.key, (inclusive.get(k.key) ?? 0) + hits);
    }
  }
  return total;
}

await main(process.argv.slice(2));
