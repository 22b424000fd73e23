/**
 * Direct-child helpers. Structure is always found among direct children, never by descendant
 * search: `<source><address/></source>` is not a device's guest address.
 */
import type { Attr } from '@xmldom/xmldom';
import type { Document, Element, Node, XmlHandler } from './dom.js';
import { NODE, positionOf } from './dom.js';
import { TagScan, isLazy, tagAttribute } from './start-tag.js';

export function isElement(n: Node | null | undefined): n is Element {
  return n !== null && n !== undefined && n.nodeType === NODE.ELEMENT;
}

/** Local name of an element (`ovirt-vm:device` → `device`). */
export function localNameOf(el: Element): string {
  return el.localName ?? el.nodeName;
}

/** The element children of `parent`, optionally only those named `localName` (in `ns` when given). */
export function childElements(parent: Node, localName?: string, ns?: string | null): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType !== NODE.ELEMENT) continue;
    const el = c as Element;
    if (localName !== undefined && localNameOf(el) !== localName) continue;
    if (ns !== undefined && (el.namespaceURI ?? null) !== ns) continue;
    out.push(el);
  }
  return out;
}

/** The first direct child element named `localName` (in `ns` when given), or undefined. */
export function firstChild(parent: Node, localName: string, ns?: string | null): Element | undefined {
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType !== NODE.ELEMENT) continue;
    const el = c as Element;
    if (localNameOf(el) !== localName) continue;
    if (ns !== undefined && (el.namespaceURI ?? null) !== ns) continue;
    return el;
  }
  return undefined;
}

export function firstElementChild(parent: Node): Element | undefined {
  for (let c = parent.firstChild; c !== null; c = c.nextSibling)
    if (c.nodeType === NODE.ELEMENT) return c as Element;
  return undefined;
}

export function nextElementSibling(node: Node): Element | undefined {
  for (let c = node.nextSibling; c !== null; c = c.nextSibling)
    if (c.nodeType === NODE.ELEMENT) return c as Element;
  return undefined;
}

export function hasElementChildren(el: Node): boolean {
  return firstElementChild(el) !== undefined;
}

/** The attribute's value; undefined when absent, '' when present and empty. */
export function getAttr(el: Element, name: string): string | undefined {
  if (isLazy(el)) return tagAttribute(el, name);
  const a = el.getAttributeNode(name);
  return a === null ? undefined : a.value;
}

export function setAttr(el: Element, name: string, value: string): void {
  el.setAttribute(name, value);
}

/** xmldom's attribute factory, without the name check, as its own setAttribute uses it. */
interface AttributeFactory {
  _createAttribute(name: string): Attr;
}

/**
 * Adds to `el`, in order, each attribute it does not have yet (the first of repeated names wins):
 * what `if (!hasAttribute(n)) setAttribute(n, v)` per attribute does, in O(existing + added).
 * xmldom's setAttribute and hasAttribute scan the element's attributes by name, so a loop of them
 * is quadratic in the attributes (80,000: 12 s); setAttributeNode finds a repeat through the
 * attribute map's name index instead, and the names here are checked against a set.
 */
export function addAttributes(el: Element, attrs: Iterable<readonly [string, string]>): void {
  const doc = ownerOf(el) as unknown as AttributeFactory;
  let has: Set<string> | undefined;
  for (const [name, value] of attrs) {
    if (has === undefined) {
      has = new Set();
      forEachAttribute(el, (n) => has?.add(n));
    }
    if (has.has(name)) continue;
    has.add(name);
    const attr = doc._createAttribute(name);
    attr.value = attr.nodeValue = value;
    el.setAttributeNode(attr);
  }
}

export function removeAttr(el: Element, name: string): void {
  el.removeAttribute(name);
}

