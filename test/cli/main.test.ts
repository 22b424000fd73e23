import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { ROOT, fixturePath } from '../helpers/fixtures.js';

function run(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, {
    out: (s) => (out += typeof s === 'string' ? s : Buffer.from(s).toString()),
    err: (s) => (err += s),
  });
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
    expect(r.err).to.contain(
      'broken-device.xml:16:5: XML_VALUE: device #0: /domain/devices/graphics/@port: "59x0" is not an integer',
    );
  });

  it('inspect --json: a problem is an object with its code and place; one bad attribute leaves the other fields', () => {
    const r = run('inspect', '--json', fixturePath('domains/broken-device.xml'));
    expect(r.code).to.equal(1);
    const graphics = (JSON.parse(r.out) as { devices: { fields: object; problems: object[] }[] }).devices[0]!;
    expect(graphics.problems).to.deep.equal([
      {
        code: 'XML_VALUE',
        message: '/domain/devices/graphics/@port: "59x0" is not an integer',
        path: '/domain/devices/graphics/@port',
        line: 16,
        column: 5,
      },
    ]);
    expect(graphics.fields).to.deep.equal({ type: 'spice', autoport: false, displayNetwork: 'ovirtmgmt' });
  });

  it('inspect puts a problem two devices share (a MAC) on both, and prints it once', () => {
    const r = run('inspect', '--json', fixturePath('cli/shared-mac.xml'));
    expect(r.code).to.equal(1);
    const j = JSON.parse(r.out) as { devices: { problems: { code: string }[] }[]; problems: unknown[] };
    expect(j.devices.map((d) => d.problems.map((p) => p.code))).to.deep.equal([
      ['DUPLICATE_DEVICE'],
      ['DUPLICATE_DEVICE'],
    ]);
    expect(j.problems).to.deep.equal([]);
    expect(r.err.trim().split('\n')).to.have.length(1);
    expect(r.err).to.match(/shared-mac\.xml: DUPLICATE_DEVICE: devices #0, #1: interfaces share the MAC/);
  });

  it('inspect prints a VM with a value it cannot read, names the problem and exits 1', () => {
    const device = run('inspect', fixturePath('domains/lenient/device-values.xml'));
    expect(device.code).to.equal(1);
    for (const kind of ['disk', 'interface', 'input', 'graphics', 'memballoon'])
      expect(device.out).to.contain(kind);
    expect(device.err).to.contain(
      'device-values.xml:18:13: METADATA_VALUE: device #0: devices[0].volumeChain[0].leaseOffset: "abc & 1" is not a valid int',
    );
    const vm = run('inspect', fixturePath('domains/lenient/vm-values.xml'));
    expect(vm.code).to.equal(1);
    expect(vm.out).to.contain('interface');
    expect(vm.err).to.contain('vm-values.xml:9:7: METADATA_VALUE: launchPaused: "maybe" is not a valid bool');
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
    expect(c.out).to.contain("<target dev='hdc' bus='ide'/>");
    const x = run('explain', fixturePath('domains/ambiguous-disk.xml'));
    expect(x.code).to.equal(0);
    expect(x.out).to.match(/descriptor key \[name=vda, path=\/var\/lib\/images\/a\.img\]: .*ambiguous/);
  });

  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.code).to.equal(0);
    expect(r.out.trim()).to.equal(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('explain prints only the layouts the document carries; --json gives the same traces', () => {
    const file = fixturePath('domains/broken-device.xml'); // a descriptor group, no xmlpickle
    const text = run('explain', file);
    expect(text.code, text.err).to.equal(0);
    expect(text.out).to.contain('descriptor key [name=spice]');
    expect(text.out).to.not.contain('xmlpickle');
    const json = run('explain', '--json', file);
    expect(json.code, json.err).to.equal(0);
    const j = JSON.parse(json.out) as {
      devices: { kind: string; rule: string; layouts: { layout: string; rules: { rule: string }[] }[] }[];
    };
    expect(j.devices.map((d) => [d.kind, d.rule])).to.deep.equal([
      ['graphics', 'key'],
      ['interface', 'key'],
      ['memballoon', 'none'],
    ]);
    expect(j.devices[0]!.layouts.map((l) => l.layout)).to.deep.equal(['descriptor']);
    expect(j.devices[0]!.layouts[0]!.rules.map((r) => r.rule)).to.deep.equal([
      'user-alias',
      'alias',
      'address',
      'key',
    ]);
  });

  it('metadata encode refuses an unknown top-level key, naming it and the keys it accepts', () => {
    const d = run('metadata', 'encode', fixturePath('cli/vallues.json'), '--format', 'descriptor');
    expect(d.code).to.equal(1);
    expect(d.out).to.equal('');
    expect(d.err).to.contain(
      'vallues.json: METADATA_SHAPE: vallues: unknown top-level key (the keys accepted: format, values, custom, devices)',
    );
    const dir = mkdtempSync(join(tmpdir(), 'vmdevices-cli-'));
    writeFileSync(join(dir, 'x.json'), '{"format": "xmlpickle", "valeu": {}}');
    const x = run('metadata', 'encode', join(dir, 'x.json'), '--format', 'xmlpickle');
    expect(x.code).to.equal(1);
    expect(x.err).to.contain('valeu: unknown top-level key (the keys accepted: format, value)');
  });

  it('inspect, explain, create and roundtrip say alike that a document is not a domain', () => {
    const results = ['inspect', 'explain', 'create', 'roundtrip'].map((c) =>
      run(c, fixturePath('cli/network.xml')),
    );
    for (const r of results) {
      expect(r.code).to.equal(1);
      expect(r.out).to.equal('');
      expect(r.err).to.match(
        /network\.xml:1:1: INVALID_DOMAIN: \/network: not a libvirt domain: the root element must be <domain>/,
      );
    }
    expect(new Set(results.map((r) => r.err)).size).to.equal(1);
  });
});

