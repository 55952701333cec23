/**
 * rollback-to across platforms: `api` on Railway (the fake GraphQL API + CLI, where a rollback
 * makes a NEW deployment of the old build) and `web` on a real vm service (host: local). After
 * v1 and v2, back to v1: Railway's copy of v1's deployment is what must become live, and the
 * rollback's record names both — the copy as deployment-id, v1's own as rolled-back-to.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/lib/net.js';
import { FakeRailwayApi, initialRailwayState } from '../fakes/railway-api.js';
import { FakeGitHub } from '../harness/fake-github.js';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';
import { type Sandbox, makeSandbox } from '../providers/fake-bin.js';

jest.setTimeout(120_000);

const TOKEN = 'ghs_mixed_rollback_token_0123';

describe('rollback-to with a Railway service and a vm service', () => {
  let sandbox: Sandbox;
  let railway: FakeRailwayApi;
  let github: FakeGitHub;
  let port: number;
  const appDir = () => path.join(sandbox.dir, 'srv', 'web');
  const apiIds: Record<string, string> = {};

  beforeAll(async () => {
    sandbox = makeSandbox({ railway: 'railway-cli.mjs' }, initialRailwayState(), 'FAKE_RAILWAY_STATE');
    railway = new FakeRailwayApi(sandbox.statePath);
    await railway.start();
    github = new FakeGitHub().addUser({ login: 'github-actions[bot]', type: 'Bot' }, TOKEN);
    await github.start();
    port = await freePort();
  });
  afterAll(async () => {
    await railway.stop();
    await github.stop();
    const pidfile = path.join(appDir(), 'app.pid');
    if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
  });

  function manifest(version: string): void {
    const web = path.join(sandbox.workspace, `web-${version}`);
    cpSync(path.join(ROOT, 'examples/app'), web, { recursive: true });
    writeFileSync(path.join(web, 'VERSION'), version);
    writeFileSync(
      path.join(sandbox.workspace, 'deploy-kit.yml'),
      [
        'services:',
        '  api:',
        '    provider: railway',
        '    service: api',
        `    api-url: ${railway.url}`,
        '  web:',
        '    provider: vm',
        '    host: local',
        '    needs: [api]',
        `    app-dir: ${JSON.stringify(appDir())}`,
        `    source: web-${version}`,
        `    start-command: APP_PORT=${port} NODE='${process.execPath}' sh deploy/start.sh`,
        `    health-url: http://127.0.0.1:${port}/health`,
        '    smoke: { path: /health, expect-version: true, timeout: 3s, interval: 200ms, requests: 2 }',
        '',
      ].join('\n'),
    );
  }

  const action = (inputs: Record<string, string>, sha: string) =>
    runAction('release', {
      cwd: sandbox.workspace,
      inputs: { environment: 'production', 'github-token': TOKEN, ...inputs },
      env: {
        ...sandbox.env,
        GITHUB_SHA: sha,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: github.url,
        RAILWAY_TOKEN: railway.load().projectToken,
      },
    });
  const liveApi = () => railway.load().deployments.find((d) => d.status === 'SUCCESS');
  const serves = async () =>
    ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { version: string }).version;

  test('v1, v2, then back to v1: Railway’s copy of v1 live, web serving v1, both recorded', async () => {
    for (const version of ['v1', 'v2']) {
      manifest(version);
      const run = await action({ version }, github.addCommit(version));
      expect(run.outputs.status).toBe('success');
      apiIds[version] = JSON.parse(run.outputs.release as string).services.api['deployment-id'];
    }
    expect(liveApi()?.id).toBe(apiIds.v2);

    const run = await action({ 'rollback-to': 'v1' }, github.addCommit('main'));
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.log.indexOf('::group::web: return')).toBeLessThan(run.log.indexOf('::group::api: return'));
    const rollback = railway.load().calls.find((c) => /deploymentRollback/.test(String(c.query)));
    expect(rollback?.variables).toEqual({ id: apiIds.v1 });
    const copy = liveApi();
    expect(copy?.id).not.toBe(apiIds.v1);
    expect(copy?.meta.reason).toBe('rollback');
    expect(await serves()).toBe('v1');
    const record = JSON.parse(run.outputs.release as string);
    expect(record.services.api).toMatchObject({
      provider: 'railway',
      'deployment-id': copy?.id,
      'previous-deployment-id': apiIds.v2,
      'rolled-back-to': apiIds.v1,
      smoke: 'none',
    });
    expect(record.services.web).toMatchObject({ smoke: 'passed', status: 'success' });
    expect(github.deployments[0]?.payload).toEqual(record);
    expectSecretKept(run, railway.load().projectToken);
    expectSecretKept(run, TOKEN);
  });
});