/** Calls `visit` with each attribute's name and value, in document order. */
export function forEachAttribute(el: Element, visit: (name: string, value: string) => void): void {
  if (isLazy(el)) {
    const scan = new TagScan(el);
    while (scan.next()) visit(scan.name, scan.value);
    return;
  }
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a !== null) visit(a.name, a.value);
  }
}

/** All attributes as name → value, in document order. */
export function attributesOf(el: Element): [string, string][] {
  const out: [string, string][] = [];
  forEachAttribute(el, (name, value) => out.push([name, value]));
  return out;
}

/** Whether `s` is only XML's white space (production [3]); String.trim would also take U+00A0, U+2028... */
export function isXmlWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** The concatenated text and CDATA of the element's direct children ('' when none). */
export function textOf(el: Node): string {
  let s = '';
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === NODE.TEXT || c.nodeType === NODE.CDATA) s += c.nodeValue ?? '';
  }
  return s;
}

/** Replaces the element's text children with one text node (none for ''), keeping element children. */
export function setText(el: Element, text: string): void {
  for (let c = el.firstChild; c !== null;) {
    const next = c.nextSibling;
    if (c.nodeType === NODE.TEXT || c.nodeType === NODE.CDATA) el.removeChild(c);
    c = next;
  }
  if (text !== '') el.insertBefore(ownerOf(el).createTextNode(text), el.firstChild);
}

export function ownerOf(node: Node): Document {
  const doc = node.nodeType === NODE.DOCUMENT ? (node as Document) : node.ownerDocument;
  if (doc === null) throw new Error('node has no owner document');
  return doc;
}

/** A new element in the same namespace as `like` (or in `ns`), not yet attached. */
export function createElement(
  doc: Document,
  localName: string,
  ns: string | null = null,
  prefix?: string,
): Element {
  if (ns === null) return doc.createElement(localName);
  return doc.createElementNS(
    ns,
    prefix !== undefined && prefix !== '' ? `${prefix}:${localName}` : localName,
  );
}

/**
 * Inserts `child` into `parent` at the place libvirt would put it: before the first existing child
 * whose name comes later in `order`; appended when the name is not in `order` or nothing comes later.
 * Indented like its siblings (insertIndented).
 */
export function insertInOrder(parent: Element, child: Element, order: readonly string[]): void {
  const rank = order.indexOf(localNameOf(child));
  if (rank >= 0) {
    for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== NODE.ELEMENT) continue;
      const r = order.indexOf(localNameOf(c as Element));
      if (r > rank) {
        insertIndented(parent, child, c as Element);
        return;
      }
    }
  }
  insertIndented(parent, child, null);
}

/** A text node of XML whitespace only, holding a line break: the indentation of a pretty-printed document. */
function isLineBreak(n: Node | null): boolean {
  return n !== null && n.nodeType === NODE.TEXT && /^[ \t\r\n]*\n[ \t\r\n]*$/.test(n.nodeValue ?? '');
}

/**
 * The indentation of the line `node` starts: what follows the last line break of the whitespace
 * just before it; undefined when no line break precedes it (the document is not pretty-printed
 * there). The root element's is ''.
 */
export function indentOf(node: Node): string | undefined {
  const prev = node.previousSibling;
  if (isLineBreak(prev)) {
    const text = prev?.nodeValue ?? '';
    return text.slice(text.lastIndexOf('\n') + 1);
  }
  return node.parentNode?.nodeType === NODE.DOCUMENT ? '' : undefined;
}

/**
 * Inserts `child` into `parent` before `ref` (appends when null), with the line break and
 * indentation of its siblings, so that an edit of a pretty-printed document reads like libvirt's
 * own output. Into an element with no children (`<source .../>`), `child` goes one level deeper
 * than `parent`, by the step between `parent` and its own parent. Where the document has no line
 * breaks (one-line XML, an element being built), `child` is inserted as is.
 */
