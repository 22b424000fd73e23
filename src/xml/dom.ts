/**
 * The hardened parser and the serializer. This folder is the only code that imports
 * @xmldom/xmldom; everything else sees its types through the re-exports below.
 */
import { DOMParser, XMLSerializer, DOMImplementation, ParseError } from '@xmldom/xmldom';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { XmlLimitError, XmlParseError } from '../errors.js';
import { decodeXml } from './encoding.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './limits.js';
import { parseFast } from './fast-parse.js';
import { serializeNode } from './serialize.js';
import { Tokenizer } from './tokenizer.js';
import type { TokenizerOptions, XmlHandler } from './tokenizer.js';
import { LINE_END, endsLinesWithCrLf } from './verbatim.js';
import type { DocumentFields } from './verbatim.js';

export type { StartTag, XmlEventSource, XmlHandler } from './tokenizer.js';

export type { Document, Element, Node };
export type XmlElement = Element;
export type XmlDocument = Document;
export type XmlNode = Node;

export const NODE = {
  ELEMENT: 1,
  ATTRIBUTE: 2,
  TEXT: 3,
  CDATA: 4,
  PROCESSING_INSTRUCTION: 7,
  COMMENT: 8,
  DOCUMENT: 9,
  DOCUMENT_TYPE: 10,
} as const;

export interface ParseOptions {
  /** Name of the input, carried by every error (a file name, `<stdin>`, a label). */
  source?: string;
  /** Refuse text of more UTF-16 code units than this, or bytes of more bytes (default 64 MiB). */
  maxBytes?: number;
  /** Refuse element nesting deeper than this (default 512). */
  maxDepth?: number;
  /**
   * Which parser builds the Document: `fast` (our tokenizer building xmldom's DOM, the default) or `xmldom`
   * (xmldom's own DOMParser, several times slower). Both give equal documents, the fast engine
   * refusing a few inputs that xmldom wrongly accepts (see fast-parse.ts); the choice exists for
   * the equivalence tests and the benchmark.
   */
  engine?: 'xmldom' | 'fast';
}

export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH };

const REPORT = /^Reporting (?:fatalError|error|warning) "([\s\S]*)" caused [\s\S]*$/;

function parserMessage(e: Error): string {
  const m = REPORT.exec(e.message);
  const inner = m?.[1] ?? e.message;
  return inner
    .replace(/^Error constructing the DOM: /, '')
    .replace(
      /^HierarchyRequestError: Only one element can be added and only after doctype$/,
      'more than one root element',
    );
}

/**
 * The size limit applied, line endings normalized as XML 1.0 does (section 2.11: only CR LF and a
 * lone CR become LF; xmldom's default follows XML 1.1 and would also rewrite U+0085, U+2028 and
 * U+2029 inside text), whether every line ended with CR LF, and the tokenizer's options.
 */
function prepare(
  text: string,
  options: ParseOptions,
): { normalized: string; crLf: boolean } & TokenizerOptions {
  const source = options.source;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) {
    throw new XmlLimitError(`input is ${text.length} characters, over the limit of ${maxBytes}`, { source });
  }
  const cr = text.includes('\r');
  return {
    normalized: cr ? text.replace(/\r\n?/g, '\n') : text,
    crLf: cr && endsLinesWithCrLf(text),
    source,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
}

/** A parsed document, named, keeping for the serializer that its source ended lines with CR LF. */
function parsed(doc: Document, crLf: boolean, source: string | undefined): Document {
  if (crLf) (doc as unknown as DocumentFields)[LINE_END] = '\r\n';
  return named(doc, source);
}

/**
 * Reads XML text without building a Document: its events go to `handler`. The text is checked as
 * parseXml's default engine checks it (same errors, same limits).
 */
export function readXml(text: string, handler: XmlHandler, options: ParseOptions = {}): void {
  const { normalized, source, maxDepth } = prepare(text, options);
  new Tokenizer(normalized, handler, { source, maxDepth }).run();
}

/**
 * Parses XML into a Document: text, or bytes decoded as their BOM or XML declaration says
 * (encoding.ts). Every complaint of the parser (fatal or recoverable) becomes an XmlParseError
 * with source, line and column; DOCTYPE declarations, several root elements, input over
 * `maxBytes` and nesting over `maxDepth` are refused.
 */
