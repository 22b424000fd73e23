import { Descriptor } from '../metadata/descriptor.js';
import { fromTypedJson, toTypedJson } from '../metadata/typed-json.js';
import { decodeXmlpickle, encodeXmlpickleText } from '../metadata/xmlpickle.js';
import { MetadataError } from '../errors.js';
import type { Element } from '../xml/dom.js';
import { parseXml } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { childElements, firstChild, localNameOf } from '../xml/tree.js';
import type { Io } from './main.js';
import { UsageError, readInput } from './io.js';

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

export function runMetadataDecode(io: Io, file: string, format: 'auto' | 'xmlpickle' | 'descriptor'): number {
  const doc = parseXml(readInput(file), { source: file });
  const root = doc.documentElement as Element;
  const pickle = format === 'descriptor' ? undefined : findXmlpickle(root);
  const descriptor = format === 'xmlpickle' ? undefined : Descriptor.fromNode(doc, { source: file });
  let take: 'xmlpickle' | 'descriptor';
  if (format !== 'auto') take = format;
  else {
    const hasPickle = pickle !== undefined;
    const hasDescriptor = descriptor !== undefined && !descriptor.isEmpty();
    if (hasPickle && hasDescriptor)
      throw new UsageError(
        `${file} has content in both layouts: choose one with --format xmlpickle|descriptor`,
      );
    take = hasPickle ? 'xmlpickle' : 'descriptor';
  }
  if (take === 'xmlpickle') {
    if (pickle === undefined)
      throw new MetadataError('METADATA_SHAPE', 'no xmlpickle group found', { source: file });
    const value = decodeXmlpickle(pickle.group, { namespace: pickle.namespace, source: file });
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
): number {
  let json: unknown;
  try {
    json = JSON.parse(readInput(file));
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new MetadataError('METADATA_SHAPE', `not JSON: ${e.message}`, { source: file });
    throw e;
  }
  // Accept what decode prints ({"format":..., "value"|...}) as well as the bare value.
  const body = typeof json === 'object' && json !== null && 'format' in json ? json : undefined;
  if (format === 'xmlpickle') {
    const raw = body !== undefined ? (body as { value?: unknown }).value : json;
    const value = withSource(file, () => fromTypedJson(raw));
    io.out(
      `${encodeXmlpickleText(value, namespace ? { root } : { namespace: null, root: root ?? 'pyxmlpickle' })}\n`,
    );
  } else {
    const d = withSource(file, () => Descriptor.fromJSON(body ?? json));
    io.out(`${d.toXml()}\n`);
  }
  return 0;
}

function withSource<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MetadataError && e.source === undefined) {
      throw new MetadataError(e.code as 'METADATA_VALUE' | 'METADATA_SHAPE', e.detail, {
        source: file,
        path: e.path,
      });
    }
    throw e;
  }
}