export function insertIndented(parent: Element, child: Node, ref: Element | null): void {
  const doc = ownerOf(parent);
  const line = (indent: string): Node => doc.createTextNode(`\n${indent}`);
  if (ref !== null) {
    const at = indentOf(ref);
    parent.insertBefore(child, ref);
    if (at !== undefined) parent.insertBefore(line(at), ref);
    return;
  }
  const last = childElements(parent).at(-1);
  if (last !== undefined) {
    const at = indentOf(last);
    const tail = parent.lastChild;
    if (at === undefined) parent.appendChild(child);
    else if (tail !== last && isLineBreak(tail)) {
      parent.insertBefore(line(at), tail);
      parent.insertBefore(child, tail);
    } else {
      parent.appendChild(line(at));
      parent.appendChild(child);
      parent.appendChild(line(indentOf(parent) ?? ''));
    }
    return;
  }
  const own = indentOf(parent);
  const grand = parent.parentNode;
  const outer = grand !== null && grand.nodeType === NODE.ELEMENT ? indentOf(grand) : undefined;
  const blank = textOf(parent).trim() === '' && childElements(parent).length === 0;
  if (own === undefined || outer === undefined || !blank || !own.startsWith(outer) || own === outer) {
    parent.appendChild(child);
    return;
  }
  // Only whitespace inside: it becomes the lines around the new child.
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
  parent.appendChild(line(own + own.slice(outer.length)));
  parent.appendChild(child);
  parent.appendChild(line(own));
}

/**
 * Inserts `children` as {@link insertIndented} of each in turn would, before `ref` (appends when
 * null), but all but one or two of them in one DOM insertion: xmldom rebuilds a parent's whole child list on
 * every insertion before a sibling, so one call per child would cost O(children × siblings).
 */
export function insertAllIndented(parent: Element, children: readonly Element[], ref: Element | null): void {
  const [first] = children;
  if (first === undefined) return;
  insertIndented(parent, first, ref);
  let anchor = first;
  let i = 1;
  // Appended last after a line break, the next one still adds the parent's closing line: let it.
  const second = children[1];
  if (second !== undefined && anchor.nextSibling === null && indentOf(anchor) !== undefined) {
    insertIndented(parent, second, null);
    anchor = second;
    i = 2;
  }
  if (i === children.length) return;
  // From here the layout repeats: each further child follows the last, on a line of the same indentation.
  const doc = ownerOf(parent);
  const at = indentOf(anchor);
  const next = anchor.nextSibling;
  // Appending one by one is cheap; an insertion goes in as one fragment.
  const rest = next === null ? parent : doc.createDocumentFragment();
  for (const child of children.slice(i)) {
    if (at !== undefined) rest.appendChild(doc.createTextNode(`\n${at}`));
    rest.appendChild(child);
  }
  if (next === null) return;
  parent.insertBefore(rest, next);
  // xmldom 0.9 then lists the fragment itself among the children instead of what it held (its
  // open issue #935): list them again from the sibling links, as xmldom's own reindexing does.
  const list = parent.childNodes as unknown as { length: number; [index: number]: Node };
  let n = 0;
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) list[n++] = c;
  list.length = n;
}

/**
 * Lays out a subtree built on one line (`<disk><driver/><target/></disk>`) after it was inserted
 * into a pretty-printed document: each element child on a line of its own, one step deeper than its
 * parent, so that `create`'s output reads like the document around it. The step is the document's:
 * that of a sibling's children, else the one between the parent and `el`. Elements holding any text
 * (a value, mixed content, their own layout) are left as they are; so is a one-line document.
 */
export function indentSubtree(el: Element): void {
  const at = indentOf(el);
  const step = at === undefined ? undefined : stepAround(el, at);
  if (at === undefined || step === undefined) return;
  const doc = ownerOf(el);
  const layOut = (node: Element, indent: string): void => {
    const kids: Element[] = [];
    for (let c = node.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== NODE.ELEMENT) return;
      kids.push(c as Element);
    }
    if (kids.length === 0) return;
    for (const kid of kids) {
      node.insertBefore(doc.createTextNode(`\n${indent}${step}`), kid);
      layOut(kid, indent + step);
    }
    node.appendChild(doc.createTextNode(`\n${indent}`));
  };
  layOut(el, at);
}

