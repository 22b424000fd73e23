/**
 * The machine-readable view of a bound domain (what `vmdevices inspect --json` prints).
 */
import type { MetadataEntry } from '../binding/entry.js';
import { isVmDevicesError } from '../errors.js';
import type { TypedJson } from '../metadata/typed-json.js';
import { toTypedJson } from '../metadata/typed-json.js';
import type { Domain, Problem } from './domain.js';

export interface EntryRef {
  layout: 'descriptor' | 'xmlpickle';
  index: number;
  attrs?: Record<string, string>;
}

export interface DeviceReport {
  kind: string;
  class: string;
  alias: string | null;
  deviceId: string | null;
  address: Record<string, string> | null;
  binding: { rule: string; entry: EntryRef | null };
  metadata: TypedJson;
  fields: Record<string, unknown>;
  problems: string[];
}

export interface DomainReport {
  name: string | null;
  uuid: string | null;
  devices: DeviceReport[];
  orphans: { entry: EntryRef; metadata: TypedJson }[];
  problems: string[];
}

export function entryRef(e: MetadataEntry): EntryRef {
  return e.layout === 'descriptor'
    ? { layout: e.layout, index: e.index, attrs: { ...(e.attrs ?? {}) } }
    : { layout: e.layout, index: e.index };
}

/** Reports every device; a device whose values cannot be read gets a problem, never an exception. */
export function domainReport(domain: Domain, extraProblems: readonly Problem[] = []): DomainReport {
  const devices = domain.devices.map((d, i): DeviceReport => {
    const problems = domain.problemsOf(d).map((p) => p.message);
    const b = domain.bindingOf(d);
    const entry = b.descriptor ?? b.xmlpickle;
    let fields: Record<string, unknown> = {};
    try {
      fields = d.fieldValues();
    } catch (e) {
      if (!isVmDevicesError(e)) throw e;
      problems.push(e.message);
    }
    for (const p of extraProblems)
      if (p.device === i && !problems.includes(p.message)) problems.push(p.message);
    return {
      kind: d.kind,
      class: d.className,
      alias: d.alias ?? null,
      deviceId: safe(() => d.deviceId, problems) ?? null,
      address: d.address !== undefined ? { ...d.address } : null,
      binding: { rule: b.rule, entry: entry !== undefined ? entryRef(entry) : null },
      metadata: toTypedJson(d.meta.toDict()),
      fields,
      problems,
    };
  });
  return {
    name: domain.name ?? null,
    uuid: domain.uuid ?? null,
    devices,
    orphans: domain.orphans.map((e) => ({ entry: entryRef(e), metadata: toTypedJson(e.data) })),
    problems: extraProblems.filter((p) => p.device === undefined).map((p) => p.message),
  };
}

function safe<T>(f: () => T, problems: string[]): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!isVmDevicesError(e)) throw e;
    problems.push(e.message);
    return undefined;
  }
}
