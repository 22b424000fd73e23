/**
 * Lenient recovery (issue 12, point 5): a value of the metadata that cannot be read is a problem of
 * the device whose entry holds it (or of the domain, at the VM level), never a VM that cannot be
 * recovered. Fixtures in fixtures/domains/lenient/ name the problems they hold in their first
 * lines: `<!-- problem [device="N"] path="..." line="L" -->` (no device: a VM-level value).
 */
import { expect } from 'chai';
import { basename } from 'node:path';
import type { Domain, Problem } from '../../src/index.js';
import { create, recover } from '../../src/index.js';
import { parseXml, positionOf, removeNode, serialize } from '../../src/xml/index.js';
import { thrown } from '../helpers/errors.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';
import { elementsOf } from '../helpers/xml-assert.js';

interface Expected {
  device: number | undefined;
  path: string;
  line: number;
}

function expectedProblems(text: string): Expected[] {
  return [...text.matchAll(/^<!-- problem (?:device="(\d+)" )?path="([^"]+)" line="(\d+)" -->$/gm)].map(
    ([, device, path = '', line = '']) => ({
      device: device === undefined ? undefined : Number(device),
      path,
      line: Number(line),
    }),
  );
}

const unreadable = (d: Domain): Problem[] => d.validate().filter((p) => p.code === 'METADATA_VALUE');

/** How each device is bound: the rule and the entries, by layout and index. */
function bindings(d: Domain): string[] {
  return d.devices.map((device) => {
    const b = d.bindingOf(device);
    return `${device.kind} ${b.rule} ${String(b.descriptor?.index)} ${String(b.xmlpickle?.index)}`;
  });
}

/** The document without the elements that start on `lines`: the same VM without its bad values. */
function withoutLines(text: string, lines: readonly number[]): string {
  const doc = parseXml(text);
  for (const el of elementsOf(doc)) if (lines.includes(positionOf(el).line ?? 0)) removeNode(el);
  return serialize(doc);
}

describe('lenient recovery (fixtures/domains/lenient)', () => {
  const files = listFixtures('domains/lenient');

  it('has a fixture for a bad device value, a bad VM-level value, and bad xmlpickle values', () => {
    expect(files.map((f) => basename(f))).to.include.members([
      'device-values.xml',
      'vm-values.xml',
      'xmlpickle-values.xml',
    ]);
  });

  for (const rel of files) {
    describe(basename(rel), () => {
      const text = readFixture(rel);
      const expected = expectedProblems(text);

      it('recovers every device and binds it as it would without the bad values', () => {
        expect(expected).to.not.be.empty;
        const d = recover(text, { source: rel });
        const control = recover(
          withoutLines(
            text,
            expected.map((p) => p.line),
          ),
        );
        expect(unreadable(control)).to.be.empty;
        expect(bindings(d)).to.deep.equal(bindings(control));
        expect(d.orphans).to.have.length(control.orphans.length);
      });

      it('reports each bad value with its code, value path and line:column, on its device or the domain', () => {
        const problems = unreadable(recover(text, { source: rel }));
        expect(problems.map((p) => ({ device: p.device, path: p.path, line: p.line }))).to.have.deep.members(
          expected,
        );
        for (const p of problems) {
          expect(p.column).to.be.a('number');
          expect(p.message.startsWith(`${p.path ?? '?'}: `), p.message).to.equal(true);
        }
      });

      it('create, which reads strictly, refuses the document at its first bad value', () => {
        const first = [...expected].sort((a, b) => a.line - b.line)[0]!;
        const e = thrown(() => create(text, { source: rel }));
        expect([e.code, e.path, e.line, e.source]).to.deep.equal([
          'METADATA_VALUE',
          first.path,
          first.line,
          rel,
        ]);
      });

      it("the bad key's get() throws METADATA_VALUE with its path and line:column; the other keys read", () => {
        const d = recover(text, { source: rel });
        for (const p of expected) {
          if (p.device === undefined) continue;
          const [, key = '', rest = ''] = /^devices\[\d+\]\.([\w$-]+)(.*)$/.exec(p.path) ?? [];
          const device = d.devices[p.device]!;
          const e = thrown(() => device.meta.get(key));
          expect([e.code, e.path, e.line, e.source]).to.deep.equal([
            'METADATA_VALUE',
            key + rest,
            p.line,
            rel,
          ]);
          expect(e.column).to.be.a('number');
          for (const other of device.meta.keys()) if (other !== key) device.meta.get(other);
        }
      });

      it('save() writes the bad text back byte for byte, and the next recover reports it again', () => {
        const d = recover(text, { source: rel });
        d.save();
        const saved = d.toXml();
        const lines = text.split('\n');
        for (const p of expected) expect(saved).to.contain((lines[p.line - 1] ?? '').trim());
        const again = unreadable(recover(saved)).map((p) => `${String(p.device)} ${p.path ?? ''}`);
        expect(again).to.include.members(expected.map((p) => `${String(p.device)} ${p.path}`));
      });
    });
  }
});
