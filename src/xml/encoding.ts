/**
 * Bytes to text and back, by the document's own word (XML 1.0 section 4.3.3, appendix F): a byte
 * order mark, else the XML declaration's `encoding`, else UTF-8. Reading takes what Node's
 * TextDecoder decodes; writing gives UTF-8, UTF-16 and single-byte encodings their own bytes back.
 */
import { XmlEncodingError, XmlLimitError } from '../errors.js';
import type { ErrorLocation } from '../errors.js';
import { DEFAULT_MAX_BYTES } from './limits.js';

/** How a document's bytes are encoded: what reading found, and what writing repeats. */
export interface XmlEncoding {
  /** The name the document gives (`ISO-8859-1`), or `UTF-8` / `UTF-16LE` / `UTF-16BE` from a BOM or by default. */
  readonly name: string;
  /** Whether the bytes start with a byte order mark (written again on output). */
  readonly bom: boolean;
}

export interface DecodeOptions {
  /** Name of the input, carried by every error. */
  source?: string;
  /** Refuse more bytes than this (default 64 MiB). */
  maxBytes?: number;
}

/** The declaration's encoding, read from the first bytes as ASCII (any declared encoding is ASCII-compatible there). */
const DECLARED_ENCODING =
  /^<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/;

/** TextDecoder's labels of windows-1252 that XML means as ISO-8859-1 and ASCII: WHATWG folds them. */
const LATIN1 = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso88591',
  'iso_8859-1',
  'iso_8859-1:1987',
  'iso-ir-100',
  'latin1',
  'l1',
  'cp819',
  'ibm819',
  'csisolatin1',
]);
const ASCII = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968']);
const UTF16 = /^(?:utf-?16|ucs-?2|csunicode|iso-10646-ucs-2|unicode(?:fffe|feff)?)(?:le|be)?$/;

const BOMS: readonly { bytes: readonly number[]; name: string }[] = [
  { bytes: [0xef, 0xbb, 0xbf], name: 'UTF-8' },
  // UTF-32's marks first: they begin like UTF-16LE's.
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'UTF-32LE' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'UTF-32BE' },
  { bytes: [0xff, 0xfe], name: 'UTF-16LE' },
  { bytes: [0xfe, 0xff], name: 'UTF-16BE' },
];

/** The encoding the declaration at the start of `head` names, with where the name is (line 1). */
function declaredEncoding(head: string): { name: string; line: number; column: number } | undefined {
  const m = DECLARED_ENCODING.exec(head);
  const name = m?.[2];
  return m === null || name === undefined ? undefined : { name, line: 1, column: m[0].length - name.length };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/**
 * Decodes a document's bytes as its BOM or declaration says. Refused, as XML_ENCODING: an encoding
 * TextDecoder does not know, bytes invalid in it, a BOM the declaration contradicts, UTF-16
 * without a BOM; more than `maxBytes` bytes is XML_LIMIT. The text returned has no BOM.
 */
export function decodeXml(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): { text: string; encoding: XmlEncoding } {
  const { source } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw new XmlLimitError(`input is ${bytes.length} bytes, over the limit of ${maxBytes}`, { source });
  }
  const bom = BOMS.find((b) => startsWith(bytes, b.bytes));
  if (bom !== undefined && bom.name.startsWith('UTF-16')) {
    const text = decodeWith(bom.name, bytes.subarray(2), source);
    const declared = declaredEncoding(text);
    if (declared !== undefined && !UTF16.test(declared.name.toLowerCase())) {
      const { name, line, column } = declared;
      throw new XmlEncodingError(`the byte order mark says ${bom.name}, the declaration "${name}"`, {
        source,
        line,
        column,
      });
    }
    return { text, encoding: { name: bom.name, bom: true } };
  }
  if (bom !== undefined && bom.name.startsWith('UTF-32')) {
    throw new XmlEncodingError(`encoding ${bom.name} (from the byte order mark) is not supported`, {
      source,
      line: 1,
      column: 1,
    });
  }
  const body = bom === undefined ? bytes : bytes.subarray(3);
  if (body[0] === 0 || body[1] === 0) {
    throw new XmlEncodingError('the text looks like UTF-16 or UTF-32 without a byte order mark', {
      source,
      line: 1,
      column: 1,
    });
  }
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 512)).toString('latin1');
  const declared = declaredEncoding(head);
  const name = declared?.name ?? 'UTF-8';
  const at = { source, line: declared?.line, column: declared?.column };
  if (bom !== undefined && !/^utf-?8$/i.test(name)) {
    throw new XmlEncodingError(`the byte order mark says UTF-8, the declaration "${name}"`, at);
  }
  if (UTF16.test(name.toLowerCase())) {
    throw new XmlEncodingError(`"${name}" is declared but the text has no byte order mark`, at);
  }
  // An encoding nobody knows: refused at the declaration, which names it.
  if (silently(() => decodeWith(name, new Uint8Array(0), source)) === undefined) throw unsupported(name, at);
  return { text: decodeWith(name, body, source), encoding: { name, bom: bom !== undefined } };
}

