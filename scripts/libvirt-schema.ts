/**
 * Reads libvirt's RelaxNG domain schema and builds, for every device kind, the merged tree of the
 * elements and attributes it may hold: what the coverage gate (issue 13) measures typed accessors
 * against. Only the patterns libvirt's schemas use are understood (no nested grammars, no
 * externalRef, no name classes other than skipping them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childElements, getAttr, localNameOf, parseXml, textOf } from '../src/xml/index.js';
import type { Element } from '../src/xml/index.js';

export type ValueType =
  /** `<value>` choices; open when a `<data>`/`<text>` alternative exists too. */
  | { kind: 'enum'; values: readonly string[]; open: boolean }
  /** A closed choice of exactly yes/no or on/off (often through ref virYesNo / virOnOff). */
  | { kind: 'yesNo' }
  | { kind: 'onOff' }
  | { kind: 'int' }
  | { kind: 'uint' }
  /** Anything else: patterns (hex numbers too), paths, uuids, text. */
  | { kind: 'string' };

export interface SchemaElement {
  readonly name: string;
  /** The `<define>` whose whole content is this element, when there is one (for naming and reuse). */
  readonly define: string | undefined;
  /** In first-seen document order. */
  readonly attributes: Map<string, ValueType>;
  /** In first-seen document order. */
  readonly children: Map<string, SchemaChild>;
  /** Character content: data, value or text directly in the element. */
  text: ValueType | undefined;
}

export interface SchemaChild {
  readonly element: SchemaElement;
  repeated: boolean;
}

/** The subtrees the path count leaves out: every device has them, none is the device's own data. */
export const NOT_DEVICE_DATA: readonly string[] = ['address', 'alias', 'boot', 'acpi'];

/** The shared reference copy (libvirt 12.8) beside the checkout, else the installed libvirt's; undefined when neither is there. */
export function defaultSchemaDir(): string | undefined {
  const repo = dirname(dirname(fileURLToPath(import.meta.url)));
  const candidates = [
    resolve(repo, '..', 'shared', 'reference', 'libvirt-schemas'),
    '/usr/share/libvirt/schemas',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'domain.rng')));
}

/** Every device kind of `<devices>` in the schema at `dir`, by element name (`graphics`, `memory`), with its tree. */
export function loadDeviceSchema(dir: string): Map<string, SchemaElement> {
  const defines = loadGrammar(join(dir, 'domain.rng'));
  const devices = defines.get('devices');
  const pattern = devices?.bodies.flatMap(rngChildren).find((p) => localNameOf(p) === 'element');
  if (pattern === undefined)
    throw new Error(`${dir}: no <define name="devices"> holding the devices element`);
  const root = new TreeBuilder(defines).build('devices', [pattern]);
  const kinds = new Map<string, SchemaElement>();
  for (const [name, child] of root.children) {
    // The emulator's path, not a device.
    if (name !== 'emulator') kinds.set(name, child.element);
  }
  return kinds;
}

/**
 * The data-bearing paths below `root` (itself included), each once: `disk/@type` for an attribute,
 * `disk/serial` for an element with character content, `disk/readonly` for an element holding
 * nothing (a presence flag). An element with attributes or children is not a path of its own.
 * Children named in `exclude` are left out with their subtrees, at any depth.
 *
 * Where the tree cycles, the walk enters an element at most twice on one path, so the recursion
 * itself is listed once (`disk/backingStore/backingStore/source/@file`, the storage source under
 * `disk/source/dataStore/source`) and stops where it would come round a second time: a
 * typed chain must reach one level into it, and deeper levels are the same paths again.
 *
 * On libvirt 12.8 this gives 1,676 paths; the issue counted 1,596. Other readings are further
 * off: stopping at the first repetition gives 1,082 (and leaves `source/dataStore/source`, which
 * the issue names, out), counting elements that hold attributes as paths too 2,165, dropping
 * the flags 1,665 (but they are data: `readonly`, `shareable`).
 */
