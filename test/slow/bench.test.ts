/** The benchmark runs and prints the documented JSON shape (its numbers are never asserted here). */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { OPS, pythonAvailable } from '../../bench/run.js';
import { SCALING_WORKLOAD, workload } from '../../bench/workloads.js';
import { recover } from '../../src/index.js';
import { ROOT } from '../helpers/fixtures.js';

describe('npm run bench -- --json (quick budgets)', () => {
  it('reports every op of every workload, the growth exponents, memory and the restart', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        '--expose-gc',
        join(ROOT, 'bench', 'run.ts'),
        '--quick',
        '--json',
      ],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    expect(r.status, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout) as {
      results: {
        workload: string;
        op: string;
        median_ms: number;
        mean_ms: number;
        vs_parse: number;
        vs_python: number | null;
      }[];
      growth?: Record<string, number>;
      growth_python?: Record<string, number>;
      growth_small: Record<string, number>;
      growth_small_python?: Record<string, number>;
      memory: { domains: number; peak_rss_mb: number; bytes_per_device: number };
      restart: { domains: number; ms: number; python_ms: number | null; vs_python: number | null };
    };
    for (const w of ['ovirt20', 'n100', 'n1000', 'n5000']) {
      expect(
        j.results.filter((x) => x.workload === w).map((x) => x.op),
        w,
      ).to.have.members([...OPS]);
    }
    for (const x of j.results) {
      expect(x.median_ms, `${x.workload} ${x.op}`).to.be.above(0);
      expect(x.mean_ms, `${x.workload} ${x.op}`).to.be.above(0);
    }
    // N=1000 → 5000 always; N=5000 → 25000 (`growth`) only with --scaling.
    expect(Object.keys(j.growth_small)).to.have.members([...OPS]);
    expect(j.growth).to.equal(undefined);
    expect(j.growth_python).to.equal(undefined);
    // The peer's growth for its operations, when it ran.
    if (pythonAvailable())
      expect(Object.keys(j.growth_small_python ?? {})).to.have.members([
        'recover',
        'xmlpickle-decode',
        'descriptor-decode',
      ]);
    else expect(j.growth_small_python).to.equal(undefined);
    expect(j.memory.domains).to.be.above(0); // 1000 in a full run, fewer with --quick
    expect(j.memory.peak_rss_mb).to.be.above(0);
    expect(j.restart.domains).to.equal(j.memory.domains);
    expect(j.restart.ms).to.be.above(0);
    if (pythonAvailable()) expect(j.restart.python_ms).to.be.above(0);
    else expect(j.restart.python_ms).to.equal(null);
  });
});

describe('the --scaling workload (N=25000)', () => {
  it('is fully bound by recover, as the smaller scaled workloads are', () => {
    const w = workload(SCALING_WORKLOAD);
    expect([w.devices, w.entries]).to.deep.equal([25000, 25000]);
    const d = recover(w.live, { source: w.name });
    expect(d.devices).to.have.length(w.devices);
    expect(d.devices.filter((dev) => d.bindingOf(dev).rule === 'none')).to.deep.equal([]);
    expect(new Set(d.devices.map((dev) => d.bindingOf(dev).descriptor)).size).to.equal(w.devices);
    expect(d.orphans).to.deep.equal([]);
    expect(d.ambiguityReports).to.deep.equal([]);
  });
});
