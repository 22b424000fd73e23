import { expect } from 'chai';
import { VmDevicesError } from '../../src/errors.js';
import { readFixture } from './fixtures.js';

/** The library error `f` throws; anything else (or nothing) fails the test. */
export function thrown(f: () => unknown): VmDevicesError {
  try {
    f();
  } catch (e) {
    if (e instanceof VmDevicesError) return e;
    throw new Error(`expected a VmDevicesError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected an error, got none');
}

/**
 * Checks an invalid fixture `<CODE>--<scenario>.xml` whose first line is
 * `<!-- expect path="..." line="N" -->`: decoding it throws CODE at that path and line, with the
 * source, and formats as `FILE:LINE:COL: CODE: message`.
 */
export function expectInvalidFixture(rel: string, decode: (text: string, source: string) => unknown): void {
  const text = readFixture(rel);
  const expected = /^<!-- expect path="(.*)" line="(\d+)" -->\n/.exec(text);
  expect(expected, 'fixture header <!-- expect path="..." line="N" -->').to.not.equal(null);
  const [, path = '', line = ''] = expected ?? [];
  const e = thrown(() => decode(text, rel));
  expect(e.code).to.equal((rel.split('/').pop() ?? '').split('--')[0]);
  expect(e.path ?? '').to.equal(path);
  expect(e.line).to.equal(Number(line));
  expect(e.column).to.be.a('number');
  expect(e.source).to.equal(rel);
  expect(e.format()).to.match(new RegExp(`^${rel.replace(/[.]/g, '\\.')}:${line}:\\d+: ${e.code}: .+`));
}

/**
 * Checks a METADATA_VALUE fixture (see expectInvalidFixture) read leniently: `lenient` reads it
 * without throwing and reports exactly the error strict reading throws. Returns that error.
 */
export function expectLenientFixture(
  rel: string,
  strict: (text: string, source: string) => unknown,
  lenient: (text: string, source: string) => readonly VmDevicesError[],
): VmDevicesError {
  const text = readFixture(rel);
  const e = thrown(() => strict(text, rel));
  expect(e.code).to.equal('METADATA_VALUE');
  const where = (p: VmDevicesError): unknown[] => [p.code, p.message, p.path, p.source, p.line, p.column];
  expect(lenient(text, rel).map(where)).to.deep.equal([where(e)]);
  return e;
}
