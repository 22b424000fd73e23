/**
 * The proof that a newcomer's first hour works: a clone of the repository, with nothing beside it
 * (no ../shared corpus, no libvirt), passes the README's two Quick start commands. Slow (two npm
 * installs and the whole suite), so it runs under CI=true only.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/fixtures.js';

/** Set in the clone's environment so that its own run of the slow suite skips this test. */
const INNER = 'VMDEVICES_FRESH_CLONE_INNER';

/** The commands of the README's Quick start block, without their comments. */
function quickStart(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /^## Quick start\n+```sh\n([^]*?)^```/m.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** Runs `command` in a shell in `cwd`; resolves with its exit code and everything it printed. */
function sh(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

/**
 * The outer environment without what would make the clone's run differ from a newcomer's: CI (its
 * corpus and libvirt tests must skip, not fail), golden updates, and the outer npm's own settings.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'CI' || key === 'UPDATE_GOLDEN' || key === 'INIT_CWD' || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  return { ...env, [INNER]: '1' };
}

describe('a fresh clone', function () {
  let folder = '';
  let clone = '';

  before(function () {
    if (process.env[INNER] === '1') {
      console.log('    skipping the fresh-clone test inside the fresh clone it made');
      this.skip();
    }
    if (process.env['CI'] !== 'true') {
      console.log('    skipping the fresh-clone test: it is slow (enable it with CI=true)');
      this.skip();
    }
    folder = mkdtempSync(join(tmpdir(), 'vmdevices-clone-'));
    clone = join(folder, 'vmdevices');
  });

  after(() => {
    if (folder !== '') rmSync(folder, { recursive: true, force: true });
  });

  it("passes the README's two Quick start commands with nothing beside it", async function () {
    // Two npm installs and the whole suite (typecheck, lint, docs): beyond the slow suite's 10
    // minutes on a busy 2-core machine. The limit is there to stop a hang, not to time the run.
    this.timeout(30 * 60_000);
    const commands = quickStart();
    expect(commands).to.deep.equal(['npm install && npm start', 'npm install && npm test']);
    const cloned = await sh(`git clone --quiet "${ROOT}" "${clone}"`, folder, process.env);
    expect(cloned.code, cloned.output).to.equal(0);
    const env = newcomerEnv();
    const tail = (output: string): string => output.split('\n').slice(-60).join('\n');

    const start = await sh(commands[0]!, clone, env);
    expect(start.code, tail(start.output)).to.equal(0);
    // The bundled example's device table (its last device is the balloon).
    expect(start.output).to.match(/\bmemballoon\b/);

    const test = await sh(commands[1]!, clone, env);
    expect(test.code, tail(test.output)).to.equal(0);
    expect(test.output).to.include('skipping corpus tests: the shared corpus is not at');
    // What the clone skipped and how much ran, for the log (the dot reporter may start the line).
    for (const line of test.output.split('\n')) {
      const said = /(?:skipping |\d+ (?:passing|pending|failing)\b|smoke: ).*/.exec(line);
      if (said !== null) console.log(`      clone: ${said[0]}`);
    }
  });
});
