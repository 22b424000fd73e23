/**
 * Hostile input at full size (issue 17): each degenerate shape, large, through every public
 * operation within a time budget per input byte; the CLI's limits; and what a document of the size
 * limit costs (the README's figures).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/fixtures.js';
import { PROTO_NAMES, SHAPES, describeOutcome, runHostile, untyped } from '../helpers/hostile.js';

/** Generous: a fixed second plus 20 µs per input byte for all the operations together. */
const budgetMs = (bytes: number): number => 1_000 + bytes * 0.02;

/** The size each shape is run at: documents of about 1 to 10 MB. */
const BIG: Readonly<Record<string, number>> = {
  'deep elements in a device': 100_000,
  'deep descriptor value': 100_000,
  'deep xmlpickle value': 100_000,
  'many attributes on an address': 80_000,
  'many attributes on a descriptor entry': 80_000,
  'many sibling devices': 20_000,
  'many devices sharing a MAC, each with an entry': 250,
  'many devices sharing a MAC, each told apart by its address, each entry by another': 20_000,
  'many descriptor entries, none bound': 20_000,
  'many xmlpickle entries': 20_000,
  'long text': 5_000_000,
  'huge numbers': 1_000_000,
  'long names': 1_000_000,
  'repeated keys and attributes': 20_000,
  'prototype names': 10_000,
};

describe('hostile input at full size', function () {
  this.timeout(1_200_000);

  for (const [shape, n] of Object.entries(BIG)) {
    it(`${shape} (n=${n}): typed errors or results, within ${budgetMs(1_000_000) / 1000} s per MB`, () => {
      for (const name of ['plain', PROTO_NAMES[0]]) {
        const xml = (SHAPES[shape] as (n: number, name: string) => string)(n, name);
        const started = performance.now();
        const failures = untyped(runHostile(xml, 'big.xml'));
        const ms = performance.now() - started;
        expect(failures.map(describeOutcome), name).to.deep.equal([]);
        expect(ms, `${name}: ${xml.length} bytes in ${Math.round(ms)} ms`).to.be.below(budgetMs(xml.length));
      }
    });
  }

  it('a 60 MB domain of 420,000 devices: recover, report, save within 3.5 GiB and 3 minutes', () => {
    // A process of its own, so that its peak RSS is this document's.
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./test/helpers/hostile.ts').then((m) => m.printBigDomainCost(60e6))",
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    const cost = JSON.parse(r.stdout) as {
      devices: number;
      ms: Record<string, number>;
      peakRssMiB: number;
    };
    console.log(`      ${r.stdout.trim()}`);
    expect(cost.devices).to.be.above(420_000);
    expect(cost.peakRssMiB).to.be.below(3.5 * 1024);
    expect(Object.values(cost.ms).reduce((a, b) => a + b, 0)).to.be.below(180_000);
  });
});