export function dataPaths(root: SchemaElement, exclude: readonly string[] = NOT_DEVICE_DATA): string[] {
  const out: string[] = [];
  const onPath = new Map<SchemaElement, number>();
  const walk = (el: SchemaElement, path: string): void => {
    onPath.set(el, (onPath.get(el) ?? 0) + 1);
    for (const name of el.attributes.keys()) out.push(`${path}/@${name}`);
    if (el.text !== undefined || (el.attributes.size === 0 && el.children.size === 0)) out.push(path);
    for (const [name, child] of el.children) {
      if (!exclude.includes(name) && (onPath.get(child.element) ?? 0) < 2)
        walk(child.element, `${path}/${name}`);
    }
    onPath.set(el, (onPath.get(el) ?? 0) - 1);
  };
  walk(root, root.name);
  return out;
}

/** A define's bodies (one per `<define>` of that name) and how they combine. */
interface Define {
  combine: 'choice' | 'interleave' | undefined;
  readonly bodies: Element[];
}

const RNG_NS = 'http://relaxng.org/ns/structure/1.0';

/** The defines of the grammar in `file` and its includes, overrides and combines applied. */
function loadGrammar(file: string): Map<string, Define> {
  const doc = parseXml(readFileSync(file, 'utf8'), { source: file });
  const defines = new Map<string, Define>();
  const root = doc.documentElement;
  if (root === null) throw new Error(`${file}: empty document`);
  readGrammarContent(root, dirname(file), defines);
  return defines;
}

function readGrammarContent(parent: Element, dir: string, defines: Map<string, Define>): void {
  for (const node of rngChildren(parent)) {
    switch (localNameOf(node)) {
      case 'define':
        addDefine(defines, node);
        break;
      case 'div':
        readGrammarContent(node, dir, defines);
        break;
      case 'include': {
        const included = loadGrammar(join(dir, attr(node, 'href')));
        // A define inside <include> replaces every define of that name in the included grammar.
        for (const own of childElements(node, 'define', RNG_NS)) included.delete(attr(own, 'name'));
        readGrammarContent(node, dir, included);
        for (const [name, def] of included) {
          for (const body of def.bodies) addDefine(defines, body, name, def.combine);
        }
        break;
      }
    }
  }
}

function addDefine(
  defines: Map<string, Define>,
  body: Element,
  name = attr(body, 'name'),
  combine = getAttr(body, 'combine'),
): void {
  const mode = combine === 'choice' || combine === 'interleave' ? combine : undefined;
  const known = defines.get(name);
  if (known === undefined) defines.set(name, { combine: mode, bodies: [body] });
  else {
    known.bodies.push(body);
    known.combine ??= mode;
  }
}

/** The RelaxNG patterns inside `el` (foreign elements are annotations). */
function rngChildren(el: Element): Element[] {
  return childElements(el, undefined, RNG_NS);
}

function attr(el: Element, name: string): string {
  const value = getAttr(el, name);
  if (value === undefined) throw new Error(`<${localNameOf(el)}> without ${name}`);
  return value;
}

/** What one element's content allows, collected over all its patterns before its children are built. */
class Content {
  readonly attributes = new Map<string, ValueType>();
  readonly children = new Map<string, Element[]>();
  /** The most times each child may occur (2 standing for "more than once"). */
  counts = NONE;
  text: ValueType | undefined = undefined;
}

/** Occurrence counts of child elements in a pattern: sequences add, choices take the larger. Never changed once made. */
type Counts = ReadonlyMap<string, number>;

const NONE: Counts = new Map();

const XSD_INT = new Set(['int', 'integer', 'long', 'short', 'byte', 'negativeInteger', 'nonPositiveInteger']);
const XSD_UINT = new Set([
  'unsignedInt',
  'unsignedLong',
  'unsignedShort',
  'unsignedByte',
  'positiveInteger',
  'nonNegativeInteger',
]);

/** Expands element patterns into SchemaElements, sharing the one being built where the grammar recurses. */
class TreeBuilder {
  /** The define each element pattern is the whole content of. */
  private readonly wholeDefine = new Map<Element, string>();
  /** Element patterns being expanded on the current path, with what they build. */
  private readonly building = new Map<Element, SchemaElement>();