/** The CLI in-process, its standard output as the bytes written. */
function runBytes(...args: string[]): { code: number; out: Buffer; err: string } {
  const out: Buffer[] = [];
  let err = '';
  const code = main(args, { out: (s) => out.push(Buffer.from(s)), err: (s) => (err += s) });
  return { code, out: Buffer.concat(out), err };
}

/** The CLI as a process (as npm installs it, run from source), `input` on its standard input. */
function spawnCli(input: Buffer, ...args: string[]): { code: number | null; out: Buffer; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args], {
    input,
    cwd: ROOT,
  });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

describe('vmdevices CLI: encodings, standard input, --max-bytes', () => {
  const ENCODED = ['latin1.xml', 'windows-1252.xml', 'utf8-bom.xml', 'utf16le-bom.xml', 'utf16be-bom.xml'];

  it('inspect --json reads each file in the encoding it declares: "café"', () => {
    for (const f of ENCODED) {
      const r = run('inspect', '--json', fixturePath(`xml/encoding/${f}`));
      expect(r.code, `${f}: ${r.err}`).to.equal(0);
      expect((JSON.parse(r.out) as { name: string }).name, f).to.match(/^café/);
    }
  });

  it('roundtrip and create write the document in its own encoding, BOM included', () => {
    for (const f of ENCODED) {
      const original = readFileSync(fixturePath(`xml/encoding/${f}`));
      const r = runBytes('roundtrip', fixturePath(`xml/encoding/${f}`));
      expect(r.code, `${f}: ${r.err}`).to.equal(0);
      expect(r.out.equals(original), f).to.equal(true);
    }
    const c = runBytes('create', fixturePath('xml/encoding/latin1.xml'));
    expect(c.code, c.err).to.equal(0);
    expect(c.out.includes(Buffer.from('<name>café</name>', 'latin1'))).to.equal(true);
    expect(c.out.includes(Buffer.from('café'))).to.equal(false);
  });

  it('roundtrip writes a document that ends its lines with CR LF byte for byte', () => {
    const file = fixturePath('xml/line-ends/crlf-domain.xml');
    const r = runBytes('roundtrip', file);
    expect(r.code, r.err).to.equal(0);
    expect(r.out.equals(readFileSync(file))).to.equal(true);
  });

  it('refuses an encoding it cannot read, naming it: XML_ENCODING, exit 1', () => {
    const r = run('inspect', fixturePath('xml/encoding/unknown-encoding.xml'));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(
      /unknown-encoding\.xml:1:31: XML_ENCODING: encoding "x-klingon" is not supported\n$/,
    );
  });

  it('refuses a second <metadata> at its line:column: METADATA_SHAPE, exit 1', () => {
    const r = run('inspect', fixturePath('cli/two-metadata.xml'));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(
      /two-metadata\.xml:8:3: METADATA_SHAPE: \/domain\/metadata\[2\]: a second <metadata> element/,
    );
  });

  it('- reads standard input, in its encoding; errors name <stdin>', () => {
    const latin1 = readFileSync(fixturePath('xml/encoding/latin1.xml'));
    const inspect = spawnCli(latin1, 'inspect', '--json', '-');
    expect(inspect.code, inspect.err).to.equal(0);
    expect((JSON.parse(inspect.out.toString()) as { name: string }).name).to.equal('café');
    const roundtrip = spawnCli(latin1, 'roundtrip', '-');
    expect(roundtrip.code, roundtrip.err).to.equal(0);
    expect(roundtrip.out.equals(latin1)).to.equal(true);
    const bad = spawnCli(Buffer.from('<domain><devices>'), 'explain', '-');
    expect(bad.code).to.equal(1);
    expect(bad.err).to.match(/^<stdin>:1:9: XML_PARSE: /);
  });

  it('- works for metadata decode and encode too', () => {
    const d = run('metadata', 'decode', fixturePath('domains/engine-ovirt-vm.xml'));
    expect(d.code, d.err).to.equal(0);
    const e = spawnCli(Buffer.from(d.out), 'metadata', 'encode', '--format', 'descriptor', '-');
    expect(e.code, e.err).to.equal(0);
    const back = spawnCli(e.out, 'metadata', 'decode', '-');
    expect(back.code, back.err).to.equal(0);
    expect(JSON.parse(back.out.toString())).to.deep.equal(JSON.parse(d.out));
  });

  it('metadata decode | metadata encode keeps the attributes Vdsm reads past (unit="MiB")', () => {
    const d = spawnCli(
      Buffer.alloc(0),
      'metadata',
      'decode',
      fixturePath('metadata/descriptor/vdsm-leaf-attribute.xml'),
    );
    expect(d.code, d.err).to.equal(0);
    const e = spawnCli(d.out, 'metadata', 'encode', '--format', 'descriptor', '-');
    expect(e.code, e.err).to.equal(0);
    const out = e.out.toString();
    expect(out).to.contain(
      '<ovirt-vm:memGuaranteedSize type="int" unit="MiB">1024</ovirt-vm:memGuaranteedSize>',
    );
    expect(out).to.contain('<ovirt-vm:shared note="set by the admin">exclusive</ovirt-vm:shared>');
  });

  it('--max-bytes N refuses larger input, from a file or standard input: XML_LIMIT, exit 1', () => {
    const file = fixturePath('xml/encoding/latin1.xml');
    const size = readFileSync(file).length;
    expect(run('roundtrip', '--max-bytes', String(size), file).code).to.equal(0);
    for (const cmd of [['inspect'], ['explain'], ['roundtrip'], ['create'], ['metadata', 'decode']]) {
      const r = run(...cmd, '--max-bytes', String(size - 1), file);
      expect(r.code, cmd.join(' ')).to.equal(1);
      expect(r.err, cmd.join(' ')).to.equal(
        `${file}: XML_LIMIT: input is over the limit of ${size - 1} bytes\n`,
      );
    }
    const piped = spawnCli(readFileSync(file), 'inspect', '--max-bytes', '100', '-');
    expect([piped.code, piped.err]).to.deep.equal([
      1,
      '<stdin>: XML_LIMIT: input is over the limit of 100 bytes\n',
    ]);
    expect(run('inspect', '--max-bytes', 'lots', file).code).to.equal(2);
    expect(run('inspect', '--max-bytes', '0', file).code).to.equal(2);
  });
});

