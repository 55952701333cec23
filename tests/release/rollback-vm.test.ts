/**
 * `rollback-to` on the release action (dist/release) through the runner contract, with two
 * real services (the example app, provider vm with host: local) and the release records in
 * the fake GitHub API: release v1, release v2, then back to v1 — both serve v1 again,
 * smoke-tested, and the rollback is recorded as a release. An unknown version, a recorded
 * service the manifest lost and a pruned deployment fail before anything changes; a service
 * that cannot be returned is named with what it serves, and what it needs stays matched.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/lib/net.js';
import { FakeGitHub } from '../harness/fake-github.js';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';

jest.setTimeout(120_000);

const SSH_KEY = 'ssh-key-never-shown-rollback-0123';
const TOKEN = 'ghs_rollback_token_0123456789';

describe('rollback-to a named release of two vm services (host: local)', () => {
  let workspace: string;
  let github: FakeGitHub;
  const shas: Record<string, string> = {};
  const ports: Record<string, number> = {};
  const ids: Record<string, Record<string, string>> = {};
  const appDir = (name: string) => path.join(workspace, 'srv', name);

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dk-rollback-'));
    ports.api = await freePort();
    ports.web = await freePort();
    github = new FakeGitHub().addUser({ login: 'github-actions[bot]', type: 'Bot' }, TOKEN);
    for (const v of ['v1', 'v2', 'v3']) shas[v] = github.addCommit(`release ${v}`);
    await github.start();
  });
  afterAll(async () => {
    await github.stop();
    for (const name of ['api', 'web']) {
      const pidfile = path.join(appDir(name), 'app.pid');
      if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
    }
  });

  function source(name: string, version: string): string {
    const dir = path.join(workspace, `${name}-${version}`);
    cpSync(path.join(ROOT, 'examples/app'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'VERSION'), version);
    return path.basename(dir);
  }

  function manifest(version: string, names = ['web', 'api']): void {
    const service = (name: string) =>
      [
        `  ${name}:`,
        '    provider: vm',
        '    host: local',
        `    app-dir: ${JSON.stringify(appDir(name))}`,
        `    source: ${source(name, version)}`,
        `    start-command: APP_PORT=${ports[name]} NODE='${process.execPath}' sh deploy/start.sh`,
        `    health-url: http://127.0.0.1:${ports[name]}/health`,
        '    health-timeout: 3s',
        `    smoke: { path: /health, expect-version: true, timeout: 3s, interval: 200ms, requests: 2 }`,
        ...(name === 'web' && names.includes('api') ? ['    needs: [api]', '    primary: true'] : []),
      ].join('\n');
    writeFileSync(path.join(workspace, 'deploy-kit.yml'), `services:\n${names.map(service).join('\n')}\n`);
  }

  const action = (inputs: Record<string, string>, sha: string) =>
    runAction('release', {
      cwd: workspace,
      inputs: { environment: 'production', timeout: '2m', 'github-token': TOKEN, ...inputs },
      env: { GITHUB_SHA: sha, GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: github.url, SSH_KEY },
    });
  const release = async (version: string) => {
    manifest(version);
    const run = await action({ version }, shas[version] as string);
    expect(run.outputs.status).toBe('success');
    ids[version] = { api: live('api'), web: live('web') };
  };
  const rollback = (to: string, inputs: Record<string, string> = {}) =>
    action({ 'rollback-to': to, ...inputs }, shas.v3 as string);
  const live = (name: string) => path.basename(readlinkSync(path.join(appDir(name), 'current')));
  const serves = async (name: string) =>
    ((await (await fetch(`http://127.0.0.1:${ports[name]}/health`)).json()) as { version: string }).version;
  const posts = () => github.requests.filter((r) => r.method === 'POST').length;

  test('v1 then v2 released and recorded', async () => {
    await release('v1');
    await release('v2');
    expect(await serves('api')).toBe('v2');
    expect(github.deployments.map((d) => (d.payload as { version: string }).version)).toEqual(['v2', 'v1']);
  });

  test('an unknown version fails before anything changes, naming it and what is recorded', async () => {
    const before = posts();
    const run = await rollback('v9');
    expect(run.exitCode).toBe(1);
    const message = run.annotations[0]?.message ?? '';
    expect(message).toContain('no release v9 is recorded in environment production of acme/shop');
    expect(message).toContain('Releases that went live, newest first: v2, v1.');
    expect(run.log).not.toContain('::group::');
    expect(posts()).toBe(before);
    expect([live('api'), live('web')]).toEqual([ids.v2?.api, ids.v2?.web]);
  });

  test('without github-token, or with a version that disagrees: refused before anything is read or changed', async () => {
    const before = github.requests.length;
    const noToken = await rollback('v1', { 'github-token': '' });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.annotations[0]?.message).toMatch(/^Input "github-token" is required with rollback-to/);
    const disagree = await rollback('v1', { version: 'v2' });
    expect(disagree.annotations[0]?.message).toMatch(/^Inputs "version" \(v2\) and "rollback-to" \(v1\) disagree/);
    expect(github.requests.length).toBe(before);
    expect(await serves('api')).toBe('v2');
  });

  test('a service of the release that the manifest no longer has fails before anything changes', async () => {
    manifest('v2', ['web']);
    const run = await rollback('v1');
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain('service "api" (vm) is part of release v1 but no longer in');
    expect(await serves('web')).toBe('v2');
    manifest('v2');
  });

  test('back to v1: web then api returned, confirmed, smoke-tested, recorded as a release', async () => {
    const run = await rollback('v1');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('rolled-back');
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['web', 'api']);
    expect(run.log.indexOf('::group::web: return')).toBeLessThan(run.log.indexOf('::group::api: return'));
    expect([live('api'), live('web')]).toEqual([ids.v1?.api, ids.v1?.web]);
    expect(await serves('api')).toBe('v1');
    expect(await serves('web')).toBe('v1');
    const record = JSON.parse(run.outputs.release as string);
    expect(record).toMatchObject({ version: 'v1', status: 'success', rollback: { to: 'v1' } });
    expect(record.services.web).toMatchObject({
      'deployment-id': ids.v1?.web,
      'previous-deployment-id': ids.v2?.web,
      smoke: 'passed',
      'rolled-back-to': ids.v1?.web,
    });
    expect(run.outputs.url).toBe(`http://127.0.0.1:${ports.web}`);
    const [recorded, v2] = github.deployments;
    expect(recorded?.sha).toBe(shas.v1);
    expect(recorded?.payload).toEqual(record);
    expect(recorded?.statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(v2?.statuses[0]?.state).toBe('inactive');
    expect(run.summary).toContain('<th>service</th><th>provider</th><th>before</th><th>returned to</th>');
    expect(run.summary).toContain('confirmed live ✅');
    expectSecretKept(run, TOKEN);
    expectSecretKept(run, SSH_KEY);
  });

  test('a deployment the platform no longer has fails before anything changes', async () => {
    await release('v3');
    const dir = path.join(appDir('api'), 'releases', ids.v2?.api as string);
    renameSync(dir, `${dir}.gone`);
    const run = await rollback('v2');
    renameSync(`${dir}.gone`, dir);
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain(
      `api (the VM): deployment ${ids.v2?.api}, which release v2 made live`,
    );
    expect(await serves('web')).toBe('v3');
  });

  test('web cannot be returned: named with what it serves, api is held on v3 to match', async () => {
    writeFileSync(path.join(appDir('web'), 'releases', ids.v1?.web as string, 'UNHEALTHY'), '');
    const run = await rollback('v1');
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toContainEqual(
      expect.stringMatching(new RegExp(`^web \\(the VM\\) could NOT be returned to ${ids.v1?.web} \\(release v1\\)`)),
    );
    expect(errors.join('\n')).toContain(`It serves ${ids.v3?.web}`);
    expect(errors.join('\n')).toContain(
      'api was NOT returned to release v1: web, which needs it, could not be returned',
    );
    expect(run.log).not.toContain('::group::api: return');
    expect(live('api')).toBe(ids.v3?.api);
    expect(await serves('api')).toBe('v3');
    expect(github.deployments[0]?.statuses.map((s) => s.state)).toEqual(['failure', 'in_progress']);
    expect(run.summary).toContain('NOT returned ❌');
  });

  test('cancelled half-way: the post step says which services are back; running it again finishes it', async () => {
    rmSync(path.join(appDir('web'), 'releases', ids.v1?.web as string, 'UNHEALTHY'));
    let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
    let killed = false;
    const run = await runAction('release', {
      cwd: workspace,
      inputs: { environment: 'production', 'github-token': TOKEN, 'rollback-to': 'v2' },
      env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: github.url, SSH_KEY },
      onSpawn: (c) => (child = c),
      onOutput: (chunk) => {
        if (!killed && chunk.includes('::group::api: return')) {
          killed = true;
          child?.kill('SIGTERM');
        }
      },
    });
    expect(run.signal).toBe('SIGTERM');
    const post = await runAction('release', {
      cwd: workspace,
      inputs: { environment: 'production', 'github-token': TOKEN, 'rollback-to': 'v2' },
      env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: github.url, SSH_KEY },
      postOf: run,
    });
    expect(post.exitCode).toBe(0);
    expect(post.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('Back on it: web; not yet: api. Run the rollback again to finish it.'),
      }),
    );
    expect(JSON.stringify(run.state)).not.toContain(TOKEN);
    const again = await rollback('v2');
    expect(again.exitCode).toBe(0);
    expect(again.summary).toContain('was already live ✅');
    expect([await serves('web'), await serves('api')]).toEqual(['v2', 'v2']);
  });
});
