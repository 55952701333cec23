/**
 * deploy-render and rollback-on-failure on Render through the runner contract (dist/),
 * against the fake Render REST API on 127.0.0.1 (tests/fakes/render-api.ts).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { FakeRenderApi, type RenderState, existingDeploy, initialRenderState } from '../fakes/render-api.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let sandbox: Sandbox;
let api: FakeRenderApi;

async function setUp(overrides: Partial<RenderState> = {}): Promise<void> {
  sandbox = makeSandbox({}, {}, 'FAKE_RENDER_UNUSED');
  api = new FakeRenderApi(initialRenderState(overrides));
  await api.start();
}

afterEach(async () => {
  await api?.stop();
});

const SHA = '0123456789abcdef0123456789abcdef01234567';
const inputs = (extra: Record<string, string> = {}) => ({
  token: api.state.apiKey,
  'service-id': api.state.service.id,
  'api-url': api.url,
  ...extra,
});
const run = (name: string, extra: Record<string, string> = {}, postOf?: Awaited<ReturnType<typeof runAction>>) =>
  runAction(name, { inputs: inputs(extra), env: sandbox.env, cwd: sandbox.workspace, postOf });
const deploy = (extra: Record<string, string> = {}) => run('deploy-render', extra);
const triggers = () => api.state.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/deploys'));
const rollbacks = () => api.state.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/rollback'));
const errorOf = (r: Awaited<ReturnType<typeof runAction>>) =>
  r.annotations.find((a) => a.level === 'error')?.message ?? '';

describe('deploy-render', () => {
  it('records the live deploy, triggers the commit, follows it through build, pre-deploy and update to live', async () => {
    await setUp({ rateLimited: 1 });
    const r = await deploy();
    expect(r.exitCode).toBe(0);
    const made = api.state.deploys.at(-1)!;
    expect(made.status).toBe('live');
    expect(r.outputs).toMatchObject({
      'previous-deployment-id': 'dep-0002live',
      'deployment-id': made.id,
      url: 'https://api-x1y2.onrender.com',
      status: 'success',
    });
    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]?.body).toEqual({ clearCache: 'do_not_clear', commitId: SHA });
    for (const status of ['build_in_progress', 'pre_deploy_in_progress', 'update_in_progress', 'live'])
      expect(r.log).toContain(`${made.id}: ${status}`);
    expect(api.state.deploys.find((d) => d.id === 'dep-0002live')?.status).toBe('deactivated');
    // the first request was answered 429 with Retry-After and repeated
    expect(api.state.calls[0]?.path).toBe(api.state.calls[1]?.path);
    expect(r.summary).toContain('Deploy to Render: success');
    expectSecretKept(r, api.state.apiKey);
  });

  it('sends the given commit and clear-cache', async () => {
    await setUp();
    const r = await deploy({ commit: 'abcdef1234567', 'clear-cache': 'true' });
    expect(r.exitCode).toBe(0);
    expect(triggers()[0]?.body).toEqual({ clearCache: 'clear', commitId: 'abcdef1234567' });
  });

  it('deploys an image to an image-backed service, and follows a trigger answered 202 with no body', async () => {
    await setUp({ queued: true });
    api.state.service.imagePath = 'ghcr.io/acme/api:latest';
    const r = await deploy({ image: 'ghcr.io/acme/api:1.4.2' });
    expect(r.exitCode).toBe(0);
    expect(triggers()[0]?.body).toEqual({ clearCache: 'do_not_clear', imageUrl: 'ghcr.io/acme/api:1.4.2' });
    expect(r.log).toContain('Render answered 202');
    expect(r.outputs['deployment-id']).toBe(api.state.deploys.at(-1)!.id);
    expect(r.outputs.status).toBe('success');
  });

  it.each([
    ['build_failed', 'npm ERR! missing script: build'],
    ['pre_deploy_failed', 'error: relation "users" already exists'],
    ['canceled', '==> Deploy canceled'],
  ] as const)('reports a deploy that ends %s as failed, with the log tail', async (scenario, line) => {
    await setUp({ scenario });
    const r = await deploy();
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'failed', 'previous-deployment-id': 'dep-0002live' });
    expect(errorOf(r)).toMatch(
      scenario === 'pre_deploy_failed'
        ? /Render reports dep-\S+ as pre_deploy_failed; traffic never moved to dep-\S+: dep-0002live is still live/
        : new RegExp(`Render reports dep-\\S+ as ${scenario}; dep-0002live is still live`),
    );
    expect(r.summary).toContain(line.replace(/"/g, '&quot;').replace(/>/g, '&gt;'));
    expect(api.state.deploys.find((d) => d.id === 'dep-0002live')?.status).toBe('live');
  });

  it('stops following a deploy that hangs past the timeout and reports unknown', async () => {
    await setUp({ scenario: 'hang' });
    const r = await deploy({ timeout: '3s' });
    expect(r.exitCode).toBe(1);
    expect(r.durationMs).toBeLessThan(15_000);
    expect(r.outputs).toMatchObject({ status: 'unknown', 'previous-deployment-id': 'dep-0002live' });
    expect(errorOf(r)).toMatch(/still build_in_progress/);
    expect(errorOf(r)).toContain('timeout passed');
  });

  it('says the key was rejected, naming `token` and RENDER_API_KEY, before any change', async () => {
    await setUp();
    const r = await deploy({ token: 'rnd_wrongKey000000000000' });
    expect(r.exitCode).toBe(1);
    expect(errorOf(r)).toContain('Render rejected the token');
    expect(errorOf(r)).toContain('`token` input');
    expect(errorOf(r)).toContain('RENDER_API_KEY');
    expect(triggers()).toHaveLength(0);
    expectSecretKept(r, 'rnd_wrongKey000000000000');
  });

  it('names an unknown service and `service-id`, before any change', async () => {
    await setUp();
    const r = await deploy({ 'service-id': 'srv-nosuchservice0' });
    expect(r.exitCode).toBe(1);
    expect(errorOf(r)).toContain('Render has no service srv-nosuchservice0');
    expect(errorOf(r)).toContain('`service-id`');
    expect(triggers()).toHaveLength(0);
  });

  it('refuses a malformed service id before calling Render', async () => {
    await setUp();
    const r = await deploy({ 'service-id': 'api' });
    expect(r.exitCode).toBe(1);
    expect(r.log).toContain('Input "service-id" is invalid');
    expect(api.state.calls).toHaveLength(0);
  });
});

describe('rollback on Render', () => {
  it('rollback-on-failure returns to the previous deploy and confirms it is live again; says auto-deploy is still on', async () => {
    await setUp({ service: { ...initialRenderState().service, autoDeploy: 'yes' } });
    const guard = await run('rollback-on-failure', { provider: 'render' });
    expect(guard.exitCode).toBe(0);
    expect(guard.state.recorded).toBe('dep-0002live');
    const deployed = await deploy();
    expect(deployed.outputs.status).toBe('success');
    const bad = deployed.outputs['deployment-id'];

    const post = await run('rollback-on-failure', { provider: 'render', reason: 'smoke test failed' }, guard);
    expect(post.exitCode).toBe(0);
    expect(post.outputs).toMatchObject({ 'rolled-back': 'true', 'rolled-back-to': 'dep-0002live' });
    expect(rollbacks().map((c) => c.body)).toEqual([{ deployId: 'dep-0002live' }]);
    const live = api.state.deploys.find((d) => d.status === 'live')!;
    expect(live.trigger).toBe('rollback');
    expect(live.commit).toEqual(api.state.deploys.find((d) => d.id === 'dep-0002live')?.commit);
    expect(api.state.deploys.find((d) => d.id === bad)?.status).toBe('deactivated');
    expect(post.summary).toContain('Rolled back Render');
    expect(post.summary).toContain('does not turn it off');
    expectSecretKept(post, api.state.apiKey);
  });

  it('the umbrella deploy rolls back to the deploy before a failed one, paging through the list', async () => {
    const older = Array.from({ length: 45 }, (_, i) =>
      existingDeploy(
        `dep-f${String(i).padStart(3, '0')}`,
        'build_failed',
        `2026-11-03T10:${String(i).padStart(2, '0')}:00.000Z`,
      ),
    );
    await setUp({
      deploys: [
        existingDeploy('dep-0001old', 'deactivated', '2026-11-01T10:00:00.000Z'),
        ...older,
        existingDeploy('dep-0002live', 'live', '2026-11-04T10:00:00.000Z'),
      ],
    });
    // rollback-on-failure `mode: now` without `to`: the last successful deploy before the live one
    const r = await run('rollback-on-failure', { provider: 'render', mode: 'now', reason: 'manual' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'rolled-back': 'true', 'rolled-back-to': 'dep-0001old' });
    const cursors = api.state.calls.filter((c) => c.path.endsWith('/deploys') && c.query.cursor).length;
    expect(cursors).toBeGreaterThanOrEqual(2);
    expect(r.summary).not.toContain('does not turn it off');
  });

  it('says there is nothing to roll back to when only one deploy ever went live', async () => {
    await setUp({ deploys: [existingDeploy('dep-0002live', 'live', '2026-11-02T10:00:00.000Z')] });
    const r = await run('rollback-on-failure', { provider: 'render', mode: 'now', reason: 'manual' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['rolled-back']).toBe('false');
    expect(r.annotations.find((a) => a.level === 'notice')?.message).toContain('Nothing to roll back to');
    expect(rollbacks()).toHaveLength(0);
  });

  it('the umbrella deploy with rollback-on-failure leaves the old deploy live after a pre-deploy failure', async () => {
    await setUp({ scenario: 'pre_deploy_failed' });
    const r = await run('deploy', { provider: 'render', 'rollback-on-failure': 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.status).toBe('failed');
    // the failed deploy never went live, so dep-0002live is still live: nothing to undo
    expect(rollbacks()).toHaveLength(0);
    expect(errorOf(r)).toContain('dep-0002live is still live, so this service needs no rollback');
  });
});
