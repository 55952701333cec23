import { describe, it, expect, afterEach } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { npmInstall } from '../../src/providers/npm-install.js';

/** An `npm` on PATH that records its argv and exits with `code` (a real child process). */
function fakeNpm(code: number): { bin: string; argv: () => string[] } {
  const bin = mkdtempSync(path.join(tmpdir(), 'dk-npm-'));
  const record = path.join(bin, 'argv');
  writeFileSync(
    path.join(bin, 'npm'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${record}'\n[ ${code} -eq 0 ] || echo 'npm error 404 Not Found' >&2\nexit ${code}\n`,
  );
  chmodSync(path.join(bin, 'npm'), 0o755);
  return { bin, argv: () => readFileSync(record, 'utf8').trim().split('\n') };
}

const saved = { PATH: process.env.PATH, RUNNER_TEMP: process.env.RUNNER_TEMP };
const made: string[] = [];
afterEach(() => {
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const what = { pkg: 'squawk-cli', version: '2.66.0', noNpm: 'needs npm: add actions/setup-node.', timeoutMs: 10_000 };

describe('npmInstall (the vercel and squawk installs)', () => {
  it('installs pkg@version into a fresh folder under RUNNER_TEMP, as argv', async () => {
    const npm = fakeNpm(0);
    const temp = mkdtempSync(path.join(tmpdir(), 'dk-runner-temp-'));
    made.push(npm.bin, temp);
    process.env.PATH = `${npm.bin}${path.delimiter}/usr/bin:/bin`;
    process.env.RUNNER_TEMP = temp;
    const lines: string[] = [];
    const dir = await npmInstall(what, (line) => lines.push(line));
    expect(path.dirname(dir)).toBe(temp);
    expect(path.basename(dir)).toMatch(/^squawk-cli-/);
    expect(npm.argv()).toEqual([
      'install',
      '--prefix',
      dir,
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--loglevel',
      'error',
      'squawk-cli@2.66.0',
    ]);
    expect(lines).toEqual(['npm install squawk-cli@2.66.0']);
  });

  it('a failed install names the package, the exit code and the hint, with npm’s error', async () => {
    const npm = fakeNpm(1);
    made.push(npm.bin);
    process.env.PATH = `${npm.bin}${path.delimiter}/usr/bin:/bin`;
    await expect(
      npmInstall({ ...what, hint: 'Check that cli-version names a published version.' }, () => {}),
    ).rejects.toThrow(
      'npm could not install squawk-cli@2.66.0 (exit 1). Check that cli-version names a published version.\nnpm error 404 Not Found',
    );
  });

  it('no npm on the runner: the caller’s message', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'dk-nopath-'));
    made.push(empty);
    process.env.PATH = empty;
    await expect(npmInstall(what, () => {})).rejects.toThrow('needs npm: add actions/setup-node.');
  });
});
