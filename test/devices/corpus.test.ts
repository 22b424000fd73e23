import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDevices, classForTag, Generic } from '../../src/devices/index.js';
import { canonicalDiff, firstChild, parseXml, serialize } from '../../src/xml/index.js';
import { CORPUS, listFixtures, readFixture } from '../helpers/fixtures.js';

/** `readAll`: every field of every device must read (real XML); fixtures may hold broken values on purpose. */
function roundTrip(text: string, source: string, readAll: boolean): void {
  const doc = parseXml(text, { source });
  const devices = firstChild(doc.documentElement!, 'devices');
  if (devices !== undefined) {
    for (const d of buildDevices(devices)) {
      // Every element gets its specific class when one exists.
      const cls = classForTag(d.kind);
      expect(d.className, `${source} ${d.path}`).to.equal(
        cls === (Generic as unknown) ? 'Generic' : cls.name,
      );
      // Reading every field must not throw on real XML, and must not change it.
      if (readAll) d.toJSON();
    }
  }
  const out = serialize(doc);
  const diff = canonicalDiff(parseXml(out), parseXml(text));
  expect(diff, `${source}: ${diff}`).to.equal(undefined);
}

describe('lossless on real domain XML', () => {
  const corpus = existsSync(CORPUS)
    ? readdirSync(CORPUS)
        .filter((f) => f.endsWith('.xml'))
        .sort()
    : [];
  it('finds the shared corpus', function () {
    if (!existsSync(CORPUS)) this.skip();
    expect(corpus.length).to.be.greaterThan(100);
  });
  for (const f of corpus) {
    it(`corpus ${f}`, () => roundTrip(readFileSync(join(CORPUS, f), 'utf8'), f, true));
  }
  for (const f of listFixtures('domains')) {
    it(`fixture ${f}`, () => roundTrip(readFixture(f), f, false));
  }
});
