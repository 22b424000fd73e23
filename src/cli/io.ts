import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlLimitError } from '../errors.js';
import { DEFAULT_MAX_BYTES, decodeXml, encodeXml } from '../xml/index.js';
import type { ParseOptions, XmlEncoding } from '../xml/index.js';
import type { Io } from './main.js';

/** A usage mistake: exit code 2. */
export class UsageError extends Error {}

/** What a stream is read in. */
const CHUNK = 64 * 1024;

/** The FILE argument that means standard input. */
export const STDIN = '-';

/** The name errors give an input: the file, or `<stdin>` for `-`. */
export function inputName(file: string): string {
  return file === STDIN ? '<stdin>' : file;
}

/** The limits a command applies to its input (`--max-bytes`, `--max-depth`), as the parser names them. */
export type Limits = Pick<ParseOptions, 'maxBytes' | 'maxDepth'>;

/** An XML input, decoded as its BOM or declaration says; output is written back in `encoding`. */
export interface XmlInput {
  readonly text: string;
  readonly encoding: XmlEncoding;
}

/** The size limit, refused as XML_LIMIT naming the input. */
function overLimit(file: string, maxBytes: number): XmlLimitError {
  return new XmlLimitError(`input is over the limit of ${maxBytes} bytes`, { source: inputName(file) });
}

/**
 * The bytes of a file, or of standard input for `-`, refused (XML_LIMIT) past `maxBytes`: a regular
 * file by its size, unread; anything else (a pipe, a device such as /dev/zero) after reading at most
 * `maxBytes + 1` bytes, the one byte more telling that it is over. A missing file is a usage error,
 * not a crash.
 */
export function readBytes(file: string, maxBytes = DEFAULT_MAX_BYTES): Uint8Array {
  const cannotRead = (e: unknown): UsageError => {
    const code = (e as { code?: string }).code;
    return new UsageError(`cannot read ${file}${code !== undefined ? ` (${code})` : ''}`);
  };
  let fd: number;
  try {
    fd = file === STDIN ? 0 : openSync(file, 'r');
  } catch (e) {
    throw cannotRead(e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > maxBytes) throw overLimit(file, maxBytes);
    // A regular file fits the first buffer (one byte more shows it grew while read); a stream's
    // buffer doubles as it fills.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, stat.isFile() ? stat.size + 1 : CHUNK));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, 2 * buffer.length));
        buffer.copy(bigger, 0, 0, total);
        buffer = bigger;
      }
      let n: number;
      try {
        n = readSync(fd, buffer, total, buffer.length - total, null);
      } catch (e) {
        // A non-blocking standard input with nothing in it yet.
        if ((e as { code?: string }).code === 'EAGAIN') continue;
        if ((e as { code?: string }).code === 'EOF') break;
        throw cannotRead(e);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw overLimit(file, maxBytes);
    }
    return buffer.subarray(0, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** An XML file (or `-`), decoded as it declares. */
export function readXmlInput(file: string, maxBytes?: number): XmlInput {
  return decodeXml(readBytes(file, maxBytes), { source: inputName(file), maxBytes });
}

/** A JSON file (or `-`): UTF-8, as JSON text must be (RFC 8259), a BOM ignored. */
export function readJsonText(file: string, maxBytes?: number): string {
  return new TextDecoder('utf-8').decode(readBytes(file, maxBytes));
}

/**
 * Writes a serialized document in the input's encoding. Text that is UTF-8 without a BOM goes out
 * as text: a stream writes strings as UTF-8, the same bytes.
 */
export function writeDocument(io: Io, text: string, encoding: XmlEncoding, file: string): void {
  const plain = /^utf-?8$/i.test(encoding.name) && !encoding.bom;
  // As serialized: a parsed document keeps its own ending (a trailing newline when it had one).
  io.out(plain ? text : encodeXml(text, encoding, inputName(file)));
}

/** The package root: the first folder above the CLI that holds package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new UsageError('cannot find the package root: no package.json above the CLI');
    dir = up;
  }
  return dir;
}

/** The example shipped in the package: the seed's Engine XML, repaired, with its metadata. */
export function bundledExample(): string {
  return join(packageRoot(), 'fixtures', 'domains', 'seed1-repaired.xml');
}
