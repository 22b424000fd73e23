import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A usage mistake: exit code 2. */
export class UsageError extends Error {}

/** Reads an input file; a missing file is a usage error, not a crash. */
export function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`cannot read ${file}${code !== undefined ? ` (${code})` : ''}`);
  }
}

/** The package root: the first folder above the CLI that holds package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new UsageError('cannot find the package root: no package.json above the CLI');
    dir = up;
  }
  return dir;
}

/** The example shipped in the package: the seed's Engine XML, repaired, with its metadata. */
export function bundledExample(): string {
  return join(packageRoot(), 'fixtures', 'domains', 'seed1-repaired.xml');
}
