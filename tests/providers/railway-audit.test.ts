/**
 * What the audit found in the Railway provider, through the runner contract against the fake
 * Railway API and CLI, which now answer as railwayapp/cli v5.42.1 says Railway does:
 * "Project Token not found" for a token that is no project token, SKIPPED for a deployment
 * whose watch paths matched nothing, and a rollback that may restore the target in place.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let sandbox: Sandbox;
let api: FakeRailwayApi;

beforeEach(async () => {
  const state = initialRailwayState({
    deployments: [
      existingDeployment('dep-0001-old', 'REMOVED', '2026-11-01T10:00:00.000Z'),
      existingDeployment('dep-0002-live', 'SUCCESS', '2026-11-02T10:00:00.000Z'),
    ],
  });
  sandbox = makeSandbox({ railway: 'railway-cli.mjs' }, state, 'FAKE_RAILWAY_STATE');
  api = new FakeRailwayApi(sandbox.statePath);
  await api.start();
});
afterEach(() => api.stop());

const run = (name: string, inputs: Record<string, string> = {}, postOf?: Awaited<ReturnType<typeof runAction>>) =>
  runAction(name, {
    inputs: { token: api.load().projectToken, service: 'api', 'api-url': api.url, ...inputs },
    env: sandbox.env,
    cwd: sandbox.workspace,
    postOf,
  });
const rollbackCalls = () => api.load().calls.filter((c) => /deploymentRollback/.test(String(c.query)));

describe('Railway, as the platform answers', () => {
  it('an account token first answered "Project Token not found" is used as a Bearer token', async () => {
    const account = api.load().accountToken;
    const r = await run('deploy-railway', { token: account, project: 'prj-1111', environment: 'production' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('success');
    const [first, ...rest] = api.load().calls.filter((c) => c.tool === 'api');
    expect(first).toMatchObject({ auth: 'rejected' });
    expect(rest.every((c) => c.auth === 'account')).toBe(true);
    expectSecretKept(r, account);
  });

  it('a SKIPPED deployment (watch paths matched nothing) is status skipped: the step passes, nothing rolled back', async () => {
    api.save({ ...api.load(), scenario: { up: 'skipped' } });
    const r = await run('deploy', { provider: 'railway', 'rollback-on-failure': 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'skipped', 'previous-deployment-id': 'dep-0002-live' });
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', message: expect.stringContaining('no changed file matched') }),
    );
    expect(rollbackCalls()).toHaveLength(0);
    expect(api.load().deployments.find((d) => d.id === 'dep-0002-live')?.status).toBe('SUCCESS');
    expect(r.summary).toContain('Deploy to Railway: skipped');
  });

  it('accepts a rollback that restores the target in place (the target itself becomes SUCCESS)', async () => {
    const guard = await run('rollback-on-failure', { provider: 'railway' });
    const deployed = await run('deploy-railway');
    expect(deployed.outputs.status).toBe('success');
    api.save({ ...api.load(), scenario: { rollback: 'in-place' } });
    const post = await run('rollback-on-failure', { provider: 'railway', reason: 'smoke test failed' }, guard);
    expect(post.exitCode).toBe(0);
    expect(post.outputs).toMatchObject({ 'rolled-back': 'true', 'rolled-back-to': 'dep-0002-live' });
    const state = api.load();
    expect(state.deployments.find((d) => d.id === 'dep-0002-live')?.status).toBe('SUCCESS');
    expect(state.deployments.some((d) => d.meta.reason === 'rollback')).toBe(false);
  });
});
