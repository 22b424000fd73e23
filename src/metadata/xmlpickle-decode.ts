/**
 * The xmlpickle decoder (the layout is in xmlpickle.ts): one decoder reads the events of the
 * tokenizer (from text, no DOM is built) or of a walk over an element already parsed.
 */
import { MetadataError, XmlLimitError } from '../errors.js';
import type { Element, StartTag, XmlEventSource, XmlHandler } from '../xml/dom.js';
import { DEFAULT_MAX_DEPTH, readXml } from '../xml/dom.js';
import { isXmlWhitespace, walkXml } from '../xml/tree.js';
import type { Dict, Value } from './value.js';
import {
  DEFAULT_MAX_INT_DIGITS,
  Tuple,
  dict,
  dictSet,
  displayPath,
  floatValue,
  hasKey,
  indexPath,
  intTextProblem,
  keyPath,
  quoteExcerpt,
  parseBoolText,
  parseFloatText,
  parseIntText,
  UnreadableValue,
} from './value.js';
import type { ContainerType } from './xmlpickle.js';
import { XMLPICKLE_TYPES, defaultRoot, hashKey, namespaceOf, typeName } from './xmlpickle.js';

export interface XmlpickleDecodeOptions {
  /** Namespace URI of the root, `value` and `item` elements; `null` for none. Default: `ovirt-instance`. */
  namespace?: string | null;
  /** Name of the input, carried by errors. */
  source?: string;
  /** Local name of the root element. Default: `instance`, or `pyxmlpickle` when `namespace` is null. */
  root?: string;
  /**
   * Lenient decoding: an int, float or bool whose text cannot be read is kept as an
   * UnreadableValue and reported here, with the error strict decoding throws. Errors of structure
   * still throw.
   */
  onUnreadable?: (problem: MetadataError) => void;
  /**
   * Refuse an int of more digits, as Python does: converting one costs more than linear time.
   * Default DEFAULT_MAX_INT_DIGITS (4300, Python's); 0: no limit.
   */
  maxIntDigits?: number;
  /** Refuse elements nested deeper (the root counts as 1), read from text or given. Default 512. */
  maxDepth?: number;
}

function describeNs(ns: string | null): string {
  return ns === null ? 'no namespace' : `namespace ${ns}`;
}

/** A frame per open element: the root, or a `<value>`/`<item>` node being decoded. */
interface DecodeFrame {
  /** 'root', a container type, or a scalar type. */
  type: 'root' | ContainerType | ScalarType;
  qname: string;
  /** Where the element starts (a mark of the event source). */
  mark: unknown;
  path: string;
  /** Items read so far (containers), or `<value>`s (root). */
  count: number;
  /** The key of the item being decoded in a dict, and that item's mark (set members). */
  key: string;
  itemMark: unknown;
  dict: Dict | undefined;
  members: Value[] | undefined;
  /** Set members seen, by hashKey. */
  seen: Set<string> | undefined;
  /** Text of a scalar. */
  text: string;
  /** The decoded `<value>` (root). */
  value: Value | undefined;
}

type ScalarType = 'str' | 'int' | 'float' | 'bool';

/**
 * The first fault stops the decoding, not the reading: a document that is not well-formed XML is
 * reported as such, whatever its content.
 */
class XmlpickleDecoder implements XmlHandler {
  private events!: XmlEventSource;
  private readonly stack: DecodeFrame[] = [];
  result: Value | undefined;
  error: MetadataError | XmlLimitError | undefined;

  constructor(
    private readonly ns: string | null,
    private readonly rootName: string,
    private readonly source: string | undefined,
    private readonly onUnreadable: XmlpickleDecodeOptions['onUnreadable'],
    private readonly maxIntDigits: number,
    private readonly maxDepth: number,
  ) {}

  begin(events: XmlEventSource): void {
    this.events = events;
  }

  private fail(
    code: 'METADATA_VALUE' | 'METADATA_SHAPE',
    detail: string,
    path: string,
    mark: unknown,
  ): never {
    throw new MetadataError(code, detail, {
      path: displayPath(path),
      source: this.source,
      ...this.events.positionOf(mark),
    });
  }

  startElement(tag: StartTag): void {
    if (this.error !== undefined) return;
    try {
      this.start(tag);
    } catch (e) {
      this.stop(e);
    }
  }

  endElement(): void {
    if (this.error !== undefined) return;
    try {
      this.end();
    } catch (e) {
      this.stop(e);
    }
  }

  text(data: string): void {
    if (this.error !== undefined) return;
    try {
      this.characters(data);
    } catch (e) {
      this.stop(e);
    }
  }

  private stop(e: unknown): void {
    if (!(e instanceof MetadataError) && !(e instanceof XmlLimitError)) throw e;
    this.error = e;
  }

