/**
 * What the audit found in the Vercel provider, against the fake Vercel API (which now answers
 * list items as @vercel/sdk models them): /v6/deployments items carry `uid`, not `id`; a
 * BLOCKED or DELETED deployment is failed, not unknown. No CLI runs here: these are API reads.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from '../../src/lib/retry.js';
import { VercelProvider } from '../../src/providers/vercel/vercel.js';
import type { VercelAttempt } from '../../src/providers/vercel/vercel.js';
import { FakeVercelApi } from '../vercel/fake-vercel-api.js';

const TOKEN = 'vercelTestToken123';
let api: FakeVercelApi;
afterEach(() => api.stop());

async function setup(production = true): Promise<VercelProvider> {
  api = new FakeVercelApi({ token: TOKEN });
  await api.start();
  return new VercelProvider(
    {
      token: TOKEN,
      orgId: 'team_fake',
      projectId: 'prj_fake',
      production,
      prebuilt: true,
      workingDirectory: mkdtempSync(path.join(tmpdir(), 'dk-vercel-audit-')),
      apiUrl: api.url,
      globalConfigDir: mkdtempSync(path.join(tmpdir(), 'dk-vercel-audit-q-')),
    },
    {
      cli: () => Promise.reject(new Error('no CLI in these tests')),
      run: () => Promise.reject(new Error('no CLI in these tests')),
      fetch,
      env: {},
      log: () => undefined,
      sleep,
    },
  );
}

const attempt = (host: string): VercelAttempt => ({
  host,
  step: 'deploy',
  exitCode: 0,
  timedOut: false,
  durationMs: 1,
  output: '',
  timeoutMs: 60_000,
  deployment: { id: host, url: `https://${host}` },
});

describe('Vercel provider against the API as @vercel/sdk models it', () => {
  it('the list items carry only `uid`, and the previous production deployment is found by it', async () => {
    const provider = await setup();
    const previous = api.seedProduction(Date.now() - 7_200_000);
    api.seedProduction(Date.now() - 60_000);
    const found = await provider.previousSuccessful();
    expect(found?.id).toBe(previous.id);
    const listed = api.requests.find((r) => r.path === '/v6/deployments');
    expect(listed?.query).toMatchObject({ projectId: 'prj_fake', target: 'production', state: 'READY' });
  });

  it.each(['BLOCKED', 'DELETED'] as const)('a %s deployment is failed, not unknown', async (state) => {
    const provider = await setup(false);
    const blocked = api.seedProduction();
    Object.assign(blocked, { readyState: state, target: null });
    expect((await provider.find(blocked.id))?.phase).toBe('failed');
    const outcome = await provider.verify(attempt(blocked.url));
    expect(outcome.status).toBe('failed');
    expect(outcome.evidence).toContain(`is ${state}`);
  });
});
