/**
 * Vercel through the compiled rollback-on-failure and umbrella deploy actions (dist/),
 * the real vercel CLI against the fake Vercel API: roll back to the recorded previous
 * deployment, nothing to roll back to, and deploy → failing smoke test → rollback in one
 * step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';
import { FakeVercelApi } from './fake-vercel-api.js';

// Each case starts the real CLI one to four times; on a loaded 2-core machine that is slow.
jest.setTimeout(180_000);

const TOKEN = 'vercelTestToken123';
const ENV = {
  PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
  CLAUDECODE: '1',
};
const landed = (name: string) => existsSync(path.join(ROOT, 'dist', name, 'index.js'));

let api: FakeVercelApi;
let app: Server;
let appUrl = '';
beforeAll(async () => {
  // The new release's health endpoint, broken: the smoke test must fail.
  app = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"status":"broken"}');
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));
afterEach(() => api?.stop());

async function startApi() {
  api = new FakeVercelApi({ token: TOKEN });
  await api.start();
}

const identity = () => ({
  provider: 'vercel',
  ...api.identity(TOKEN, mkdtempSync(path.join(tmpdir(), 'dk-vercel-rof-'))),
});

(landed('rollback-on-failure') ? describe : describe.skip)('rollback-on-failure, provider vercel', () => {
  it('returns production to the recorded previous deployment, naming the failed one', async () => {
    await startApi();
    const previous = api.seedProduction(Date.now() - 7_200_000);
    const failed = api.seedProduction(Date.now() - 60_000);
    const run = await runAction('rollback-on-failure', {
      inputs: {
        ...identity(),
        mode: 'now',
        to: previous.id,
        'failed-deployment-id': failed.id,
        reason: 'smoke test failed',
      },
      env: ENV,
      timeoutMs: 170_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ 'rolled-back': 'true', 'rolled-back-to': previous.id });
    expect(api.production()?.id).toBe(previous.id);
    expect(api.calls()).toContain(`POST /v9/projects/prj_fake/rollback/${previous.id}`);
    expect(run.summary).toContain(`failed deployment</td><td>${failed.id}`);
    expectSecretKept(run, TOKEN);
  });

  it('with nothing to roll back to, a clear no-op', async () => {
    await startApi();
    const only = api.seedProduction();
    const run = await runAction('rollback-on-failure', {
      inputs: { ...identity(), mode: 'now', reason: 'smoke test failed' },
      env: ENV,
      timeoutMs: 170_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['rolled-back']).toBe('false');
    expect(run.log).toContain('Nothing to roll back to');
    expect(api.production()?.id).toBe(only.id);
    expect(api.calls().some((c) => c.includes('/rollback/'))).toBe(false);
  });
});

(landed('deploy') ? describe : describe.skip)('deploy (umbrella), provider vercel', () => {
  it('deploys, fails the smoke test, and rolls production back to what was live before', async () => {
    await startApi();
    const previous = api.seedProduction();
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-vercel-site-'));
    writeFileSync(path.join(dir, 'index.html'), '<h1>broken release</h1>\n');
    const run = await runAction('deploy', {
      inputs: {
        ...identity(),
        'working-directory': dir,
        production: 'true',
        prebuilt: 'false',
        'smoke-url': appUrl,
        'smoke-path': '/health',
        'smoke-timeout': '2s',
        'smoke-interval': '200ms',
        'smoke-requests': '2',
        'rollback-on-failure': 'true',
      },
      env: ENV,
      timeoutMs: 170_000,
    });
    expect(run.exitCode).toBe(1);
    const created = api.deployments.at(-1)!;
    expect(created.id).not.toBe(previous.id);
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': previous.id,
      'deployment-id': created.id,
      status: 'success',
    });
    expect(api.calls()).toContain(`POST /v9/projects/prj_fake/rollback/${previous.id}`);
    expect(api.production()?.id).toBe(previous.id);
    expectSecretKept(run, TOKEN);
  });
});
