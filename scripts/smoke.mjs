// Smoke run of the BUILT package (dist/): catches ESM resolution mistakes that tsx hides.
import { spawnSync } from 'node:child_process';
import { strict as assert } from 'node:assert';

const bin = 'dist/src/cli/bin.js';
const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

const api = await import('../dist/src/index.js');
for (const name of ['create', 'recover', 'Domain', 'Drive', 'Descriptor', 'decodeXmlpickle', 'parseXml']) {
  assert.equal(typeof api[name], 'function', `public API exports ${name}`);
}

let r = run('inspect', '--json');
assert.equal(r.status, 0, r.stderr);
const report = JSON.parse(r.stdout);
assert.equal(report.name, 'a0');
assert.ok(
  report.devices.length > 10 && report.orphans.length === 2,
  'bundled example: devices and its two metadata-only disks',
);

r = run('create', 'fixtures/domains/seed1-repaired.xml');
assert.equal(r.status, 0, r.stderr);
assert.match(r.stdout, /<target dev="vda" bus="virtio"\/>/);

r = run('metadata', 'decode', 'fixtures/domains/seed1-repaired.xml', '--format', 'xmlpickle');
assert.equal(r.status, 0, r.stderr);
assert.equal(JSON.parse(r.stdout).format, 'xmlpickle');

r = run('roundtrip', 'fixtures/domains/foreign-metadata.xml');
assert.equal(r.status, 0, r.stderr);

r = run('inspect', 'fixtures/seed/seed1-verbatim.xml');
assert.equal(r.status, 1);
assert.match(r.stderr, /^fixtures\/seed\/seed1-verbatim\.xml:\d+:\d+: XML_PARSE: /);

r = run('inspect', '--bogus');
assert.equal(r.status, 2);

console.log('smoke: 6 passed, 0 failed');