  private start(tag: StartTag): void {
    const { stack, ns } = this;
    const mark = this.events.mark();
    // Read from text, the parser stops there; an element given may come from a parser with a
    // higher limit, or from code: the same document must be refused the same way.
    if (stack.length >= this.maxDepth) {
      const top = stack[stack.length - 1] as DecodeFrame;
      throw new XmlLimitError(`elements nested deeper than the limit of ${this.maxDepth}`, {
        path: displayPath(top.path),
        source: this.source,
        ...this.events.positionOf(mark),
      });
    }
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (tag.localName !== this.rootName || tag.namespaceURI !== ns) {
        this.fail(
          'METADATA_SHAPE',
          `expected <${this.rootName}> in ${describeNs(ns)}, got <${tag.qname}> in ${describeNs(tag.namespaceURI)}`,
          '',
          mark,
        );
      }
      stack.push(frame('root', tag.qname, mark, ''));
      return;
    }
    if (top.type === 'root') {
      this.expectNamed(tag, 'value', `<${top.qname}>`, '', mark);
      // pyxmlpickle would read the first one only: the others would be lost without a word.
      if (top.count > 0) this.fail('METADATA_SHAPE', `<${top.qname}> holds more than one <value>`, '', mark);
      top.count++;
      stack.push(this.open(tag, '', mark));
      return;
    }
    if (!isContainer(top.type)) {
      this.fail(
        'METADATA_SHAPE',
        `${withArticle(top.type)} holds text only, but contains <${tag.qname}>`,
        top.path,
        mark,
      );
    }
    this.expectNamed(tag, 'item', withArticle(top.type), top.path, mark);
    const path = this.itemPath(top, tag, mark);
    top.itemMark = mark;
    top.count++;
    stack.push(this.open(tag, path, mark));
  }

  private end(): void {
    const f = this.stack.pop() as DecodeFrame;
    if (f.type === 'root') {
      if (f.value === undefined) this.fail('METADATA_SHAPE', `<${f.qname}> holds no <value>`, '', f.mark);
      this.result = f.value;
      return;
    }
    const v = this.close(f);
    const parent = this.stack[this.stack.length - 1] as DecodeFrame;
    if (parent.type === 'root') parent.value = v;
    else this.addMember(parent, v);
  }

  private characters(data: string): void {
    const top = this.stack[this.stack.length - 1] as DecodeFrame;
    if (top.type === 'root' || isContainer(top.type)) {
      if (!isXmlWhitespace(data)) {
        const what = top.type === 'root' ? `<${top.qname}>` : withArticle(top.type);
        this.fail(
          'METADATA_SHAPE',
          `stray text ${quoteExcerpt(data)} in ${what}`,
          top.path,
          this.events.mark(),
        );
      }
      return;
    }
    top.text += data;
  }

  cdata(data: string): void {
    this.text(data);
  }

  // Comments and processing instructions carry no data; what is outside the root is not ours.
  comment(): void {
    // Nothing.
  }
  processingInstruction(): void {
    // Nothing.
  }
  outerSpace(): void {
    // Nothing.
  }
  xmlDeclaration(): void {
    // Nothing.
  }

  /**
   * Only `<name>` in the codec's namespace may be here: other elements are errors (pyxmlpickle
   * ignored them, and their data with them).
   */
  private expectNamed(tag: StartTag, name: string, what: string, path: string, mark: unknown): void {
    if (tag.localName === name && tag.namespaceURI === this.ns) return;
    const where = tag.localName === name ? ` in ${describeNs(tag.namespaceURI)}` : '';
    this.fail(
      'METADATA_SHAPE',
      `unexpected <${tag.qname}>${where} in ${what}: only <${name}> in ${describeNs(this.ns)} may be here`,
      path,
      mark,
    );
  }

  /** Opens a `<value>` or `<item>` by its type. */
  private open(tag: StartTag, path: string, mark: unknown): DecodeFrame {
    const typeAttr = tag.attribute('type');
    if (typeAttr === undefined)
      this.fail('METADATA_SHAPE', `<${tag.qname}> has no type attribute`, path, mark);
    const type = typeAttr.toLowerCase();
    switch (type) {
      case 'dict':
      case 'list':
      case 'tuple':
      case 'set':
      case 'str':
      case 'int':
      case 'float':
      case 'bool':
        return frame(type, tag.qname, mark, path);
      default:
        this.fail(
          'METADATA_SHAPE',
          `unknown type ${JSON.stringify(typeAttr)}: expected one of ${XMLPICKLE_TYPES.join(', ')}`,
          path,
          mark,
        );
    }
  }

  /** The value of a node whose element ended. */
  private close(f: DecodeFrame): Value {
    switch (f.type) {
      case 'dict':
        return f.dict ?? dict();
      case 'list':
        return f.members ?? [];
      case 'tuple':
        return Tuple.of_(f.members ?? []);
      case 'set':
        return new Set(f.members);
      case 'str':
        return f.text;
      case 'int':
      case 'float':
      case 'bool': {
        const { text, type } = f;
        if (text === '') return this.unreadable(f, `empty ${type}`);
        const parsed =
          type === 'int'
            ? parseIntText(text, this.maxIntDigits)
            : type === 'float'
              ? parseFloatText(text)
              : parseBoolText(text);
        if (parsed === undefined) {
          const expected = type === 'bool' ? ': expected true or false (in any case)' : '';
          const tooLong = type === 'int' ? intTextProblem(text, this.maxIntDigits) : undefined;
          return this.unreadable(f, tooLong ?? `bad ${type} ${quoteExcerpt(text)}${expected}`);
        }
        return typeof parsed === 'number' && type === 'float' ? floatValue(parsed) : parsed;
      }
      case 'root':
        throw new Error('the root has no value of its own');
    }
  }

  /** A scalar whose text cannot be read: an error, or leniently a value kept as written. */
  private unreadable(f: DecodeFrame, reason: string): UnreadableValue {
    if (this.onUnreadable === undefined) this.fail('METADATA_VALUE', reason, f.path, f.mark);
    const at = { path: displayPath(f.path), source: this.source, ...this.events.positionOf(f.mark) };
    this.onUnreadable(new MetadataError('METADATA_VALUE', reason, at));
    return new UnreadableValue(f.text, f.type, reason, at);
  }

  /** Checks an item's key or index and returns its value path. */
  private itemPath(f: DecodeFrame, item: StartTag, mark: unknown): string {
    const position = f.count;
    if (f.type === 'dict') {
      const key = item.attribute('key');
      if (key === undefined) {
        this.fail('METADATA_SHAPE', 'an item of the dict has no key attribute', f.path, mark);
      }
      const path = keyPath(f.path, key);
      if (f.dict !== undefined && hasKey(f.dict, key)) {
        this.fail('METADATA_SHAPE', `duplicate key ${JSON.stringify(key)} in the dict`, path, mark);
      }
      f.key = key;
      return path;
    }
    const path = indexPath(f.path, position);
    const index = item.attribute('index');
    if (index === undefined) {
      this.fail('METADATA_SHAPE', `item of the ${f.type} has no index attribute`, path, mark);
    }
    if (index !== String(position)) {
      this.fail(
        'METADATA_SHAPE',
        `index ${JSON.stringify(index)} where ${position} was expected: the indexes of ${withArticle(f.type)} are 0..n-1 in order`,
        path,
        mark,
      );
    }
    return path;
  }

  private addMember(f: DecodeFrame, v: Value): void {
    if (f.type === 'dict') {
      dictSet((f.dict ??= dict()), f.key, v);
      return;
    }
    if (f.type === 'set') {
      const path = indexPath(f.path, f.count - 1);
      const key = hashKey(v);
      if (key === undefined) {
        this.fail(
          'METADATA_SHAPE',
          `a set member must be hashable (a scalar or a tuple of them), got a ${typeName(v)}`,
          path,
          f.itemMark,
        );
      }
      f.seen ??= new Set();
      if (f.seen.has(key)) this.fail('METADATA_SHAPE', 'the set holds this member twice', path, f.itemMark);
      f.seen.add(key);
    }
    (f.members ??= []).push(v);
  }
}