export function parseXml(input: string | Uint8Array, options: ParseOptions = {}): Document {
  const text = typeof input === 'string' ? input : decodeXml(input, options).text;
  const { normalized, crLf, source, maxDepth } = prepare(text, options);
  if ((options.engine ?? 'fast') === 'fast')
    return parsed(parseFast(normalized, { source, maxDepth }), crLf, source);
  const parser = new DOMParser({
    locator: true,
    // Already done above.
    normalizeLineEndings: (input) => input,
    onError: (level, message) => {
      // Recoverable errors would otherwise only be logged, and the parse would go on with
      // altered data; warnings are not about the data.
      if (level !== 'warning') throw new Error(message);
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(normalized, 'application/xml');
  } catch (e) {
    if (e instanceof ParseError || e instanceof Error) {
      const locator = (e as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
      throw new XmlParseError(
        parserMessage(e),
        { source, line: locator?.lineNumber, column: locator?.columnNumber },
        { cause: e },
      );
    }
    throw e;
  }
  for (let n = doc.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === NODE.DOCUMENT_TYPE) {
      const at = n as unknown as { lineNumber?: number; columnNumber?: number };
      throw new XmlParseError('DOCTYPE declarations are not allowed', {
        source,
        line: at.lineNumber,
        column: at.columnNumber,
      });
    }
  }
  checkDepth(doc, maxDepth, source);
  return parsed(doc, crLf, source);
}

/** The source name each parsed document was read under, for the errors its nodes give. */
const SOURCES = new WeakMap<Document, string>();

function named(doc: Document, source: string | undefined): Document {
  if (source !== undefined) SOURCES.set(doc, source);
  return doc;
}

/** Iterative walk (never recursion: a hostile document must not overflow the stack). */
function checkDepth(doc: Document, maxDepth: number, source: string | undefined): void {
  let node: Node | null = doc.documentElement;
  if (node === null) return;
  let depth = 1;
  while (node !== null) {
    if (depth > maxDepth) {
      const at = node as unknown as { lineNumber?: number; columnNumber?: number };
      throw new XmlLimitError(`elements nested deeper than the limit of ${maxDepth}`, {
        source,
        line: at.lineNumber,
        column: at.columnNumber,
      });
    }
    const firstElement = firstElementChildOf(node);
    if (firstElement !== null) {
      node = firstElement;
      depth++;
      continue;
    }
    while (node !== null) {
      const next = nextElementSiblingOf(node);
      if (next !== null) {
        node = next;
        break;
      }
      node = node.parentNode;
      depth--;
      if (node === null || node.nodeType === NODE.DOCUMENT) return;
    }
  }
}

function firstElementChildOf(n: Node): Node | null {
  for (let c = n.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === NODE.ELEMENT) return c;
  return null;
}

function nextElementSiblingOf(n: Node): Node | null {
  for (let c = n.nextSibling; c !== null; c = c.nextSibling) if (c.nodeType === NODE.ELEMENT) return c;
  return null;
}

/**
 * xmldom writes a CR in text as is, and a parser reads it back as LF (XML 1.0 section 2.11): text
 * holding a CR (from `&#13;`, or set by code) is written with the CR as a character reference.
 * xmldom's serializer takes a string returned by the filter as the node's serialized form.
 */
function keepCarriageReturns(n: Node): Node {
  if (n.nodeType !== NODE.TEXT || !(n.nodeValue ?? '').includes('\r')) return n;
  const escaped = (n.nodeValue ?? '').replace(/[<>&\r]/g, (c) => TEXT_ESCAPES[c] ?? c);
  return escaped as unknown as Node;
}

const TEXT_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '\r': '&#13;' };

/**
 * Serializes a node (a Document keeps its prolog, comments and declaration): our serializer
 * (serialize.ts), or xmldom's for the nodes ours leaves to it; both write the same text.
 */
export function serialize(node: Node): string {
  return serializeNode(node) ?? serializeWithXmldom(node);
}

/** xmldom's XMLSerializer with the text filter above: what {@link serialize} writes. */
export function serializeWithXmldom(node: Node): string {
  return new XMLSerializer().serializeToString(node, keepCarriageReturns);
}

/** A new, empty document whose root element is `<qualifiedName>` in `namespaceUri` (or none). */
export function createDocument(qualifiedName: string, namespaceUri: string | null = null): Document {
  return new DOMImplementation().createDocument(namespaceUri, qualifiedName, null);
}

/**
 * Where the parser saw this node: the source name its document was parsed under (when given) and
 * the 1-based line and column (when parsed with positions).
 */
export function positionOf(node: Node): { source?: string; line?: number; column?: number } {
  const at = node as unknown as { lineNumber?: number; columnNumber?: number };
  const doc = node.nodeType === NODE.DOCUMENT ? (node as Document) : node.ownerDocument;
  const source = doc === null ? undefined : SOURCES.get(doc);
  // No `source` key at all when unknown: a caller's own source spread before must stand.
  return source === undefined
    ? { line: at.lineNumber, column: at.columnNumber }
    : { source, line: at.lineNumber, column: at.columnNumber };
}