/** The indentation step around `el` (indented by `at`), or undefined when the document shows none. */
function stepAround(el: Element, at: string): string | undefined {
  const parent = el.parentNode;
  if (parent === null || !isElement(parent)) return undefined;
  // Sibling by sibling: the first that shows the step ends the walk (a list of all of them, made
  // for each of thousands of new disks, would make create quadratic).
  for (
    let sibling = firstElementChild(parent);
    sibling !== undefined;
    sibling = nextElementSibling(sibling)
  ) {
    const own = sibling === el ? undefined : indentOf(sibling);
    const inner = own === undefined ? undefined : firstElementChild(sibling);
    const deeper = inner === undefined ? undefined : indentOf(inner);
    if (own !== undefined && deeper?.startsWith(own) === true) return deeper.slice(own.length);
  }
  const outer = indentOf(parent);
  return outer !== undefined && at.startsWith(outer) ? at.slice(outer.length) : undefined;
}

/**
 * Detaches `node` together with the line break and indentation before it when it stands alone on
 * its line, so that no blank line is left behind; a parent left with only whitespace inside is
 * closed up (`<source .../>`).
 */
export function removeIndented(node: Node): void {
  const parent = node.parentNode;
  if (parent === null) return;
  const prev = node.previousSibling;
  const next = node.nextSibling;
  if (prev !== null && isLineBreak(prev) && (next === null || isLineBreak(next))) parent.removeChild(prev);
  parent.removeChild(node);
  if (parent.nodeType !== NODE.ELEMENT || parent.firstChild === null) return;
  for (let c: Node | null = parent.firstChild; c !== null; c = c.nextSibling) {
    if (!isLineBreak(c)) return;
  }
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
}

export function appendChild(parent: Node, child: Node): void {
  parent.appendChild(child);
}

export function insertBefore(parent: Node, child: Node, ref: Node | null): void {
  parent.insertBefore(child, ref);
}

/** Detaches `node` from its parent (xmldom has no `Element.remove()`). */
export function removeNode(node: Node): void {
  node.parentNode?.removeChild(node);
}

/** A detached deep copy, owned by `doc` when given. */
export function cloneInto<T extends Node>(node: T, doc?: Document): T {
  return (
    doc !== undefined && doc !== node.ownerDocument ? doc.importNode(node, true) : node.cloneNode(true)
  ) as T;
}

/**
 * The 1-based XPath of an element from its root: `/domain/devices/disk[2]`. A step carries an index
 * when its parent holds more than one element of that name, so every path selects exactly one
 * element. Computed on demand (errors, reports), never on hot paths.
 */
export function elementPath(el: Element): string {
  const parts: string[] = [];
  let cur: Node | null = el;
  while (cur !== null && cur.nodeType === NODE.ELEMENT) {
    const e = cur as Element;
    const name = e.nodeName;
    const parent: Node | null = e.parentNode;
    if (parent === null || parent.nodeType !== NODE.ELEMENT) {
      parts.push(name);
      break;
    }
    let index = 0;
    let total = 0;
    for (let s = parent.firstChild; s !== null; s = s.nextSibling) {
      if (s.nodeType === NODE.ELEMENT && (s as Element).nodeName === name) {
        total++;
        if (s === e) index = total;
      }
    }
    parts.push(step(name, index, total));
    cur = parent;
  }
  return '/' + parts.reverse().join('/');
}

/** A path step: the name, with its position among the siblings of that name when it has some. */
function step(name: string, index: number, total: number): string {
  return total > 1 ? `${name}[${index}]` : name;
}

/**
 * The elementPath of every element child of `parent`, in one pass over the children: asking each
 * child's path alone counts its siblings each time, quadratic over the devices of a large domain.
 */