/** The CLI as a process reading an endless pipe: resolves with its exit code, stderr and the bytes it took. */
function spawnCliOnEndlessPipe(
  ...args: string[]
): Promise<{ code: number | null; err: string; written: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args], {
      cwd: ROOT,
    });
    let err = '';
    let written = 0;
    let done = false;
    const block = Buffer.alloc(64 * 1024, 'x');
    const feed = (): void => {
      while (!done && child.stdin.write(block)) written += block.length;
      if (!done) written += block.length;
    };
    // The CLI stops reading: its end of the pipe closes under the writer.
    child.stdin.on('error', () => undefined);
    child.stdin.on('drain', feed);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      done = true;
      resolve({ code, err, written });
    });
    feed();
  });
}

describe('vmdevices CLI: hostile input, limits', () => {
  it('an endless device (/dev/zero) is read up to --max-bytes and refused: XML_LIMIT naming it, exit 1', () => {
    const r = spawnCli(Buffer.alloc(0), 'inspect', '--max-bytes', '100000', '/dev/zero');
    expect([r.code, r.err]).to.deep.equal([
      1,
      '/dev/zero: XML_LIMIT: input is over the limit of 100000 bytes\n',
    ]);
    // With the default limit too: refused after 64 MiB, not after memory runs out.
    const d = spawnCli(Buffer.alloc(0), 'roundtrip', '/dev/zero');
    expect([d.code, d.err]).to.deep.equal([
      1,
      '/dev/zero: XML_LIMIT: input is over the limit of 67108864 bytes\n',
    ]);
  });

  it('an endless pipe on standard input is refused at the limit, its writer stopped by the closed pipe', async () => {
    const r = await spawnCliOnEndlessPipe('inspect', '--max-bytes', '1000000', '-');
    expect([r.code, r.err]).to.deep.equal([
      1,
      '<stdin>: XML_LIMIT: input is over the limit of 1000000 bytes\n',
    ]);
    // What the pipe holds beyond what was read is small: the writer was not drained without bound.
    expect(r.written).to.be.below(64 * 1024 * 1024);
  });

  it('a regular file over the limit is refused from its size, unread (a sparse 1 TB file, at once)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vmdevices-cli-')), 'huge.xml');
    writeFileSync(file, '');
    truncateSync(file, 2 ** 40);
    const started = Date.now();
    for (const cmd of [['inspect'], ['explain'], ['roundtrip'], ['create'], ['metadata', 'decode']]) {
      const r = run(...cmd, file);
      expect([r.code, r.err], cmd.join(' ')).to.deep.equal([
        1,
        `${file}: XML_LIMIT: input is over the limit of 67108864 bytes\n`,
      ]);
    }
    expect(run('metadata', 'encode', '--format', 'xmlpickle', file).err).to.contain('XML_LIMIT');
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('--max-depth N refuses deeper nesting in every command that parses XML, at the element: XML_LIMIT', () => {
    const file = fixturePath('domains/seed1-repaired.xml');
    expect(run('roundtrip', '--max-depth', '64', file).code).to.equal(0);
    for (const cmd of [['inspect'], ['explain'], ['roundtrip'], ['create'], ['metadata', 'decode']]) {
      const r = run(...cmd, '--max-depth', '3', file);
      expect(r.code, cmd.join(' ')).to.equal(1);
      expect(r.err, cmd.join(' ')).to.match(
        /seed1-repaired\.xml:\d+:\d+: XML_LIMIT: elements nested deeper than the limit of 3\n$/,
      );
    }
    expect(run('inspect', '--max-depth', '0', file).code).to.equal(2);
    expect(run('inspect', '--max-depth', '1e3', file).code).to.equal(2);
  });

  it('metadata errors say where: bad JSON at its line:column, a missing group at the root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmdevices-cli-'));
    writeFileSync(join(dir, 'bad.json'), '{\n  "format": "xmlpickle",\n}');
    const j = run('metadata', 'encode', '--format', 'xmlpickle', join(dir, 'bad.json'));
    expect(j.code).to.equal(1);
    expect(j.err).to.match(/bad\.json:3:1: METADATA_SHAPE: not JSON: /);
    writeFileSync(join(dir, 'cut.json'), '[1, 2');
    expect(run('metadata', 'encode', '--format', 'xmlpickle', join(dir, 'cut.json')).err).to.match(
      /cut\.json:1:6: METADATA_SHAPE: not JSON: /,
    );
    const x = run('metadata', 'decode', '--format', 'xmlpickle', fixturePath('domains/broken-device.xml'));
    expect(x.code).to.equal(1);
    expect(x.err).to.match(
      /broken-device\.xml:\d+:\d+: METADATA_SHAPE: \/domain: no xmlpickle group found\n$/,
    );
  });

  it('a reader that stops early (| head -c 100) is no error: quiet, exit 0', () => {
    // Output much larger than a pipe holds, so that writes go on after the reader has gone.
    const nics = Array.from(
      { length: 3000 },
      (_, i) =>
        `<interface type="bridge"><mac address="52:54:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}"/><source bridge="br0"/></interface>`,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'vmdevices-cli-')), 'many.xml');
    writeFileSync(file, `<domain type="kvm"><name>many</name><devices>${nics.join('')}</devices></domain>`);
    for (const args of ['inspect --json', 'inspect', 'roundtrip']) {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `set -o pipefail; "${process.execPath}" --import tsx src/cli/bin.ts ${args} "${file}" | head -c 100 >/dev/null`,
        ],
        { cwd: ROOT },
      );
      expect([r.status, r.stderr.toString()], args).to.deep.equal([0, '']);
    }
  });
});
