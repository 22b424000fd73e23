/**
 * The schema coverage gate (issue 13): libvirt's RelaxNG device schema, walked by
 * scripts/libvirt-schema.ts, against the paths the device classes' tables type. It prints the
 * per-kind table and fails on a kind without a class, on coverage under 95% (overall, and for the
 * kinds agents use most), on an attribute outside `mirror` that nothing types, and on a typed path
 * the schema does not have (a misspelled or miswired path).
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import {
  dataPaths,
  defaultSchemaDir,
  loadDeviceSchema,
  NOT_DEVICE_DATA,
} from '../../scripts/libvirt-schema.js';
import type { SchemaElement } from '../../scripts/libvirt-schema.js';
import { DEVICE_CLASSES } from '../../src/devices/index.js';
import type { DeviceClass } from '../../src/devices/index.js';
import { ROOT } from '../helpers/fixtures.js';
import { scalarAccessors, typedPaths } from '../helpers/view-paths.js';

/** The reference copy (libvirt 12.8); an installed libvirt's schemas are used when it is absent. */
const REFERENCE = resolve(ROOT, '..', 'shared', 'reference', 'libvirt-schemas');
const MINIMUM = 0.95;
const MAIN_KINDS = ['disk', 'interface', 'graphics', 'hostdev', 'controller'];
/** How many missing paths a failure lists per kind. */
const LISTED = 30;

interface KindCoverage {
  kind: string;
  cls: DeviceClass | undefined;
  paths: string[];
  missing: string[];
  /** Attributes no accessor types, outside `mirror` (block jobs, which the gate lets go). */
  missingAttributes: string[];
}

function ratio(typed: number, total: number): number {
  return total === 0 ? 1 : typed / total;
}

function percent(typed: number, total: number): string {
  return `${(100 * ratio(typed, total)).toFixed(1)}%`;
}

/** Each kind's missing paths, the first LISTED of them. */
function listMissing(rows: readonly KindCoverage[], pick: (row: KindCoverage) => string[]): string {
  return rows
    .filter((r) => pick(r).length > 0)
    .map((r) => {
      const missing = pick(r);
      const more = missing.length > LISTED ? `\n    ... and ${missing.length - LISTED} more` : '';
      return `  ${r.kind} (${missing.length}):\n    ${missing.slice(0, LISTED).join('\n    ')}${more}`;
    })
    .join('\n');
}

/**
 * Whether the schema has what a typed accessor reads at `path` (`disk/driver/@cache`): the
 * elements on the way, then the attribute, the element (a flag), or its character content.
 */
function schemaHas(root: SchemaElement, path: string, flag: boolean): boolean {
  const [, ...steps] = path.split('/');
  const last = steps[steps.length - 1];
  const attribute = last?.startsWith('@') === true ? last.slice(1) : undefined;
  let el: SchemaElement | undefined = root;
  for (const step of attribute === undefined ? steps : steps.slice(0, -1))
    el = el?.children.get(step)?.element;
  if (el === undefined) return false;
  if (attribute !== undefined) return el.attributes.has(attribute);
  return flag || el.text !== undefined;
}

