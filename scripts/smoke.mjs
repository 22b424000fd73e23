// Smoke run of the BUILT package (dist/): catches ESM resolution mistakes that tsx hides.
import { spawnSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

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
assert.match(r.stdout, /<target dev=(['"])vda\1 bus=\1virtio\1\/>/);

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

// What npm users get: the tarball's file list, as `npm pack` would make it from this build.
const pack = spawnSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8' });
assert.equal(pack.status, 0, pack.stderr);
const shipped = new Set(JSON.parse(pack.stdout)[0].files.map((f) => f.path));
assert.ok(shipped.has('LICENSE'), 'the tarball ships LICENSE');
assert.ok(shipped.has('dist/src/index.js'), 'the tarball ships the build');
// Every module shipped is built from a source that exists: a rename leaves no stale module behind.
const stale = [...shipped].filter(
  (f) =>
    f.startsWith('dist/src/') &&
    f.endsWith('.js') &&
    !existsSync(f.slice('dist/'.length, -'.js'.length) + '.ts'),
);
assert.deepEqual(stale, [], 'the tarball ships modules without a source');
// Code (fenced or inline) holds no links; what is left is scanned for Markdown and HTML link targets.
const prose = readFileSync('README.md', 'utf8')
  .replace(/^```[^]*?^```/gm, '')
  .replace(/`[^`\n]*`/g, '');
const targets = [
  ...prose.matchAll(/\]\(\s*<?([^)\s>]+)/g),
  ...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm),
  ...prose.matchAll(/(?:href|src)="([^"]+)"/g),
].map((m) => m[1]);
const relative = targets.filter((t) => !/^[a-z][a-z0-9+.-]*:|^#/i.test(t));
const unshipped = relative.filter((t) => !shipped.has(posix.normalize(t.split('#')[0])));
assert.deepEqual(unshipped, [], 'README links to files the tarball does not ship');
// A source map whose sources are not in the package resolves to nothing for its users.
const maps = [...shipped].filter((f) => f.endsWith('.map'));
for (const map of maps) {
  const { sources, sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8'));
  for (const source of sources) {
    const resolved = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
    assert.ok(shipped.has(resolved), `${map}: source ${source} is not in the package`);
  }
}

console.log(
  `smoke: 8 passed, 0 failed (package: ${shipped.size} files, ${relative.length} README links, ${maps.length} maps)`,
);
