/**
 * Typed views over XML elements, declared by tables. A view's class lists its members once, one
 * line each, and `defineAccessors` turns the table into getters and setters on the class's
 * prototype (as virtinst's XMLProperty does): a scalar `field` reads and writes its path at once, a
 * `one` child is a sub-view over the first child of that name (created when something is written
 * into it, removed when it is left empty), a `many` child is a list of sub-views. Nothing is read
 * before it is asked for, and nothing is kept: a view finds its element again on every access, so
 * it stays right after the agent or a refresh changes the tree.
 */
import { NoSuchDeviceError } from '../errors.js';
import type { Element } from '../xml/dom.js';
import {
  childElements,
  createElement,
  elementPath,
  firstChild,
  insertInOrder,
  ownerOf,
  removeIndented,
} from '../xml/tree.js';
import type { AnyField, Field, FlagField, NestedOrder } from './field.js';
import { readField, removeIfEmpty, writeField } from './field.js';

/** A single child element as a sub-view (`disk.driver`): always there to write into. */
export interface OneSpec<V> {
  readonly member: 'one';
  /** The child element's name. */
  readonly name: string;
  /** The view class, as a thunk: views refer to each other in cycles (a backing store's source). */
  readonly view: () => ChildViewClass<V>;
}

/** Repeated child elements as a list of sub-views (`disk.source.hosts[0]`). */
export interface ManySpec<V> {
  readonly member: 'many';
  readonly name: string;
  readonly view: () => ChildViewClass<V>;
}

/** A sub-view member of a table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ChildSpec = OneSpec<any> | ManySpec<any>;
/** What a view's tables may hold. */
export type Member = AnyField | ChildSpec;
export type Members = Readonly<Record<string, Member>>;

/** The value type of one member: a field's codec type, a flag's boolean, a sub-view, a list. */
export type MemberValue<M> = M extends FlagField
  ? boolean
  : M extends Field<infer A>
    ? A | undefined
    : M extends OneSpec<infer V>
      ? V
      : M extends ManySpec<infer V>
        ? ViewList<V>
        : never;

/**
 * The accessors a table declares, for the interface a view class merges with its table
 * (`interface Video extends Accessors<typeof F> {}`).
 */
export type Accessors<T extends Members> = {
  -readonly [K in keyof T as T[K] extends ChildSpec ? never : K]: MemberValue<T[K]>;
} & { readonly [K in keyof T as T[K] extends ChildSpec ? K : never]: MemberValue<T[K]> };

/**
 * The thunk a table names its sub-view class with. Typed loosely on purpose: checking the class
 * against its instance type would go through the class's own table, and tables refer to each other
 * in cycles (a backing store's source); the type argument of `one`/`many` says the instance type.
 */
type ViewThunk = () => new (place: Place) => unknown;

export function one<V>(name: string, view: ViewThunk): OneSpec<V> {
  return { member: 'one', name, view: view as () => ChildViewClass<V> };
}

export function many<V>(name: string, view: ViewThunk): ManySpec<V> {
  return { member: 'many', name, view: view as () => ChildViewClass<V> };
}

function isChildSpec(m: Member): m is ChildSpec {
  return 'member' in m;
}

/** The static side of a view class. */
export interface ViewClass {
  readonly fields: Readonly<Record<string, AnyField>>;
  readonly members: Members;
  readonly childOrder: readonly string[];
  readonly nestedOrder: NestedOrder;
}

/** A view class built over a place in its parent. */
export type ChildViewClass<V> = ViewClass & (new (place: Place) => V);

/** Where a sub-view's element is: found on every access, made on the first write. */
export interface Place {
  /** The element, or undefined while it does not exist. */
  find(): Element | undefined;
  /** The element, created (with its missing ancestors) where libvirt puts it. */
  make(): Element;
  /** Removes the element when it was left empty, and the ancestors this leaves empty. */
  prune(): void;
  /** The element's XML path (where it would be while it does not exist), for messages. */
  path(): string;
}

export abstract class View {
  /** The view's typed values: attributes, texts, flags (see the module comment). */
  static readonly fields: Readonly<Record<string, AnyField>> = {};
  /**
   * The view's other typed members: its sub-views (`one`, `many`) and, on a device, the schema's
   * fields beyond the ones `fields` shows in toJSON.
   */
  static readonly members: Members = {};
  /** libvirt's order of the element's children, for inserting new ones. */
  static readonly childOrder: readonly string[] = [];
  /** libvirt's order below the direct children, by parent name (for fields with deeper paths). */
  static readonly nestedOrder: NestedOrder = {};

