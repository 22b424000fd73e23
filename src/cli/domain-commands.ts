import { buildDevices } from '../devices/registry.js';
import type { Device } from '../devices/device.js';
import { USER_ALIAS_PREFIX } from '../devices/device.js';
import type { Domain } from '../domain/domain.js';
import type { Problem } from '../domain/slot.js';
import { create, recover } from '../domain/flows.js';
import type { DomainReport, ExplainReport } from '../domain/report.js';
import { domainReport, explainReport } from '../domain/report.js';
import { InvalidDomainError } from '../errors.js';
import { firstChild, localNameOf, parseXml, positionOf, serialize } from '../xml/index.js';
import type { Document, ParseOptions } from '../xml/index.js';
import type { Io } from './main.js';
import type { Limits, XmlInput } from './io.js';
import { inputName, readXmlInput, writeDocument } from './io.js';
import { CUT, renderTable } from './table.js';

/** The table's width: it fits a 120-column terminal. */
const TABLE_WIDTH = 120;

/**
 * Refuses a document that is not a domain: its root is not `<domain>` and it holds no `<devices>`
 * (a hotplug envelope does). inspect, explain, create and roundtrip say the same.
 */
function requireDomain(doc: Document, file: string): void {
  const root = doc.documentElement;
  if (root === null) throw new InvalidDomainError('no root element', { source: file });
  if (localNameOf(root) === 'domain' || firstChild(root, 'devices') !== undefined) return;
  throw new InvalidDomainError(
    'not a libvirt domain: the root element must be <domain> (or a hotplug envelope holding <devices>)',
    { source: file, path: `/${root.nodeName}`, ...positionOf(root) },
  );
}

/**
 * Runs a flow over a file; when it refuses the document as a domain, says whether the document is
 * one at all (parsed again only then: the flows parse the text themselves).
 */
function load<T>(
  file: string,
  limits: Limits,
  flow: (xml: string, options: ParseOptions) => T,
): { result: T; input: XmlInput } {
  const input = readXmlInput(file, limits.maxBytes);
  const options = { source: inputName(file), ...limits };
  try {
    return { result: flow(input.text, options), input };
  } catch (e) {
    if (e instanceof InvalidDomainError) requireDomain(parseXml(input.text, options), inputName(file));
    throw e;
  }
}

/** A guest address in a few columns: PCI as lspci writes it (`pci 0000:00:04.0`), others by type. */
function compactAddress(a: Record<string, string> | null): string {
  if (a === null) return '';
  const pairs = (r: Record<string, string>): string[] => Object.entries(r).map(([k, v]) => `${k}=${v}`);
  const { type, ...others } = a;
  const { domain, bus, slot, function: fn, ...rest } = others;
  if (type === 'pci' && domain !== undefined && bus !== undefined && slot !== undefined && fn !== undefined) {
    const hex = (v: string): string => v.replace(/^0x/i, '');
    return [`pci ${hex(domain)}:${hex(bus)}:${hex(slot)}.${hex(fn)}`, ...pairs(rest)].join(' ');
  }
  return [...(type !== undefined ? [type] : []), ...pairs(others)].join(' ');
}

/** What tells the device apart from others of its kind: the first of its identity keys it has. */
function identifying(device: Device): string {
  const id = device.identity();
  for (const k of id.spec.keys) {
    const values = Object.keys(k.parts)
      .map((part) => id.keys[part])
      .filter((v) => v !== undefined);
    if (values.length > 0) return values.join(' ');
  }
  return '';
}

/** The alias, and the deviceId where the alias does not carry it (`ua-<id>`): one column for both. */
function aliasAndId(alias: string | null, deviceId: string | null): string {
  const id = deviceId === null || alias === `${USER_ALIAS_PREFIX}${deviceId}` ? '' : `id=${deviceId}`;
  return [alias ?? '', id].filter((s) => s !== '').join(' ');
}

const LEGEND = [
  `legend: ! the device has problems (on stderr, and in --json) · * no class models the kind (Generic)`,
  `        ${CUT} the middle of a value cut to fit ${String(TABLE_WIDTH)} columns (--json has it whole)`,
  `        key: what tells the device apart (target dev, MAC, type, model...)`,
  `        alias: id= the deviceId its metadata gives · bound by: the binding rule (the entry it bound)`,
].join('\n');

