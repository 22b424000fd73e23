/**
 * The accessor gate (issue 13): every scalar accessor a class's tables install reads and writes its
 * own path, and nothing else. A table entry whose accessor is wired to another path (or a
 * hand-written accessor of that name that drifted) fails here; the field coverage gate only checks
 * the tables.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Device, DeviceClass } from '../../src/devices/index.js';
import { buildDevices, DEVICE_CLASSES } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import type { StrCodec } from '../../src/xml/codecs.js';
import type { Element } from '../../src/xml/index.js';
import {
  appendChild,
  canonicalDiff,
  childElements,
  createElement,
  firstChild,
  getAttr,
  ownerOf,
  parseXml,
  removeAttr,
  serialize,
  setAttr,
  setText,
} from '../../src/xml/index.js';
import type { View, ViewList } from '../../src/devices/view.js';
import { CORPUS, fixturePath, listFixtures } from '../helpers/fixtures.js';
import { deviceInDomain } from '../helpers/in-domain.js';
import type { ScalarAccessor, ViewStep } from '../helpers/view-paths.js';
import { scalarAccessors } from '../helpers/view-paths.js';

/** A failure message lists this many accessors. */
const LISTED = 30;

/**
 * Accessors whose reset leaves their element bare on purpose: a bare `<server/>` or `<msi/>` of a
 * shmem still enables the doorbell server or MSI, so only the flag removes it.
 */
const KEEPS_ELEMENT: ReadonlySet<string> = new Set([
  'Shmem.serverPath',
  'Shmem.msiVectors',
  'Shmem.msiIoeventfd',
]);

// Views are reached and written by accessor name, as an agent does.
type ByName = Record<string, unknown>;

function get(view: View, name: string): unknown {
  return (view as unknown as ByName)[name];
}

function set(view: View, name: string, value: unknown): void {
  (view as unknown as ByName)[name] = value;
}

/**
 * The view that holds an accessor, reached from the device through its sub-views: a many step takes
 * `items[i]` of the list, or (without `items`) a new item added to it.
 */
function ownerView(device: Device, via: readonly ViewStep[], items?: readonly number[]): View {
  let view: View = device;
  let many = 0;
  for (const step of via) {
    const child = get(view, step.accessor);
    if (child === undefined) throw new Error(`${step.accessor}: no such sub-view accessor`);
    if (step.member === 'one') view = child as View;
    else {
      const list = child as ViewList<View>;
      const item = items === undefined ? list.add() : list[items[many] ?? -1];
      if (item === undefined) throw new Error(`${step.element}: no item ${items?.[many]}`);
      view = item;
      many++;
    }
  }
  return view;
}

/** The element a view stands for (a device's, a sub-view's; undefined while it does not exist). */
function elementOf(view: View): Element | undefined {
  return (view as unknown as { element: Element | undefined }).element;
}

/** Whether `value` survives the codec: it is one of its values, and encoding then decoding gives it back. */
function roundTrips(codec: StrCodec<unknown>, value: unknown): boolean {
  if (!codec.is(value)) return false;
  const back = codec.decode(codec.encode(value));
  return back._tag === 'Right' && back.right === value;
}

/** The value the test writes: a string, a number or a boolean, whichever the codec takes. */
function testValue(codec: StrCodec<unknown>): unknown {
  const value = ['x', 7, true].find((v) => roundTrips(codec, v));
  if (value === undefined) throw new Error(`no test value for the codec ${codec.name}: add one to testValue`);
  return value;
}

/** The element at `name` below `parent`, appended when missing. */
function childOrNew(parent: Element, name: string): Element {
  const existing = firstChild(parent, name);
  if (existing !== undefined) return existing;
  const el = createElement(ownerOf(parent), name);
  appendChild(parent, el);
  return el;
}

/**
 * What the device must be after writing through `a`: `before` with that one path set to `text`, or
 * with only the element of the path there when `text` is undefined (a flag).
 */
