/**
 * deploy-railway through the runner contract (dist/), against the fake `railway` CLI
 * and the fake Railway GraphQL API on 127.0.0.1 (tests/fakes/).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { FakeRailwayApi, type RailwayState, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let sandbox: Sandbox;
let api: FakeRailwayApi;

async function setUp(overrides: Partial<RailwayState> = {}): Promise<void> {
  const state = initialRailwayState({
    deployments: [
      existingDeployment('dep-0001-old', 'REMOVED', '2026-11-01T10:00:00.000Z'),
      existingDeployment('dep-0002-live', 'SUCCESS', '2026-11-02T10:00:00.000Z'),
    ],
    ...overrides,
  });
  sandbox = makeSandbox({ railway: 'railway-cli.mjs' }, state, 'FAKE_RAILWAY_STATE');
  api = new FakeRailwayApi(sandbox.statePath);
  await api.start();
}

afterEach(async () => {
  await api.stop();
});

const state = () => api.load();
const cliCalls = () => state().calls.filter((c) => c.tool === 'cli' && (c.argv as string[])[0] === 'up');

function deploy(inputs: Record<string, string> = {}, timeoutMs?: number) {
  return runAction('deploy-railway', {
    inputs: { token: state().projectToken, service: 'api', 'api-url': api.url, ...inputs },
    env: sandbox.env,
    cwd: sandbox.workspace,
    timeoutMs,
  });
}

describe('deploy-railway', () => {
  beforeEach(() => setUp());

  it('deploys, records what was live before, and confirms the new deployment with the API', async () => {
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    const live = state().deployments.find((d) => d.status === 'SUCCESS');
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': 'dep-0002-live',
      'deployment-id': live?.id,
      url: 'https://api-production.up.railway.app',
      status: 'success',
    });
    expect(live?.id).not.toBe('dep-0002-live');
    const [call] = cliCalls();
    expect(call).toMatchObject({
      argv: [
        'up',
        '--detach',
        '--json',
        '--service',
        'svc-api',
        '--environment',
        'env-prod',
        '--project',
        'prj-1111',
        '--message',
        'deploy-kit 0123456789ab',
      ],
      token: 'project',
      cwd: sandbox.workspace,
    });
    expect(run.summary).toContain('Deploy to Railway: success');
    expect(run.summary).toContain('dep-0002-live');
    expect(run.summary).toMatch(/CLI<\/td><td>5\.42\.1 from PATH/);
    expectSecretKept(run, state().projectToken);
  });

  it('reports a build that fails after the upload as failed, with the build log tail, and still writes previous-deployment-id', async () => {
    api.save({ ...state(), scenario: { up: 'fail' } });
    const run = await deploy();
    expect(run.exitCode).toBe(1);
    expect(run.outputs['previous-deployment-id']).toBe('dep-0002-live');
    expect(run.outputs.status).toBe('failed');
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /Railway reports dep-\S+ as FAILED; dep-0002-live is still live/,
    );
    expect(run.summary).toContain('error TS2322');
    expectSecretKept(run, state().projectToken);
  });

  it('stops a hanging `railway up` at the timeout and asks the platform what is live', async () => {
    api.save({ ...state(), scenario: { up: 'hang-upload' } });
    const run = await deploy({ timeout: '2s' });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(15_000);
    expect(run.outputs).toMatchObject({ status: 'failed', 'previous-deployment-id': 'dep-0002-live' });
    expect(run.log).toContain('did not finish within the 2.0 s timeout and was stopped');
    expect(run.log).toContain('Railway still serves dep-0002-live');
  });

  it('trusts the platform over a CLI that exits 1 after a good deploy', async () => {
    api.save({ ...state(), scenario: { up: 'error-exit' } });
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    expect(run.summary).toContain('exited with code 1: Failed to fetch');
  });

  it('reports unknown when the deployment has not settled by the timeout', async () => {
    api.save({ ...state(), scenario: { up: 'stuck' } });
    const run = await deploy({ timeout: '3s' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('unknown');
    expect(run.log).toMatch(/still BUILDING/);
  });

  it('does not call output it cannot read a success', async () => {
    api.save({ ...state(), scenario: { up: 'malformed' } });
    const run = await deploy();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).not.toBe('success');
    expect(run.log).toContain('printed no deployment id');
  });

  it('says the token was rejected and which secret to check, before running the CLI', async () => {
    const run = await deploy({ token: 'not-a-real-token-123456' });
    expect(run.exitCode).toBe(1);
    const message = run.annotations.find((a) => a.level === 'error')?.message ?? '';
    expect(message).toContain('Railway rejected the token');
    expect(message).toContain('`token` input');
    expect(message).toContain('RAILWAY_TOKEN');
    expect(cliCalls()).toHaveLength(0);
    expectSecretKept(run, 'not-a-real-token-123456');
  });

  it('names an unknown service and lists the ones there are', async () => {
    const run = await deploy({ service: 'billing' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Railway project shop has no service "billing" (it has: api, web)');
    expect(cliCalls()).toHaveLength(0);
  });

  it('uses an account token as a Bearer token with the project and environment named', async () => {
    const run = await deploy({ token: state().accountToken, project: 'prj-1111', environment: 'production' });
    expect(run.exitCode).toBe(0);
    expect(cliCalls()[0]).toMatchObject({ token: 'account' });
    expect(
      state()
        .calls.filter((c) => c.tool === 'api')
        .every((c) => c.auth !== 'rejected' || /projectToken/.test(String(c.query))),
    ).toBe(true);
    expectSecretKept(run, state().accountToken);
  });

  it('fails before any side effect on a bad input', async () => {
    const run = await deploy({ timeout: 'soon' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Input "timeout" is invalid');
    expect(state().calls).toHaveLength(0);
  });
});

describe('deploy-railway, first deployment', () => {
  beforeEach(() => setUp({ deployments: [] }));

  it('writes an empty previous-deployment-id and says there is nothing to roll back to', async () => {
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    expect(run.outputs['previous-deployment-id']).toBe('');
    expect(run.summary).toContain('none (first deployment)');
    expect(readFileSync(sandbox.statePath, 'utf8')).toContain('"status": "SUCCESS"');
  });
});
