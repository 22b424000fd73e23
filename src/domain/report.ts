/**
 * The machine-readable views of a bound domain: what `vmdevices inspect --json` and
 * `vmdevices explain --json` print.
 */
import type { MetadataEntry } from '../binding/entry.js';
import { copyAttrs } from '../binding/entry.js';
import type { Layout } from '../binding/entry.js';
import type { RuleTrace } from '../binding/explain.js';
import type { ErrorCode, VmDevicesError } from '../errors.js';
import { isVmDevicesError } from '../errors.js';
import type { TypedJson } from '../metadata/typed-json.js';
import { toTypedJson } from '../metadata/typed-json.js';
import type { Element } from '../xml/dom.js';
import { childElementPaths } from '../xml/tree.js';
import type { Domain } from './domain.js';
import type { Problem } from './slot.js';

export interface EntryRef {
  layout: 'descriptor' | 'xmlpickle';
  index: number;
  attrs?: Record<string, string>;
}

/** A problem as reported: where it is, as far as it is known. */
export interface ProblemReport {
  code: ErrorCode;
  message: string;
  /** The XML or value path concerned, when known. */
  path?: string;
  line?: number;
  column?: number;
}

export interface DeviceReport {
  kind: string;
  class: string;
  alias: string | null;
  deviceId: string | null;
  address: Record<string, string> | null;
  binding: { rule: string; entry: EntryRef | null };
  metadata: TypedJson;
  /** The values that could be read: one that cannot is a problem, and the others are still here. */
  fields: Record<string, unknown>;
  problems: ProblemReport[];
}

export interface DomainReport {
  name: string | null;
  uuid: string | null;
  devices: DeviceReport[];
  orphans: { entry: EntryRef; metadata: TypedJson }[];
  /** Problems of the domain, not of one device. */
  problems: ProblemReport[];
}

export function entryRef(e: MetadataEntry): EntryRef {
  return e.layout === 'descriptor'
    ? { layout: e.layout, index: e.index, attrs: copyAttrs(e.attrs ?? {}) }
    : { layout: e.layout, index: e.index };
}

export function problemReport(p: Problem | VmDevicesError): ProblemReport {
  const out: ProblemReport = { code: p.code, message: p.message };
  if (p.path !== undefined) out.path = p.path;
  if (p.line !== undefined) out.line = p.line;
  if (p.column !== undefined) out.column = p.column;
  return out;
}

/** Reports every device; a device whose values cannot be read gets a problem, never an exception. */
export function domainReport(domain: Domain, extraProblems: readonly Problem[] = []): DomainReport {
  // By device, in one pass: a domain may have thousands of devices.
  const byDevice = new Map<number, Problem[]>();
  for (const p of extraProblems) {
    for (const i of p.devices ?? (p.device !== undefined ? [p.device] : [])) {
      const list = byDevice.get(i);
      if (list === undefined) byDevice.set(i, [p]);
      else list.push(p);
    }
  }
  const devices = domain.devices.map((d, i): DeviceReport => {
    const problems: ProblemReport[] = [];
    // validate() repeats the device's own problems and its first unreadable field: list each once.
    const add = (p: Problem | VmDevicesError): void => {
      if (!problems.some((q) => q.code === p.code && q.message === p.message))
        problems.push(problemReport(p));
    };
    domain.problemsOf(d).forEach(add);
    const b = domain.bindingOf(d);
    const entry = b.descriptor ?? b.xmlpickle;
    const fields = d.fieldValues(add);
    byDevice.get(i)?.forEach(add);
    let deviceId: string | undefined;
    try {
      deviceId = d.deviceId;
    } catch (e) {
      if (!isVmDevicesError(e)) throw e;
      add(e);
    }
    return {
      kind: d.kind,
      class: d.className,
      alias: d.alias ?? null,
      deviceId: deviceId ?? null,
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
    problems: extraProblems
      .filter((p) => p.device === undefined && p.devices === undefined)
      .map(problemReport),
  };
}

export interface ExplainReport {
  name: string | null;
  uuid: string | null;
  devices: {
    kind: string;
    /** The element's XML path. */
    path: string;
    alias: string | null;
    /** The deciding rule. */
    rule: string;
    /** Per metadata layout the document carries, every rule tried. */
    layouts: { layout: Layout; rules: RuleTrace[] }[];
  }[];
}

/** Why each device got its metadata (Domain.explain), for the layouts the document carries. */
export function explainReport(domain: Domain): ExplainReport {
  const groups = domain.document.metadataGroups;
  const devices = domain.document.devicesElement;
  // All paths in one pass: one by one, each would count its siblings.
  const paths = devices === undefined ? new Map<Element, string>() : childElementPaths(devices);
  return {
    name: domain.name ?? null,
    uuid: domain.uuid ?? null,
    devices: domain.explain().map(({ device, layouts }) => ({
      kind: device.kind,
      path: paths.get(device.element) ?? device.path,
      alias: device.alias ?? null,
      rule: domain.bindingOf(device).rule,
      layouts: layouts.filter((l) => groups[l.layout] !== undefined),
    })),
  };
}
