import { buildDevices } from '../devices/registry.js';
import type { Domain } from '../domain/domain.js';
import { create, recover } from '../domain/flows.js';
import type { DomainReport } from '../domain/report.js';
import { domainReport } from '../domain/report.js';
import { InvalidDomainError } from '../errors.js';
import { childElementPaths, firstChild, parseXml, serialize } from '../xml/index.js';
import type { Element } from '../xml/index.js';
import type { Io } from './main.js';
import { readInput } from './io.js';
import { renderTable } from './table.js';

function compactAddress(a: Record<string, string> | null): string {
  return a === null
    ? ''
    : Object.entries(a)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
}

function printTable(io: Io, r: DomainReport): void {
  io.out(`domain ${r.name ?? '(no name)'} ${r.uuid ?? ''}\n`);
  const rows = r.devices.map((d, i) => {
    const entry = d.binding.entry;
    const by = entry === null ? d.binding.rule : `${d.binding.rule} (${entry.layout} #${entry.index})`;
    return [
      String(i),
      d.kind,
      d.class,
      d.alias ?? '',
      d.deviceId ?? '',
      compactAddress(d.address),
      by + (d.problems.length > 0 ? ' !' : ''),
    ];
  });
  io.out(`${renderTable(['#', 'kind', 'class', 'alias', 'deviceId', 'address', 'bound by'], rows)}\n`);
  if (r.orphans.length > 0) {
    io.out(`orphans (metadata bound to no device, kept):\n`);
    for (const o of r.orphans) {
      const attrs =
        o.entry.attrs !== undefined
          ? ' ' +
            Object.entries(o.entry.attrs)
              .map(([k, v]) => `${k}="${v}"`)
              .join(' ')
          : '';
      io.out(`  ${o.entry.layout} #${o.entry.index}${attrs}\n`);
    }
  }
}

/** Prints the report; problems go to stderr too, and make the exit code 1. */
function emit(io: Io, domain: Domain, json: boolean, file: string): number {
  const problems = domain.validate();
  const report = domainReport(domain, problems);
  if (json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else printTable(io, report);
  const all = [
    ...report.problems,
    ...report.devices.flatMap((d, i) => d.problems.map((p) => `device #${i}: ${p}`)),
  ];
  for (const p of all) io.err(`${file}: problem: ${p}\n`);
  return all.length > 0 ? 1 : 0;
}

export function runInspect(io: Io, file: string, json: boolean): number {
  return emit(io, recover(readInput(file), { source: file }), json, file);
}

export function runCreate(io: Io, file: string, json: boolean): number {
  const result = create(readInput(file), { source: file });
  if (json) return emit(io, result.domain, true, file);
  io.out(`${result.xml}\n`);
  return 0;
}

export function runExplain(io: Io, file: string): number {
  const domain = recover(readInput(file), { source: file });
  const devices = domain.descriptor.devicesElement;
  // All paths in one pass: one by one, each counts its siblings.
  const paths = devices === undefined ? new Map<Element, string>() : childElementPaths(devices);
  domain.explain().forEach(({ device, layouts }, i) => {
    const b = domain.bindingOf(device);
    const path = paths.get(device.element) ?? device.path;
    io.out(
      `#${i} ${device.kind} ${path}${device.alias !== undefined ? ` alias=${device.alias}` : ''}: ${b.rule}\n`,
    );
    for (const l of layouts) {
      for (const r of l.rules) {
        const keys = r.keys.length > 0 ? r.keys.join(', ') : '(no key)';
        const c =
          r.candidates.length === 0
            ? 'no entry'
            : r.candidates.map((x) => `${x.entry}: ${x.verdict}`).join('; ');
        io.out(`    ${l.layout} ${r.rule} [${keys}]: ${c}\n`);
      }
    }
  });
  return 0;
}

export function runRoundtrip(io: Io, file: string): number {
  const doc = parseXml(readInput(file), { source: file });
  const root = doc.documentElement;
  if (root === null) throw new InvalidDomainError('no root element', { source: file });
  const devices = firstChild(root, 'devices');
  // Building every device object is part of the check; values are read lazily, so nothing changes.
  if (devices !== undefined) buildDevices(devices);
  io.out(`${serialize(doc)}\n`);
  return 0;
}
