import { Descriptor } from '../metadata/descriptor.js';
import { fromTypedJson, toTypedJson } from '../metadata/typed-json.js';
import { decodeXmlpickle } from '../metadata/xmlpickle-decode.js';
import { encodeXmlpickleText } from '../metadata/xmlpickle-encode.js';
import { MetadataError } from '../errors.js';
import type { Element } from '../xml/dom.js';
import { parseXml, positionOf } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { childElements, firstChild, localNameOf } from '../xml/tree.js';
import type { Io } from './main.js';
import { UsageError, inputName, readJsonText, readXmlInput } from './io.js';
import type { Limits } from './io.js';

/** The xmlpickle group of a domain, a `<metadata>`, or the group itself (namespaced or plain). */
function findXmlpickle(root: Element): { group: Element; namespace: string | null } | undefined {
  const ns = root.namespaceURI ?? null;
  if (localNameOf(root) === 'instance' && ns === NS['ovirt-instance']) return { group: root, namespace: ns };
  if (localNameOf(root) === 'pyxmlpickle' && ns === null) return { group: root, namespace: null };
  const md = localNameOf(root) === 'metadata' ? root : firstChild(root, 'metadata');
  if (md === undefined) return undefined;
  const g = childElements(md, 'instance', NS['ovirt-instance'])[0];
  return g === undefined ? undefined : { group: g, namespace: NS['ovirt-instance'] };
}

export function runMetadataDecode(
  io: Io,
  file: string,
  format: 'auto' | 'xmlpickle' | 'descriptor',
  limits: Limits = {},
): number {
  const source = inputName(file);
  const doc = parseXml(readXmlInput(file, limits.maxBytes).text, { source, ...limits });
  const root = doc.documentElement as Element;
  const pickle = format === 'descriptor' ? undefined : findXmlpickle(root);
  const descriptor = format === 'xmlpickle' ? undefined : Descriptor.fromNode(doc, { source });
  let take: 'xmlpickle' | 'descriptor';
  if (format !== 'auto') take = format;
  else {
    const hasPickle = pickle !== undefined;
    const hasDescriptor = descriptor !== undefined && !descriptor.isEmpty();
    if (hasPickle && hasDescriptor)
      throw new UsageError(
        `${source} has content in both layouts: choose one with --format xmlpickle|descriptor`,
      );
    take = hasPickle ? 'xmlpickle' : 'descriptor';
  }
  if (take === 'xmlpickle') {
    if (pickle === undefined)
      throw new MetadataError('METADATA_SHAPE', 'no xmlpickle group found', {
        source,
        path: `/${root.nodeName}`,
        ...positionOf(root),
      });
    const value = decodeXmlpickle(pickle.group, { namespace: pickle.namespace, source });
    io.out(`${JSON.stringify({ format: 'xmlpickle', value: toTypedJson(value) }, null, 2)}\n`);
  } else {
    io.out(
      `${JSON.stringify({ format: 'descriptor', ...(descriptor ?? new Descriptor()).toJSON() }, null, 2)}\n`,
    );
  }
  return 0;
}

export function runMetadataEncode(
  io: Io,
  file: string,
  format: 'xmlpickle' | 'descriptor',
  root: string | undefined,
  namespace: boolean,
  maxBytes?: number,
): number {
  const source = inputName(file);
  const text = readJsonText(file, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new MetadataError('METADATA_SHAPE', `not JSON: ${e.message}`, {
        source,
        ...jsonErrorAt(text, e),
      });
    throw e;
  }
  // Accept what decode prints ({"format":..., "value"|...}) as well as the bare value.
  const body = typeof json === 'object' && json !== null && 'format' in json ? json : undefined;
  // A misspelt key would otherwise be ignored and encode an empty group. A bare xmlpickle value
  // is any dict: only decode's wrapper has keys to check.
  if (format === 'descriptor' || body !== undefined)
    refuseUnknownKeys(
      body ?? json,
      format === 'xmlpickle' ? ['format', 'value'] : ['format', ...Object.keys(new Descriptor().toJSON())],
      source,
    );
  if (format === 'xmlpickle') {
    const raw = body !== undefined ? (body as { value?: unknown }).value : json;
    const value = withSource(source, () => fromTypedJson(raw));
    io.out(
      `${encodeXmlpickleText(value, namespace ? { root } : { namespace: null, root: root ?? 'pyxmlpickle' })}\n`,
    );
  } else {
    const d = withSource(source, () => Descriptor.fromJSON(body ?? json));
    io.out(`${d.toXml()}\n`);
  }
  return 0;
}

/** Where JSON.parse failed, when its message says (`at position N`, or the end of the input). */
function jsonErrorAt(text: string, e: SyntaxError): { line?: number; column?: number } {
  const m = /at position (\d+)/.exec(e.message);
  const offset = m !== null ? Number(m[1]) : /end of JSON input/.test(e.message) ? text.length : undefined;
  if (offset === undefined) return {};
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function refuseUnknownKeys(json: unknown, accepted: readonly string[], source: string): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
  const unknown = Object.keys(json).find((k) => !accepted.includes(k));
  if (unknown !== undefined)
    throw new MetadataError(
      'METADATA_SHAPE',
      `unknown top-level key (the keys accepted: ${accepted.join(', ')})`,
      { source, path: unknown },
    );
}

function withSource<T>(source: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MetadataError && e.source === undefined) {
      throw new MetadataError(e.code as 'METADATA_VALUE' | 'METADATA_SHAPE', e.detail, {
        source,
        path: e.path,
        line: e.line,
        column: e.column,
      });
    }
    throw e;
  }
}
