/** deploy-fly through the runner contract (dist/), against the fake flyctl (tests/fakes/fly-cli.mjs). */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { type FlyState, image, initialFlyState, readFly, writeFly } from '../fakes/fly-state.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let sandbox: Sandbox;
const state = () => readFly(sandbox.statePath);
const scenario = (deploy: string) => writeFly(sandbox.statePath, { ...state(), scenario: { deploy } });
const deployCalls = () => state().calls.filter((c) => c.argv[0] === 'deploy');
const releases = (s: FlyState = state()) => [...s.apps['shop-api']!.releases].sort((a, b) => b.Version - a.Version);

function deploy(inputs: Record<string, string> = {}) {
  return runAction('deploy-fly', {
    inputs: { token: state().token, app: 'shop-api', ...inputs },
    env: sandbox.env,
    cwd: sandbox.workspace,
  });
}

describe('deploy-fly', () => {
  beforeEach(() => {
    sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, initialFlyState(), 'FAKE_FLY_STATE');
  });

  it('deploys with the strategy and wait timeout, records the image live before, and confirms the release', async () => {
    const run = await deploy({ strategy: 'bluegreen', timeout: '10m' });
    expect(run.exitCode).toBe(0);
    const [newest] = releases();
    expect(newest).toMatchObject({ Version: 4, Status: 'complete' });
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': image('CCC'),
      'deployment-id': newest?.ImageRef,
      url: 'https://shop-api.fly.dev/',
      status: 'success',
    });
    expect(deployCalls()[0]?.argv).toEqual([
      'deploy',
      '--app',
      'shop-api',
      '--remote-only',
      '--strategy',
      'bluegreen',
      '--wait-timeout',
      '600s',
    ]);
    expect(run.summary).toContain('release v4 complete and live');
    expect(run.summary).toMatch(/0\.4\.115 from PATH/);
    expectSecretKept(run, state().token);
  });

  it('deploys a prebuilt image and passes api-url to flyctl as FLY_API_BASE_URL', async () => {
    const run = await deploy({ image: image('NEW'), config: 'fly.production.toml', 'api-url': 'http://127.0.0.1:9/' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['deployment-id']).toBe(image('NEW'));
    expect(deployCalls()[0]?.argv).toEqual(
      expect.arrayContaining(['--config', 'fly.production.toml', '--image', image('NEW')]),
    );
    expect(state().calls.every((c) => c.apiBase === 'http://127.0.0.1:9')).toBe(true);
  });

  it('reports failing health checks as failed, with the CLI output, and still writes previous-deployment-id', async () => {
    scenario('fail');
    const run = await deploy();
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'previous-deployment-id': image('CCC') });
    expect(run.log).toContain('Fly.io reports release v4 failed; v3 (the previous release) is what runs');
    expect(run.summary).toContain('Your machine never reached the state');
    expect(run.summary).toContain('Cannot find module');
  });

  it('does not trust exit 0 when the release failed and the machines went back to the old image', async () => {
    scenario('reverted');
    const run = await deploy();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.log).toContain('the CLI reported success');
  });

  it('stops a hanging fly deploy at the timeout and reports the release as still running', async () => {
    scenario('hang');
    const run = await deploy({ timeout: '2s' });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(20_000);
    expect(run.outputs.status).toBe('unknown');
    expect(run.log).toContain('did not finish within the 2.0 s timeout and was stopped');
    expect(run.log).toContain('release v4 still running');
  });

  it('reads exit 126 as a deadline and asks the platform', async () => {
    scenario('deadline');
    const run = await deploy();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.log).toContain('exit 126');
  });

  it('says the token was rejected and which secret to check', async () => {
    const run = await deploy({ token: 'fly-wrong-token-xyz' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(
      'Fly.io rejected the token (failed retrieving app releases shop-api: You must be authenticated to view this.)',
    );
    expect(run.log).toContain('FLY_API_TOKEN');
    expect(deployCalls()).toHaveLength(0);
    expectSecretKept(run, 'fly-wrong-token-xyz');
  });

  it('names an unknown app', async () => {
    const run = await deploy({ app: 'shop-apj' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Fly.io has no app named "shop-apj"');
    expect(run.log).toContain('Check the `app` input');
  });

  it('refuses an unknown strategy before running anything', async () => {
    const run = await deploy({ strategy: 'yolo' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(
      'Input "strategy" is invalid: "yolo" is not one of rolling, bluegreen, canary, immediate',
    );
    expect(state().calls).toHaveLength(0);
  });
});