describe('libvirt device schema coverage', () => {
  let kinds: Map<string, SchemaElement>;
  let rows: KindCoverage[];
  /** Whether the schema is the reference copy, the libvirt version the classes type. */
  let reference: boolean;

  before(function () {
    const dir = defaultSchemaDir();
    reference = dir !== undefined && resolve(dir) === REFERENCE;
    if (!reference && process.env['CI'] === 'true')
      throw new Error(
        `libvirt's schemas are not at ${REFERENCE}: the schema coverage gate must run under CI`,
      );
    if (dir === undefined) {
      console.log(
        `    skipping the schema coverage gate: libvirt's schemas are neither at ${REFERENCE} nor installed (set up ../shared/reference/libvirt-schemas to enable)`,
      );
      this.skip();
    }
    kinds = loadDeviceSchema(dir);
    const byTag = new Map(DEVICE_CLASSES.map((c) => [c.tag, c]));
    rows = [...kinds].map(([kind, root]) => {
      const cls = byTag.get(kind);
      const typed = cls === undefined ? new Set<string>() : typedPaths(cls, kind);
      const paths = dataPaths(root);
      const missing = paths.filter((p) => !typed.has(p));
      const missingAttributes = missing.filter((p) => p.includes('/@') && !p.split('/').includes('mirror'));
      return { kind, cls, paths, missing, missingAttributes };
    });
    printTable(dir, rows);
  });

  it('has a class for every device kind of the schema', () => {
    const without = rows.filter((r) => r.cls === undefined).map((r) => r.kind);
    if (without.length > 0) expect.fail(`kinds without a class (Generic): ${without.join(', ')}`);
  });

  it(`types at least ${100 * MINIMUM}% of the data paths overall`, () => {
    const total = rows.reduce((n, r) => n + r.paths.length, 0);
    const typed = total - rows.reduce((n, r) => n + r.missing.length, 0);
    if (ratio(typed, total) < MINIMUM)
      expect.fail(`${percent(typed, total)} typed; missing:\n${listMissing(rows, (r) => r.missing)}`);
  });

  it(`types at least ${100 * MINIMUM}% of each of ${MAIN_KINDS.join(', ')}`, () => {
    const main = rows.filter((r) => MAIN_KINDS.includes(r.kind));
    expect(main.map((r) => r.kind)).to.have.members(MAIN_KINDS);
    const low = main.filter((r) => ratio(r.paths.length - r.missing.length, r.paths.length) < MINIMUM);
    if (low.length > 0) {
      const which = low.map((r) => `${r.kind} ${percent(r.paths.length - r.missing.length, r.paths.length)}`);
      expect.fail(
        `under ${100 * MINIMUM}%: ${which.join(', ')}; missing:\n${listMissing(low, (r) => r.missing)}`,
      );
    }
  });

  it('types every attribute outside mirror', () => {
    const count = rows.reduce((n, r) => n + r.missingAttributes.length, 0);
    if (count > 0)
      expect.fail(
        `${count} attributes without an accessor:\n${listMissing(rows, (r) => r.missingAttributes)}`,
      );
  });

  it('types no path the schema does not have', function () {
    if (!reference) {
      console.log(
        `    skipping the typed-path check: an installed libvirt's schema lacks what newer ones add`,
      );
      this.skip();
    }
    const wrong: string[] = [];
    for (const { kind, cls } of rows) {
      const root = kinds.get(kind);
      if (cls === undefined || root === undefined) continue;
      for (const a of scalarAccessors(cls, kind)) {
        if (a.path.split('/').some((step) => NOT_DEVICE_DATA.includes(step))) continue;
        if (!schemaHas(root, a.path, a.field.flag)) wrong.push(`${a.path} (${cls.name}.${a.name})`);
      }
    }
    if (wrong.length > 0) expect.fail(`typed paths libvirt's schema does not have:\n  ${wrong.join('\n  ')}`);
  });
});

/** The per-kind table: schema paths, typed paths, and the attributes outside mirror still missing. */
function printTable(dir: string, rows: readonly KindCoverage[]): void {
  const line = (kind: string, cls: string, total: number, typed: number, attrs: number | string): string =>
    `    ${kind.padEnd(12)} ${cls.padEnd(12)} ${String(total).padStart(6)} ${String(typed).padStart(6)} ${percent(typed, total).padStart(7)} ${String(attrs).padStart(8)}`;
  const out = [
    `    libvirt device schema coverage (${dir}); missing@: attributes outside mirror without an accessor`,
    `    ${'kind'.padEnd(12)} ${'class'.padEnd(12)} ${'paths'.padStart(6)} ${'typed'.padStart(6)} ${'%'.padStart(7)} ${'missing@'.padStart(8)}`,
  ];
  for (const r of rows) {
    out.push(
      line(
        r.kind,
        r.cls?.name ?? '-',
        r.paths.length,
        r.paths.length - r.missing.length,
        r.missingAttributes.length,
      ),
    );
  }
  const total = rows.reduce((n, r) => n + r.paths.length, 0);
  const missing = rows.reduce((n, r) => n + r.missing.length, 0);
  const attrs = rows.reduce((n, r) => n + r.missingAttributes.length, 0);
  out.push(line('total', '', total, total - missing, attrs));
  console.log(out.join('\n'));
}
