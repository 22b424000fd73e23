import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/** The package root (found by walking up to package.json, so it works from any test folder). */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
})();

export const FIXTURES = join(ROOT, 'fixtures');
/** The shared corpus of real libvirt domain XMLs, beside the checkout. */
export const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'libvirt');

/**
 * For a mocha `before` hook of tests over the shared corpus: returns when it is there. Otherwise,
 * under CI=true, throws (those tests must run there); elsewhere prints one line saying how to
 * enable them and skips.
 */
export function requireCorpus(ctx: Mocha.Context): void {
  if (existsSync(CORPUS)) return;
  const why = `the shared corpus is not at ${CORPUS}`;
  if (process.env['CI'] === 'true') throw new Error(`${why}: the corpus tests must run under CI`);
  console.log(
    `    skipping corpus tests: ${why} (enable them by putting the shared checkout, with corpus/libvirt, at ../shared)`,
  );
  ctx.skip();
}

export function fixturePath(rel: string): string {
  return join(FIXTURES, rel);
}

export function readFixture(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}

/** Files in a fixture folder whose name ends with `suffix`, sorted. */
export function listFixtures(dir: string, suffix = '.xml'): string[] {
  const abs = fixturePath(dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

/** Every `.xml` file under `dir`, in its subfolders too, sorted (absolute paths). */
export function xmlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...xmlFilesUnder(p));
    else if (name.endsWith('.xml')) out.push(p);
  }
  return out;
}

/**
 * Compares `actual` with the golden file. With UPDATE_GOLDEN=1 the golden is rewritten. A missing
 * golden is written and the test fails: a new golden must be reviewed, never auto-accepted.
 */
export function expectGolden(actual: string, rel: string): void {
  const abs = fixturePath(rel);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(abs)) {
    const existed = existsSync(abs);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, actual);
    if (!existed) expect.fail(`new golden written to fixtures/${rel}: review it, then run the tests again`);
    return;
  }
  expect(actual).to.equal(readFileSync(abs, 'utf8'), `golden fixtures/${rel}`);
}

/** Like expectGolden for a JSON value (stable two-space formatting, trailing newline). */
export function expectJsonGolden(actual: unknown, rel: string): void {
  expectGolden(JSON.stringify(actual, null, 2) + '\n', rel);
}
