/**
 * What a view class's tables reach, in the format of the schema walker (scripts/libvirt-schema.ts,
 * `dataPaths`): `disk/@type`, `disk/driver/@cache`, `disk/serial`, `disk/source/host/@name`. The
 * schema coverage gate counts these paths; the accessor test writes through each scalar accessor.
 */
import type { AnyField } from '../../src/devices/field.js';
import type { ChildSpec, Member, ViewClass } from '../../src/devices/view.js';

/** One step from a view down to a sub-view: the accessor and the child element it stands for. */
export interface ViewStep {
  readonly accessor: string;
  readonly element: string;
  readonly member: 'one' | 'many';
}

/** A scalar accessor (a field of a table), with the view class holding it and where it sits. */
export interface ScalarAccessor {
  readonly owner: ViewClass;
  readonly name: string;
  readonly field: AnyField;
  /** The sub-views from the device down to `owner`. */
  readonly via: readonly ViewStep[];
  /** The full path, the device's tag first (`disk/driver/@cache`). */
  readonly path: string;
}

function isChildSpec(m: Member): m is ChildSpec {
  return 'member' in m;
}

/**
 * The members of a class, each name once: `fields` before `members`, as defineAccessors installs
 * them (a name in both is the `fields` entry's accessor).
 */
function tableEntries(cls: ViewClass): [string, Member][] {
  const seen = new Set<string>();
  return [...Object.entries(cls.fields), ...Object.entries(cls.members)].filter(([name]) => {
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/**
 * Every scalar accessor `cls` reaches from the element at `prefix`, recursing into its one and many
 * sub-views. A view class enters at most twice on one path, as the walker enters a schema element:
 * a recursive chain (`backingStore` in `backingStore`) is typed one level deep, and deeper levels
 * are the same accessors again.
 */
export function* scalarAccessors(cls: ViewClass, prefix: string): Generator<ScalarAccessor> {
  const onPath = new Map<ViewClass, number>();
  function* walk(view: ViewClass, path: string, via: readonly ViewStep[]): Generator<ScalarAccessor> {
    onPath.set(view, (onPath.get(view) ?? 0) + 1);
    for (const [name, m] of tableEntries(view)) {
      if (!isChildSpec(m)) {
        yield { owner: view, name, field: m, via, path: m.path === '' ? path : `${path}/${m.path}` };
        continue;
      }
      const child = m.view();
      if ((onPath.get(child) ?? 0) < 2)
        yield* walk(child, `${path}/${m.name}`, [
          ...via,
          { accessor: name, element: m.name, member: m.member },
        ]);
    }
    onPath.set(view, (onPath.get(view) ?? 0) - 1);
  }
  yield* walk(cls, prefix, []);
}

/** Every path the tables of `cls` reach from the element at `prefix` (see scalarAccessors). */
export function typedPaths(cls: ViewClass, prefix: string): Set<string> {
  return new Set([...scalarAccessors(cls, prefix)].map((a) => a.path));
}
