/**
 * What a parsed document keeps of its source beyond its DOM, so that serializing it gives back its
 * bytes (start tags are kept by start-tag.ts): the source of the nodes that the serializer would
 * otherwise write differently, on the nodes themselves. Each is only a claim about the node as
 * parsed: the serializer writes it only after checking that it still says what the node holds,
 * since any code may change a node through xmldom's API.
 */
import type { Document, Node } from '@xmldom/xmldom';

/**
 * On a text node whose source has references, `>` or empty CDATA sections (merged into it, as
 * xmldom does): that source. On a processing instruction (the XML declaration too) not written
 * `<?target data?>` with one space: its source.
 */
export const SOURCE = Symbol('source');
/** On an element whose end tag has white space before its `>`: that end tag. */
export const END_TAG_SOURCE = Symbol('end tag source');
/** On a parsed document: the white space after its last markup, and the node it follows. */
export const TRAILING = Symbol('trailing white space');
/**
 * On a parsed document whose source ended every line with CR LF: '\r\n'. XML reads every line end
 * as LF (section 2.11), so the DOM holds LF and what is written from it gets its CR back here.
 */
export const LINE_END = Symbol('line end');

export interface SourceFields {
  [SOURCE]?: string;
  [END_TAG_SOURCE]?: string;
}

export interface Trailing {
  readonly space: string;
  readonly after: Node | null;
}

export interface DocumentFields {
  [TRAILING]?: Trailing;
  [LINE_END]?: '\r\n';
}

const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const EMPTY_CDATA = '<![CDATA[]]>';

/**
 * What the parser reads from checked source text: references decoded and, in an attribute value,
 * tabs and newlines written as such read as spaces (XML 1.0 section 3.3.3).
 */
export function decodeSource(source: string, attribute: boolean): string {
  const spaced = attribute ? source.replace(/[\t\n]/g, ' ') : source;
  if (!spaced.includes('&')) return spaced;
  return spaced.replace(REFERENCE, (_, hex: string | undefined, dec: string | undefined, name: string) =>
    hex !== undefined || dec !== undefined
      ? String.fromCodePoint(hex !== undefined ? parseInt(hex, 16) : parseInt(dec as string, 10))
      : (NAMED[name] as string),
  );
}

/** Whether a text node's SOURCE still reads as its data. */
export function textSourceHolds(source: string, data: string): boolean {
  const text = source.includes(EMPTY_CDATA) ? source.split(EMPTY_CDATA).join('') : source;
  return decodeSource(text, false) === data;
}

/** Whether a processing instruction's SOURCE is `<?target`, white space and `data?>`. */
export function instructionSourceHolds(source: string, target: string, data: string): boolean {
  const spaceAt = 2 + target.length;
  const dataAt = source.length - 2 - data.length;
  if (dataAt < spaceAt || !source.startsWith(target, 2) || !source.endsWith(data, source.length - 2))
    return false;
  if (dataAt === spaceAt) return data === '';
  for (let i = spaceAt; i < dataAt; i++) {
    const c = source.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09) return false;
  }
  return true;
}

/**
 * Whether every line of `text` ends with CR LF: it has CR, and each CR starts a CR LF and each LF
 * ends one. Text mixing line ends (or ending lines with a lone CR) is written back with LF, as XML
 * reads it.
 */
export function endsLinesWithCrLf(text: string): boolean {
  let crs = 0;
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 2)) {
    if (text.charCodeAt(at + 1) !== 0x0a) return false;
    crs++;
  }
  if (crs === 0) return false;
  let lfs = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lfs++;
  return lfs === crs;
}

/** `text`, written from the whole of `doc`, in the line ends of `doc`'s source. */
export function inSourceLineEnds(doc: Document | null, text: string): string {
  return doc !== null && (doc as unknown as DocumentFields)[LINE_END] === '\r\n'
    ? text.replaceAll('\n', '\r\n')
    : text;
}

/** The trailing white space to write after `doc`'s children, if it still follows the same node. */
export function trailingOf(doc: Document): string | undefined {
  const trailing = (doc as unknown as DocumentFields)[TRAILING];
  return trailing !== undefined && trailing.after === doc.lastChild ? trailing.space : undefined;
}
