/**
 * The standard checks every device class runs over its fixtures in fixtures/devices/<tag>/:
 * `<scenario>.xml` (the device element as root), optional `<scenario>.meta.json` (typed JSON of the
 * bound metadata), and the golden `<scenario>.json` (expected toJSON()). Each fixture must come back
 * canonically unchanged after building the device and reading every field.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Device, DeviceClass } from '../../src/devices/index.js';
import { fromTypedJson } from '../../src/metadata/typed-json.js';
import type { Dict } from '../../src/metadata/value.js';
import { canonicalDiff, parseXml, serialize } from '../../src/xml/index.js';
import { expectJsonGolden, fixturePath, listFixtures, readFixture } from './fixtures.js';

export interface LoadedFixture<D extends Device = Device> {
  name: string;
  text: string;
  device: D;
}

/** The device of a fixture file (its root element), with `meta` as its metadata when given. */
export function deviceFromFixture<D extends Device>(
  cls: DeviceClass & { prototype: D },
  rel: string,
  meta?: Dict,
): D {
  return cls.fromXmlTree(parseXml(readFixture(rel), { source: rel }).documentElement!, meta) as D;
}

/** Builds the device of a fixture (its XML and, when present, its metadata). */
export function loadDeviceFixture<D extends Device = Device>(
  cls: DeviceClass & { prototype?: D },
  rel: string,
): LoadedFixture<D> {
  const text = readFixture(rel);
  const doc = parseXml(text, { source: rel });
  const metaRel = rel.replace(/\.xml$/, '.meta.json');
  const meta = existsSync(fixturePath(metaRel))
    ? (fromTypedJson(JSON.parse(readFixture(metaRel))) as Dict)
    : undefined;
  return { name: rel, text, device: cls.fromXmlTree(doc.documentElement!, meta) as D };
}

/** The fixture files of a tag (inputs only: not `.out.xml` edit goldens). */
export function deviceFixtures(tag: string): string[] {
  return listFixtures(`devices/${tag}`).filter((f) => !f.endsWith('.out.xml'));
}

/** Registers the standard fixture tests of a class; returns the loaded fixtures' names. */
export function describeDeviceFixtures(cls: DeviceClass, tag: string, minimum = 3): void {
  const files = deviceFixtures(tag);
  it(`has at least ${minimum} fixtures in fixtures/devices/${tag}`, () => {
    expect(files.length).to.be.at.least(minimum);
  });
  for (const rel of files) {
    it(`${rel}: toJSON matches its golden and the XML comes back unchanged`, () => {
      const { text, device } = loadDeviceFixture(cls, rel);
      expect(device.className).to.equal(cls.name);
      expectJsonGolden(device.toJSON(), rel.replace(/\.xml$/, '.json'));
      const diff = canonicalDiff(parseXml(serialize(device.element.ownerDocument!)), parseXml(text));
      expect(diff, diff).to.equal(undefined);
    });
  }
}

/**
 * The coverage gate: every field the class declares is read (present) in at least one fixture of
 * the tag, and so is each of the `derived` values its toJSON adds (`source`, `bootOrder`...).
 */
export function describeFieldCoverage(cls: DeviceClass, tag: string, derived: readonly string[] = []): void {
  it(`every declared field of ${cls.name} is read by a fixture in fixtures/devices/${tag}`, () => {
    const seen = new Set<string>();
    for (const rel of deviceFixtures(tag)) {
      for (const name of Object.keys(loadDeviceFixture(cls, rel).device.toJSON().fields)) seen.add(name);
    }
    const unread = [...Object.keys(cls.fields), ...derived].filter((name) => !seen.has(name));
    expect(unread, 'fields no fixture reads').to.deep.equal([]);
  });
}