function printTable(io: Io, r: DomainReport, devices: readonly Device[]): void {
  io.out(`domain ${r.name ?? '(no name)'} ${r.uuid ?? ''}\n`);
  const rows = r.devices.map((d, i) => {
    const entry = d.binding.entry;
    const generic = d.class === 'Generic';
    return [
      `${String(i)}${d.problems.length > 0 ? ' !' : ''}`,
      `${d.kind}${generic ? ' *' : ''}`,
      identifying(devices[i] as Device),
      aliasAndId(d.alias, d.deviceId),
      compactAddress(d.address),
      entry === null ? d.binding.rule : `${d.binding.rule} (${entry.layout} #${entry.index})`,
    ];
  });
  const head = ['#', 'kind', 'key', 'alias', 'address', 'bound by'];
  io.out(`${renderTable(head, rows, { maxWidth: TABLE_WIDTH, whole: [0, 5] })}\n${LEGEND}\n`);
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

/** `FILE:LINE:COL: CODE: device #i: message`, as errors are printed (no position: `FILE: CODE: ...`). */
function formatProblem(file: string, p: Problem): string {
  const pos = p.line !== undefined ? `:${String(p.line)}:${String(p.column ?? 1)}` : '';
  const who = p.devices ?? (p.device !== undefined ? [p.device] : []);
  const on = who.length > 0 ? `device${who.length > 1 ? 's' : ''} #${who.join(', #')}: ` : '';
  return `${file}${pos}: ${p.code}: ${on}${p.message}`;
}

/** Prints the report; problems go to stderr too, and make the exit code 1. */
function emit(io: Io, domain: Domain, json: boolean, file: string): number {
  const problems = domain.validate();
  const report = domainReport(domain, problems);
  if (json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else printTable(io, report, domain.devices);
  // Each problem once (the report puts a shared one on every device concerned), plus those only
  // reading every value found (validate() stops at a device's first).
  const seen = new Set<string>();
  const key = (i: number | undefined, p: { code: string; message: string }): string =>
    `${String(i)}\u0000${p.code}\u0000${p.message}`;
  for (const p of problems) {
    io.err(`${formatProblem(file, p)}\n`);
    for (const i of p.devices ?? [p.device]) seen.add(key(i, p));
  }
  let count = problems.length;
  report.devices.forEach((d, i) => {
    for (const p of d.problems) {
      if (seen.has(key(i, p))) continue;
      io.err(`${formatProblem(file, { ...p, device: i })}\n`);
      count++;
    }
  });
  return count > 0 ? 1 : 0;
}

export function runInspect(io: Io, file: string, json: boolean, limits: Limits = {}): number {
  return emit(io, load(file, limits, recover).result, json, inputName(file));
}

export function runCreate(io: Io, file: string, json: boolean, limits: Limits = {}): number {
  const { result, input } = load(file, limits, create);
  if (json) return emit(io, result.domain, true, inputName(file));
  writeDocument(io, result.xml, input.encoding, file);
  return 0;
}

function printExplain(io: Io, r: ExplainReport): void {
  r.devices.forEach((d, i) => {
    io.out(`#${i} ${d.kind} ${d.path}${d.alias !== null ? ` alias=${d.alias}` : ''}: ${d.rule}\n`);
    for (const l of d.layouts) {
      for (const rule of l.rules) {
        const keys = rule.keys.length > 0 ? rule.keys.join(', ') : '(no key)';
        const more = rule.untraced > 0 ? `; and ${String(rule.untraced)} more` : '';
        const c =
          rule.candidates.length === 0
            ? 'no entry'
            : rule.candidates.map((x) => `${x.entry}: ${x.verdict}`).join('; ') + more;
        io.out(`    ${l.layout} ${rule.rule} [${keys}]: ${c}\n`);
      }
    }
  });
  if (r.devices.length > 0 && r.devices.every((d) => d.layouts.length === 0))
    io.out('(the document carries no metadata group: every device is bound by no rule)\n');
}

export function runExplain(io: Io, file: string, json: boolean, limits: Limits = {}): number {
  const report = explainReport(load(file, limits, recover).result);
  if (json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else printExplain(io, report);
  return 0;
}

export function runRoundtrip(io: Io, file: string, limits: Limits = {}): number {
  const input = readXmlInput(file, limits.maxBytes);
  const source = inputName(file);
  const doc = parseXml(input.text, { source, ...limits });
  requireDomain(doc, source);
  const devices = firstChild(doc.documentElement as NonNullable<Document['documentElement']>, 'devices');
  // Building every device object is part of the check; values are read lazily, so nothing changes.
  if (devices !== undefined) buildDevices(devices);
  writeDocument(io, serialize(doc), input.encoding, file);
  return 0;
}
