/**
 * The XML tokenizer behind the hardened parser: it reads XML 1.0 with namespaces, refuses what
 * XML 1.0 forbids (and DOCTYPE, nesting over a limit) with a message and the offset of the fault,
 * and reports what it reads to a handler: fast-parse.ts builds xmldom's Document from the events,
 * the xmlpickle decoder reads its values straight from them.
 *
 * Events come in document order. Element names and attribute names are resolved against the
 * namespace declarations in scope before the handler sees them; character data comes with its
 * references decoded (attribute values also normalized as XML 1.0 section 3.3.3 says).
 */
import { XmlLimitError, XmlParseError } from '../errors.js';
import { isNameCodePoint, isNameStartCodePoint } from './names.js';
import { NS } from './namespaces.js';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** A start tag being reported: valid only during the handler's startElement call. */
export interface StartTag {
  readonly qname: string;
  readonly namespaceURI: string | null;
  readonly prefix: string | null;
  readonly localName: string;
  /** The value of the attribute with this qualified name, if present. */
  attribute(qname: string): string | undefined;
}

/** What a handler can ask about the events it receives. */
export interface XmlEventSource {
  /** A mark of where the event being reported starts, for positionOf (cheap: keep it). */
  mark(): unknown;
  /** Line and column of a mark (undefined when unknown). */
  positionOf(mark: unknown): { line?: number; column?: number };
}

/** Receives the events of a document. */
export interface XmlHandler {
  /** Before any other event: where the events come from. */
  begin(events: XmlEventSource): void;
  /** `<?xml ...?>` at the start: its content after `<?xml` and whitespace. */
  xmlDeclaration(data: string): void;
  startElement(tag: StartTag): void;
  /** The end of the element last started and not ended (also after `<a/>`). */
  endElement(): void;
  /** Character data inside the root element, references decoded. */
  text(data: string): void;
  /** Whitespace outside the root element, but the run after the last markup. */
  outerSpace(data: string): void;
  cdata(data: string): void;
  comment(data: string): void;
  processingInstruction(target: string, data: string): void;
}

export interface TokenizerOptions {
  source: string | undefined;
  maxDepth: number;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const SEMICOLON = 0x3b;
const HASH = 0x23;
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * The namespaces the library knows, each URI to its constant: a declaration of one binds the
 * constant, the same characters, so that comparing an element's namespaceURI with it (for every
 * element of the metadata) takes a pointer comparison instead of a character by character one.
 */
const KNOWN_URIS = new Map<string, string>(Object.values(NS).map((uri) => [uri, uri]));

/** ASCII characters of names: 1 may start a name, 2 may only continue one. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[:A-Z_a-z]/.test(ch)) ASCII_NAME[c] = 1;
  else if (/[-.0-9]/.test(ch)) ASCII_NAME[c] = 2;
}

/** The first character XML 1.0 does not allow anywhere (production [2]), or a lone surrogate. */
const BAD_CHARACTER =
  // eslint-disable-next-line no-control-regex -- the control characters XML forbids are what it finds
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * The characters BAD_CHARACTER finds but lone surrogates, one string each: looking for each with
 * includes() (a native scan) and for lone surrogates with isWellFormed() is several times faster
 * than the regular expression, which then runs only on a text that holds one.
 */
const FORBIDDEN_CHARACTERS = Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c))
  .filter((ch) => ch !== '\t' && ch !== '\n' && ch !== '\r')
  .concat('\uFFFE', '\uFFFF');

/** Where BAD_CHARACTER first matches in `text`, or -1. */
function badCharacterAt(text: string): number {
  const suspect =
    !(text as string & { isWellFormed(): boolean }).isWellFormed() ||
    FORBIDDEN_CHARACTERS.some((ch) => text.includes(ch));
  return suspect ? (BAD_CHARACTER.exec(text)?.index ?? -1) : -1;
}

/** The XML declaration (production [23]), when the text starts with one. */
const XML_DECLARATION_START = /^<\?xml[ \t\n?]/;
const XML_DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
const XML_VERSION = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')/;
const LEADING_SPACE = /^[ \t\n]+/;

/** How many element names a tokenizer keeps (a power of two, see Tokenizer.names). */
const NAME_SLOTS = 256;

/**
 * Indentation ("\n" and up to 64 spaces), made once: pretty-printed XML has such a text node
 * between every two elements, and sharing these strings spares a large document's DOM an object
 * per node (fewer bytes for the young-generation collector to copy).
 */
