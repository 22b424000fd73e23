/**
 * Canonical comparison: two trees are equal when they have the same elements (by namespace URI and
 * local name), the same attributes in any order (namespace declarations aside: prefixes do not
 * matter, URIs do), the same non-whitespace text, comments and processing instructions, in the same
 * order. The first difference is reported as an XML path.
 */
import type { Element, Node } from './dom.js';
import { NODE } from './dom.js';
import { isLazy } from './start-tag.js';
import { attributesOf, elementPath, localNameOf } from './tree.js';

interface Sig {
  kind: 'element' | 'text' | 'comment' | 'pi';
  node: Node;
}

function significantChildren(n: Node): Sig[] {
  const out: Sig[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) {
    switch (c.nodeType) {
      case NODE.ELEMENT:
        out.push({ kind: 'element', node: c });
        break;
      case NODE.TEXT:
      case NODE.CDATA: {
        const last = out[out.length - 1];
        // Adjacent text and CDATA are one text value.
        if (last?.kind === 'text') {
          (last as Sig & { text?: string }).text = textValue(last) + (c.nodeValue ?? '');
        } else out.push({ kind: 'text', node: c });
        break;
      }
      case NODE.COMMENT:
        out.push({ kind: 'comment', node: c });
        break;
      case NODE.PROCESSING_INSTRUCTION:
        out.push({ kind: 'pi', node: c });
        break;
      default:
        break;
    }
  }
  return out.filter((s) => s.kind !== 'text' || textValue(s).trim() !== '');
}

function textValue(s: Sig): string {
  return (s as Sig & { text?: string }).text ?? s.node.nodeValue ?? '';
}

function attrMap(el: Element): Map<string, string> {
  // A lazy start tag has neither namespaced attributes nor declarations (start-tag.ts).
  if (isLazy(el)) return new Map(attributesOf(el));
  const m = new Map<string, string>();
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a === null) continue;
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    const key =
      a.namespaceURI !== null && a.namespaceURI !== ''
        ? `{${a.namespaceURI}}${a.localName ?? a.name}`
        : a.name;
    m.set(key, a.value);
  }
  return m;
}

function describe(s: Sig | undefined): string {
  if (s === undefined) return 'nothing';
  if (s.kind === 'element') return `<${(s.node as Element).nodeName}>`;
  if (s.kind === 'text') return `text ${JSON.stringify(textValue(s).trim().slice(0, 40))}`;
  return s.kind;
}

function nodePath(parent: Node, childIndex: number): string {
  const base = parent.nodeType === NODE.ELEMENT ? elementPath(parent as Element) : '';
  return `${base}/node()[${childIndex + 1}]`;
}

/** The first difference between two nodes, as `path: what differs`, or undefined when equal. */
export function canonicalDiff(a: Node, b: Node): string | undefined {
  const ea =
    a.nodeType === NODE.DOCUMENT ? (a as unknown as { documentElement: Element }).documentElement : a;
  const eb =
    b.nodeType === NODE.DOCUMENT ? (b as unknown as { documentElement: Element }).documentElement : b;
  return diffElements(ea as Element, eb as Element);
}

function diffElements(a: Element, b: Element): string | undefined {
  // Iterative over an explicit stack: deep documents must not overflow the call stack.
  const stack: [Element, Element][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop() as [Element, Element];
    // The path is built only for a report: building it for every element is quadratic in depth.
    const path = (): string => elementPath(x);
    if (localNameOf(x) !== localNameOf(y) || (x.namespaceURI ?? '') !== (y.namespaceURI ?? '')) {
      return `${path()}: element {${x.namespaceURI ?? ''}}${localNameOf(x)} differs from {${y.namespaceURI ?? ''}}${localNameOf(y)}`;
    }
    const ax = attrMap(x);
    const ay = attrMap(y);
    for (const [k, v] of ax) {
      const w = ay.get(k);
      if (w === undefined) return `${path()}/@${k}: attribute missing on the right`;
      if (w !== v) return `${path()}/@${k}: ${JSON.stringify(v)} differs from ${JSON.stringify(w)}`;
    }
    for (const k of ay.keys()) if (!ax.has(k)) return `${path()}/@${k}: attribute missing on the left`;
    const cx = significantChildren(x);
    const cy = significantChildren(y);
    const pairs: [Element, Element][] = [];
    for (let i = 0; i < Math.max(cx.length, cy.length); i++) {
      const p = cx[i];
      const q = cy[i];
      if (p === undefined || q === undefined || p.kind !== q.kind) {
        return `${nodePath(x, i)}: ${describe(p)} differs from ${describe(q)}`;
      }
      if (p.kind === 'element') pairs.push([p.node as Element, q.node as Element]);
      else if (p.kind === 'text') {
        if (textValue(p) !== textValue(q)) {
          return `${path()}/text(): ${JSON.stringify(textValue(p))} differs from ${JSON.stringify(textValue(q))}`;
        }
      } else if (p.node.nodeValue !== q.node.nodeValue || p.node.nodeName !== q.node.nodeName) {
        return `${nodePath(x, i)}: ${p.kind} ${JSON.stringify(p.node.nodeValue)} differs from ${JSON.stringify(q.node.nodeValue)}`;
      }
    }
    for (let i = pairs.length - 1; i >= 0; i--) stack.push(pairs[i] as [Element, Element]);
  }
  return undefined;
}

export function canonicalEqual(a: Node, b: Node): boolean {
  return canonicalDiff(a, b) === undefined;
}
