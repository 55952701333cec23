/**
 * Rolling Vercel back: the shared rollback flow (src/providers/rollback.ts) over the Vercel
 * provider, driving the REAL `vercel rollback` against the fake Vercel API, which keeps
 * which deployment production serves.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError } from '../../src/lib/errors.js';
import { runCommand } from '../../src/lib/exec.js';
import { sleep } from '../../src/lib/retry.js';
import { rollbackFlow } from '../../src/providers/rollback.js';
import { VercelProvider } from '../../src/providers/vercel/vercel.js';
import { ROOT } from '../harness/runner.js';
import { FakeVercelApi } from './fake-vercel-api.js';

// Each case starts the real CLI one to four times; on a loaded 2-core machine that is slow.
jest.setTimeout(180_000);
const TOKEN = 'vercelTestToken123';
let api: FakeVercelApi;
afterEach(() => api.stop());

async function setup(token = TOKEN) {
  api = new FakeVercelApi({ token: TOKEN });
  await api.start();
  const provider = new VercelProvider(
    {
      token,
      orgId: 'team_fake',
      projectId: 'prj_fake',
      production: true,
      prebuilt: true,
      workingDirectory: mkdtempSync(path.join(tmpdir(), 'dk-vercel-rb-')),
      apiUrl: api.url,
      cliApiUrl: api.url,
      globalConfigDir: mkdtempSync(path.join(tmpdir(), 'dk-vercel-q-')),
    },
    {
      cli: async () => ({
        path: path.join(ROOT, 'node_modules', '.bin', 'vercel'),
        version: '58.10.0',
        source: 'PATH',
        verification: 'not checked (the CLI found on PATH)',
        durationMs: 0,
      }),
      run: runCommand,
      fetch,
      env: { ...process.env, CLAUDECODE: '1' },
      log: () => undefined,
      sleep,
    },
  );
  return provider;
}

const log: string[] = [];
const options = (extra: { to?: string } = {}) => ({
  reason: 'smoke test failed',
  timeoutMs: 90_000,
  log: (line: string) => log.push(line),
  sleep,
  pollMs: 200,
  ...extra,
});

describe('Vercel rollback (real vercel CLI, fake Vercel API)', () => {
  it('returns production to the recorded previous deployment, confirmed by the API', async () => {
    const provider = await setup();
    const previous = api.seedProduction(Date.now() - 7_200_000);
    const failed = api.seedProduction(Date.now() - 60_000);
    expect(api.production()?.id).toBe(failed.id);

    const report = await rollbackFlow(provider, options({ to: previous.id }));
    expect(report.rolledBack).toBe(true);
    expect(report.live?.id).toBe(previous.id);
    expect(report.before?.id).toBe(failed.id);
    expect(api.production()?.id).toBe(previous.id);
    expect(api.calls()).toContain(`POST /v9/projects/prj_fake/rollback/${previous.id}`);
    // The CLI read the job's result the way `vercel rollback` does (rollback/status.ts).
    expect(api.requests.some((r) => r.path === '/v9/projects/prj_fake' && r.query.rollbackInfo === 'true')).toBe(true);
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    // The failed deployment's build log tail is kept for the summary.
    expect(report.failed?.id).toBe(failed.id);
    expect(report.logTail).toContain(`Cloning completed for ${failed.id}`);
  });

  it("keeps a failed build's log tail, read from Vercel's event stream", async () => {
    const provider = await setup();
    api.scenario.build = 'error';
    const broken = api.seedProduction();
    Object.assign(broken, { readyState: 'ERROR', errorMessage: 'Command "npm run build" exited with 1' });
    const logs = await provider.logTail({ id: broken.id });
    expect(logs?.split('\n').at(-1)).toBe('Command "npm run build" exited with 1');
    expect(logs).toContain('Error: Cannot find module ./missing');
    expect(api.requests.at(-1)?.query).toMatchObject({ direction: 'backward', format: 'lines' });
  });

  it('without `to`, picks the last READY production deployment before the live one', async () => {
    const provider = await setup();
    const older = api.seedProduction(Date.now() - 9_000_000);
    const previous = api.seedProduction(Date.now() - 7_200_000);
    api.seedProduction(Date.now() - 60_000);
    const report = await rollbackFlow(provider, options());
    expect(report.target?.id).toBe(previous.id);
    expect(report.target?.id).not.toBe(older.id);
    expect(api.production()?.id).toBe(previous.id);
  });

  it('nothing to roll back to: a clear no-op, nothing requested of Vercel', async () => {
    const provider = await setup();
    const only = api.seedProduction();
    const report = await rollbackFlow(provider, options());
    expect(report.rolledBack).toBe(false);
    expect(report.notice).toContain('Nothing to roll back to');
    expect(api.production()?.id).toBe(only.id);
    expect(api.calls().some((c) => c.includes('/rollback/'))).toBe(false);
  });

  it('a rollback Vercel reports as failed is an error naming what production still serves', async () => {
    const provider = await setup();
    const previous = api.seedProduction(Date.now() - 7_200_000);
    const failed = api.seedProduction(Date.now() - 60_000);
    api.scenario.aliasJob = 'failed';
    const error = await rollbackFlow(provider, options({ to: previous.id })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KitError);
    expect((error as Error).message).toContain(`The rollback to ${previous.id} did not take`);
    expect((error as Error).message).toContain(`production still serves ${failed.id}`);
    // The CLI's own words are kept: it listed the aliases that failed to move.
    expect((error as Error).message).toContain('Failed to remap all aliases');
    expect(api.production()?.id).toBe(failed.id);
  });

  it('a rejected token says which secret to check', async () => {
    const provider = await setup('staleToken999');
    const error = await provider.current().catch((e: unknown) => e);
    expect((error as Error).message).toContain('Vercel rejected the token');
    expect((error as Error).message).toContain('Check the secret passed as the `token` input');
    expect((error as Error).message).not.toContain('staleToken999');
  });
});
