/**
 * The umbrella deploy action (dist/deploy): provider + its inputs, a smoke test against a
 * real HTTP server on 127.0.0.1, and rollback-on-failure, in one step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { image, initialFlyState, readFly } from '../fakes/fly-state.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let app: Server;
let appUrl = '';
let healthStatus = 200;
let sandbox: Sandbox;
let api: FakeRailwayApi | undefined;

beforeAll(async () => {
  app = createServer((_req, res) => {
    res.writeHead(healthStatus, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: healthStatus === 200 ? 'ok' : 'broken' }));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => app.close(() => resolve()));
});
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

const smoke = () => ({
  'smoke-url': appUrl,
  'smoke-path': '/health',
  'smoke-timeout': '2s',
  'smoke-interval': '200ms',
  'smoke-requests': '3',
});

describe('deploy (umbrella) on Railway', () => {
  async function setUp() {
    sandbox = makeSandbox(
      { railway: 'railway-cli.mjs' },
      initialRailwayState({
        deployments: [existingDeployment('dep-0001-live', 'SUCCESS', '2026-11-01T10:00:00.000Z')],
      }),
      'FAKE_RAILWAY_STATE',
    );
    api = new FakeRailwayApi(sandbox.statePath);
    await api.start();
  }
  const deploy = (extra: Record<string, string>) =>
    runAction('deploy', {
      inputs: { provider: 'railway', token: api!.load().projectToken, service: 'api', 'api-url': api!.url, ...extra },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });

  it('deploys, smoke-tests, and when the smoke test fails rolls back to what was live before', async () => {
    await setUp();
    healthStatus = 500;
    const migrations = '[{"version":"002_add","verdict":"additive","rules":[]},"003_seed"]';
    const run = await deploy({ ...smoke(), 'rollback-on-failure': 'true', 'migrations-applied': migrations });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({
      status: 'success',
      'previous-deployment-id': 'dep-0001-live',
      'smoke-passed': 'false',
      'rolled-back': 'true',
      'rolled-back-to': 'dep-0001-live',
    });
    expect(run.log).toContain('The smoke test of the new deployment failed');
    expect(run.log).toContain('Rolled back to dep-0001-live, which is live again.');
    const live = api!.load().deployments.find((d) => d.status === 'SUCCESS');
    expect(live?.meta.reason).toBe('rollback');
    // The migrations applied before the deploy (applied-versions form for 003: no verdict).
    expect(run.summary).toMatch(/002_add<\/td>\s*<td>additive ✅/);
    expect(run.summary).toMatch(/003_seed<\/td>\s*<td>unknown ❔<\/td>\s*<td>only the version was given/);
    expect(run.summary).toContain('1 of them were not linted');
    expectSecretKept(run, api!.load().projectToken);
  });

  it('leaves the new deployment alone when the smoke test fails without rollback-on-failure', async () => {
    await setUp();
    healthStatus = 500;
    const run = await deploy(smoke());
    expect(run.exitCode).toBe(1);
    expect(run.outputs['rolled-back']).toBeUndefined();
    expect(api!.load().calls.some((c) => /deploymentRollback/.test(String(c.query)))).toBe(false);
  });

  it('refuses an unknown provider before doing anything', async () => {
    await setUp();
    const run = await deploy({ provider: 'heroku' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Input "provider" is invalid: "heroku" is not a provider deploy-kit knows');
    expect(api!.load().calls).toHaveLength(0);
  });
});

describe('deploy (umbrella) on Fly.io', () => {
  it('deploys and passes the smoke test', async () => {
    sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, initialFlyState(), 'FAKE_FLY_STATE');
    healthStatus = 200;
    const run = await runAction('deploy', {
      inputs: {
        provider: 'fly',
        token: readFly(sandbox.statePath).token,
        app: 'shop-api',
        ...smoke(),
        'rollback-on-failure': 'true',
      },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'success',
      'smoke-passed': 'true',
      'rolled-back': 'false',
      'previous-deployment-id': image('CCC'),
    });
    expect(run.summary).toContain('Smoke test');
  });

  it('rolls back a failed deploy only when something else was live: here the failed release never went live', async () => {
    sandbox = makeSandbox(
      { flyctl: 'fly-cli.mjs' },
      { ...initialFlyState(), scenario: { deploy: 'fail' } },
      'FAKE_FLY_STATE',
    );
    const run = await runAction('deploy', {
      inputs: {
        provider: 'fly',
        token: readFly(sandbox.statePath).token,
        app: 'shop-api',
        'rollback-on-failure': 'true',
      },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(run.annotations.some((a) => a.level === 'notice' && a.message.includes('is already live on Fly.io'))).toBe(
      true,
    );
  });

  it('enforces the chosen provider’s required inputs', async () => {
    sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, initialFlyState(), 'FAKE_FLY_STATE');
    const run = await runAction('deploy', {
      inputs: { provider: 'fly', token: readFly(sandbox.statePath).token },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Input "app" is required');
    expect(readFly(sandbox.statePath).calls).toHaveLength(0);
  });
});