function frame(type: DecodeFrame['type'], qname: string, mark: unknown, path: string): DecodeFrame {
  return {
    type,
    qname,
    mark,
    path,
    count: 0,
    key: '',
    itemMark: undefined,
    dict: undefined,
    members: undefined,
    seen: undefined,
    text: '',
    value: undefined,
  };
}

function isContainer(type: DecodeFrame['type']): type is ContainerType {
  return type === 'dict' || type === 'list' || type === 'tuple' || type === 'set';
}

/**
 * Decodes an xmlpickle document: `input` is its root element (`<ovirt-instance:instance>` by
 * default) or XML text (read without building a Document), whose single `<value>` child holds the
 * value.
 */
export function decodeXmlpickle(input: Element | string, options: XmlpickleDecodeOptions = {}): Value {
  const ns = namespaceOf(options);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const decoder = new XmlpickleDecoder(
    ns,
    options.root ?? defaultRoot(ns),
    options.source,
    options.onUnreadable,
    options.maxIntDigits ?? DEFAULT_MAX_INT_DIGITS,
    maxDepth,
  );
  if (typeof input === 'string') readXml(input, decoder, { source: options.source, maxDepth });
  else walkXml(input, decoder);
  if (decoder.error !== undefined) throw decoder.error;
  if (decoder.result === undefined) throw new Error('the decoder ended without a value');
  return decoder.result;
}

function withArticle(type: string): string {
  return `${type === 'int' ? 'an' : 'a'} ${type}`;
}
