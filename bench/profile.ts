/**
 * Where an operation's time goes: runs one benchmark operation on one workload under the V8 CPU
 * profiler (only the runs are profiled, not the workload's generation) and prints the functions
 * with the most self time, as `file:line function`, and the same per file.
 *
 * Run: `npx tsx bench/profile.ts OP WORKLOAD [SECONDS]` (e.g. `descriptor-encode n5000 5`). The raw
 * profile is written too (PROFILE.cpuprofile in the temp dir, printed at the end) for Chrome DevTools.
 */
import { Session } from 'node:inspector';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPS, operations } from './run.js';
import type { Op } from './run.js';
import { WORKLOAD_NAMES, workload } from './workloads.js';
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
  if (!OPS.includes(op as Op) || !WORKLOAD_NAMES.includes(name as WorkloadName)) {
    throw new Error(
      `usage: bench/profile.ts OP WORKLOAD [SECONDS]\n  OP: ${OPS.join(' ')}\n  WORKLOAD: ${WORKLOAD_NAMES.join(' ')}`,
    );
  }
  const runner = operations(workload(name as WorkloadName))[op as Op]();
  // Warm up outside the profile, so that it shows steady-state code.
  for (let i = 0; i < 3; i++) runner.run(runner.setup());

  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  await post(session, 'Profiler.start');
  const until = performance.now() + 1000 * Number(seconds ?? 3);
  let runs = 0;
  let runMs = 0;
  while (performance.now() < until) {
    const state = runner.setup();
    const t0 = performance.now();
    runner.run(state);
    runMs += performance.now() - t0;
    runs++;
  }
  const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
  session.disconnect();

  const self = new Map<string, number>();
  const perFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const file = where(node.callFrame.url);
    const fn = node.callFrame.functionName;
    const key = `${file}:${lineOf(file, fn, node.callFrame.lineNumber)} ${fn || '(anonymous)'}`;
    self.set(key, (self.get(key) ?? 0) + hits);
    perFile.set(file, (perFile.get(file) ?? 0) + hits);
  }
  const out = join(tmpdir(), `${op}-${name}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  const lines = [
    `${op} on ${name}: ${runs} runs, ${(runMs / runs).toFixed(2)} ms per run (mean, with setup excluded; profiler on)`,
    '',
    'self time by function:',
    ...top(self, total, 25),
    '',
    'self time by file:',
    ...top(perFile, total, 12),
    '',
    `profile: ${out}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main(process.argv.slice(2));
