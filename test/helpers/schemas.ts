/**
 * libvirt 12.8's RelaxNG schemas in ../shared (the facts the schema tests assert are that version's;
 * an installed libvirt may be older): tests that need them skip with one line without them, and
 * fail under CI=true.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './fixtures.js';

export const SCHEMAS = resolve(ROOT, '..', 'shared', 'reference', 'libvirt-schemas');

/** In a `before` hook: skips the suite (or fails it under CI) when the schemas are not there. */
export function requireSchemas(ctx: Mocha.Context, what: string): void {
  if (existsSync(SCHEMAS)) return;
  const why = `libvirt's schemas are not at ${SCHEMAS}`;
  if (process.env['CI'] === 'true') throw new Error(`${why}: the ${what} must run under CI`);
  console.log(`    skipping ${what}: ${why} (set up ../shared/reference/libvirt-schemas to enable)`);
  ctx.skip();
}
