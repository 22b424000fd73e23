/**
 * Declarative fields: a path below a device element plus a codec. The path grammar is direct
 * children only: `@port` (an attribute of the element), `target/@dev` (an attribute of a child),
 * `serial` (a child's text), and for flags `readonly` (the child exists).
 */
import type { ErrorLocation } from '../errors.js';
import { XmlValueError } from '../errors.js';
import type { StrCodec } from '../xml/codecs.js';
import { firstFailure, isVerbatim } from '../xml/codecs.js';
import type * as t from 'io-ts';
import type { Element } from '../xml/dom.js';
import { positionOf } from '../xml/dom.js';
import {
  createElement,
  elementPath,
  firstChild,
  getAttr,
  hasElementChildren,
  insertInOrder,
  ownerOf,
  removeAttr,
  removeIndented,
  setAttr,
  setText,
  textOf,
  attributesOf,
} from '../xml/tree.js';

export interface Field<A> {
  readonly path: string;
  readonly codec: StrCodec<A> | undefined;
  /** The codec's value is the text itself: read without decoding. */
  readonly verbatim: boolean;
  /** io-ts's context for decoding, made once (decode() would make one per call). */
  readonly context: t.Context;
  /** true: the value is whether the element at `path` exists. */
  readonly flag: boolean;
  readonly steps: readonly string[];
  readonly attribute: string | undefined;
}

function parsePath(path: string): { steps: string[]; attribute: string | undefined } {
  // '' is the element's own text.
  if (path === '') return { steps: [], attribute: undefined };
  const parts = path.split('/');
  const last = parts[parts.length - 1] ?? '';
  if (last.startsWith('@')) return { steps: parts.slice(0, -1), attribute: last.slice(1) };
  return { steps: parts, attribute: undefined };
}

/**
 * libvirt's order of the children of an element, by that element's name (`model` → acceleration,
 * resolution): where writeField puts the elements it creates below the first step.
 */
export type NestedOrder = Readonly<Record<string, readonly string[]>>;

/** How a device writes one of its fields (creating missing children in its own order). */
export type FieldWriter = <A>(f: Field<A>, value: A | undefined) => void;

/** A field of any value type (tables of fields mix them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = Field<any>;

export function field<A>(path: string, codec: StrCodec<A>): Field<A> {
  return {
    path,
    codec,
    verbatim: isVerbatim(codec),
    context: [{ key: '', type: codec, actual: undefined }],
    flag: false,
    ...parsePath(path),
  };
}

/** A presence flag (its value is never undefined: absent is false). */
export interface FlagField extends Field<boolean> {
  readonly flag: true;
}

/** A presence flag: true when the child element at `path` exists (`<readonly/>`). */
export function flag(path: string): FlagField {
  return { path, codec: undefined, verbatim: false, context: [], flag: true, ...parsePath(path) };
}

/** The element the steps lead to, or undefined when a step is missing. */
function walk(el: Element, steps: readonly string[]): Element | undefined {
  let cur: Element | undefined = el;
  for (const s of steps) {
    cur = cur === undefined ? undefined : firstChild(cur, s);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** The raw text at a field's path: undefined when absent, '' when empty. */
export function readRaw<A>(el: Element, f: Field<A>): string | undefined {
  const target = walk(el, f.steps);
  if (target === undefined) return undefined;
  return f.attribute !== undefined ? getAttr(target, f.attribute) : textOf(target);
}

/** Reads and decodes a field; a bad text is an XmlValueError naming the XML path. */
export function readField<A>(el: Element, f: Field<A>): A | undefined {
  if (f.flag) return (walk(el, f.steps) !== undefined) as A;
  const raw = readRaw(el, f);
  if (raw === undefined || f.codec === undefined) return undefined;
  if (f.verbatim) return raw as A;
  const r = f.codec.validate(raw, f.context);
  if (r._tag === 'Left') throw new XmlValueError(firstFailure(r.left), fieldLocation(el, f), raw);
  return r.right;
}

/** Where a field's value lives, for errors: its XML path and the line:column of the element holding it. */
export function fieldLocation<A>(el: Element, f: Field<A>): ErrorLocation {
  const holder = walk(el, f.steps) ?? el;
  return { path: `${elementPath(el)}/${f.path}`, ...positionOf(holder) };
}

/**
 * Writes a field through to the element at once. Missing children are created where libvirt puts
 * them: the first step in `order` (libvirt's order of the device's children), deeper steps in
 * `nested[parent name]` (`model/acceleration/@accel3d`); `undefined` (or false for a flag) removes
 * the attribute or element and prunes the children that became empty.
 */
export function writeField<A>(
  el: Element,
  f: Field<A>,
  value: A | undefined,
  order: readonly string[],
  nested: NestedOrder = {},
): void {
  if (f.flag) {
    if (value === true) ensure(el, f.steps, order, nested);
    else {
      const target = walk(el, f.steps);
      if (target !== undefined) removeAndPrune(el, target);
    }
    return;
  }
  if (value === undefined) {
    const target = walk(el, f.steps);
    if (target === undefined) return;
    if (f.attribute !== undefined) removeAttr(target, f.attribute);
    else setText(target, '');
    if (target !== el && isEmpty(target)) removeAndPrune(el, target);
    return;
  }
  if (f.codec === undefined) return;
  const text = f.codec.encode(value);
  const target = ensure(el, f.steps, order, nested);
  if (f.attribute !== undefined) setAttr(target, f.attribute, text);
  else setText(target, text);
}

function ensure(
  el: Element,
  steps: readonly string[],
  order: readonly string[],
  nested: NestedOrder,
): Element {
  let cur = el;
  let curOrder = order;
  for (const s of steps) {
    let next = firstChild(cur, s);
    if (next === undefined) {
      next = createElement(ownerOf(cur), s, cur.namespaceURI ?? null, cur.prefix ?? undefined);
      insertInOrder(cur, next, curOrder);
    }
    cur = next;
    curOrder = nested[s] ?? [];
  }
  return cur;
}

function isEmpty(el: Element): boolean {
  return attributesOf(el).length === 0 && !hasElementChildren(el) && textOf(el).trim() === '';
}

/** Removes `el` when nothing is left in it (no attribute, child element or text), as writeField prunes. */
export function removeIfEmpty(el: Element): void {
  if (isEmpty(el)) removeIndented(el);
}

/** Removes `target`, then each ancestor below `root` that is left empty. */
function removeAndPrune(root: Element, target: Element): void {
  let cur: Element | null = target;
  while (cur !== null && cur !== root) {
    const parent = cur.parentNode as Element | null;
    removeIndented(cur);
    cur = parent !== null && parent !== root && isEmpty(parent) ? parent : null;
  }
}
