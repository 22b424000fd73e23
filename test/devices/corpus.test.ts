import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDevices, classForTag, Generic } from '../../src/devices/index.js';
import { main } from '../../src/cli/main.js';
import { canonicalDiff, firstChild, parseXml } from '../../src/xml/index.js';
import { CORPUS, fixturePath, listFixtures } from '../helpers/fixtures.js';

/**
 * `vmdevices roundtrip FILE` prints the domain canonically unchanged, and every device element got
 * its specific class. `readAll`: every field of every device must read (real XML); fixtures may hold
 * broken values on purpose.
 */
function roundTrip(file: string, readAll: boolean): void {
  const text = readFileSync(file, 'utf8');
  let out = '';
  let err = '';
  const code = main(['roundtrip', file], {
    out: (t) => (out += typeof t === 'string' ? t : Buffer.from(t).toString()),
    err: (t) => (err += t),
  });
  expect(code, err).to.equal(0);
  const diff = canonicalDiff(parseXml(out), parseXml(text));
  expect(diff, `${file}: ${diff}`).to.equal(undefined);
  const devices = firstChild(parseXml(text, { source: file }).documentElement!, 'devices');
  if (devices === undefined) return;
  for (const d of buildDevices(devices)) {
    const cls = classForTag(d.kind);
    expect(d.className, `${file} ${d.path}`).to.equal(cls === (Generic as unknown) ? 'Generic' : cls.name);
    if (readAll) d.toJSON();
  }
}

describe('lossless on real domain XML', () => {
  const corpus = existsSync(CORPUS)
    ? readdirSync(CORPUS)
        .filter((f) => f.endsWith('.xml'))
        .sort()
    : [];
  it('finds the shared corpus', function () {
    if (!existsSync(CORPUS)) {
      // CI always has shared/ beside the checkout; elsewhere the corpus is optional.
      if (process.env['CI'] === 'true') expect.fail(`the corpus is missing: ${CORPUS}`);
      this.skip();
    }
    expect(corpus.length).to.be.greaterThan(100);
  });
  for (const f of corpus) {
    it(`corpus ${f}`, () => roundTrip(join(CORPUS, f), true));
  }
  for (const f of listFixtures('domains')) {
    it(`fixture ${f}`, () => roundTrip(fixturePath(f), false));
  }
});
