/**
 * An agent's lifecycle on every corpus domain: give each device metadata, save it into the domain,
 * let libvirt name the devices (an alias for each device without one), restart (recover the XML)
 * and find each device's metadata again.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { recover } from '../../src/index.js';
import type { Domain } from '../../src/index.js';
import { CORPUS, xmlFilesUnder } from '../helpers/fixtures.js';

/** A mark per device, in its metadata, that the agent expects to find again. */
function mark(domain: Domain): void {
  domain.devices.forEach((device, i) => {
    device.meta.set('mark', `device-${String(i)}`);
  });
}

/** What libvirt does when the domain starts: every device without an alias gets one. */
function nameDevices(domain: Domain): void {
  domain.devices.forEach((device, i) => {
    device.alias ??= `${device.kind}${String(i)}`;
  });
}

/** The rule that found each device's mark again, or what was found instead. */
function foundAgain(domain: Domain): string[] {
  return domain.devices.map((device, i) =>
    device.meta.raw('mark') === `device-${String(i)}`
      ? domain.bindingOf(device).rule
      : `lost (${JSON.stringify(device.meta.raw('mark')) ?? 'nothing'})`,
  );
}

describe('every corpus device finds its metadata again after a restart', () => {
  const corpus = xmlFilesUnder(CORPUS);

  it('saved from live XML (libvirt named every device): by its alias or user alias', () => {
    let devices = 0;
    for (const f of corpus) {
      const domain = recover(readFileSync(f, 'utf8'), { source: f });
      mark(domain);
      nameDevices(domain);
      expect(domain.save(), f).to.deep.equal([]);
      const again = recover(domain.toXml(), { source: f });
      const rules = foundAgain(again);
      expect(
        rules.filter((r) => r !== 'alias' && r !== 'user-alias'),
        f,
      ).to.deep.equal([]);
      expect(
        again.devices.flatMap((d) => again.problemsOf(d)),
        f,
      ).to.deep.equal([]);
      expect(again.orphans, f).to.deep.equal([]);
      devices += rules.length;
    }
    expect(devices).to.be.greaterThan(1000);
  });

  it('saved before libvirt named them: what a natural key identifies is found by it, the rest is reported at save', () => {
    let byKey = 0;
    for (const f of corpus) {
      const domain = recover(readFileSync(f, 'utf8'), { source: f });
      mark(domain);
      const problems = domain.save();
      const unsaved = new Set(problems.map((p) => p.device));
      for (const p of problems) expect(p.message, f).to.match(/nothing identifies it/);
      nameDevices(domain);
      const rules = foundAgain(recover(domain.toXml(), { source: f }));
      rules.forEach((rule, i) => {
        if (unsaved.has(i)) expect(rule, `${f} device ${String(i)}`).to.match(/^lost/);
        else {
          expect(['key', 'alias', 'user-alias'], `${f} device ${String(i)}: ${rule}`).to.include(rule);
          if (rule === 'key') byKey++;
        }
      });
    }
    expect(byKey).to.be.greaterThan(100);
  });
});
