/**
 * Hostile input through the public API (issue 17): real documents broken on purpose give errors
 * that name the caller's source and a place; generated degenerate shapes (deep, wide, long,
 * repeated keys, prototype names) give a result or the library's typed error, never another
 * exception. Sizes stay moderate here; test/slow/hostile.test.ts runs the big ones against a time
 * budget per input byte.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { VmDevicesError } from '../src/index.js';
import { listFixtures, readFixture } from './helpers/fixtures.js';
import { PROTO_NAMES, SHAPES, describeOutcome, mutants, runHostile, untyped } from './helpers/hostile.js';
import type { Outcome } from './helpers/hostile.js';

/** The outcomes of every mutant of every domain fixture, each with the source it was run under. */
function mutantOutcomes(): { source: string; mutation: string; outcome: Outcome }[] {
  const all: { source: string; mutation: string; outcome: Outcome }[] = [];
  for (const file of listFixtures('domains')) {
    const source = file;
    for (const m of mutants(readFixture(source)))
      for (const outcome of runHostile(m.xml, source)) all.push({ source, mutation: m.mutation, outcome });
  }
  return all;
}

/** What is wrong with an error the API gave for `source`: not typed, no source, no place. */
function located(source: string, e: unknown): string | undefined {
  if (!(e instanceof VmDevicesError)) return 'not a VmDevicesError';
  if (e.source !== source) return `source ${String(e.source)}`;
  if (e.line === undefined && e.path === undefined) return 'neither line:column nor path';
  return undefined;
}

describe('hostile input: errors name the source the caller gave, and a place', function () {
  this.timeout(120_000);
  let outcomes: ReturnType<typeof mutantOutcomes>;
  before(() => {
    outcomes = mutantOutcomes();
  });

  it('mutated real documents give errors, typed, with the source and a line:column or path', () => {
    const thrown = outcomes.filter((o) => !o.outcome.reported);
    // The mutations do break the documents, through every operation.
    expect(thrown.length).to.be.above(300);
    const bad = thrown
      .map((o) => ({ ...o, why: located(o.source, o.outcome.error) }))
      .filter((o) => o.why !== undefined)
      .map((o) => `${o.source} [${o.mutation}] ${o.why}: ${describeOutcome(o.outcome)}`);
    expect([...new Set(bad)].slice(0, 20)).to.deep.equal([]);
  });

  it('the field errors recover reports (an accessor throws them) carry the source and a place too', () => {
    const reported = outcomes.filter((o) => o.outcome.reported);
    expect(reported.length).to.be.above(10);
    const bad = reported
      .map((o) => ({ ...o, why: located(o.source, o.outcome.error) }))
      .filter((o) => o.why !== undefined)
      .map((o) => `${o.source} [${o.mutation}] ${o.why}: ${describeOutcome(o.outcome)}`);
    expect([...new Set(bad)].slice(0, 20)).to.deep.equal([]);
  });
});

/** The largest `n` a shape is generated with here: its document stays under about 100 KB. */
const CAP: Readonly<Record<string, number>> = {
  'many devices sharing a MAC, each with an entry': 40,
  'many sibling devices': 400,
  'many xmlpickle entries': 400,
  'many descriptor entries, none bound': 400,
  'repeated keys and attributes': 150,
  'prototype names': 150,
};

describe('hostile input: generated degenerate shapes', function () {
  this.timeout(120_000);

  it('deep, wide, long, repeated, prototype-named: a result or a VmDevicesError, never another exception', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SHAPES)),
        // Small, around the nesting limit (512), and larger.
        fc.oneof(
          fc.integer({ min: 0, max: 8 }),
          fc.integer({ min: 505, max: 520 }),
          fc.integer({ min: 0, max: 2000 }),
        ),
        fc.constantFrom('plain', ...PROTO_NAMES),
        (shape, size, name) => {
          const n = Math.min(size, CAP[shape] ?? size);
          const failures = untyped(
            runHostile((SHAPES[shape] as (n: number, name: string) => string)(n, name), 'shape.xml'),
          );
          expect(failures.map(describeOutcome), `${shape}, n=${n}, ${name}`).to.deep.equal([]);
        },
      ),
      { numRuns: process.env['CI'] ? 150 : 60 },
    );
  });
});
