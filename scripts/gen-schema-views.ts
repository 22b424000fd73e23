/**
 * Generates the typed views of libvirt's device schema (src/devices/schema/*.ts) from its RelaxNG
 * (scripts/libvirt-schema.ts reads it): for every device kind, a table of the members its element
 * holds beyond what its class's own `fields` already type, and one view class per distinct element
 * below it (structurally equal elements share one class: the storage source under `source`,
 * `backingStore`, `mirror`). Run it after a libvirt schema update and commit the output:
 *
 *   npx tsx scripts/gen-schema-views.ts [SCHEMA_DIR]
 *
 * `test/scripts/gen-schema-views.test.ts` checks the committed files are what it writes.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import type { SchemaElement, ValueType } from './libvirt-schema.js';
import { NOT_DEVICE_DATA, defaultSchemaDir, loadDeviceSchema } from './libvirt-schema.js';
import { DEVICE_CLASSES } from '../src/devices/registry.js';
import type { DeviceClass } from '../src/devices/device.js';
import { Device } from '../src/devices/device.js';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
export const OUT_DIR = join(REPO, 'src', 'devices', 'schema');

/**
 * Class names the API had before the views were generated (and clearer than the schema's names for
 * an element several kinds share), by the generated name.
 */
const CLASS_NAMES: ReadonlyMap<string, string> = new Map([
  ['Codec', 'SoundCodec'],
  ['ConsoleSource', 'ChardevSource'],
  ['Usbdevfilter', 'RedirfilterUsbdev'],
]);

/**
 * libvirt's order of an element's children where its formatter writes them in another order than
 * the schema lists them (virDomainDiskSourceFormat writes the hosts first): new children go there.
 * The schema's other children follow in its order.
 */
const CHILD_ORDERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['DiskSource', ['host', 'snapshot', 'config', 'slices', 'seclabel', 'auth', 'encryption', 'reservations']],
]);

/** Names a sub-view member may not take (the view's own API). */
const VIEW_API = new Set(['exists', 'element', 'toJSON', 'constructor', 'members', 'fields']);

type Member =
  | { kind: 'field'; name: string; path: string; type: ValueType }
  | { kind: 'flag'; name: string; path: string }
  | { kind: 'one' | 'many'; name: string; path: string; view: ViewDef };

interface ViewDef {
  className: string;
  /** The kinds whose trees hold it: one kind's file, or shared.ts. */
  kinds: Set<string>;
  members: Member[];
  order: string[];
  signature: string;
  element: string;
}