  /** The element, or undefined for a sub-view whose element does not exist (yet). */
  protected abstract find(): Element | undefined;
  /** The element, created if needed. */
  protected abstract make(): Element;
  /** Called after a write removed something: a sub-view left empty goes away. */
  protected prune(): void {}

  /** The element's XML path (`/domain/devices/disk[2]/source`), for messages. */
  abstract get xmlPath(): string;

  /** Whether the element exists. */
  get exists(): boolean {
    return this.find() !== undefined;
  }

  protected read<A>(f: Field<A>): A | undefined {
    const el = this.find();
    if (el === undefined) return f.flag ? (false as A) : undefined;
    return readField(el, f);
  }

  protected write<A>(f: Field<A>, value: A | undefined): void {
    const cls = this.constructor as unknown as ViewClass;
    if (value === undefined || (f.flag && value === false)) {
      const el = this.find();
      if (el === undefined) return;
      writeField(el, f, value, cls.childOrder, cls.nestedOrder);
      this.prune();
      return;
    }
    writeField(this.make(), f, value, cls.childOrder, cls.nestedOrder);
  }

  /** The place of this view's child `name` (a `one` member). */
  protected childPlace(name: string): Place {
    const order = (this.constructor as unknown as ViewClass).childOrder;
    return {
      find: () => {
        const el = this.find();
        return el === undefined ? undefined : firstChild(el, name);
      },
      make: () => {
        const parent = this.make();
        const existing = firstChild(parent, name);
        if (existing !== undefined) return existing;
        return addChildElement(parent, name, order);
      },
      path: () => `${this.xmlPath}/${name}`,
      prune: () => {
        const el = this.find();
        const child = el === undefined ? undefined : firstChild(el, name);
        if (child === undefined) return;
        const before = child.parentNode;
        removeIfEmpty(child);
        if (child.parentNode !== before) this.prune();
      },
    };
  }

  /** The sub-views over the children called `name`, with `add` and `remove`. */
  protected children<V extends View>(name: string, viewClass: ChildViewClass<V>): ViewList<V> {
    const el = this.find();
    const list = new ViewList<V>(this, name, viewClass);
    if (el !== undefined)
      for (const child of childElements(el, name)) list.push(new viewClass(fixedPlace(child)));
    return list;
  }

  /** @internal For ViewList: the element to add a child to, created if needed. */
  makeFor<V>(name: string, viewClass: ChildViewClass<V>): V {
    const order = (this.constructor as unknown as ViewClass).childOrder;
    const child = addChildElement(this.make(), name, order);
    return new viewClass(fixedPlace(child));
  }
}

/** A place that is one existing element (an item of a list). */
function fixedPlace(el: Element): Place {
  return {
    find: () => (el.parentNode === null ? undefined : el),
    make: () => el,
    prune: () => {},
    path: () => elementPath(el),
  };
}

/** A view over a child element of another view (or of a device). */
export class ChildView extends View {
  readonly #place: Place;

  constructor(place: Place) {
    super();
    this.#place = place;
  }

  protected find(): Element | undefined {
    return this.#place.find();
  }

  protected make(): Element {
    return this.#place.make();
  }

  protected override prune(): void {
    this.#place.prune();
  }

  /** The element, or undefined while it does not exist. */
  get element(): Element | undefined {
    return this.find();
  }

  get xmlPath(): string {
    return this.#place.path();
  }

  /** Every field of the view that is present (a flag only when set), sub-views with something in them. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const cls = this.constructor as unknown as ViewClass;
    const members: [string, Member][] = [...Object.entries(cls.fields), ...Object.entries(cls.members)];
    for (const [name, m] of members) {
      const v: unknown = (this as unknown as Record<string, unknown>)[name];
      // A flag shows only when set; a false yes/no value is a value.
      if (v === undefined || (v === false && 'flag' in m && m.flag)) continue;
      if (v instanceof ChildView) {
        if (v.exists) out[name] = v.toJSON();
      } else if (v instanceof ViewList) {
        if (v.length > 0) out[name] = v.map((item: ChildView) => item.toJSON());
      } else out[name] = v;
    }
    return out;
  }
}

/** The sub-views over repeated children (`hosts`): an array, plus `add` and `remove`. */
export class ViewList<V = ChildView> extends Array<V> {
  // map/filter/slice give plain arrays (a list is tied to its parent).
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  readonly #parent: View;
  readonly #name: string;
  readonly #viewClass: ChildViewClass<V>;