/** windows-1252's 0x80-0x9F (WHATWG: the five bytes it leaves undefined are the C1 controls). */
const WINDOWS_1252_C1 =
  '\u20AC\x81\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\x8D\u017D\x8F' +
  '\x90\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\x9D\u017E\u0178';

function decodeWith(name: string, bytes: Uint8Array, source: string | undefined): string {
  const label = name.toLowerCase();
  if (LATIN1.has(label) || ASCII.has(label)) {
    const over = ASCII.has(label) ? bytes.findIndex((b) => b > 0x7f) : -1;
    if (over !== -1) {
      throw new XmlEncodingError(
        `byte 0x${(bytes[over] as number).toString(16)} at offset ${over} is not ${name}`,
        { source, ...lineColumnAt(latin1(bytes.subarray(0, over)), over) },
      );
    }
    return latin1(bytes);
  }
  try {
    const decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
    if (decoder.encoding === 'windows-1252') {
      // Node 20's windows-1252 decoder is ISO-8859-1's (0x80 gives U+0080, not the euro sign).
      return latin1(bytes).replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] as string);
    }
    return decoder.decode(bytes);
  } catch (e) {
    if (e instanceof RangeError) throw unsupported(name, { source });
    const valid = validPrefix(label, bytes);
    throw new XmlEncodingError(
      `the bytes are not valid ${name}`,
      { source, ...lineColumnAt(valid, valid.length) },
      { cause: e },
    );
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** The 1-based line and column of `offset` in `text`. */
function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * The text of the longest prefix of `bytes` that decodes without error (a sequence cut at its end
 * is not one): it ends where the invalid bytes start. TextDecoder does not say where it failed, so
 * this searches by halves (log n decodings: only on the way to an error).
 */
function validPrefix(label: string, bytes: Uint8Array): string {
  const decodes = (n: number): boolean => {
    try {
      new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  if (decodes(hi)) lo = hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (decodes(mid)) lo = mid;
    else hi = mid;
  }
  return new TextDecoder(label, { ignoreBOM: true }).decode(bytes.subarray(0, lo), { stream: true });
}

function unsupported(name: string, where: ErrorLocation): XmlEncodingError {
  return new XmlEncodingError(`encoding "${name}" is not supported`, where);
}

/** For an encoding written byte per character: each character it holds, with its byte. */
const TABLES = new Map<string, Map<number, number>>();

/**
 * The characters an encoding writes as one byte each, found by decoding every byte alone. For a
 * multi-byte encoding (Shift_JIS, GBK...) that is its ASCII part and a few more: we have no
 * encoder for the rest, which is written as character references.
 */
function singleBytes(name: string): Map<number, number> {
  const label = name.toLowerCase();
  let table = TABLES.get(label);
  if (table !== undefined) return table;
  // Throws for an encoding TextDecoder does not know.
  decodeWith(name, new Uint8Array(0), undefined);
  table = new Map();
  const limit = ASCII.has(label) ? 0x80 : 0x100;
  for (let b = 0; b < limit; b++) {
    if (LATIN1.has(label) || ASCII.has(label)) table.set(b, b);
    else {
      // A byte that begins a longer sequence does not decode alone: it is not in the table.
      const c = silently(() => decodeWith(name, new Uint8Array([b]), undefined));
      if (c?.length === 1 && !table.has(c.charCodeAt(0))) table.set(c.charCodeAt(0), b);
    }
  }
  TABLES.set(label, table);
  return table;
}

function silently<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/**
 * Encodes serialized XML in `encoding` (with its BOM, if it had one). A character the encoding
 * cannot hold is written as a character reference in text and attribute values; elsewhere (a
 * name, a comment, a CDATA section, a processing instruction) it is an XML_ENCODING error.
 */
export function encodeXml(text: string, encoding: XmlEncoding, source?: string): Uint8Array {
  const label = encoding.name.toLowerCase();
  if (/^utf-?8$/.test(label)) {
    const body = new TextEncoder().encode(text);
    return encoding.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  }
  if (UTF16.test(label)) {
    const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
    return label.endsWith('be') ? le.swap16() : le;
  }
  const table = singleBytes(encoding.name);
  const holds = (c: number): boolean => table.has(c);
  const written = referenceUnwritable(text, holds, encoding.name, source);
  const out = new Uint8Array(written.length);
  for (let i = 0; i < written.length; i++) out[i] = table.get(written.charCodeAt(i)) as number;
  return out;
}

/** `text` with the characters `holds` refuses written as references where XML allows one. */
function referenceUnwritable(
  text: string,
  holds: (c: number) => boolean,
  name: string,
  source: string | undefined,
): string {
  let i = 0;
  while (i < text.length && holds(text.charCodeAt(i))) i++;
  if (i === text.length) return text;
  let out = '';
  let pos = 0;
  // Where each construct of serialized XML ends; text is everything outside them.
  const constructs: readonly [string, string, string][] = [
    ['<!--', '-->', 'a comment'],
    ['<![CDATA[', ']]>', 'a CDATA section'],
    ['<?', '?>', 'a processing instruction'],
  ];
  const refuse = (at: number, where: string): never => {
    const c = String.fromCodePoint(text.codePointAt(at) as number);
    const hex = (text.codePointAt(at) as number).toString(16).toUpperCase().padStart(4, '0');
    throw new XmlEncodingError(`"${c}" (U+${hex}) in ${where} cannot be written in ${name}`, { source });
  };
  /**
   * Copies text[pos, end), each unwritable character a reference or, outside values, an error.
   * Text that is not serialized XML (a construct left open) is copied to its end.
   */
  const copy = (upTo: number, where: string | undefined): void => {
    const end = Math.min(upTo, text.length);
    for (let k = pos; k < end; k++) {
      const code = text.codePointAt(k) as number;
      if (holds(text.charCodeAt(k))) out += text.charAt(k);
      else if (where !== undefined) refuse(k, where);
      else {
        out += `&#x${code.toString(16).toUpperCase()};`;
        if (code > 0xffff) k++;
      }
    }
    pos = end;
  };
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    copy(lt === -1 ? text.length : lt, undefined);
    if (lt === -1) break;
    const construct = constructs.find(([open]) => text.startsWith(open, lt));
    if (construct !== undefined) {
      const close = text.indexOf(construct[1], lt);
      copy(close === -1 ? text.length : close + construct[1].length, construct[2]);
      continue;
    }
    // A tag: names outside quotes, values inside.
    let k = lt;
    while (k < text.length && text[k] !== '>') {
      const q = text[k] === '"' || text[k] === "'" ? (text[k] as string) : undefined;
      if (q === undefined) {
        k++;
        continue;
      }
      copy(k + 1, 'a name');
      const close = text.indexOf(q, k + 1);
      k = close === -1 ? text.length : close;
      copy(k, undefined);
      k++;
    }
    copy(k, 'a name');
  }
  return out;
}
