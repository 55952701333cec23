/**
 * `migration-tool: platform`: the platform's own pre-deploy step migrates (Render's and
 * Railway's pre-deploy command, Fly.io's release_command). Through the runner contract
 * (dist/), against each platform's fake: a failing step fails the deploy, says the platform's
 * migration failed, shows its log, and leaves the previous deployment live with no rollback;
 * a passing one is a success that says the step passed (docs/platforms.md §9).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { type ActionRun as RunResult, expectSecretKept, runAction } from '../harness/runner.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { FakeRenderApi, initialRenderState } from '../fakes/render-api.js';
import { image, initialFlyState, readFly, writeFly } from '../fakes/fly-state.js';
import { makeSandbox } from './fake-bin.js';

const errorOf = (r: RunResult) => r.annotations.find((a) => a.level === 'error')?.message ?? '';
const unescape = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'");

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** What every failed pre-deploy step must say, whichever platform ran it. */
function expectPreDeployFailure(r: RunResult, step: string, previous: string, logLine: string): void {
  expect(r.exitCode).toBe(1);
  expect(r.outputs).toMatchObject({ status: 'failed', 'previous-deployment-id': previous });
  const message = errorOf(r);
  expect(message).toContain("The platform's migration failed");
  expect(message).toContain(`${step} failed`);
  expect(message).toContain(`${previous} is still live, so this service needs no rollback`);
  expect(message).toContain(logLine);
  const summary = unescape(r.summary);
  expect(summary).toContain(`the platform's migration (${step}) failed; traffic never moved`);
  expect(summary).toContain(`Log tail (${step})`);
  expect(summary).toContain(logLine);
}

describe('Render: the pre-deploy command', () => {
  async function setUp(scenario: 'success' | 'pre_deploy_failed') {
    const sandbox = makeSandbox({}, {}, 'FAKE_RENDER_UNUSED');
    const api = new FakeRenderApi(initialRenderState({ scenario }));
    await api.start();
    stop = () => api.stop();
    const run = (name: string, extra: Record<string, string> = {}) =>
      runAction(name, {
        inputs: { token: api.state.apiKey, 'service-id': api.state.service.id, 'api-url': api.url, ...extra },
        env: sandbox.env,
        cwd: sandbox.workspace,
      });
    return { api, run };
  }

  it('fails at pre_deploy_failed with its log, and the live deploy keeps serving', async () => {
    const { api, run } = await setUp('pre_deploy_failed');
    const r = await run('deploy-render');
    expectPreDeployFailure(r, "Render's pre-deploy command", 'dep-0002live', 'error: relation "users" already exists');
    expect(errorOf(r)).toContain('(pre_deploy_failed)');
    expect(api.state.deploys.find((d) => d.id === 'dep-0002live')?.status).toBe('live');
    expectSecretKept(r, api.state.apiKey);
  });

  it('the umbrella deploy with rollback-on-failure rolls nothing back after it', async () => {
    const { api, run } = await setUp('pre_deploy_failed');
    const r = await run('deploy', { provider: 'render', 'rollback-on-failure': 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(errorOf(r)).toContain('needs no rollback');
    expect(api.state.calls.filter((c) => c.path.endsWith('/rollback'))).toHaveLength(0);
  });

  it('passes: the deploy went through pre_deploy_in_progress to live', async () => {
    const { api, run } = await setUp('success');
    const r = await run('deploy-render');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('success');
    expect(api.state.deploys.at(-1)?.status).toBe('live');
    expect(unescape(r.summary)).toContain("Render's pre-deploy command passed");
  });
});

describe('Railway: the pre-deploy command', () => {
  async function setUp(up: 'pre-deploy' | 'pre-deploy-fail') {
    const state = initialRailwayState({
      deployments: [existingDeployment('dep-0002-live', 'SUCCESS', '2026-11-02T10:00:00.000Z')],
      scenario: { up },
    });
    const sandbox = makeSandbox({ railway: 'railway-cli.mjs' }, state, 'FAKE_RAILWAY_STATE');
    const api = new FakeRailwayApi(sandbox.statePath);
    await api.start();
    stop = () => api.stop();
    const r = await runAction('deploy-railway', {
      inputs: { token: state.projectToken, service: 'api', 'api-url': api.url },
      env: sandbox.env,
      cwd: sandbox.workspace,
    });
    return { api, r };
  }

  it('fails when the PRE_DEPLOY_COMMAND step failed, with the deploy log, and the live deployment keeps serving', async () => {
    const { api, r } = await setUp('pre-deploy-fail');
    expectPreDeployFailure(
      r,
      "Railway's pre-deploy command",
      'dep-0002-live',
      'error: column "total" of relation "orders" already exists',
    );
    expect(errorOf(r)).toContain('Pre-deploy command failed with exit code 1');
    const deployments = api.load().deployments;
    expect(deployments.find((d) => d.id === 'dep-0002-live')?.status).toBe('SUCCESS');
    expect(deployments.at(-1)?.status).toBe('FAILED');
    expect(api.load().calls.some((c) => String(c.query).includes('deploymentRollback'))).toBe(false);
    expectSecretKept(r, api.load().projectToken);
  });

  it('passes: the deployment ran its pre-deploy command and went live', async () => {
    const { api, r } = await setUp('pre-deploy');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('success');
    expect(r.outputs['deployment-id']).toBe(api.load().deployments.at(-1)?.id);
    expect(unescape(r.summary)).toContain("Railway's pre-deploy command passed");
  });
});

describe('Fly.io: the release_command', () => {
  function setUp(deploy: 'release-command' | 'release-command-fail') {
    const sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, initialFlyState(), 'FAKE_FLY_STATE');
    writeFly(sandbox.statePath, { ...readFly(sandbox.statePath), scenario: { deploy } });
    const state = () => readFly(sandbox.statePath);
    const run = (name: string, extra: Record<string, string> = {}) =>
      runAction(name, {
        inputs: { token: state().token, app: 'shop-api', ...extra },
        env: sandbox.env,
        cwd: sandbox.workspace,
      });
    return { state, run };
  }

  it('fails when the release_command exits non-zero, with its log, and the machines keep the old image', async () => {
    const { state, run } = setUp('release-command-fail');
    const r = await run('deploy-fly');
    expectPreDeployFailure(
      r,
      "Fly.io's release_command",
      image('CCC'),
      'error: column "total" of relation "orders" already exists',
    );
    expect(errorOf(r)).toContain('machine 4d89e1 exited with code 1');
    const releases = [...state().apps['shop-api']!.releases].sort((a, b) => b.Version - a.Version);
    expect(releases[0]).toMatchObject({ Version: 4, Status: 'failed' });
    expect(releases[1]).toMatchObject({ ImageRef: image('CCC'), Status: 'complete' });
    expectSecretKept(r, state().token);
  });

  it('the umbrella deploy with rollback-on-failure does not redeploy the old image', async () => {
    const { state, run } = setUp('release-command-fail');
    const r = await run('deploy', { provider: 'fly', 'rollback-on-failure': 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['rolled-back']).toBe('false');
    expect(state().calls.filter((c) => c.argv[0] === 'deploy')).toHaveLength(1);
  });

  it('passes: the release_command completed and the release is live', async () => {
    const { run } = setUp('release-command');
    const r = await run('deploy-fly');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('success');
    expect(unescape(r.summary)).toContain("Fly.io's release_command passed");
  });
});
