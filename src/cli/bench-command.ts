import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, packageRoot } from './io.js';

/**
 * Runs the benchmark of a source checkout (`bench/run.ts`, through tsx as `npm run bench` does);
 * the installed package does not ship it. Its output goes straight to this process's stdout.
 */
export function runBench(options: { json: boolean; scaling: boolean; hold: boolean }): number {
  const root = packageRoot();
  const script = join(root, 'bench', 'run.ts');
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!existsSync(script) || !existsSync(tsx)) {
    throw new UsageError(
      'the benchmark runs from a source checkout with its dev dependencies (bench/run.ts, tsx)',
    );
  }
  const flags = (['json', 'scaling', 'hold'] as const).filter((k) => options[k]).map((k) => `--${k}`);
  const r = spawnSync(process.execPath, [tsx, '--expose-gc', script, ...flags], {
    cwd: root,
    stdio: 'inherit',
  });
  return r.status ?? 1;
}