  constructor(private readonly defines: Map<string, Define>) {
    for (const [name, def] of defines) {
      const [body] = def.bodies;
      const inner = body === undefined ? [] : rngChildren(body);
      if (def.bodies.length === 1 && inner.length === 1 && localNameOf(inner[0] as Element) === 'element')
        this.wholeDefine.set(inner[0] as Element, name);
    }
  }

  /** One element merged from every pattern of that name found under one parent. */
  build(name: string, patterns: readonly Element[]): SchemaElement {
    const content = new Content();
    for (const p of patterns) {
      const leaves: Leaves = { values: [], others: [] };
      // Patterns of one name are alternatives: a child occurs as often as the most any of them allows.
      content.counts = alternatives(content.counts, this.walk(rngChildren(p), content, leaves, 'group'));
      if (leaves.values.length > 0 || leaves.others.length > 0)
        content.text = merged(content.text, choiceOf(leaves));
    }
    const named = new Set(patterns.map((p) => this.wholeDefine.get(p)).filter((d) => d !== undefined));
    const el: SchemaElement = {
      name,
      define: named.size === 1 ? [...named][0] : undefined,
      attributes: content.attributes,
      children: new Map(),
      text: content.text,
    };
    for (const p of patterns) this.building.set(p, el);
    for (const [childName, childPatterns] of content.children) {
      // Recursion: the element already being built for one of the patterns stands for the whole
      // group (libvirt's recursive groups add nothing to it: an empty backingStore beside the chain).
      const open = childPatterns.map((p) => this.building.get(p)).find((e) => e !== undefined);
      el.children.set(childName, {
        element: open ?? this.build(childName, childPatterns),
        repeated: (content.counts.get(childName) ?? 0) > 1,
      });
    }
    for (const p of patterns) this.building.delete(p);
    return el;
  }

  /**
   * Walks patterns combined as `mode` into `content`, collecting character-content leaves into
   * `leaves`; returns how often each child element may occur.
   */
  private walk(
    nodes: readonly Element[],
    content: Content,
    leaves: Leaves,
    mode: 'group' | 'choice',
  ): Counts {
    let counts = NONE;
    for (const node of nodes) {
      const own = this.walkOne(node, content, leaves);
      counts = mode === 'choice' ? alternatives(counts, own) : sequence(counts, own);
    }
    return counts;
  }

  private walkOne(node: Element, content: Content, leaves: Leaves): Counts {
    const inner = (): Element[] => rngChildren(node);
    switch (localNameOf(node)) {
      case 'element': {
        const name = getAttr(node, 'name');
        // Name classes (anyName, nsName) and elements that can never occur (libvirt's private data) record nothing.
        if (name === undefined || inner().some((c) => localNameOf(c) === 'notAllowed')) return NONE;
        const list = content.children.get(name);
        if (list === undefined) content.children.set(name, [node]);
        else if (!list.includes(node)) list.push(node);
        return new Map([[name, 1]]);
      }
      case 'attribute': {
        const name = getAttr(node, 'name');
        if (name === undefined) return NONE;
        const values: Leaves = { values: [], others: [] };
        // An attribute's content holds values only: nothing lands in the throwaway Content.
        this.walk(inner(), new Content(), values, 'group');
        const type = values.values.length === 0 && values.others.length === 0 ? STRING : choiceOf(values);
        content.attributes.set(name, merged(content.attributes.get(name), type));
        return NONE;
      }
      case 'ref':
      case 'parentRef': {
        const def = this.defines.get(attr(node, 'name'));
        if (def === undefined) throw new Error(`no define named ${attr(node, 'name')}`);
        if (def.combine === 'choice') {
          const branches = def.bodies.map((b) => this.walk(rngChildren(b), content, leaves, 'group'));
          return branches.reduce(alternatives, NONE);
        }
        return this.walk(def.bodies.flatMap(rngChildren), content, leaves, 'group');
      }
      case 'choice':
        return this.walk(inner(), content, leaves, 'choice');
      case 'zeroOrMore':
      case 'oneOrMore':
        return new Map([...this.walk(inner(), content, leaves, 'group').keys()].map((k) => [k, 2]));
      case 'optional':
      case 'group':
      case 'interleave':
      case 'mixed':
      case 'list':
        return this.walk(inner(), content, leaves, 'group');
      case 'value':
        leaves.values.push(textOf(node).trim());
        return NONE;
      case 'data':
        leaves.others.push(dataKind(getAttr(node, 'type') ?? 'string', hexPattern(node)));
        return NONE;
      case 'text':
        leaves.others.push(STRING);
        return NONE;
      default:
        // empty, notAllowed, and what libvirt's schemas do not use.
        return NONE;
    }
  }
}