const INDENTATION = Array.from({ length: 65 }, (_, spaces) => '\n' + ' '.repeat(spaces));

/** The shared string for text[start, end) when it is a newline and spaces only, else undefined. */
function indentation(text: string, start: number, end: number): string | undefined {
  const spaces = end - start - 1;
  if (spaces >= INDENTATION.length || text.charCodeAt(start) !== NEWLINE) return undefined;
  for (let i = start + 1; i < end; i++) if (text.charCodeAt(i) !== SPACE) return undefined;
  return INDENTATION[spaces];
}

// What the text can end inside of, for messages.
const START_TAG = "a start tag (no closing '>')";
const END_TAG = "an end tag (no closing '>')";
const PI = "a processing instruction (no closing '?>')";
const COMMENT = "a comment (no closing '-->')";
const CDATA = "a CDATA section (no closing ']]>')";
const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * Reads `text` (line endings already normalized) and reports it to `handler`. The tokenizer is also
 * the StartTag of the element being reported (its fields are public for the DOM builder, which
 * reads them without calls) and the source of positions.
 */
export class Tokenizer implements StartTag, XmlEventSource {
  // The start tag being reported.
  qname = '';
  namespaceURI: string | null = null;
  prefix: string | null = null;
  localName = '';
  attributeCount = 0;
  readonly attributeNames: string[] = [];
  /**
   * Each attribute's value when it had to be decoded; undefined where it reads as written, between
   * its quotes (attributeValue() gives both: most values are never asked for, see start-tag.ts).
   */
  readonly attributeValues: (string | undefined)[] = [];
  /** Offset of each attribute's opening quote (where xmldom places an attribute), and closing one. */
  readonly attributeQuotes: number[] = [];
  readonly attributeEnds: number[] = [];
  /** Whether every attribute value reads as written (no reference, no white space to normalize). */
  attributesPlain = true;
  /**
   * Whether an attribute is prefixed or declares a namespace. Only then are the three lists below
   * filled for the tag; otherwise every attribute is in no namespace and its local name is its name.
   */
  attributesQualified = false;
  readonly attributeUris: (string | null)[] = [];
  readonly attributePrefixes: (string | null)[] = [];
  readonly attributeLocals: string[] = [];
  /** Offset where the event being reported starts. */
  eventAt = 0;
  /** Offset where the text, processing instruction or XML declaration being reported ends. */
  eventEnd = 0;
  /**
   * The text being reported as written, when that is not its data with `<`, `>` and `&` escaped
   * (it holds a reference or a `>`); undefined otherwise.
   */
  textSource: string | undefined = undefined;
  /** The end tag being reported as written, when it has white space before its `>`. */
  endTagSource: string | undefined = undefined;
  /** Line and 1-based column of the offset last passed to locate(). */
  line = 1;
  column = 1;