export function childElementPaths(parent: Element): Map<Element, string> {
  const base = elementPath(parent);
  const totals = new Map<string, number>();
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType !== NODE.ELEMENT) continue;
    const name = (c as Element).nodeName;
    totals.set(name, (totals.get(name) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  const paths = new Map<Element, string>();
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType !== NODE.ELEMENT) continue;
    const name = (c as Element).nodeName;
    const index = (seen.get(name) ?? 0) + 1;
    seen.set(name, index);
    paths.set(c as Element, `${base}/${step(name, index, totals.get(name) ?? 0)}`);
  }
  return paths;
}

// XML 1.0 Char production: TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and well-paired surrogates.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The index of the first character XML 1.0 cannot hold (a control character, U+FFFE, a lone
 * surrogate), or -1. The serializer would write such text as is and produce a document no parser
 * reads back, so writers check text and attribute values first.
 */
export function findInvalidXmlChar(text: string): number {
  const m = NOT_XML_CHAR.exec(text);
  return m === null ? -1 : m.index;
}

/**
 * Reports an element already parsed, and everything inside it, to `handler` as the tokenizer
 * reports text: one event consumer serves documents and text alike. Marks are the nodes.
 */
export function walkXml(root: Element, handler: XmlHandler): void {
  let current: Node = root;
  handler.begin({ mark: () => current, positionOf: (mark) => positionOf(mark as Node) });
  let node: Node | null = root;
  while (node !== null) {
    current = node;
    let descend = false;
    switch (node.nodeType) {
      case NODE.ELEMENT: {
        const el = node as Element;
        handler.startElement({
          qname: el.nodeName,
          namespaceURI: el.namespaceURI ?? null,
          prefix: el.prefix ?? null,
          localName: localNameOf(el),
          attribute: (qname) => getAttr(el, qname),
        });
        descend = true;
        break;
      }
      case NODE.TEXT:
        handler.text(node.nodeValue ?? '');
        break;
      case NODE.CDATA:
        handler.cdata(node.nodeValue ?? '');
        break;
      case NODE.COMMENT:
        handler.comment(node.nodeValue ?? '');
        break;
      case NODE.PROCESSING_INSTRUCTION:
        handler.processingInstruction(node.nodeName, node.nodeValue ?? '');
        break;
    }
    if (descend && node.firstChild !== null) {
      node = node.firstChild;
      continue;
    }
    if (node.nodeType === NODE.ELEMENT) handler.endElement();
    // Up until a next sibling, closing the elements left.
    let up: Node = node;
    while (up !== root && up.nextSibling === null) {
      up = up.parentNode as Node;
      handler.endElement();
    }
    node = up === root ? null : up.nextSibling;
  }
}

/**
 * Whether two elements hold the same XML, leaving out the direct children named in `skip`, white
 * space between elements and attribute order (libvirt gives back what it was sent, re-indented and
 * with what it assigned added). The parser's depth limit bounds the recursion.
 */
export function sameElementWithout(a: Element, b: Element, skip: ReadonlySet<string> = NO_NAMES): boolean {
  if (localNameOf(a) !== localNameOf(b) || (a.namespaceURI ?? null) !== (b.namespaceURI ?? null))
    return false;
  const attrsA = attributesOf(a);
  if (attrsA.length !== attributesOf(b).length) return false;
  for (const [name, value] of attrsA) if (getAttr(b, name) !== value) return false;
  const kids = (el: Element): Element[] => childElements(el).filter((c) => !skip.has(localNameOf(c)));
  const ka = kids(a);
  const kb = kids(b);
  if (ka.length !== kb.length) return false;
  if (ka.length === 0 && textOf(a).trim() !== textOf(b).trim()) return false;
  return ka.every((c, i) => sameElementWithout(c, kb[i] as Element));
}

const NO_NAMES: ReadonlySet<string> = new Set();