/** The character-content leaves of a pattern: its `<value>`s and the kinds of its `<data>`/`<text>`. */
interface Leaves {
  values: string[];
  others: ValueType[];
}

const STRING: ValueType = { kind: 'string' };

/** libvirt's unsigned numbers written in hex or decimal (`uint32`: `(0x)?[0-9a-fA-F]{1,8}` or an unsignedInt). */
function hexPattern(data: Element): boolean {
  return childElements(data, 'param').some(
    (p) => getAttr(p, 'name') === 'pattern' && /^\(0x\)\?\[0-9a-fA-F\]\{[\d,]+\}$/.test(textOf(p)),
  );
}

function dataKind(type: string, hex = false): ValueType {
  if (XSD_INT.has(type)) return { kind: 'int' };
  if (hex) return { kind: 'uint' };
  if (XSD_UINT.has(type)) return { kind: 'uint' };
  return STRING;
}

/** The type of one pattern's leaves, alternatives of each other. */
function choiceOf(leaves: Leaves): ValueType {
  if (leaves.values.length > 0) return enumOf(leaves.values, leaves.others.length > 0);
  const [first, ...rest] = leaves.others;
  return first !== undefined && rest.every((t) => t.kind === first.kind) ? first : STRING;
}

function enumOf(values: readonly string[], open: boolean): ValueType {
  const unique = [...new Set(values)];
  const exactly = (a: string, b: string): boolean =>
    unique.length === 2 && unique.includes(a) && unique.includes(b);
  if (!open && exactly('yes', 'no')) return { kind: 'yesNo' };
  if (!open && exactly('on', 'off')) return { kind: 'onOff' };
  return { kind: 'enum', values: unique, open };
}

/** The values of an enum-like type, undefined for the others. */
function enumValues(t: ValueType): { values: readonly string[]; open: boolean } | undefined {
  if (t.kind === 'enum') return t;
  if (t.kind === 'yesNo') return { values: ['yes', 'no'], open: false };
  if (t.kind === 'onOff') return { values: ['on', 'off'], open: false };
  return undefined;
}

/** The type of a value found in several branches: enums unite, other kinds must agree or give string. */
function merged(a: ValueType | undefined, b: ValueType): ValueType {
  if (a === undefined) return b;
  const ea = enumValues(a);
  const eb = enumValues(b);
  if (ea !== undefined && eb !== undefined) return enumOf([...ea.values, ...eb.values], ea.open || eb.open);
  return a.kind === b.kind ? a : STRING;
}

function sequence(a: Counts, b: Counts): Counts {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Map(a);
  for (const [k, n] of b) out.set(k, Math.min(2, (out.get(k) ?? 0) + n));
  return out;
}

function alternatives(a: Counts, b: Counts): Counts {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Map(a);
  for (const [k, n] of b) out.set(k, Math.max(out.get(k) ?? 0, n));
  return out;
}

// `tsx scripts/libvirt-schema.ts [dir]`: the data-bearing paths per device kind.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? defaultSchemaDir();
  if (dir === undefined) throw new Error('no libvirt schema directory given or found');
  let total = 0;
  for (const [kind, root] of loadDeviceSchema(dir)) {
    const n = dataPaths(root).length;
    total += n;
    console.log(`${kind.padEnd(12)} ${n}`);
  }
  console.log(`${'total'.padEnd(12)} ${total}`);
}