function expectedAfter(before: string, a: ScalarAccessor, text: string | undefined): Element {
  const doc = parseXml(before);
  let el = doc.documentElement!;
  for (const step of a.via)
    el = step.member === 'many' ? childElements(el, step.element).at(-1)! : childOrNew(el, step.element);
  for (const step of a.field.steps) el = childOrNew(el, step);
  if (text !== undefined) {
    if (a.field.attribute !== undefined) setAttr(el, a.field.attribute, text);
    else setText(el, text);
  }
  return doc.documentElement!;
}

/** Writes a value through the accessor on an empty device and checks the XML, the read, the reset. */
function checkAccessor(cls: DeviceClass, a: ScalarAccessor): void {
  const device = deviceInDomain(cls as DeviceClass & { prototype: Device }, `<${cls.tag}/>`);
  // Each list on the way gets one item: index 0.
  const items = a.via.filter((s) => s.member === 'many').map(() => 0);
  ownerView(device, a.via);
  const before = serialize(device.element);
  // Sub-views are lazy: reaching one writes nothing.
  if (items.length === 0 && before !== `<${cls.tag}/>`) throw new Error(`reaching the view wrote ${before}`);
  const value = a.field.flag ? true : testValue(a.field.codec!);
  set(ownerView(device, a.via, items), a.name, value);
  const text = a.field.codec?.encode(value);
  const written = canonicalDiff(device.element, expectedAfter(before, a, text));
  if (written !== undefined)
    throw new Error(`writing ${JSON.stringify(value)} gave ${serialize(device.element)} (${written})`);
  const read = get(ownerView(device, a.via, items), a.name);
  if (read !== value) throw new Error(`wrote ${JSON.stringify(value)}, read back ${JSON.stringify(read)}`);
  set(ownerView(device, a.via, items), a.name, a.field.flag ? false : undefined);
  const reset = KEEPS_ELEMENT.has(`${cls.name}.${a.name}`)
    ? canonicalDiff(device.element, expectedAfter(before, a, undefined))
    : serialize(device.element) === before
      ? undefined
      : `not back to ${before}`;
  if (reset !== undefined) throw new Error(`the reset left ${serialize(device.element)} (${reset})`);
}

/** A typed attribute present on a device of a domain file: the property test's sample space. */
interface Site {
  readonly file: string;
  readonly text: string;
  /** The device's index among the domain's devices. */
  readonly device: number;
  readonly accessor: ScalarAccessor;
  /** Which item of each list on the way. */
  readonly items: readonly number[];
}

/** The domain files: the fixtures, and the shared corpus when it is there. */
function domainFiles(): string[] {
  const corpus = existsSync(CORPUS)
    ? readdirSync(CORPUS)
        .filter((f) => f.endsWith('.xml'))
        .sort()
        .map((f) => join(CORPUS, f))
    : [];
  return [...listFixtures('domains').map(fixturePath), ...corpus];
}

function devicesOf(text: string, file: string): Device[] {
  const devices = firstChild(parseXml(text, { source: file }).documentElement!, 'devices');
  return devices === undefined ? [] : buildDevices(devices);
}

/** The item indexes of every element the steps reach from `el` (each list item in turn). */
function* itemsAt(
  el: Element,
  via: readonly ViewStep[],
  items: readonly number[] = [],
): Generator<readonly number[]> {
  const [step, ...rest] = via;
  if (step === undefined) yield items;
  else if (step.member === 'one') {
    const child = firstChild(el, step.element);
    if (child !== undefined) yield* itemsAt(child, rest, items);
  } else {
    const children = childElements(el, step.element);
    for (const [i, child] of children.entries()) yield* itemsAt(child, rest, [...items, i]);
  }
}

/** The element holding the attribute of `a`, below the view reached through `items`. */
function attributeHolder(device: Device, a: ScalarAccessor, items: readonly number[]): Element | undefined {
  let el = elementOf(ownerView(device, a.via, items));
  for (const step of a.field.steps) el = el === undefined ? undefined : firstChild(el, step);
  return el;
}

/**
 * Every typed attribute present on the devices of `files` that its accessor reads, by accessor (so
 * that each is as likely to be picked, however common its attribute).
 */
