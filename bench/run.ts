/**
 * The benchmark (`npm run bench`, `npm run bench -- --json`): every operation of the library on
 * every workload of bench/workloads.ts, against xmldom's raw DOMParser on the same text and against
 * the Python peer (bench/peers/peer.py) when python3 is present; growth from N=1000 to N=5000 by
 * medians (`growth_small`); memory and restart of 1000 recovered realistic domains (in a child
 * process). See bench/README.md for what each operation measures. What is compared is measured
 * in alternation, in rounds (see `main`), and compared round by round (see `paired`): the ops
 * the peer also does with the peer, and with `--scaling` every op at N=5000 with the same op at
 * N=25000.
 *
 * Options: `--json` prints only the JSON result on stdout (progress goes to stderr);
 * `--quick` cuts every time budget by 10 (for trying the harness, not for numbers);
 * `--scaling` adds the N=25000 workload and `growth`, from N=5000 to N=25000 by the mean time per run
 * (collections included), where every document is past V8's young generation (about 12 minutes);
 * `--hold` keeps each result alive while the next one is made, as an agent holds its domains.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import {
  Descriptor,
  DomainDocument,
  bind,
  buildDevices,
  entryIdentity,
  create,
  decodeXmlpickle,
  encodeXmlpickleText,
  hasKey,
  parseXml,
  recover,
} from '../src/index.js';
import type { Device, Domain, MetadataEntry } from '../src/index.js';
import { loadDescriptorStore } from '../src/domain/metadata-store.js';
import { PASSES, keyArray } from '../src/binding/binder.js';
import type { DeviceIdentity } from '../src/devices/device.js';
import type { EntryIdentity } from '../src/binding/entry.js';
import type { Workload, WorkloadName } from './workloads.js';
import { SCALING_WORKLOAD, WORKLOAD_NAMES, workload } from './workloads.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const OPS = [
  'parse',
  'parse-hardened',
  'model',
  'bind',
  'bind-reads',
  'bind-floor',
  'recover',
  'create',
  'save',
  'resave',
  'fields',
  'lifecycle',
  'xmlpickle-decode',
  'xmlpickle-encode',
  'descriptor-decode',
  'descriptor-encode',
] as const;
export type Op = (typeof OPS)[number];

/**
 * What the library's ops are measured against, not ops of the library: xmldom's raw parse, the
 * reads any binder makes, and a join by the binder's rules with nothing else. The growth target
 * does not count them.
 */
const BASELINES: ReadonlySet<Op> = new Set<Op>(['parse', 'bind-reads', 'bind-floor']);

/** Ops the Python peer also does, and the peer op each is compared with. */
const PEER_OPS: Partial<Record<Op, string>> = {
  recover: 'recover',
  'xmlpickle-decode': 'xmlpickle-decode',
  'descriptor-decode': 'descriptor-decode',
};

export interface Result {
  workload: WorkloadName;
  op: Op;
  median_ms: number;
  /** Every sampled run's time over their number: what the collector costs is in it. */
  mean_ms: number;
  vs_parse: number;
  /** Our median over the peer's, round by round (see `paired`). */
  vs_python: number | null;
}

export interface Report {
  results: Result[];
  /**
   * With `--scaling`: the growth from N=5000 to N=25000, by the mean time per run, round by round
   * (the target: at most 1.1 for every op but `parse`).
   */
  growth?: Record<string, number>;
  /** With `--scaling`: each round's exponent, in order, of which `growth` is the median (the spread). */
  growth_rounds?: Record<string, number[]>;
  /** The Python peer's, by its round medians, round by round (when python3 is present). */
  growth_python?: Record<string, number>;
  /** From N=1000 to N=5000 by medians, for information: V8's young generation decides much of it. */
  growth_small: Record<string, number>;
  growth_small_python?: Record<string, number>;
  memory: { domains: number; peak_rss_mb: number; bytes_per_device: number };
  /** An agent's restart: the realistic domain recovered `domains` times, every result held. */
  restart: { domains: number; ms: number; python_ms: number | null; vs_python: number | null };
}

// ---------------------------------------------------------------------------------------------
// Timing

/** How many devices the `lifecycle` op unplugs, whatever the size of the domain. */
export const UNPLUGGED = 8;

/** Where each result goes, so that no run can be optimized away (and where `--hold` keeps it). */
const sink: { value: unknown } = { value: undefined };