const camel = (s: string): string => s.replace(/[-_.:]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (s: string): string => {
  const c = camel(s);
  return c.charAt(0).toUpperCase() + c.slice(1);
};
const plural = (s: string): string =>
  /(s|x|sh|ch)$/.test(s) ? `${s}es` : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`;

/** True for an element that is only its text (a leaf typed as a field of its parent). */
const isTextLeaf = (el: SchemaElement): boolean =>
  el.text !== undefined && el.attributes.size === 0 && el.children.size === 0;
const isFlag = (el: SchemaElement): boolean =>
  el.text === undefined && el.attributes.size === 0 && el.children.size === 0;

const typeKey = (t: ValueType): string => (t.kind === 'enum' ? `enum(${t.values.join('|')})` : t.kind);

class Generator {
  readonly bySignature = new Map<string, ViewDef>();
  readonly names = new Set<string>();
  readonly signatures = new Map<SchemaElement, string>();

  /** A structural signature: elements with equal ones share a view class. */
  signature(el: SchemaElement, stack: SchemaElement[] = []): string {
    const known = this.signatures.get(el);
    if (known !== undefined) return known;
    const at = stack.indexOf(el);
    if (at >= 0) return `^${stack.length - at}`;
    stack.push(el);
    const attrs = [...el.attributes].map(([n, t]) => `@${n}:${typeKey(t)}`).join(',');
    const children = [...el.children]
      .filter(([n]) => !NOT_DEVICE_DATA.includes(n))
      .map(([n, c]) => `${n}${c.repeated ? '*' : ''}=${this.signature(c.element, stack)}`)
      .join(',');
    stack.pop();
    const sig = `${el.name}{${attrs}|${children}|${el.text === undefined ? '' : typeKey(el.text)}}`;
    if (stack.length === 0) this.signatures.set(el, sig);
    return sig;
  }

  /** The members of `el`, its sub-views made (or found) on the way. */
  members(
    el: SchemaElement,
    kind: string,
    namePath: string,
    stack: SchemaElement[],
    reserved: Set<string>,
  ): Member[] {
    const out: Member[] = [];
    const taken = new Set<string>(reserved);
    const unique = (name: string, suffix: string): string => {
      let n = taken.has(name) ? `${name}${suffix}` : name;
      for (let i = 2; taken.has(n); i++) n = `${name}${suffix}${i}`;
      taken.add(n);
      return n;
    };
    for (const [attr, type] of el.attributes)
      out.push({ kind: 'field', name: unique(camel(attr), 'Attribute'), path: `@${attr}`, type });
    // A view's own text (a repeated text element is a list of views with a value each).
    if (el.text !== undefined)
      out.push({ kind: 'field', name: unique('value', 'Text'), path: '', type: el.text });
    for (const [name, child] of el.children) {
      if (NOT_DEVICE_DATA.includes(name)) continue;
      const c = child.element;
      if (!child.repeated && isTextLeaf(c) && c.text !== undefined) {
        out.push({ kind: 'field', name: unique(camel(name), 'Text'), path: name, type: c.text });
      } else if (isFlag(c) && !child.repeated) {
        out.push({ kind: 'flag', name: unique(camel(name), 'Flag'), path: name });
      } else {
        const view = this.view(c, kind, `${namePath}${pascal(name)}`, stack);
        const memberName = child.repeated
          ? unique(plural(camel(name)), 'List')
          : unique(camel(name), 'Element');
        out.push({ kind: child.repeated ? 'many' : 'one', name: memberName, path: name, view });
      }
    }
    return out;
  }

  view(el: SchemaElement, kind: string, namePath: string, stack: SchemaElement[]): ViewDef {
    const sig = this.signature(el);
    const known = this.bySignature.get(sig);
    if (known !== undefined) {
      known.kinds.add(kind);
      // A cycle's members are being filled in further up the stack.
      if (!stack.includes(el)) this.markKinds(known, kind);
      return known;
    }
    let className = el.define !== undefined && /^[a-z]/i.test(el.define) ? pascal(el.define) : namePath;
    if (/^\d/.test(className) || this.names.has(className)) className = namePath;
    for (let i = 2; this.names.has(className); i++) className = `${namePath}${i}`;
    className = CLASS_NAMES.get(className) ?? className;
    this.names.add(className);
    const def: ViewDef = {
      className,
      kinds: new Set([kind]),
      members: [],
      order: [],
      signature: sig,
      element: el.name,
    };
    this.bySignature.set(sig, def);
    stack.push(el);
    def.members = this.members(el, kind, namePath, stack, VIEW_API);
    const first = CHILD_ORDERS.get(className) ?? [];
    def.order = [...first, ...[...el.children.keys()].filter((n) => !first.includes(n))];
    stack.pop();
    return def;
  }

  /** A view reached from another kind: so are the views below it. */
  markKinds(def: ViewDef, kind: string, seen = new Set<ViewDef>()): void {
    if (seen.has(def)) return;
    seen.add(def);
    def.kinds.add(kind);
    for (const m of def.members)
      if (m.kind === 'one' || m.kind === 'many') this.markKinds(m.view, kind, seen);
  }
}

/** What a device class already types, and the names its own API takes. */
function classSurface(cls: DeviceClass): { paths: Set<string>; names: Set<string> } {
  const paths = new Set(Object.values(cls.fields).map((f) => f.path));
  const names = new Set<string>(Object.keys(cls.fields));
  const generated = new Set(Object.keys(cls.members));
  for (
    let p = (cls as unknown as { prototype: object }).prototype as object | null;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    for (const n of Object.getOwnPropertyNames(p)) if (!generated.has(n)) names.add(n);
  }
  for (const n of Object.getOwnPropertyNames(Device.prototype)) names.add(n);
  return { paths, names };
}

function codec(t: ValueType, label: string): string {
  switch (t.kind) {
    case 'enum':
      return `openEnum<${t.values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(' | ') || 'string'}>('${label}')`;
    case 'yesNo':
      return 'yesNo';
    case 'onOff':
      return 'onOff';
    case 'int':
      return 'int';
    case 'uint':
      return 'uint';
    case 'string':
      return 'str';
  }
}

function memberLine(m: Member, label: string): string {
  switch (m.kind) {
    case 'field':
      return `${m.name}: field('${m.path}', ${codec(m.type, `${label} ${m.path.replace('@', '') || 'text'}`)}),`;
    case 'flag':
      return `${m.name}: flag('${m.path}'),`;
    case 'one':
    case 'many':
      // The type argument keeps a cycle (a backing store's source) from being inferred through itself.
      return `${m.name}: ${m.kind}<${m.view.className}>('${m.path}', () => ${m.view.className}),`;
  }
}

const tableName = (className: string): string =>
  `${className.charAt(0).toLowerCase()}${className.slice(1)}Members`;

function viewSource(def: ViewDef): string {
  const table = tableName(def.className);
  const lines = def.members.map((m) => `  ${memberLine(m, `<${def.element}>`)}`);
  return [
    ``,
    `const ${table} = {`,
    ...lines,
    `} as const;`,
    ``,
    `export interface ${def.className} extends Accessors<typeof ${table}> {}`,
    `/** \`<${def.element}>\`. */`,
    `export class ${def.className} extends ChildView {`,
    // Typed wide: the class's type must not depend on its table's (tables refer to classes in cycles).
    `  static override readonly members: Members = ${table};`,
    ...(def.order.length > 0
      ? [`  static override readonly childOrder = ${JSON.stringify(def.order).replace(/"/g, "'")};`]
      : []),
    `  static {`,
    `    defineAccessors(this);`,
    `  }`,
    `}`,
    ``,
  ].join('\n');
}

const HEADER = (what: string): string =>
  `/**\n * ${what}\n * Generated by scripts/gen-schema-views.ts from libvirt's RelaxNG schema: do not edit.\n */\n`;

function imports(body: string, localClasses: Set<string>, shared: Set<string>): string {
  const codecs = ['int', 'onOff', 'openEnum', 'str', 'uint', 'yesNo'].filter((c) =>
    new RegExp(`[(, ]${c}[(),<]`).test(body),
  );
  const fieldFns = ['field', 'flag'].filter((c) => body.includes(` ${c}('`));
  const viewFns = ['ChildView', 'defineAccessors', 'many', 'one'].filter((c) =>
    c === 'ChildView'
      ? body.includes('extends ChildView')
      : c === 'defineAccessors'
        ? body.includes('defineAccessors(')
        : new RegExp(` ${c}<`).test(body),
  );
  const usedShared = [...shared]
    .filter((c) => !localClasses.has(c) && new RegExp(`=> ${c}\\)`).test(body))
    .sort();
  const out: string[] = [];
  if (codecs.length > 0) out.push(`import { ${codecs.join(', ')} } from '../../xml/codecs.js';`);
  if (fieldFns.length > 0) out.push(`import { ${fieldFns.join(', ')} } from '../field.js';`);
  const types = [
    ...(body.includes('extends Accessors<') ? ['Accessors'] : []),
    ...(body.includes(': Members') ? ['Members'] : []),
  ];
  if (types.length > 0) out.push(`import type { ${types.join(', ')} } from '../view.js';`);
  if (viewFns.length > 0) out.push(`import { ${viewFns.join(', ')} } from '../view.js';`);
  if (usedShared.length > 0) out.push(`import { ${usedShared.join(', ')} } from './shared.js';`);
  return out.join('\n') + '\n\n';
}

/** The files to write: name -> content (formatted). */
export async function generate(schemaDir: string): Promise<Map<string, string>> {
  const schema = loadDeviceSchema(schemaDir);
  const gen = new Generator();
  const roots = new Map<string, Member[]>();
  for (const [kind, root] of schema) {
    const cls = DEVICE_CLASSES.find((c) => c.tag === kind);
    if (cls === undefined) continue;
    const surface = classSurface(cls);
    const members = gen
      .members(root, kind, pascal(kind), [root], surface.names)
      // What the class's own table types already.
      .filter((m) => !(m.kind !== 'one' && m.kind !== 'many' && surface.paths.has(m.path)));
    roots.set(kind, members);
  }
  const defs = [...gen.bySignature.values()];
  const sharedDefs = defs.filter((d) => d.kinds.size > 1);
  const sharedNames = new Set(sharedDefs.map((d) => d.className));
  const files = new Map<string, string>();
  const options = (await prettier.resolveConfig(join(OUT_DIR, 'x.ts'))) ?? {};
  const format = (text: string, file: string): Promise<string> =>
    prettier.format(text, { ...options, filepath: join(OUT_DIR, file) });

  const sharedBody = sharedDefs.map(viewSource).join('\n');
  files.set(
    'shared.ts',
    await format(
      HEADER('Views of elements several device kinds hold.') +
        imports(sharedBody, sharedNames, sharedNames) +
        sharedBody,
      'shared.ts',
    ),
  );
  for (const [kind, members] of roots) {
    const own = defs.filter((d) => d.kinds.size === 1 && d.kinds.has(kind));
    const ownNames = new Set(own.map((d) => d.className));
    const rootTable = [
      `/** The members of \`<${kind}>\` its class's own fields do not type. */`,
      `export const ${camel(kind)}Members = {`,
      ...members.map((m) => `  ${memberLine(m, `<${kind}>`)}`),
      `} as const;`,
      ``,
    ].join('\n');
    const body = rootTable + own.map(viewSource).join('\n');
    files.set(
      `${kind}.ts`,
      await format(
        HEADER(`The typed views of \`<${kind}>\`.`) + imports(body, ownNames, sharedNames) + body,
        `${kind}.ts`,
      ),
    );
  }
  const exportsOf = (text: string): string[] =>
    [...text.matchAll(/^export class (\w+)/gm)].map((m) => m[1] ?? '');
  const index = [...files]
    .map(([name, text]) => ({ module: name.replace(/\.ts$/, ''), classes: exportsOf(text) }))
    .filter((f) => f.classes.length > 0)
    .map((f) => `export { ${f.classes.join(', ')} } from './${f.module}.js';`)
    .join('\n');
  files.set(
    'index.ts',
    await format(HEADER('The view classes of every device kind.') + index + '\n', 'index.ts'),
  );
  return files;
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? defaultSchemaDir() ?? '');
  const files = await generate(dir);
  mkdirSync(OUT_DIR, { recursive: true });
  for (const f of readdirSync(OUT_DIR)) if (!files.has(f)) rmSync(join(OUT_DIR, f));
  for (const [name, text] of files) writeFileSync(join(OUT_DIR, name), text);
  process.stdout.write(`wrote ${files.size} files to ${OUT_DIR}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
