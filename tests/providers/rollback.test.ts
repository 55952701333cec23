/**
 * rollback-on-failure through the runner contract (main and post phases of dist/),
 * against the fake Railway API + CLI and the fake flyctl.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { image, initialFlyState, readFly, writeFly } from '../fakes/fly-state.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let sandbox: Sandbox;
let api: FakeRailwayApi | undefined;

afterEach(async () => {
  await api?.stop();
  api = undefined;
});

describe('rollback-on-failure on Railway (guard mode)', () => {
  async function setUp(deployments = [existingDeployment('dep-0001-live', 'SUCCESS', '2026-11-01T10:00:00.000Z')]) {
    sandbox = makeSandbox({ railway: 'railway-cli.mjs' }, initialRailwayState({ deployments }), 'FAKE_RAILWAY_STATE');
    api = new FakeRailwayApi(sandbox.statePath);
    await api.start();
  }
  const inputs = () => ({ provider: 'railway', token: api!.load().projectToken, service: 'api', 'api-url': api!.url });
  const run = (name: string, extra: Record<string, string> = {}, postOf?: Awaited<ReturnType<typeof runAction>>) =>
    runAction(name, { inputs: { ...inputs(), ...extra }, env: sandbox.env, cwd: sandbox.workspace, postOf });

  it('records what is live, and after a bad deploy its post step returns to it and confirms it is live', async () => {
    await setUp();
    const guard = await run('rollback-on-failure');
    expect(guard.exitCode).toBe(0);
    expect(guard.state.recorded).toBe('dep-0001-live');
    const deployed = await run('deploy-railway', {});
    expect(deployed.outputs.status).toBe('success');
    const bad = deployed.outputs['deployment-id'];

    const post = await run('rollback-on-failure', { reason: 'smoke test failed' }, guard);
    expect(post.exitCode).toBe(0);
    expect(post.outputs).toMatchObject({ 'rolled-back': 'true', 'rolled-back-to': 'dep-0001-live' });
    const state = api!.load();
    const rollbackCall = state.calls.find((c) => /deploymentRollback/.test(String(c.query)));
    expect(rollbackCall?.variables).toEqual({ id: 'dep-0001-live' });
    const live = state.deployments.find((d) => d.status === 'SUCCESS');
    expect(live?.meta.reason).toBe('rollback');
    expect(state.deployments.find((d) => d.id === bad)?.status).toBe('REMOVED');
    expect(post.summary).toContain('Rolled back Railway');
    expect(post.summary).toContain(`Log tail of the failed deployment ${bad}`);
    expect(post.summary).toContain('smoke test failed');
    expectSecretKept(post, api!.load().projectToken);
  });

  it('does nothing, with a notice, when the job failed before anything changed', async () => {
    await setUp();
    const guard = await run('rollback-on-failure');
    const post = await run('rollback-on-failure', {}, guard);
    expect(post.exitCode).toBe(0);
    expect(post.outputs['rolled-back']).toBe('false');
    expect(post.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', message: expect.stringContaining('is already live on Railway') }),
    );
    expect(api!.load().calls.some((c) => /deploymentRollback/.test(String(c.query)))).toBe(false);
  });

  it('is a no-op with a notice when there was nothing live before (first deployment)', async () => {
    await setUp([]);
    const guard = await run('rollback-on-failure');
    expect(guard.state.recorded).toBe('');
    await run('deploy-railway');
    const post = await run('rollback-on-failure', {}, guard);
    expect(post.exitCode).toBe(0);
    expect(post.outputs['rolled-back']).toBe('false');
    expect(post.annotations.find((a) => a.level === 'notice')?.message).toContain('Nothing to roll back to');
  });

  it('a guard whose main step failed before checking says so in its post step, not "nothing was live"', async () => {
    await setUp();
    const guard = await run('rollback-on-failure', { token: 'not-a-railway-token' });
    expect(guard.exitCode).toBe(1);
    expect(guard.state.checked).toBeUndefined();
    const post = await run('rollback-on-failure', { token: 'not-a-railway-token' }, guard);
    expect(post.exitCode).toBe(0);
    expect(post.outputs['rolled-back']).toBe('false');
    const warning = post.annotations.find((a) => a.level === 'warning')?.message ?? '';
    expect(warning).toContain("this guard's main step failed before it recorded what was live on railway");
    expect(post.log).not.toContain('nothing was live');
  });

  it('fails the job when the platform does not bring the old deployment back', async () => {
    await setUp();
    const guard = await run('rollback-on-failure');
    await run('deploy-railway');
    api!.save({ ...api!.load(), scenario: { rollback: 'fail' } });
    const post = await run('rollback-on-failure', {}, guard);
    expect(post.exitCode).toBe(1);
    expect(post.log).toMatch(/rollback deployment \S+ ended CRASHED/);
  });

  it('names a `to` the platform does not know', async () => {
    await setUp();
    const now = await run('rollback-on-failure', { mode: 'now', to: 'dep-nope' });
    expect(now.exitCode).toBe(1);
    expect(now.log).toContain('Cannot roll back to dep-nope: Railway has no such deployment');
  });
});

describe('rollback-on-failure on Fly.io (explicit step)', () => {
  const run = (extra: Record<string, string>) =>
    runAction('rollback-on-failure', {
      inputs: { provider: 'fly', token: readFly(sandbox.statePath).token, app: 'shop-api', mode: 'now', ...extra },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });

  it('redeploys the recorded previous image and confirms Fly runs it again', async () => {
    sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, initialFlyState(), 'FAKE_FLY_STATE');
    const deployed = await runAction('deploy-fly', {
      inputs: { token: readFly(sandbox.statePath).token, app: 'shop-api' },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });
    expect(deployed.outputs['previous-deployment-id']).toBe(image('CCC'));
    const result = await run({
      to: deployed.outputs['previous-deployment-id']!,
      'failed-deployment-id': deployed.outputs['deployment-id']!,
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ 'rolled-back': 'true', 'rolled-back-to': image('CCC') });
    const state = readFly(sandbox.statePath);
    const last = state.calls.filter((c) => c.argv[0] === 'deploy').at(-1);
    expect(last?.argv).toEqual(expect.arrayContaining(['--image', image('CCC'), '--strategy', 'rolling']));
    const newest = [...state.apps['shop-api']!.releases].sort((a, b) => b.Version - a.Version)[0];
    expect(newest).toMatchObject({ ImageRef: image('CCC'), Status: 'complete', Version: 5 });
    expect(result.summary).toContain('listening on 0.0.0.0:8080');
  });

  it('without `to`, returns to the newest earlier complete release, skipping failed ones', async () => {
    sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, initialFlyState(), 'FAKE_FLY_STATE');
    const result = await run({});
    expect(result.exitCode).toBe(0);
    // live is v3 (CCC); v2 (BBB) failed, so the target is v1 (AAA).
    expect(result.outputs['rolled-back-to']).toBe(image('AAA'));
  });

  it('is a no-op with a notice when there is no earlier complete release', async () => {
    sandbox = makeSandbox(
      { flyctl: 'fly-cli.mjs' },
      initialFlyState([
        {
          ID: 'rel_1',
          Version: 1,
          Status: 'complete',
          Description: 'Release',
          ImageRef: image('ONLY'),
          CreatedAt: '2026-11-01T10:00:00Z',
        },
      ]),
      'FAKE_FLY_STATE',
    );
    const result = await run({});
    expect(result.exitCode).toBe(0);
    expect(result.outputs['rolled-back']).toBe('false');
    expect(result.annotations.find((a) => a.level === 'notice')?.message).toContain('Nothing to roll back to');
    writeFly(sandbox.statePath, readFly(sandbox.statePath));
    expect(readFly(sandbox.statePath).calls.some((c) => c.argv[0] === 'deploy')).toBe(false);
  });
});