  constructor(parent: View, name: string, viewClass: ChildViewClass<V>) {
    super();
    this.#parent = parent;
    this.#name = name;
    this.#viewClass = viewClass;
  }

  /** Appends a new, empty child after the existing ones and returns its view. */
  add(): V {
    const view = this.#parent.makeFor(this.#name, this.#viewClass);
    this.push(view);
    return view;
  }

  /**
   * Removes an item of this list (its element). An item of another list (another device's) is a
   * NoSuchDeviceError.
   */
  remove(item: V): void {
    const el = (item as { element?: Element }).element;
    const i = this.findIndex((x) => (x as { element?: Element }).element === el);
    if (el === undefined || i < 0) {
      const path = this.#parent.xmlPath;
      throw new NoSuchDeviceError(`that <${this.#name}> is not part of ${path}`, { path });
    }
    removeIndented(el);
    this.splice(i, 1);
  }
}

/**
 * Installs the getters and setters of a view class's table on its prototype (a class calls it in a
 * static block, after its table). An accessor the class writes itself (a field whose write keeps
 * something else right) is kept; a member that would hide its base class's accessor is a
 * programming error, refused at load.
 */
export function defineAccessors(cls: ViewClass & { prototype: object; name: string }): void {
  const proto = cls.prototype;
  const members: [string, Member][] = [...Object.entries(cls.fields), ...Object.entries(cls.members)];
  for (const [name, m] of members) {
    if (Object.prototype.hasOwnProperty.call(proto, name)) continue;
    // A member the base class installed already (a subclass's table spreads its base's).
    const base = inheritedGetter(proto, name);
    if (typeof base === 'function' && sameMember(installed.get(base), m)) continue;
    if (name in proto) throw new TypeError(`${cls.name}.${name} hides an accessor of its base class`);
    const get = isChildSpec(m) ? childGetter(m) : fieldGetter(m);
    installed.set(get, m);
    const set = isChildSpec(m) ? undefined : fieldSetter(m);
    Object.defineProperty(proto, name, { configurable: true, get, set });
  }
}

/** The same path with the same codec (tables built by `prefixed` make new objects for the same field). */
function sameMember(a: Member | undefined, b: Member): boolean {
  if (a === b) return true;
  if (a === undefined || isChildSpec(a) || isChildSpec(b)) return false;
  return a.path === b.path && a.codec === b.codec && a.flag === b.flag;
}

/** Which member each installed getter serves. */
const installed = new WeakMap<object, Member>();

/** The getter `name` resolves to above `proto`, if any. */
function inheritedGetter(proto: object, name: string): unknown {
  for (
    let p = Object.getPrototypeOf(proto) as object | null;
    p !== null;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    if (Object.prototype.hasOwnProperty.call(p, name))
      return Reflect.getOwnPropertyDescriptor(p, name)?.get as unknown;
  }
  return undefined;
}

function fieldGetter(f: AnyField): (this: View) => unknown {
  return function (this: View): unknown {
    return (this as unknown as Internals).read<unknown>(f);
  };
}

function fieldSetter(f: AnyField): (this: View, value: unknown) => void {
  return function (this: View, value: unknown) {
    (this as unknown as Internals).write(f, value);
  };
}

function childGetter(m: ChildSpec): (this: View) => View | ViewList<View> {
  if (m.member === 'one') {
    return function (this: View) {
      const viewClass: ChildViewClass<View> = m.view();
      return new viewClass((this as unknown as Internals).childPlace(m.name));
    };
  }
  return function (this: View) {
    return (this as unknown as Internals).children(m.name, m.view());
  };
}

// The accessors installed on a prototype call the view's protected methods.
type Internals = {
  read<A>(f: Field<A>): A | undefined;
  write<A>(f: Field<A>, v: A | undefined): void;
  childPlace(name: string): Place;
  children<V extends View>(name: string, viewClass: ChildViewClass<V>): ViewList<V>;
};

/**
 * A new, empty `<localName>` child of `parent` (in the parent's namespace), inserted where libvirt
 * puts it: after the existing children of that name and before the first child that comes later in
 * `order`.
 */
export function addChildElement(parent: Element, localName: string, order: readonly string[]): Element {
  const el = createElement(
    ownerOf(parent),
    localName,
    parent.namespaceURI ?? null,
    parent.prefix ?? undefined,
  );
  insertInOrder(parent, el, order);
  return el;
}
