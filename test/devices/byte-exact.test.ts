/**
 * Pass-through is byte-exact: every shared corpus document and domain fixture comes back as its
 * bytes once parsed, and still after recover() built every device object and read every typed
 * field (reads must not materialize anything that changes the output).
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { recover } from '../../src/domain/flows.js';
import { parseXml, serialize } from '../../src/xml/index.js';
import { CORPUS, fixturePath, listFixtures, requireCorpus, xmlFilesUnder } from '../helpers/fixtures.js';

function expectBytes(file: string): void {
  const text = readFileSync(file, 'utf8');
  expect(serialize(parseXml(text, { source: file })), `${file}: parsed and written`).to.equal(text);
  const domain = recover(text, { source: file });
  domain.devices.forEach((d) => d.fieldValues(() => {}));
  expect(domain.toXml(), `${file}: after every device's fields were read`).to.equal(text);
}

describe('byte-exact pass-through', () => {
  // The whole shared corpus, all its folders.
  const corpus = existsSync(CORPUS) ? xmlFilesUnder(dirname(CORPUS)) : [];
  it('on every shared corpus document', function () {
    requireCorpus(this);
    expect(corpus.length).to.be.greaterThan(100);
    for (const f of corpus) expectBytes(f);
  });
  it('on every domain fixture', () => {
    const fixtures = listFixtures('domains');
    expect(fixtures.length).to.be.greaterThan(5);
    for (const f of fixtures) expectBytes(fixturePath(f));
  });
});