  private readonly source: string | undefined;
  private readonly maxDepth: number;
  /** Where the first character XML forbids is (-1: none): reported when the scan reaches it. */
  private readonly badAt: number;
  /** The open elements' names, innermost last, with their start offsets. */
  private readonly open: string[] = [];
  private readonly openAt: number[] = [];
  /**
   * Prefix → namespace URI of the declarations in scope: one map updated in place, each
   * declaration undone when its element closes (scope objects chained by prototypes would make V8
   * set up new prototypes, and miss its lookup caches, in every parse).
   */
  private readonly bindings = new Map<string, string>([['xml', XML_NS]]);
  /** The binding of the empty prefix in `bindings`, read for every unprefixed element name. */
  private defaultNamespace: string | undefined = undefined;
  /** What the declarations in scope replaced, as prefix and URI (undefined: unbound) pairs. */
  private readonly shadowed: (string | undefined)[] = [];
  /** Per element entered (open, or being reported): the length of `shadowed` before its declarations. */
  private readonly scopeMarks: number[] = [];
  private rootSeen = false;
  /**
   * Element names met, one string each, in NAME_SLOTS slots chosen by length and end characters,
   * with the prefix and local name of each prefixed one: a document repeats a few dozen names
   * hundreds of times, and a string per element (three for a prefixed one) is an object more for
   * every element a held domain keeps. A name found in its slot is compared in place, not sliced.
   */
  private readonly names: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS);
  private readonly prefixes: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS);
  private readonly locals: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS);
  /** The slot of the element name being reported. */
  private nameSlot = 0;
  private lastPrefix = '';
  /** Where the markup being read starts (errors found by the scan are reported no later). */
  private scanAt = 0;
  // Line bookkeeping for positions: offsets are met in increasing order, so one forward scan.
  private lineStart = 0;
  private nextNewline: number;

  constructor(
    private readonly text: string,
    private readonly handler: XmlHandler,
    options: TokenizerOptions,
  ) {
    this.source = options.source;
    this.maxDepth = options.maxDepth;
    this.nextNewline = text.indexOf('\n');
    this.badAt = badCharacterAt(text);
  }

  run(): void {
    const { text } = this;
    const n = text.length;
    if (text.charCodeAt(0) === 0xfeff) {
      this.fail('the text starts with a byte order mark (U+FEFF): decode the input without it', 0);
    }
    this.handler.begin(this);
    let pos = 0;
    if (XML_DECLARATION_START.test(text)) pos = this.xmlDeclaration();
    for (;;) {
      const lt = text.indexOf('<', pos);
      const end = lt === -1 ? n : lt;
      if (end > pos) this.characters(pos, end, lt === -1);
      if (lt === -1) break;
      this.scanAt = lt;
      this.eventAt = lt;
      const c = text.charCodeAt(lt + 1);
      if (c === SLASH) pos = this.endTag(lt);
      else if (c === BANG) pos = this.markupDeclaration(lt);
      else if (c === QUESTION) pos = this.processingInstruction(lt);
      else pos = this.startTag(lt);
    }
    this.scanAt = n;
    const open = this.open[this.open.length - 1];
    if (open !== undefined) {
      this.fail(
        `<${open}> is not closed before the end of the text`,
        this.openAt[this.openAt.length - 1] ?? 0,
      );
    }
    if (!this.rootSeen) this.fail('no root element', Math.max(0, n - 1));
    if (this.badAt !== -1) this.failBadCharacter();
  }

  attribute(qname: string): string | undefined {
    for (let i = 0; i < this.attributeCount; i++) {
      if (this.attributeNames[i] === qname) return this.attributeValue(i);
    }
    return undefined;
  }

  /** The value of the start tag's attribute `i`, references decoded. */
  attributeValue(i: number): string {
    return (
      this.attributeValues[i] ??
      this.text.slice((this.attributeQuotes[i] as number) + 1, this.attributeEnds[i])
    );
  }

  mark(): number {
    return this.eventAt;
  }

  positionOf(mark: unknown): { line: number; column: number } {
    return this.lineColumn(mark as number);
  }

  /** Sets line and column to those of `offset`, which must not precede the last one located. */
  locate(offset: number): void {
    while (this.nextNewline !== -1 && this.nextNewline < offset) {
      this.line++;
      this.lineStart = this.nextNewline + 1;
      this.nextNewline = this.text.indexOf('\n', this.lineStart);
    }
    this.column = offset - this.lineStart + 1;
  }

  /** `<?xml ...?>` at the start. */
  private xmlDeclaration(): number {
    const { text } = this;
    const m = XML_DECLARATION.exec(text);
    if (m === null) {
      if (!text.includes('?>')) {
        this.endsInside(PI, 0);
      }
      this.fail(
        XML_VERSION.test(text)
          ? 'the XML declaration is malformed: expected <?xml version="1.x" encoding="..." standalone="yes|no"?>'
          : "the XML declaration's version must be 1.x",
        0,
      );
    }
    const end = m[0].length;
    this.eventAt = 0;
    this.eventEnd = end;
    this.handler.xmlDeclaration(text.slice(5, end - 2).replace(LEADING_SPACE, ''));
    return end;
  }

  /** Character data from `start` to `end` (the next `<`, or the end of the text). */
  private characters(start: number, end: number, atEnd: boolean): void {
    const { text } = this;
    this.eventAt = start;
    this.eventEnd = end;
    if (this.open.length === 0) {
      // Outside the root only whitespace.
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c !== SPACE && c !== NEWLINE && c !== TAB) {
          this.scanAt = i;
          this.fail('text outside the root element', i);
        }
      }
      if (!atEnd) this.handler.outerSpace(text.slice(start, end));
      return;
    }
    const shared = indentation(text, start, end);
    if (shared !== undefined) {
      this.textSource = undefined;
      this.handler.text(shared);
      return;
    }
    const raw = text.slice(start, end);
    const gt = raw.indexOf('>');
    const cdataEnd = gt === -1 ? -1 : raw.indexOf(']]>', Math.max(0, gt - 2));
    if (cdataEnd !== -1) {
      this.scanAt = start + cdataEnd;
      this.fail("']]>' is not allowed in text (write ]]&gt;)", start + cdataEnd);
    }
    const references = raw.includes('&');
    this.textSource = references || gt !== -1 ? raw : undefined;
    this.handler.text(references ? this.decode(start, end, false) : raw);
  }

  private startTag(lt: number): number {
    const { text } = this;
    const n = text.length;
    const nameEnd = this.requireName(
      lt + 1,
      lt,
      START_TAG,
      "'<' is not followed by a name (write &lt; for a literal '<')",
    );
    if (this.open.length === 0 && this.rootSeen) this.fail('more than one root element', lt);
    const qname = this.elementName(lt + 1, nameEnd);
    if (this.open.length >= this.maxDepth) {
      throw new XmlLimitError(`elements nested deeper than the limit of ${this.maxDepth}`, {
        source: this.source,
        ...this.lineColumn(lt),
      });
    }
    const names = this.attributeNames;
    const values = this.attributeValues;
    const quotes = this.attributeQuotes;
    const ends = this.attributeEnds;
    let count = 0;
    let allPlain = true;
    let qualified = false;
    let seen: Set<string> | undefined;
    let p = nameEnd;
    let empty = false;
    for (;;) {
      let c = text.charCodeAt(p);
      let spaced = false;
      while (c === SPACE || c === NEWLINE || c === TAB) {
        c = text.charCodeAt(++p);
        spaced = true;
      }
      if (c === GT) {
        p++;
        break;
      }
      if (c === SLASH) {
        if (text.charCodeAt(p + 1) !== GT) {
          if (p + 1 >= n) this.endsInside(START_TAG, lt);
          this.fail(`'/' in the start tag of <${qname}> must be followed by '>'`, p);
        }
        p += 2;
        empty = true;
        break;
      }
      if (p >= n) this.endsInside(START_TAG, lt);
      if (c === LT) this.unclosedStartTag(lt, p, qname);
      const attrEnd = this.nameEnd(p);
      if (attrEnd === p)
        this.notName(p, `unexpected ${quoteChar(text, p)} in the start tag of <${qname}>`, p);
      if (!spaced) this.fail(`no whitespace between attributes in the start tag of <${qname}>`, p);
      const name = text.slice(p, attrEnd);
      if (count < 16) {
        for (let i = 0; i < count; i++) {
          if (names[i] === name) this.fail(`attribute ${name} appears twice on <${qname}>`, lt);
        }
      } else {
        // Many attributes (only hostile input has them): a set keeps the check linear.
        seen ??= new Set(names.slice(0, count));
        if (seen.has(name)) this.fail(`attribute ${name} appears twice on <${qname}>`, lt);
        seen.add(name);
      }
      const nameAt = p;
      p = attrEnd;
      c = text.charCodeAt(p);
      while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
      if (c !== EQUALS) {
        if (p >= n) this.endsInside(START_TAG, lt);
        if (c === LT) this.unclosedStartTag(lt, p, qname);
        this.fail(`attribute ${name} has no value (write ${name}="...")`, nameAt);
      }
      c = text.charCodeAt(++p);
      while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
      if (c !== QUOTE && c !== APOSTROPHE) {
        if (p >= n) this.endsInside(START_TAG, lt);
        this.fail(`the value of attribute ${name} is not quoted (write ${name}="...")`, p);
      }
      const quoteAt = p;
      let plain = true;
      let d = text.charCodeAt(++p);
      while (d !== c) {
        if (d === LT) this.unclosedStartTag(lt, p, qname, true);
        if (d === AMP || d === NEWLINE || d === TAB) plain = false;
        else if (p >= n) this.endsInside(START_TAG, lt);
        d = text.charCodeAt(++p);
      }
      names[count] = name;
      values[count] = plain ? undefined : this.decode(quoteAt + 1, p, true);
      allPlain &&= plain;
      qualified ||= name.includes(':') || name === 'xmlns';
      quotes[count] = quoteAt;
      ends[count] = p;
      count++;
      p++;
    }
    this.attributeCount = count;
    this.attributesPlain = allPlain;
    this.attributesQualified = qualified;
    this.resolveNames(lt, qname);
    this.eventAt = lt;
    this.rootSeen = true;
    this.handler.startElement(this);
    if (empty) {
      this.leaveScope();
      this.handler.endElement();
    } else {
      this.open.push(qname);
      this.openAt.push(lt);
    }
    return p;
  }

  /** The element name text[start, end), as the string kept for it (see names). */
  private elementName(start: number, end: number): string {
    const { text } = this;
    const length = end - start;
    // Names of one document often share their first characters (a prefix) and length.
    const slot =
      (length * 17 +
        text.charCodeAt(end - 1) * 31 +
        text.charCodeAt(end - 2) * 7 +
        text.charCodeAt(start + (length >> 1))) &
      (NAME_SLOTS - 1);
    this.nameSlot = slot;
    const known = this.names[slot];
    if (known !== undefined && known.length === length && text.startsWith(known, start)) return known;
    const name = text.slice(start, end);
    this.names[slot] = name;
    this.prefixes[slot] = undefined;
    return name;
  }

  /**
   * Resolves the names of the start tag just read against the namespace declarations in scope
   * (its own included), and enters its scope.
   */
  private resolveNames(lt: number, qname: string): void {
    // Without prefixed attributes or declarations (attributesQualified), no attribute needs resolving.
    const count = this.attributesQualified ? this.attributeCount : 0;
    const names = this.attributeNames;
    // Namespace declarations first: they apply to the element's name and to all its attributes.
    const scope = this.bindings;
    this.scopeMarks.push(this.shadowed.length);
    for (let i = 0; i < count; i++) {
      const name = names[i] as string;
      if (name.charCodeAt(0) !== 0x78 /* x */ || !name.startsWith('xmlns')) continue;
      let prefix: string;
      if (name.length === 5) prefix = '';
      else if (name.charCodeAt(5) === 0x3a /* : */) {
        if (!isQName(name, 5)) this.fail(`attribute name "${name}" is not a valid qualified name`, lt);
        prefix = name.slice(6);
      } else continue;
      const value = this.attributeValue(i);
      const uri = KNOWN_URIS.get(value) ?? value;
      const wrong = wrongBinding(prefix, uri);
      if (wrong !== undefined) this.fail(wrong, lt);
      this.shadowed.push(prefix, scope.get(prefix));
      scope.set(prefix, uri);
      if (prefix === '') this.defaultNamespace = uri;
    }
    const colon = qname.indexOf(':');
    let ns: string | undefined;
    let prefix: string | null = null;
    let local = qname;
    if (colon === -1) {
      // As xmldom's createElementNS, which would throw.
      if (qname === 'xmlns') this.fail('the element name xmlns is reserved for namespace declarations', lt);
      ns = this.defaultNamespace;
    } else {
      const slot = this.nameSlot;
      const known = this.prefixes[slot];
      if (known === undefined) {
        if (!isQName(qname, colon)) this.fail(`element name "${qname}" is not a valid qualified name`, lt);
        // Most prefixed names of a document share a few prefixes: the last one is kept too.
        const last = this.lastPrefix;
        prefix = last.length === colon && qname.startsWith(last) ? last : qname.slice(0, colon);
        this.lastPrefix = prefix;
        local = qname.slice(colon + 1);
        this.prefixes[slot] = prefix;
        this.locals[slot] = local;
      } else {
        prefix = known;
        local = this.locals[slot] as string;
      }
      if (prefix === 'xmlns') this.fail(`element <${qname}> uses the reserved prefix xmlns`, lt);
      ns = scope.get(prefix);
      if (ns === undefined) this.fail(`element <${qname}>: namespace prefix "${prefix}" is not declared`, lt);
    }
    this.qname = qname;
    this.namespaceURI = ns === '' || ns === undefined ? null : ns;
    this.prefix = prefix;
    this.localName = local;
    const uris = this.attributeUris;
    const prefixes = this.attributePrefixes;
    const locals = this.attributeLocals;
    let expanded: Set<string> | undefined;
    for (let i = 0; i < count; i++) {
      const name = names[i] as string;
      const c = name.indexOf(':');
      let uri: string | null = null;
      let attrPrefix: string | null = null;
      let attrLocal = name;
      if (c !== -1) {
        if (!isQName(name, c)) this.fail(`attribute name "${name}" is not a valid qualified name`, lt);
        attrPrefix = name.slice(0, c);
        attrLocal = name.slice(c + 1);
        if (attrPrefix === 'xmlns') uri = XMLNS_NS;
        else {
          const bound = scope.get(attrPrefix);
          if (bound === undefined) {
            this.fail(
              `attribute ${name} of <${qname}>: namespace prefix "${attrPrefix}" is not declared`,
              lt,
            );
          }
          uri = bound;
          // Two prefixes bound to one URI can name one attribute twice; xmldom would keep the last.
          expanded ??= new Set();
          const key = `{${uri}}${attrLocal}`;
          if (expanded.has(key)) this.fail(`attribute ${key} appears twice on <${qname}>`, lt);
          expanded.add(key);
        }
      } else if (name === 'xmlns') uri = XMLNS_NS;
      uris[i] = uri;
      prefixes[i] = attrPrefix;
      locals[i] = attrLocal;
    }
  }

  /** Undoes the namespace declarations of the element closing. */
  private leaveScope(): void {
    const mark = this.scopeMarks.pop() as number;
    const shadowed = this.shadowed;
    while (shadowed.length > mark) {
      const uri = shadowed.pop();
      const prefix = shadowed.pop() as string;
      if (uri === undefined) this.bindings.delete(prefix);
      else this.bindings.set(prefix, uri);
      if (prefix === '') this.defaultNamespace = uri;
    }
  }

  private endTag(lt: number): number {
    const { text } = this;
    const open = this.open[this.open.length - 1];
    // The usual case first: the name of the open element, then '>'.
    if (open !== undefined && text.charCodeAt(lt + 2 + open.length) === GT && text.startsWith(open, lt + 2)) {
      this.close();
      return lt + 3 + open.length;
    }
    const nameEnd = this.requireName(lt + 2, lt, END_TAG, "'</' is not followed by a name");
    let p = nameEnd;
    let c = text.charCodeAt(p);
    while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
    if (c !== GT) {
      if (p >= text.length) this.endsInside(END_TAG, lt);
      this.notName(p, `unexpected ${quoteChar(text, p)} in the end tag </${text.slice(lt + 2, nameEnd)}>`, p);
    }
    if (open === undefined) {
      this.fail(`end tag </${text.slice(lt + 2, nameEnd)}> has no open element to close`, lt);
    }
    // Compared in place: no string made for the name of every end tag.
    if (nameEnd - lt - 2 !== open.length || !text.startsWith(open, lt + 2)) {
      this.fail(
        `<${open}> is not closed: the end tag at ${this.describe(lt)} is </${text.slice(lt + 2, nameEnd)}>`,
        this.openAt[this.openAt.length - 1] ?? 0,
      );
    }
    // Only here can an end tag hold white space; only here is it reported.
    this.endTagSource = p > nameEnd ? text.slice(lt, p + 1) : undefined;
    this.close();
    this.endTagSource = undefined;
    return p + 1;
  }

  private close(): void {
    this.open.pop();
    this.openAt.pop();
    this.leaveScope();
    this.handler.endElement();
  }

  /** `<!`: a comment or a CDATA section; a DOCTYPE or anything else is refused. */
  private markupDeclaration(lt: number): number {
    const { text } = this;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('--', lt + 4);
      if (end === -1) this.endsInside(COMMENT, lt);
      if (text.charCodeAt(end + 2) !== GT) {
        if (end + 2 >= text.length) this.endsInside(COMMENT, lt);
        this.scanAt = end;
        this.fail("'--' is not allowed inside a comment", end);
      }
      this.handler.comment(text.slice(lt + 4, end));
      return end + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      if (this.open.length === 0) this.fail('CDATA section outside the root element', lt);
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) this.endsInside(CDATA, lt);
      this.handler.cdata(text.slice(lt + 9, end));
      return end + 3;
    }
    if (text.startsWith('<!DOCTYPE', lt)) this.fail('DOCTYPE declarations are not allowed', lt);
    this.fail("'<!' starts neither a comment (<!--) nor a CDATA section (<![CDATA[)", lt);
  }

  private processingInstruction(lt: number): number {
    const { text } = this;
    const n = text.length;
    const targetEnd = this.requireName(lt + 2, lt, PI, 'processing instruction without a target');
    const target = text.slice(lt + 2, targetEnd);
    if (target.toLowerCase() === 'xml') {
      this.fail('an XML declaration must be at the start of the document', lt);
    }
    let p = targetEnd;
    let c = text.charCodeAt(p);
    let data = '';
    if (c === SPACE || c === NEWLINE || c === TAB) {
      while (c === SPACE || c === NEWLINE || c === TAB) c = text.charCodeAt(++p);
      const end = text.indexOf('?>', p);
      if (end === -1) this.endsInside(PI, lt);
      data = text.slice(p, end);
      p = end;
    } else if (c !== QUESTION || text.charCodeAt(p + 1) !== GT) {
      if (p >= n || (c === QUESTION && p + 1 >= n)) this.endsInside(PI, lt);
      this.notName(p, `processing instruction <?${target}: expected a space or '?>' after the target`, p);
    }
    this.eventEnd = p + 2;
    this.handler.processingInstruction(target, data);
    return p + 2;
  }

  /**
   * Decodes the references in text or an attribute value from `start` to `end`; in an attribute
   * value, tabs and newlines written as such become spaces (attribute-value normalization, as
   * xmldom does it), while references to them stay what they name.
   */
  private decode(start: number, end: number, attribute: boolean): string {
    const { text } = this;
    let out = '';
    let from = start;
    for (;;) {
      let amp = text.indexOf('&', from);
      if (amp === -1 || amp >= end) amp = end;
      const raw = text.slice(from, amp);
      out += attribute ? raw.replace(/[\t\n]/g, ' ') : raw;
      if (amp === end) return out;
      this.scanAt = amp;
      const semi = this.referenceEnd(amp, end);
      const body = text.slice(amp + 1, semi);
      if (body.charCodeAt(0) === HASH) {
        const cp =
          body.charCodeAt(1) === 0x78 /* x */ ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (!isXmlChar(cp)) {
          this.fail(`character reference &${body}; is not a character XML 1.0 allows`, amp);
        }
        out += String.fromCodePoint(cp);
      } else {
        const named = PREDEFINED.get(body);
        if (named === undefined) {
          this.fail(
            `undefined entity &${body};: only &lt; &gt; &amp; &quot; &apos; and character references are allowed`,
            amp,
          );
        }
        out += named;
      }
      from = semi + 1;
    }
  }

  /** The `;` of a well-formed reference starting at `amp` (before `end`), or fails with what is wrong. */
  private referenceEnd(amp: number, end: number): number {
    const { text } = this;
    let p = amp + 1;
    if (text.charCodeAt(p) === HASH) {
      p++;
      const hex = text.charCodeAt(p) === 0x78; /* x */
      if (hex) p++;
      const digitsAt = p;
      while (p < end && (hex ? isHexDigit(text.charCodeAt(p)) : isDigit(text.charCodeAt(p)))) p++;
      if (p > digitsAt && p < end && text.charCodeAt(p) === SEMICOLON) return p;
    } else {
      const nameEnd = Math.min(this.nameEnd(p), end);
      if (nameEnd > p && text.charCodeAt(nameEnd) === SEMICOLON) return nameEnd;
      if (p < end && text.charCodeAt(p) === SEMICOLON) this.fail("empty entity reference '&;'", amp);
    }
    // Something up to a `;` that is no reference, or a lone `&`.
    let q = amp + 1;
    for (; q < end; q++) {
      const c = text.charCodeAt(q);
      if (c === SEMICOLON || c === SPACE || c === NEWLINE || c === TAB || c === LT || c === AMP) break;
    }
    if (q < end && text.charCodeAt(q) === SEMICOLON && q > amp + 1) {
      const ref = text.slice(amp, q + 1);
      this.fail(
        text.charCodeAt(amp + 1) === HASH
          ? `malformed character reference ${ref}`
          : `malformed entity reference ${ref}`,
        amp,
      );
    }
    this.fail("'&' does not start an entity or character reference (write &amp; for a literal '&')", amp);
  }

  /** The end of the XML Name starting at `start` (`start` itself when none starts there). */
  private nameEnd(start: number): number {
    const { text } = this;
    let p = start;
    let c = text.charCodeAt(p);
    if (c < 128) {
      if (ASCII_NAME[c] !== 1) return p;
      p++;
    } else {
      const cp = text.codePointAt(p) ?? 0;
      if (Number.isNaN(c) || !isNameStartCodePoint(cp)) return p;
      p += cp > 0xffff ? 2 : 1;
    }
    for (;;) {
      c = text.charCodeAt(p);
      if (c < 128) {
        if (ASCII_NAME[c] === 0) return p;
        p++;
      } else {
        if (Number.isNaN(c)) return p;
        const cp = text.codePointAt(p) ?? 0;
        if (!isNameCodePoint(cp)) return p;
        p += cp > 0xffff ? 2 : 1;
      }
    }
  }

  /**
   * The end of the name that must start at `at`, in the `construct` starting at `lt`; `message`
   * when something else is there.
   */
  private requireName(at: number, lt: number, construct: string, message: string): number {
    const end = this.nameEnd(at);
    if (end === at) {
      if (at >= this.text.length) this.endsInside(construct, lt);
      this.notName(at, message, lt);
    }
    return end;
  }

  private endsInside(construct: string, offset: number): never {
    this.fail(`the text ends inside ${construct}`, offset);
  }

  /** Where a name was expected at `at`: a character outside ASCII is named, anything else described. */
  private notName(at: number, message: string, offset: number): never {
    const cp = this.text.codePointAt(at) ?? 0;
    if (cp >= 0x80 && at !== this.badAt) {
      this.scanAt = at;
      this.fail(`character U+${hex(cp)} is not allowed in a name`, at);
    }
    this.fail(message, offset);
  }

  /** A `<` inside a start tag: the tag misses its `>`, or an attribute value its closing quote. */
  private unclosedStartTag(lt: number, at: number, qname: string, inValue = false): never {
    this.fail(
      inValue
        ? `'<' at ${this.describe(at)} is inside an attribute value of <${qname}> (write &lt;, or close the quote before it)`
        : `start tag <${qname}> is not closed: '<' at ${this.describe(at)} is inside it`,
      lt,
    );
  }

  /** 1-based line and column (UTF-16 code units, as xmldom counts) of any offset. */
  private lineColumn(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    if (at < this.lineStart) {
      // Only on the way to an error: count from the start.
      let line = 1;
      let start = 0;
      for (let nl = this.text.indexOf('\n'); nl !== -1 && nl < at; nl = this.text.indexOf('\n', start)) {
        line++;
        start = nl + 1;
      }
      return { line, column: at - start + 1 };
    }
    this.locate(at);
    return { line: this.line, column: this.column };
  }

  /** `line:column` of an offset. */
  private describe(offset: number): string {
    const { line, column } = this.lineColumn(offset);
    return `${line}:${column}`;
  }

  /**
   * Fails with `message` at `offset`, unless a character XML forbids comes before the markup
   * being read: errors are reported in the order of the text.
   */
  private fail(message: string, offset: number): never {
    if (this.badAt !== -1 && this.badAt <= Math.max(this.scanAt, offset)) this.failBadCharacter();
    throw new XmlParseError(message, { source: this.source, ...this.lineColumn(offset) });
  }

  private failBadCharacter(): never {
    const at = this.badAt;
    const c = this.text.charCodeAt(at);
    const message =
      c >= 0xd800 && c <= 0xdfff
        ? `lone surrogate U+${hex(c)} is not a character`
        : `character U+${hex(c)} is not allowed here`;
    throw new XmlParseError(message, { source: this.source, ...this.lineColumn(at) });
  }
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** The character at `at`, quoted for a message. */
function quoteChar(text: string, at: number): string {
  return JSON.stringify(String.fromCodePoint(text.codePointAt(at) ?? 0));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** XML 1.0 production [2]: what a character reference may name. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * A prefixed name is two NCNames around one colon. The tokenizer checked that it is a Name, so
 * what is left is the colon's place and the local part's first character (a Name character that
 * cannot start one).
 */
function isQName(name: string, colon: number): boolean {
  return (
    colon !== 0 &&
    colon !== name.length - 1 &&
    name.indexOf(':', colon + 1) === -1 &&
    canStartName(name, colon + 1)
  );
}

function canStartName(name: string, at: number): boolean {
  const c = name.charCodeAt(at);
  return c < 128 ? ASCII_NAME[c] === 1 : isNameStartCodePoint(name.codePointAt(at) ?? 0);
}

/** Namespaces in XML 1.0 section 3: the fixed bindings of `xml` and `xmlns`, and no undeclaring a prefix. */
function wrongBinding(prefix: string, uri: string): string | undefined {
  if (prefix === 'xmlns') return 'the prefix xmlns must not be declared';
  if (prefix === 'xml' && uri !== XML_NS) return `the prefix xml must be bound to ${XML_NS}, not "${uri}"`;
  if (uri === XML_NS && prefix !== 'xml') return `the namespace ${XML_NS} belongs to the prefix xml only`;
  if (uri === XMLNS_NS) return `the namespace ${XMLNS_NS} must not be declared`;
  if (uri === '' && prefix !== '') return `xmlns:${prefix}="": a prefix cannot be undeclared in XML 1.0`;
  return undefined;
}
