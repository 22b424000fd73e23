/**
 * The benchmark's operations do the work they are named for, on the small workloads (no timing
 * here: speed is the benchmark's job).
 */
import { expect } from 'chai';
import { OPS, UNPLUGGED, bindInputs, byRound, floorJoin, operations, paired } from '../../bench/run.js';
import { workload } from '../../bench/workloads.js';
import type { Domain } from '../../src/index.js';
import { bind, entryIdentity, recover } from '../../src/index.js';

describe('bench operations', () => {
  for (const name of ['ovirt20', 'n100'] as const) {
    const w = workload(name);
    const ops = operations(w);

    it(`${name}: every operation runs`, () => {
      for (const op of OPS) {
        const runner = ops[op]();
        expect(runner.run(runner.setup()), op).to.not.equal(undefined);
      }
    });

    it(`${name}: bind-floor joins each device to the entry bind gives it, by the same passes`, () => {
      const { devices, entries } = bindInputs(w);
      const bound = bind(
        devices.map((d) => d.identity()),
        entries,
        String,
      ).bindings.map((b) => b?.entry.index ?? -1);
      expect(bound).to.not.include(-1);
      const floor = floorJoin(
        devices.map((d) => d.identity()),
        entries.map(entryIdentity),
      );
      expect([...floor]).to.deep.equal(bound);
    });

    it(`${name}: save records what finds each device again; saving that again changes nothing`, () => {
      const runner = ops.save();
      const saved = runner.run(runner.setup()) as string;
      const again = recover(saved);
      for (const device of again.devices)
        expect(again.bindingOf(device).rule, device.path).to.not.equal('none');
      again.save();
      expect(again.toXml()).to.equal(saved);
    });

    it(`${name}: resave gives back the saved XML byte for byte`, () => {
      const save = ops.save();
      const runner = ops.resave();
      expect(runner.run(runner.setup())).to.equal(save.run(save.setup()));
    });

    it(`${name}: fields reads a typed value of every device`, () => {
      const runner = ops.fields();
      const values = runner.run(runner.setup()) as Record<string, unknown>[];
      expect(values).to.have.length(recover(w.live).devices.length);
      for (const v of values) expect(Object.keys(v)).to.not.be.empty;
    });

    it(`${name}: lifecycle finds every device that is left again, bound to its own entry`, () => {
      const runner = ops.lifecycle();
      const after = runner.run(runner.setup()) as Domain;
      const before = recover(w.live).devices.length;
      expect(after.devices).to.have.length(before - UNPLUGGED);
      for (const device of after.devices)
        expect(after.bindingOf(device).rule, device.path).to.not.equal('none');
      expect(after.orphans).to.deep.equal([]);
    });
  }
});

describe('bench comparisons, round by round (paired)', () => {
  const ratio = (a: number, b: number) => a / b;

  it('is the median of the rounds’ comparisons', () => {
    expect(paired([2, 4, 3], [4, 4, 4], ratio)).to.equal(0.75);
    expect(paired([1, 2], [2, 2], ratio)).to.equal(0.75);
  });

  it('is not moved by a slow spell in one side of one round', () => {
    // The machine 1.8x slower during our second round only: the ratio of the others stands.
    expect(paired([0.2, 0.36, 0.2], [0.4, 0.4, 0.4], ratio)).to.equal(0.5);
    // Both sides slower in one round: that round's own ratio is unchanged.
    expect(paired([0.2, 0.36, 0.2], [0.4, 0.72, 0.4], ratio)).to.equal(0.5);
  });

  it('keeps each round’s comparison, in order (the spread a run reports)', () => {
    expect(byRound([2, 4, 3], [4, 4, 4], ratio)).to.deep.equal([0.5, 1, 0.75]);
    expect(byRound([1, 2], [1], ratio)).to.equal(undefined);
  });

  it('compares nothing unless both sides were measured in the same rounds', () => {
    expect(paired([1, 2, 3], [1, 2], ratio)).to.equal(undefined);
    expect(paired(undefined, [1], ratio)).to.equal(undefined);
    expect(paired([], [], ratio)).to.equal(undefined);
  });
});
