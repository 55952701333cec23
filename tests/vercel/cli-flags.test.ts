/**
 * The kit cannot drift from the real CLI: every flag src/providers/vercel/cli.ts passes
 * must appear in the installed vercel's own `--help` for that subcommand. The one hidden
 * flag (`--api`, cli src/util/arg-common.ts: no description, so help leaves it out) is
 * proven instead by the CLI calling the address it names.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/lib/exec.js';
import {
  buildArgs,
  cliEnv,
  deployArgs,
  globalArgs,
  promoteArgs,
  pullArgs,
  rollbackArgs,
} from '../../src/providers/vercel/cli.js';
import { ROOT } from '../harness/runner.js';
import { FakeVercelApi } from './fake-vercel-api.js';

// Each case starts the real CLI one to four times; on a loaded 2-core machine that is slow.
jest.setTimeout(180_000);
const VERCEL = path.join(ROOT, 'node_modules', '.bin', 'vercel');
const HIDDEN = new Set(['--api']);
const env = cliEnv(process.env, { token: 'vercelTestToken123', orgId: 'team_fake', projectId: 'prj_fake' });
const globals = globalArgs({ globalConfigDir: mkdtempSync(path.join(tmpdir(), 'dk-vercel-q-')), apiUrl: 'http://x' });

/** The flags in an argv: `--name` or `--name=value` → `--name`; values and positionals dropped. */
const flagsOf = (argv: string[]): string[] =>
  argv.filter((arg) => arg.startsWith('-')).map((arg) => arg.replace(/=.*$/, ''));

/** Each flag the help lists: `  -y,  --yes   …` or `       --prebuilt   …`. */
async function helpFlags(subcommand: string): Promise<Set<string>> {
  const result = await runCommand(VERCEL, [subcommand, '--help'], { env, timeoutMs: 60_000 });
  const help = `${result.stdout}\n${result.stderr}`;
  const flags = new Set<string>();
  for (const match of help.matchAll(/^\s+(?:-(\w),\s+)?--([a-z][a-z-]*)/gm)) {
    flags.add(`--${match[2]}`);
    if (match[1]) flags.add(`-${match[1]}`);
  }
  expect(flags.size).toBeGreaterThan(5);
  expect(flags.has('--bogus-flag')).toBe(false);
  return flags;
}

const commands: Record<string, string[][]> = {
  pull: [pullArgs(true), pullArgs(false)],
  build: [buildArgs(true), buildArgs(false)],
  deploy: [deployArgs(true, true), deployArgs(false, false)],
  rollback: [rollbackArgs('dpl_x', 'team_fake', 30)],
  promote: [promoteArgs('dpl_x', 'team_fake', 30)],
};

describe('the vercel flags deploy-kit passes exist in the real CLI', () => {
  for (const [subcommand, argvs] of Object.entries(commands)) {
    it(`vercel ${subcommand}`, async () => {
      const listed = await helpFlags(subcommand);
      for (const argv of argvs) {
        expect(argv[0]).toBe(subcommand);
        const missing = flagsOf([...argv, ...globals]).filter((flag) => !HIDDEN.has(flag) && !listed.has(flag));
        expect(missing).toEqual([]);
      }
    });
  }

  describe('the hidden --api flag', () => {
    const api = new FakeVercelApi();
    beforeAll(() => api.start());
    afterAll(() => api.stop());

    it('sends the CLI to the address it names', async () => {
      const result = await runCommand(VERCEL, ['whoami', '--api', api.url], { env, timeoutMs: 60_000 });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('fake-user');
      expect(api.calls()).toContain('GET /v2/user');
      expect(api.requests[0]?.userAgent).toMatch(/^vercel 58\.10\.0 /);
    });
  });
});
