/**
 * The release action (dist/release) through the runner contract, releasing two real
 * services (the example app, provider vm with host: local): in needs order, a failed smoke
 * test of the second rolls both back to what they served before, a cancelled release is
 * rolled back by the post step, and a service after the failure is never touched.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/lib/net.js';
import { FakeGitHub } from '../harness/fake-github.js';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';

jest.setTimeout(120_000);

// host: local never uses it, but the release reads every service's secret and must keep it.
const SSH_KEY = 'ssh-key-never-shown-0123456789';

describe('release of two vm services (host: local)', () => {
  let workspace: string;
  let github: FakeGitHub;
  let sha: string;
  const ports: Record<string, number> = {};
  const appDir = (name: string) => path.join(workspace, 'srv', name);

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dk-release-'));
    ports.api = await freePort();
    ports.web = await freePort();
    github = new FakeGitHub().addUser({ login: 'github-actions[bot]', type: 'Bot' }, 'ghs_release_token');
    sha = github.addCommit('release');
    await github.start();
  });
  afterAll(async () => {
    await github.stop();
    for (const name of ['api', 'web']) {
      const pidfile = path.join(appDir(name), 'app.pid');
      if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
    }
  });

  /** A copy of the example app reporting `version`; broken: / answers 500 (its smoke test fails). */
  function source(name: string, version: string, broken = false): string {
    const dir = path.join(workspace, `${name}-${version}`);
    cpSync(path.join(ROOT, 'examples/app'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'VERSION'), version);
    if (broken) writeFileSync(path.join(dir, 'BROKEN'), '');
    return path.basename(dir);
  }

  function manifest(sources: Record<string, string>): void {
    const service = (name: string, smokePath: string) =>
      [
        `  ${name}:`,
        '    provider: vm',
        '    host: local',
        `    app-dir: ${JSON.stringify(appDir(name))}`,
        `    source: ${sources[name]}`,
        `    start-command: APP_PORT=${ports[name]} NODE='${process.execPath}' sh deploy/start.sh`,
        `    health-url: http://127.0.0.1:${ports[name]}/health`,
        '    health-timeout: 5s',
        `    smoke: { path: ${smokePath}, expect-version: true, timeout: 3s, interval: 200ms, requests: 2 }`,
      ].join('\n');
    writeFileSync(
      path.join(workspace, 'deploy-kit.yml'),
      `services:\n${service('web', '/')}\n    needs: [api]\n    primary: true\n${service('api', '/health')}\n`,
    );
  }

  const release = (version: string, extra: Parameters<typeof runAction>[1] = {}) =>
    runAction('release', {
      ...extra,
      cwd: workspace,
      inputs: { environment: 'production', version, timeout: '2m', ...extra.inputs },
      env: {
        GITHUB_SHA: sha,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: github.url,
        SSH_KEY: SSH_KEY,
        ...extra.env,
      },
    });
  const live = (name: string) => path.basename(readlinkSync(path.join(appDir(name), 'current')));
  const version = async (name: string) =>
    ((await (await fetch(`http://127.0.0.1:${ports[name]}/health`)).json()) as { version: string }).version;

  let v1: Record<string, string>;

  test('all green: api before web (needs), both smoke-tested, one table, outputs', async () => {
    manifest({ api: source('api', 'v1'), web: source('web', 'v1') });
    const run = await release('v1');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    expect(JSON.parse(run.outputs.deployed as string)).toEqual(['api', 'web']);
    expect(run.log.indexOf('::group::api: deploy')).toBeLessThan(run.log.indexOf('::group::web: deploy'));
    const record = JSON.parse(run.outputs.release as string);
    expect(record).toMatchObject({ version: 'v1', environment: 'production', status: 'success' });
    expect(record.services.api).toMatchObject({ provider: 'vm', status: 'success', smoke: 'passed' });
    expect(run.outputs.url).toBe(`http://127.0.0.1:${ports.web}`);
    expect(run.summary).toContain('<th>service</th><th>provider</th><th>before</th><th>deployed</th>');
    expect(run.annotations.some((a) => /not recorded/.test(a.message))).toBe(true);
    expectSecretKept(run, SSH_KEY);
    expect(run.outputs.release).not.toContain(SSH_KEY);
    v1 = { api: live('api'), web: live('web') };
  });

  test('the second service fails its smoke test: both go back to v1, confirmed', async () => {
    manifest({ api: source('api', 'v2'), web: source('web', 'v2', true) });
    const run = await release('v2', { inputs: { 'github-token': 'ghs_release_token' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api', 'web']);
    expect(run.log.indexOf('::group::web: roll back')).toBeLessThan(run.log.indexOf('::group::api: roll back'));
    expect(live('api')).toBe(v1.api);
    expect(live('web')).toBe(v1.web);
    expect(await version('api')).toBe('v1');
    expect(await version('web')).toBe('v1');
    const record = JSON.parse(run.outputs.release as string);
    expect(record.services.web).toMatchObject({ smoke: 'failed', 'rolled-back-to': v1.web });
    expect(run.summary).toContain('rolled back');
    // One GitHub Deployment for the release: its JSON as payload, failure then inactive.
    const recorded = github.deployments[0];
    expect(recorded?.environment).toBe('production');
    expect(recorded?.payload).toMatchObject({ version: 'v2', status: 'rolled-back' });
    expect(recorded?.statuses.map((s) => s.state)).toEqual(['inactive', 'failure', 'in_progress']);
    expectSecretKept(run, 'ghs_release_token');
    expectSecretKept(run, SSH_KEY);
  });

  test('the first service fails: the second is never deployed', async () => {
    const before = live('web');
    manifest({ api: source('api', 'v3', true), web: source('web', 'v3') });
    writeFileSync(
      path.join(workspace, 'deploy-kit.yml'),
      readFileSync(path.join(workspace, 'deploy-kit.yml'), 'utf8').replace('path: /health', 'path: /'),
    );
    const run = await release('v3');
    expect(run.outputs.status).toBe('rolled-back');
    expect(JSON.parse(run.outputs.release as string).services.web.status).toBe('not-deployed');
    expect(run.log).not.toContain('::group::web: deploy');
    expect(live('web')).toBe(before);
    expect(await version('api')).toBe('v1');
  });

  test('cancelled between services: the post step rolls the first back', async () => {
    manifest({ api: source('api', 'v4'), web: source('web', 'v4') });
    let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
    let killed = false;
    const run = await release('v4', {
      onSpawn: (c) => (child = c),
      onOutput: (chunk) => {
        if (!killed && chunk.includes('::group::web: deploy')) {
          killed = true;
          child?.kill('SIGTERM');
        }
      },
    });
    expect(run.signal).toBe('SIGTERM');
    expect(await version('api')).toBe('v4');
    const post = await release('v4', { postOf: run });
    expect(post.exitCode).toBe(1);
    expect(post.outputs.status).toBe('rolled-back');
    expect(await version('api')).toBe('v1');
    expect(await version('web')).toBe('v1');
    expect(JSON.stringify(run.state)).not.toMatch(/token/i);
  });

  test('deployed inside a freeze window anyway: the bypass (reason, window, who) is in the release record and the summary', async () => {
    manifest({ api: source('api', 'v6'), web: source('web', 'v6') });
    const reason = 'incident 4711: the checkout fix cannot wait for Monday';
    const run = await release('v6', {
      inputs: {
        'github-token': 'ghs_release_token',
        'freeze-bypass-reason': reason,
        'freeze-window': 'Fri 16:00 - Mon 08:00 Europe/Berlin',
      },
      env: { GITHUB_ACTOR: 'pusher', GITHUB_TRIGGERING_ACTOR: 'alice' },
    });
    expect(run.exitCode).toBe(0);
    const bypass = { reason, window: 'Fri 16:00 - Mon 08:00 Europe/Berlin', by: 'alice' };
    expect(JSON.parse(run.outputs.release as string)['freeze-bypass']).toEqual(bypass);
    // The GitHub Deployment's payload (what require-deployment and the rollback workflow read).
    const recorded = github.deployments.find((d) => (d.payload as { version?: string }).version === 'v6');
    expect((recorded?.payload as Record<string, unknown>)['freeze-bypass']).toEqual(bypass);
    expect(run.summary).toContain(
      `⚠️ Freeze window bypassed (Fri 16:00 - Mon 08:00 Europe/Berlin) by alice: incident 4711: the checkout fix cannot wait for Monday`,
    );
    // Without a bypass the record says nothing about freezes.
    expect(github.deployments.some((d) => 'freeze-bypass' in (d.payload as object) && d !== recorded)).toBe(false);
  });

  test('a bad manifest fails before anything is touched, naming service and key', async () => {
    writeFileSync(
      path.join(workspace, 'deploy-kit.yml'),
      'services:\n  api: { provider: vm, host: local, start-command: x, port: nope, needs: [db] }\n  web: { provider: railway, service: web }\n',
    );
    const run = await release('v5');
    expect(run.exitCode).toBe(1);
    const message = run.annotations[0]?.message ?? '';
    expect(message).toContain('service "api", key "port": "nope" is not a whole number');
    expect(message).toContain('service "api", key "needs": "db" is not a service');
    expect(message).toContain('service "web", key "token-env": the environment variable RAILWAY_TOKEN is not set');
    expect(await version('api')).toBe('v6'); // the last release that went live (the freeze bypass)
  });
});