interface Budget {
  /** Sampling time (after warm-up). */
  ms: number;
  minSamples: number;
  /**
   * Keep each run's result alive while the next run goes, as an agent keeps the domains it
   * recovered (`--hold`); by default a result is dropped as soon as its run returns, as the peer's
   * loop drops its own.
   */
  hold: boolean;
}

/** One operation ready to run: `setup` gives each run its own fresh input, outside the timing. */
export interface Runner {
  setup: () => unknown;
  run: (state: unknown) => unknown;
}

function withState<S>(setup: () => S, run: (state: S) => unknown): Runner {
  return { setup, run: (state) => run(state as S) };
}

/** With --expose-gc (npm run bench): a full collection (see `Sampling`). */
const gc = (globalThis as { gc?: () => void }).gc;

/** The time of one run, in ms: the median of the samples, and the mean over every sampled run. */
interface Timing {
  median: number;
  mean: number;
}

/**
 * The samples of one op on one workload, taken in one round or in several (see `main`). The
 * first round warms up (a quarter of its budget, at most 50 runs, at least one) and fixes the
 * batch: runs lasting about 1 ms or more together (one run for slow operations); the next rounds
 * warm up again briefly (see `round`). Each round then samples for its budget, and at least
 * `minSamples`, from the fresh state `prepare` gives it.
 *
 * A full GC is forced before and after each round only where the mean is the figure
 * (`collectAround`: N=5000 and N=25000 under --scaling, with --expose-gc as npm run bench has it):
 * there the garbage of what ran before, hundreds of MB, would be collected during a round's samples
 * and counted in its mean, and that of the round itself during the next workload's round (the
 * realistic domain's `recover`, whose rounds come after them: median 0.27 ms and mean 0.46 in one
 * run without, 0.23 and 0.36 in the next run with). Elsewhere the median is the figure and none
 * is forced, since the runs after a forced full GC are slower for seconds, as an agent's never are
 * (`recover` of ovirt20, five processes each: 0.22 ms after one, 0.19 without; 2-3x for `bind` at
 * N=1000 when forced between samples).
 */
class Sampling {
  private readonly samples: number[] = [];
  private readonly rounds: Timing[] = [];
  private batch = 0;

  constructor(
    private readonly prepare: () => Runner,
    private readonly collectAround: boolean,
  ) {}

  round(budget: Budget): void {
    const { setup, run } = this.prepare();
    if (this.collectAround) gc?.();
    if (this.batch === 0) {
      let warmRuns = 0;
      let warmMs = 0;
      do {
        const s = setup();
        const t0 = performance.now();
        sink.value = run(s);
        warmMs += performance.now() - t0;
        warmRuns++;
      } while (warmRuns < 50 && warmMs < budget.ms * 0.25);
      this.batch = Math.max(1, Math.round(1 / Math.max(warmMs / warmRuns, 1e-6)));
    } else {
      // After another round (the peer's process, the other size, a forced collection) the first
      // runs are up to 5x slower while the caches refill and the young generation grows back: one
      // run at least, and up to a tenth of the budget, go to them unmeasured. Without that run, the
      // rounds of an op at N=5000 that start after a forced collection took their few samples
      // cold, and the growth exponents of the rounds after the first came out 0.1-0.7 lower.
      const begin = performance.now();
      do sink.value = run(setup());
      while (performance.now() - begin < budget.ms * 0.1);
    }
    const begin = performance.now();
    const first = this.samples.length;
    let taken = 0;
    while (taken < MAX_SAMPLES && (taken < budget.minSamples || performance.now() - begin < budget.ms)) {
      const states = Array.from({ length: this.batch }, setup);
      if (!budget.hold) sink.value = undefined;
      const t0 = performance.now();
      for (const s of states) {
        sink.value = run(s);
        // Dropped once made, as the peer's loop drops each result (`--hold` keeps it).
        if (!budget.hold) sink.value = undefined;
      }
      this.samples.push((performance.now() - t0) / this.batch);
      taken++;
    }
    sink.value = undefined;
    this.rounds.push(timingOf(this.samples.slice(first)));
    // What the next op, or the next workload's round, finds: not this round's garbage.
    if (this.collectAround) gc?.();
  }

  /** Over every round's samples. */
  timing(): Timing {
    return timingOf(this.samples);
  }

