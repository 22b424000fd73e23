/**
 * The `vmdevices` command. Errors go to stderr as `FILE:LINE:COL: CODE: message` (exit 1); usage
 * errors exit 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isVmDevicesError } from '../errors.js';
import { runInspect, runCreate, runExplain, runRoundtrip } from './domain-commands.js';
import { runMetadataDecode, runMetadataEncode } from './metadata-commands.js';
import { UsageError, bundledExample, inputName, packageRoot } from './io.js';
import type { Limits } from './io.js';
import { runBench } from './bench-command.js';

export interface Io {
  /** Text, or a document's bytes in its own encoding. */
  out(text: string | Uint8Array): void;
  err(text: string): void;
}

/** A positive integer option value. */
function positiveInteger(v: string): number {
  if (!/^[1-9][0-9]*$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new InvalidArgumentError('expected a positive integer');
  return Number(v);
}

/** `--max-bytes N`, named as ParseOptions names the limit; for every command that reads a FILE (or `-`). */
function maxBytesOption(): Option {
  return new Option('--max-bytes <n>', 'refuse input over N bytes (default 64 MiB)').argParser(
    positiveInteger,
  );
}

/** `--max-bytes N` and `--max-depth N` (ParseOptions' maxDepth), for the commands that parse XML. */
function withLimits(c: Command): Command {
  return c
    .addOption(maxBytesOption())
    .addOption(
      new Option('--max-depth <n>', 'refuse elements nested deeper than N (default 512)').argParser(
        positiveInteger,
      ),
    );
}

/** The limits among a command's options. */
function limitsOf(o: Limits): Limits {
  return { maxBytes: o.maxBytes, maxDepth: o.maxDepth };
}

/** The version of the installed package (its package.json), for `--version`. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

function program(io: Io, setExit: (code: number) => void, setFile: (file: string) => void): Command {
  // Errors that do not know their input (a device value) are reported against the command's file.
  const p = new Command('vmdevices')
    .description('libvirt domain XML + per-device metadata as typed devices')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError()
    .hook('preAction', (_root, action) => {
      const file = action.args[0];
      setFile(inputName(file ?? bundledExample()));
    });

  withLimits(p.command('inspect'))
    .description(
      'recover a domain (no FILE: the bundled example) and print its devices and how each got its metadata',
    )
    .argument('[file]', 'domain XML (- for standard input)')
    .option('--json', 'machine-readable output')
    .action((file: string | undefined, o: { json?: boolean } & Limits) =>
      setExit(runInspect(io, file ?? bundledExample(), o.json === true, limitsOf(o))),
    );

  withLimits(p.command('explain'))
    .description('per device, every binding rule tried and why it matched or not')
    .argument('<file>', 'domain XML (- for standard input)')
    .option('--json', 'machine-readable output')
    .action((file: string, o: { json?: boolean } & Limits) =>
      setExit(runExplain(io, file, o.json === true, limitsOf(o))),
    );

  withLimits(p.command('roundtrip'))
    .description('parse, build every device, serialize: prints the domain, unchanged')
    .argument('<file>', 'domain XML (- for standard input)')
    .action((file: string, o: Limits) => setExit(runRoundtrip(io, file, limitsOf(o))));

  withLimits(p.command('create'))
    .description('the Engine-XML flow: build storage devices from metadata, bind, print the final XML')
    .argument('<file>', 'Engine domain XML (- for standard input)')
    .option('--json', 'print the inspect JSON of the result instead of the XML')
    .action((file: string, o: { json?: boolean } & Limits) =>
      setExit(runCreate(io, file, o.json === true, limitsOf(o))),
    );

  p.command('bench')
    .description(
      'run the benchmark suite (bench/, in a source checkout): our operations vs raw xmldom and a Python peer',
    )
    .option('--json', 'machine-readable output')
    .option('--scaling', 'also N=25000 and the growth from N=5000 to N=25000 (about 10 minutes)')
    .option('--hold', 'keep each result alive while the next is made, as an agent holds its domains')
    .action((o: { json?: boolean; scaling?: boolean; hold?: boolean }) =>
      setExit(runBench({ json: o.json === true, scaling: o.scaling === true, hold: o.hold === true })),
    );

  const md = p.command('metadata').description('decode or encode metadata groups');
  withLimits(md.command('decode'))
    .description('print a metadata group as typed JSON')
    .argument('<file>', 'a domain, a <metadata> element, or a bare group (- for standard input)')
    .addOption(
      new Option('--format <format>', 'which layout')
        .choices(['auto', 'xmlpickle', 'descriptor'])
        .default('auto'),
    )
    .action((file: string, o: { format: 'auto' | 'xmlpickle' | 'descriptor' } & Limits) =>
      setExit(runMetadataDecode(io, file, o.format, limitsOf(o))),
    );
  md.command('encode')
    .description('print the XML of a typed JSON value')
    .argument('<file>', 'typed JSON (as printed by decode; - for standard input)')
    .addOption(
      new Option('--format <format>', 'which layout')
        .choices(['xmlpickle', 'descriptor'])
        .makeOptionMandatory(),
    )
    .option('--root <name>', 'xmlpickle root element name')
    .option('--no-namespace', 'xmlpickle without a namespace')
    .addOption(maxBytesOption())
    .action(
      (
        file: string,
        o: { format: 'xmlpickle' | 'descriptor'; root?: string; namespace: boolean; maxBytes?: number },
      ) => setExit(runMetadataEncode(io, file, o.format, o.root, o.namespace, o.maxBytes)),
    );
  return p;
}

/** Runs the CLI; returns the exit code (0 ok, 1 error, 2 usage). */
export function main(argv: readonly string[], io: Io): number {
  let code = 0;
  let file: string | undefined;
  const p = program(
    io,
    (c) => {
      code = c;
    },
    (f) => {
      file = f;
    },
  );
  try {
    p.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.err(`vmdevices: ${e.message}\n`);
      return 2;
    }
    if (isVmDevicesError(e)) {
      io.err(`${e.format(file)}\n`);
      return 1;
    }
    throw e;
  }
  return code;
}
