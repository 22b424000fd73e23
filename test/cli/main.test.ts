import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { fixturePath } from '../helpers/fixtures.js';

function run(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** `metadata encode` of a typed JSON file as Vdsm's bare `<pyxmlpickle>` document. */
function encodeBareXmlpickle(file: string): { code: number; out: string; err: string } {
  return run('metadata', 'encode', file, '--format', 'xmlpickle', '--root', 'pyxmlpickle', '--no-namespace');
}

describe('vmdevices CLI', () => {
  it('inspect --json prints the documented shape for the bundled example', () => {
    const r = run('inspect', '--json');
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out) as {
      name: string;
      devices: Record<string, unknown>[];
      orphans: { entry: unknown }[];
    };
    expect(j.name).to.equal('a0');
    expect(Object.keys(j.devices[0]!)).to.deep.equal([
      'kind',
      'class',
      'alias',
      'deviceId',
      'address',
      'binding',
      'metadata',
      'fields',
      'problems',
    ]);
    expect(j.orphans.map((o) => o.entry)).to.deep.equal([
      { layout: 'xmlpickle', index: 0 },
      { layout: 'xmlpickle', index: 1 },
    ]);
  });

  it('inspect exits 1 and names the problems on stderr when a device has one', () => {
    const r = run('inspect', fixturePath('domains/broken-device.xml'));
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('graphics');
    expect(r.err).to.match(
      /problem: device #0: \/domain\/devices\/graphics\/@port: "59x0" is not an integer/,
    );
  });

  it('inspect prints a VM with a value it cannot read, names the problem and exits 1', () => {
    const device = run('inspect', fixturePath('domains/lenient/device-values.xml'));
    expect(device.code).to.equal(1);
    for (const kind of ['disk', 'interface', 'input', 'graphics', 'memballoon'])
      expect(device.out).to.contain(kind);
    expect(device.err).to.contain(
      'problem: device #0: devices[0].volumeChain[0].leaseOffset: "abc & 1" is not a valid int',
    );
    const vm = run('inspect', fixturePath('domains/lenient/vm-values.xml'));
    expect(vm.code).to.equal(1);
    expect(vm.out).to.contain('interface');
    expect(vm.err).to.contain('problem: launchPaused: "maybe" is not a valid bool');
  });

  it('prints FILE:LINE:COL: CODE: message for a parse error, exit 1', () => {
    const r = run('inspect', fixturePath('seed/seed1-verbatim.xml'));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/seed1-verbatim\.xml:\d+:\d+: XML_PARSE: /);
  });

  it('usage errors exit 2: unknown option, missing file, both layouts without --format', () => {
    expect(run('inspect', '--nope').code).to.equal(2);
    expect(run('inspect', '/does/not/exist.xml').code).to.equal(2);
    const both = run('metadata', 'decode', fixturePath('domains/seed1-repaired.xml'));
    expect(both.code, both.err).to.equal(0); // seed1's ovirt-vm group is empty: xmlpickle is the one with content
    expect(run('metadata', 'decode', fixturePath('domains/create/seed1-repaired.out.xml')).code).to.equal(2);
  });

  it('metadata decode → encode round-trips the descriptor and the xmlpickle value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmdevices-cli-'));
    const d = run('metadata', 'decode', fixturePath('domains/engine-ovirt-vm.xml'));
    expect(d.code, d.err).to.equal(0);
    writeFileSync(join(dir, 'd.json'), d.out);
    const e = run('metadata', 'encode', join(dir, 'd.json'), '--format', 'descriptor');
    expect(e.code, e.err).to.equal(0);
    writeFileSync(join(dir, 'vm.xml'), e.out);
    expect(JSON.parse(run('metadata', 'decode', join(dir, 'vm.xml')).out)).to.deep.equal(JSON.parse(d.out));

    const x = run('metadata', 'decode', fixturePath('domains/seed1-repaired.xml'), '--format', 'xmlpickle');
    writeFileSync(join(dir, 'x.json'), x.out);
    const y = encodeBareXmlpickle(join(dir, 'x.json'));
    expect(y.code, y.err).to.equal(0);
    expect(y.out).to.match(/^<pyxmlpickle><value type="dict">/);
  });

  it('metadata decode → encode keeps the order of a dict, integer-like keys included, byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmdevices-cli-'));
    const xml =
      '<pyxmlpickle><value type="dict"><item key="b" type="str">x</item><item key="2" type="int">7</item>' +
      '<item key="a" type="dict"><item key="10" type="str">p</item><item key="9" type="str">q</item></item>' +
      '</value></pyxmlpickle>';
    writeFileSync(join(dir, 'in.xml'), xml);
    const d = run('metadata', 'decode', join(dir, 'in.xml'));
    expect(d.code, d.err).to.equal(0);
    writeFileSync(join(dir, 'in.json'), d.out);
    const e = encodeBareXmlpickle(join(dir, 'in.json'));
    expect(e.code, e.err).to.equal(0);
    expect(e.out).to.equal(`${xml}\n`);
  });

  it('create prints the XML for libvirt; explain names every rule', () => {
    const c = run('create', fixturePath('domains/seed1-repaired.xml'));
    expect(c.code, c.err).to.equal(0);
    expect(c.out).to.contain('<target dev="hdc" bus="ide"/>');
    const x = run('explain', fixturePath('domains/ambiguous-disk.xml'));
    expect(x.code).to.equal(0);
    expect(x.out).to.match(/descriptor key \[name=vda, path=\/var\/lib\/images\/a\.img\]: .*ambiguous/);
  });
});