function attributeSites(files: readonly string[]): Site[][] {
  const sites = new Map<string, Site[]>();
  const accessors = new Map<DeviceClass, ScalarAccessor[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [index, device] of devicesOf(text, file).entries()) {
      const cls = device.constructor as unknown as DeviceClass;
      if (!accessors.has(cls)) accessors.set(cls, [...scalarAccessors(cls, cls.tag)]);
      for (const a of accessors.get(cls)!) {
        const attribute = a.field.attribute;
        if (attribute === undefined) continue;
        for (const items of itemsAt(device.element, a.via)) {
          const holder = attributeHolder(device, a, items);
          if (holder === undefined || getAttr(holder, attribute) === undefined) continue;
          // The fixtures hold values that do not read on purpose (the lenient domains).
          try {
            get(ownerView(device, a.via, items), a.name);
          } catch (e) {
            if (e instanceof XmlValueError) continue;
            throw e;
          }
          const key = `${cls.name}.${a.path}`;
          const site = { file, text, device: index, accessor: a, items };
          sites.set(key, [...(sites.get(key) ?? []), site]);
        }
      }
    }
  }
  return [...sites.values()];
}

/** A value of the codec other than `current`: the flipped boolean, another number or string. */
function otherValue(codec: StrCodec<unknown>, current: unknown, n: number, text: string): unknown {
  const candidates =
    typeof current === 'boolean'
      ? [!current]
      : typeof current === 'number'
        ? [n === current ? n + 1 : n]
        : [text, `${String(current)}${text}`];
  const value = candidates.find((v) => v !== current && roundTrips(codec, v));
  if (value === undefined)
    throw new Error(`no other value than ${JSON.stringify(current)} for ${codec.name}`);
  return value;
}

/** Attribute values for the property: escapes and spaces included. */
const attributeText = fc.string({
  unit: fc.constantFrom('a', 'z', '0', '9', '-', '_', '.', ':', '/', ' ', '&', '"', '<'),
  minLength: 1,
  maxLength: 12,
});

describe('typed accessors', () => {
  describe('every accessor reads and writes its own path', () => {
    for (const cls of DEVICE_CLASSES) {
      it(cls.name, () => {
        const failures: string[] = [];
        for (const a of scalarAccessors(cls, cls.tag)) {
          try {
            checkAccessor(cls, a);
          } catch (e) {
            failures.push(`${a.path} (${a.name}): ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        if (failures.length === 0) return;
        const more = failures.length > LISTED ? `\n  ... and ${failures.length - LISTED} more` : '';
        expect.fail(
          `${failures.length} accessors of ${cls.name}:\n  ${failures.slice(0, LISTED).join('\n  ')}${more}`,
        );
      });
    }
  });

  describe('on the devices of real domains', () => {
    let sites: Site[][];

    before(() => {
      sites = attributeSites(domainFiles());
    });

    it('setting a typed attribute changes that attribute only', () => {
      expect(sites, 'no typed attribute on any device').not.to.be.empty;
      fc.assert(
        fc.property(
          fc.nat(),
          fc.nat(),
          fc.nat({ max: 1_000_000 }),
          attributeText,
          (accessor, pick, n, text) => {
            const group = sites[accessor % sites.length]!;
            const site = group[pick % group.length]!;
            const { accessor: a, items } = site;
            const attribute = a.field.attribute!;
            const codec = a.field.codec!;
            const untouched = devicesOf(site.text, site.file)[site.device]!;
            const device = devicesOf(site.text, site.file)[site.device]!;
            const where = `${site.file} ${device.path}: ${a.path} (${a.name})`;
            const owner = ownerView(device, a.via, items);
            const value = otherValue(codec, get(owner, a.name), n, text);
            set(owner, a.name, value);
            expect(get(ownerView(device, a.via, items), a.name), `${where}: read back`).to.equal(value);
            const holder = attributeHolder(device, a, items)!;
            expect(getAttr(holder, attribute), `${where}: the attribute`).to.equal(codec.encode(value));
            removeAttr(holder, attribute);
            removeAttr(attributeHolder(untouched, a, items)!, attribute);
            expect(serialize(device.element), `${where}: changed elsewhere`).to.equal(
              serialize(untouched.element),
            );
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