  /** Each round's own, in order: compared with what was measured beside it in that round. */
  roundTimings(): readonly Timing[] {
    return this.rounds;
  }
}

/** The samples of one round at most (a batch lasts about 1 ms). */
const MAX_SAMPLES = 1000;

/** Every sample is a batch of the same size: the mean of the samples is the mean per run. */
function timingOf(xs: readonly number[]): Timing {
  return { median: median(xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
}

/**
 * What `compare` makes of each round's two measurements, in order: two things measured in
 * alternation are compared round by round. Undefined unless both were measured in the same number
 * of rounds.
 */
export function byRound(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
  compare: (a: number, b: number) => number,
): number[] | undefined {
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) return undefined;
  return a.map((x, r) => compare(x, b[r] as number));
}

/**
 * The median of `byRound`: a slow spell of the machine (up to 1.8x, for seconds) in one
 * measurement and not in the other moves one round's comparison, not the figure.
 */
export function paired(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
  compare: (a: number, b: number) => number,
): number | undefined {
  const rounds = byRound(a, b, compare);
  return rounds === undefined ? undefined : median(rounds);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function plain(run: () => unknown): Runner {
  return { setup: () => undefined, run };
}

function devicesOf(dom: DomainDocument): Device[] {
  const el = dom.devicesElement;
  if (el === undefined) throw new Error('the workload has no <devices>');
  return buildDevices(el);
}

/** What `bind` works on: the workload's devices and descriptor entries, built once. */
export function bindInputs(w: Workload): { devices: Device[]; entries: readonly MetadataEntry[] } {
  const dom = DomainDocument.parse(w.live);
  return {
    devices: devicesOf(dom),
    entries: loadDescriptorStore(dom.metadataGroups.descriptor).store.entries,
  };
}

/**
 * The least a binder by the library's rules does, for `bind-floor`: the same passes over the same
 * keys of the same identities, each a map over the unbound devices' keys and one probe per unbound
 * entry's key; no veto, no collision, no result but each device's entry index (-1 for none).
 */
export function floorJoin(devices: readonly DeviceIdentity[], entries: readonly EntryIdentity[]): Int32Array {
  const entryOf = new Int32Array(devices.length).fill(-1);
  const bound = new Uint8Array(entries.length);
  for (const pass of PASSES) {
    const byKey = new Map<string, number>();
    devices.forEach((d, i) => {
      if (entryOf[i] === -1) for (const key of keyArray(pass.deviceKeys(d))) byKey.set(key, i);
    });
    entries.forEach((e, j) => {
      if (bound[j] === 1) return;
      for (const key of keyArray(pass.entryKeys(e))) {
        const i = byKey.get(key);
        if (i === undefined || entryOf[i] !== -1) continue;
        entryOf[i] = j;
        bound[j] = 1;
        return;
      }
    });
  }
  return entryOf;
}

/**
 * The operations on one workload, each from its input to its output (see README). Each is a
 * function, so that what it prepares (a decoded value, built devices) lives only while it runs.
 */
export function operations(w: Workload): Record<Op, () => Runner> {
  const ops: Record<Op, () => Runner> = {
    parse: () => plain(() => new DOMParser().parseFromString(w.live, 'application/xml')),
    'parse-hardened': () => plain(() => parseXml(w.live)),
    model: () => plain(() => devicesOf(DomainDocument.parse(w.live))),
    bind: () => {
      // Devices and entries built once; binding reads them and changes neither.
      const { devices, entries } = bindInputs(w);
      const label = (i: number): string => String(i);
      return plain(() =>
        bind(
          devices.map((d) => d.identity()),
          entries,
          label,
        ),
      );
    },
    // A floor for `bind`, as `parse` is one for `parse-hardened`: what any binder reads (each
    // device's alias, the guest address of those without a user alias, each entry's attributes and
    // deviceId) through the library's getters, and nothing made of it.
    'bind-reads': () => {
      const { devices, entries } = bindInputs(w);
      return plain(() => {
        let read = 0;
        for (const d of devices) {
          const alias = d.alias;
          if (alias?.startsWith('ua-') !== true && d.address !== undefined) read++;
        }
        for (const e of entries) {
          for (const name in e.attrs) if (e.attrs[name] !== '') read++;
          if (hasKey(e.data, 'deviceId')) read++;
        }
        return read;
      });
    },
    // A floor for `bind` built of the library's own parts (its identities, its passes and keys):
    // what any binder by these rules pays, so that what `bind` grows by beyond it is its own.
    'bind-floor': () => {
      const { devices, entries } = bindInputs(w);
      return plain(() =>
        floorJoin(
          devices.map((d) => d.identity()),
          entries.map(entryIdentity),
        ),
      );
    },
    recover: () => plain(() => recover(w.live)),
    create: () => plain(() => create(w.engine).xml),
    save: () =>
      withState(
        () => recover(w.live),
        (d: Domain) => {
          d.save();
          return d.toXml();
        },
      ),
    // The steady state: a domain whose metadata holds what save records, saved again (nothing
    // changes: every entry is compared, none written).
    resave: () => {
      const saved = recover(w.live);
      saved.save();
      const text = saved.toXml();
      return withState(
        () => recover(text),
        (d: Domain) => {
          d.save();
          return d.toXml();
        },
      );
    },
    // The typed model: every typed field of every device of a recovered domain.
    fields: () =>
      withState(
        () => recover(w.live),
        (d: Domain) => d.devices.map((device) => device.fieldValues(() => undefined)),
      ),
    // Identity through the lifecycle: eight devices unplugged (spread over the domain: an agent
    // unplugs one at a time), every other device's identity saved, and the saved XML recovered as
    // after a restart, every remaining device found again.
    lifecycle: () =>
      plain(() => {
        const d = recover(w.live);
        const devices = d.devices;
        for (let k = 0; k < UNPLUGGED; k++)
          d.unplug(devices[Math.floor((k * devices.length) / UNPLUGGED)] as Device);
        d.save();
        return recover(d.toXml());
      }),
    'xmlpickle-decode': () => plain(() => decodeXmlpickle(w.instance)),
    'xmlpickle-encode': () => {
      const value = decodeXmlpickle(w.instance);
      return plain(() => encodeXmlpickleText(value));
    },
    'descriptor-decode': () => plain(() => Descriptor.fromXml(w.descriptor)),
    'descriptor-encode': () => {
      const descriptor = Descriptor.fromXml(w.descriptor);
      return plain(() => descriptor.toXml());
    },
  };
  return ops;
}

/** Per workload: sampling time and samples, so that a full run stays within about 3 minutes. */
function budgetOf(name: WorkloadName, quick: boolean, hold = false): Budget {
  const ms = { ovirt20: 1500, n100: 1000, n1000: 1500, n5000: 1500, n25000: 6000 }[name];
  // At N=25000 a run of the slowest ops takes seconds, and collections make one run differ from
  // the next by up to a third: five of them at least, for the mean `growth` is taken from.
  return { ms: quick ? ms / 10 : ms, minSamples: quick ? 2 : 5, hold };
}

/** The rounds of what is measured in alternation, each with its share of the budget. */
const ROUNDS = 3;

/** One round's share of a budget: its time, and its samples rounded up. */
function shareOf(budget: Budget, rounds: number): Budget {
  return { ...budget, ms: budget.ms / rounds, minSamples: Math.ceil(budget.minSamples / rounds) };
}

// ---------------------------------------------------------------------------------------------
// Peers

interface PeerOutput {
  python: string;
  results: Partial<Record<WorkloadName, Record<string, number>>>;
  counts: Partial<Record<WorkloadName, Record<string, number>>>;
}

/** Writes a workload's files where the peer reads them: DIR/NAME.{live,engine,instance,descriptor}.xml. */
export function writeWorkload(dir: string, w: Workload): void {
  writeFileSync(join(dir, `${w.name}.live.xml`), w.live);
  writeFileSync(join(dir, `${w.name}.engine.xml`), w.engine);
  writeFileSync(join(dir, `${w.name}.instance.xml`), w.instance);
  writeFileSync(join(dir, `${w.name}.descriptor.xml`), w.descriptor);
}

export function pythonAvailable(): boolean {
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Runs bench/peers/peer.py on workload files in `dir`; `budgetMs` undefined: --check (counts
 * only); `restart` > 0: also the restart of that many recovers held; `minSamples`: the samples
 * each op takes at least (5 by default); `ops`: the peer ops measured (all three by default).
 */
export function runPeer(
  dir: string,
  names: readonly WorkloadName[],
  options: { budgetMs?: number; restart?: number; minSamples?: number; ops?: readonly string[] } = {},
): PeerOutput {
  const { budgetMs, restart = 0, minSamples, ops } = options;
  const args = [join(ROOT, 'bench', 'peers', 'peer.py'), dir, ...names];
  args.push(...(budgetMs === undefined ? ['--check'] : ['--budget-ms', String(budgetMs)]));
  if (restart > 0) args.push('--restart', String(restart));
  if (minSamples !== undefined) args.push('--min-samples', String(minSamples));
  if (ops !== undefined) args.push('--ops', ops.join(','));
  const r = spawnSync('python3', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`python peer failed (exit ${String(r.status)})`);
  return JSON.parse(r.stdout) as PeerOutput;
}

interface MemoryOutput {
  domains: number;
  devices: number;
  peak_rss_mb: number;
  rss_mb: number;
  retained_mb: number;
  bytes_per_device: number;
  restart_ms: number;
}

function runMemory(file: string, domains: number): MemoryOutput {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench', 'memory.ts'), file, String(domains)],
    { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`memory probe failed (exit ${String(r.status)})`);
  return JSON.parse(r.stdout) as MemoryOutput;
}

// ---------------------------------------------------------------------------------------------
// Report

/** Four significant digits: enough for ratios and milliseconds, stable in README tables. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

function fmt(x: number | null): string {
  if (x === null) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

function textReport(
  report: Report,
  workloads: readonly Workload[],
  peer: PeerOutput | undefined,
  memory: MemoryOutput,
  load: readonly number[],
  hold: boolean,
): string {
  const out: string[] = [];
  out.push(
    `node ${process.version}, ${peer === undefined ? 'no python3: no peer' : `Python ${peer.python} peer`}, ` +
      `${availableParallelism()} CPUs, 1-minute load average ${load.map((l) => l.toFixed(1)).join(' → ')} ` +
      '(other processes on the machine make the numbers noisy)' +
      (hold ? '; --hold: each result kept alive while the next is made' : ''),
  );
  if (peer !== undefined) {
    out.push('');
    out.push(
      '`vs python`: the median of the three alternating rounds’ ratios (our round’s median over the ' +
        'peer’s); `python ms`: the median of the peer’s round medians.',
    );
  }
  for (const w of workloads) {
    const rows = report.results
      .filter((r) => r.workload === w.name)
      .map((r) => {
        const peerOp = PEER_OPS[r.op];
        const py = peerOp === undefined ? undefined : peer?.results[w.name]?.[peerOp];
        return [
          r.op,
          fmt(r.median_ms),
          fmt(r.mean_ms),
          `${fmt(r.vs_parse)}x`,
          r.vs_python === null ? '—' : `${fmt(r.vs_python)}x`,
          py === undefined ? '—' : fmt(py),
        ];
      });
    out.push('');
    const kb = (text: string) => `${(text.length / 1024).toFixed(0)} KB`;
    out.push(
      `### ${w.name}: ${w.devices} devices, ${w.entries} entries; live XML ${kb(w.live)}, ` +
        `Engine XML ${kb(w.engine)}, instance ${kb(w.instance)}, descriptor ${kb(w.descriptor)}`,
    );
    out.push('');
    out.push(table(['op', 'median ms', 'mean ms', 'vs parse', 'vs python', 'python ms'], rows));
  }
  out.push('');
  out.push(
    '### growth: log(t_large/t_small)/log(5) (1.0 is linear; the baselines `parse`, `bind-reads` and `bind-floor` are exempt)',
  );
  out.push('');
  out.push(
    'N=5000 → 25000 by the mean time per run, the median of the three alternating rounds’ exponents ' +
      '(`its rounds`, in order: the spread; `--scaling`; the target: ≤ 1.1; the peer’s from its round ' +
      'medians), and N=1000 → 5000 by medians ' +
      'over all rounds (for information: there V8’s young generation decides much of it).',
  );
  out.push('');
  const exponent = (e: number | undefined) => (e === undefined ? '—' : e.toFixed(2));
  out.push(
    table(
      ['op', 'N=5000 → 25000', 'its rounds', 'python', 'N=1000 → 5000', 'python'],
      Object.entries(report.growth_small).map(([op, e]) => [
        op,
        exponent(report.growth?.[op]),
        report.growth_rounds?.[op]?.map(exponent).join(' ') ?? '—',
        exponent(report.growth_python?.[op]),
        exponent(e),
        exponent(report.growth_small_python?.[op]),
      ]),
    ),
  );
  out.push('');
  out.push(
    `### memory: ${memory.domains} recovered ovirt20 domains held (${memory.devices} devices): ` +
      `peak RSS ${memory.peak_rss_mb.toFixed(0)} MB, retained heap ${memory.retained_mb.toFixed(0)} MB, ` +
      `${memory.bytes_per_device.toFixed(0)} bytes per device`,
  );
  const { restart } = report;
  out.push('');
  out.push(
    `### restart: ${restart.domains} ovirt20 domains recovered one after another, every one held: ` +
      `${fmt(restart.ms)} ms (${fmt(restart.ms / restart.domains)} ms each)` +
      (restart.python_ms === null ? '' : `; python ${fmt(restart.python_ms)} ms, ${fmt(restart.vs_python)}x`),
  );
  out.push('');
  out.push('### targets');
  out.push('');
  for (const line of targets(report)) out.push(`- ${line}`);
  return out.join('\n');
}

/** The issue's targets, checked on this run. */
function targets(report: Report): string[] {
  const get = (w: WorkloadName, op: Op) => report.results.find((r) => r.workload === w && r.op === op);
  const lines: string[] = [];
  if (report.growth === undefined) {
    lines.push('linear from N=5000 to N=25000 (exponent ≤ 1.1 by means): not measured, run with --scaling');
  } else {
    const superLinear = Object.entries(report.growth).filter(
      ([op, e]) => !BASELINES.has(op as Op) && e > 1.1,
    );
    lines.push(
      superLinear.length === 0
        ? 'linear from N=5000 to N=25000 (exponent ≤ 1.1 by means, every op but the baselines): met'
        : `linear from N=5000 to N=25000 (exponent ≤ 1.1 by means): NOT met by ${superLinear.map(([op, e]) => `${op} (${e.toFixed(2)})`).join(', ')}`,
    );
  }
  const rec = get('ovirt20', 'recover');
  if (rec !== undefined)
    lines.push(
      `recover ovirt20 ≤ 1.3x raw parse: ${fmt(rec.vs_parse)}x, ${rec.vs_parse <= 1.3 ? 'met' : 'NOT met'}`,
    );
  for (const [w, op, most] of [
    ['ovirt20', 'recover', 0.6],
    ['n1000', 'recover', 1],
    ['ovirt20', 'xmlpickle-decode', 1],
  ] as const) {
    const r = get(w, op);
    if (r?.vs_python === null || r === undefined) lines.push(`${op} ${w} ≤ ${most}x python: no peer`);
    else
      lines.push(
        `${op} ${w} ≤ ${most}x python: ${fmt(r.vs_python)}x, ${r.vs_python <= most ? 'met' : 'NOT met'}`,
      );
  }
  const { restart } = report;
  lines.push(
    restart.vs_python === null
      ? 'restart of 1000 realistic domains ≤ 0.5x python: no peer'
      : `restart of ${restart.domains} realistic domains ≤ 0.5x python: ${fmt(restart.vs_python)}x, ${restart.vs_python <= 0.5 ? 'met' : 'NOT met'}`,
  );
  const mem = report.memory;
  lines.push(
    `1000 realistic domains < 1 GiB: peak RSS ${mem.peak_rss_mb.toFixed(0)} MB, ${mem.peak_rss_mb < 1024 ? 'met' : 'NOT met'}`,
  );
  return lines;
}

/**
 * log(t_to / t_from) / log(5) for each op that has both times (the scaled workloads grow 5x from
 * one to the next): 1.0 is linear. Times measured in the same rounds are compared round by round,
 * and the median of the rounds' exponents taken (as `paired` does); a single time counts as one round.
 */
function growthOf(
  times: (w: WorkloadName, op: Op) => readonly number[] | undefined,
  from: WorkloadName,
  to: WorkloadName,
): Record<string, number> {
  return mediansOf(growthRounds(times, from, to));
}

/** The median of each op's rounds. */
function mediansOf(rounds: Record<string, number[]>): Record<string, number> {
  return perOp(rounds, (r) => round(median(r)));
}

/** `f` of each op's value. */
function perOp<A, B>(values: Record<string, A>, f: (value: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(values).map(([op, v]) => [op, f(v)]));
}

/** The growth from a time at one size to a time at 5x that size: 1.0 is linear. */
function exponentOf(from: number, to: number): number {
  return Math.log(to / from) / Math.log(5);
}

/** Each round's exponent, in order, for each op measured at both sizes in as many rounds. */
function growthRounds(
  times: (w: WorkloadName, op: Op) => readonly number[] | undefined,
  from: WorkloadName,
  to: WorkloadName,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const op of OPS) {
    const rounds = byRound(times(from, op), times(to, op), exponentOf);
    if (rounds !== undefined) out[op] = rounds;
  }
  return out;
}

/** One time as the times of one round. */
function oneRound(t: number | undefined): number[] | undefined {
  return t === undefined ? undefined : [t];
}

// ---------------------------------------------------------------------------------------------

function main(argv: readonly string[]): void {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const scaling = argv.includes('--scaling');
  const hold = argv.includes('--hold');
  // The realistic domains held at once by the memory and restart measurements.
  const restartCount = quick ? 100 : 1000;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'vmdevices-bench-'));
  const loadBefore = loadavg()[0] ?? 0;
  try {
    const workloads = (scaling ? [...WORKLOAD_NAMES, SCALING_WORKLOAD] : WORKLOAD_NAMES).map(workload);
    for (const w of workloads) writeWorkload(dir, w);

    const python = pythonAvailable();
    const opsOf = new Map(workloads.map((w) => [w.name, operations(w)]));
    const samplings = new Map<string, Sampling>();
    // Workloads measured together, in alternation: N=5000 with N=25000, which `growth` compares.
    const together = new Set<WorkloadName>(scaling ? ['n5000', SCALING_WORKLOAD] : []);
    const samplingOf = (w: Workload, op: Op): Sampling => {
      let s = samplings.get(`${w.name}/${op}`);
      if (s === undefined) {
        s = new Sampling((opsOf.get(w.name) as Record<Op, () => Runner>)[op], together.has(w.name));
        samplings.set(`${w.name}/${op}`, s);
      }
      return s;
    };
    // One round of an op of ours, with its share of the workload's budget.
    const ours = (w: Workload, op: Op, rounds: number): void => {
      samplingOf(w, op).round(shareOf(budgetOf(w.name, quick, hold), rounds));
    };
    // The peer's median of each round, by workload and op; its restart runs once, in ovirt20's first round.
    const peerMedians = new Map<string, number[]>();
    let restartPython: number | undefined;
    let pythonVersion = '';
    const peerRound = (w: Workload, peerOp: string, rounds: number): void => {
      const restart = w.name === 'ovirt20' && restartPython === undefined ? restartCount : 0;
      const b = shareOf(budgetOf(w.name, quick), rounds);
      const out = runPeer(dir, [w.name], {
        budgetMs: b.ms,
        minSamples: b.minSamples,
        ops: [peerOp],
        restart,
      });
      pythonVersion = out.python;
      const r = out.results[w.name] ?? {};
      if (restart > 0) restartPython = r['restart'];
      const key = `${w.name}/${peerOp}`;
      const ms = r[peerOp];
      if (ms !== undefined) peerMedians.set(key, [...(peerMedians.get(key) ?? []), ms]);
    };
    const logTiming = (w: Workload, op: Op): void => {
      const s = samplingOf(w, op);
      const t = s.timing();
      const rounds = s.roundTimings().map((r) => `${fmt(r.median)}/${fmt(r.mean)}`);
      log(
        `${w.name} ${op}: median ${fmt(t.median)} ms, mean ${fmt(t.mean)} ms (rounds, median/mean: ${rounds.join(' ')})`,
      );
    };

    const groups = [
      ...workloads.filter((w) => !together.has(w.name)).map((w) => [w]),
      ...(together.size > 0 ? [workloads.filter((w) => together.has(w.name))] : []),
    ];
    // This machine's speed drifts by up to 2x for seconds to a minute at a time (the same code, the
    // same process). What is compared (N=5000 with N=25000, the library with the peer) is measured
    // in alternation, side by side in each round, so that both sides see the machine alike; and each
    // round goes through every workload and op before the next begins, so that the rounds of one op
    // are minutes apart and a slow spell on one side moves one of them, not all.
    for (let round = 0; round < ROUNDS; round++) {
      for (const group of groups) {
        for (const op of OPS) {
          const peerOp = python ? PEER_OPS[op] : undefined;
          // An op alone takes one round; what is compared, all of them.
          const rounds = group.length > 1 || peerOp !== undefined ? ROUNDS : 1;
          if (round >= rounds) continue;
          for (const w of group) {
            if (peerOp !== undefined) peerRound(w, peerOp, rounds);
            ours(w, op, rounds);
          }
          if (round < rounds - 1) continue;
          for (const w of group) {
            logTiming(w, op);
            if (peerOp !== undefined)
              log(
                `python peer ${w.name} ${peerOp}: ${JSON.stringify(peerMedians.get(`${w.name}/${peerOp}`))}`,
              );
          }
        }
      }
    }
    if (!python) log('python3 not found: no peer comparison');
    const timings = new Map([...samplings].map(([k, s]) => [k, s.timing()]));
    const roundsOf = (w: WorkloadName, op: Op, of: keyof Timing): number[] | undefined =>
      samplings
        .get(`${w}/${op}`)
        ?.roundTimings()
        .map((t) => t[of]);
    const peerRoundsOf = (w: WorkloadName, op: Op): number[] | undefined => {
      const peerOp = PEER_OPS[op];
      return peerOp === undefined ? undefined : peerMedians.get(`${w}/${peerOp}`);
    };

    let peer: PeerOutput | undefined;
    if (python) {
      // The peer's figure per op: the median of its rounds' medians.
      const results: PeerOutput['results'] = {};
      for (const w of workloads) {
        const r: Record<string, number> = {};
        for (const peerOp of Object.values(PEER_OPS)) {
          const medians = peerMedians.get(`${w.name}/${peerOp}`);
          if (medians !== undefined) r[peerOp] = median(medians);
        }
        results[w.name] = r;
      }
      peer = { python: pythonVersion, results, counts: {} };
    }

    const memory = runMemory(join(dir, 'ovirt20.live.xml'), restartCount);
    log(`memory: ${JSON.stringify(memory)}`);

    const results: Result[] = [];
    for (const w of workloads) {
      const parse = (timings.get(`${w.name}/parse`) as Timing).median;
      for (const op of OPS) {
        const { median: ms, mean } = timings.get(`${w.name}/${op}`) as Timing;
        // Each round's median against the peer's round beside it.
        const vsPython = paired(roundsOf(w.name, op, 'median'), peerRoundsOf(w.name, op), (x, y) => x / y);
        results.push({
          workload: w.name,
          op,
          median_ms: round(ms),
          mean_ms: round(mean),
          vs_parse: round(ms / parse),
          vs_python: vsPython === undefined ? null : round(vsPython),
        });
      }
    }
    const medianOf = (w: WorkloadName, op: Op) => timings.get(`${w}/${op}`)?.median;
    const peers = (w: WorkloadName, op: Op) => {
      const peerOp = PEER_OPS[op];
      return peerOp === undefined ? undefined : peer?.results[w]?.[peerOp];
    };
    // N=5000 and N=25000 alternate: each round's exponent, by the mean time per run.
    const scalingRounds = growthRounds((w, op) => roundsOf(w, op, 'mean'), 'n5000', SCALING_WORKLOAD);
    const report: Report = {
      results,
      ...(scaling
        ? {
            growth: mediansOf(scalingRounds),
            growth_rounds: perOp(scalingRounds, (rounds) => rounds.map(round)),
            ...(peer === undefined
              ? {}
              : { growth_python: growthOf(peerRoundsOf, 'n5000', SCALING_WORKLOAD) }),
          }
        : {}),
      // N=1000 and N=5000 are measured apart: by their medians over all rounds.
      growth_small: growthOf((w, op) => oneRound(medianOf(w, op)), 'n1000', 'n5000'),
      ...(peer === undefined
        ? {}
        : { growth_small_python: growthOf((w, op) => oneRound(peers(w, op)), 'n1000', 'n5000') }),
      memory: {
        domains: memory.domains,
        peak_rss_mb: round(memory.peak_rss_mb),
        bytes_per_device: round(memory.bytes_per_device),
      },
      restart: {
        domains: memory.domains,
        ms: round(memory.restart_ms),
        python_ms: restartPython === undefined ? null : round(restartPython),
        vs_python: restartPython === undefined ? null : round(memory.restart_ms / restartPython),
      },
    };
    process.stdout.write(
      `${json ? JSON.stringify(report) : textReport(report, workloads, peer, memory, [loadBefore, loadavg()[0] ?? 0], hold)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
