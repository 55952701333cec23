/**
 * `deploy-kit rollback` (bin/deploy-kit.js → dist/cli → dist/release with rollback-to): its
 * options, and an operator rolling production back to v1 after two real releases of two vm
 * services (host: local) recorded in the fake GitHub API.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/cli/args.js';
import { parseRollbackArgs } from '../../src/cli/rollback-args.js';
import { freePort } from '../../src/lib/net.js';
import { FakeGitHub } from '../harness/fake-github.js';
import { ROOT, runAction } from '../harness/runner.js';

jest.setTimeout(120_000);

const TOKEN = 'ghs_operator_token_0123456789';

describe('rollback options', () => {
  test('--to with defaults, and every option in both forms', () => {
    expect(parseRollbackArgs(['--to', 'v1.4.2'])).toEqual({
      kind: 'rollback',
      to: 'v1.4.2',
      environment: 'production',
      manifest: 'deploy-kit.yml',
      timeout: '1h',
    });
    expect(
      parseRollbackArgs(['--to=v1', '--environment', 'staging', '--manifest=ops/kit.yml', '--timeout', '30m']),
    ).toMatchObject({ to: 'v1', environment: 'staging', manifest: 'ops/kit.yml', timeout: '30m' });
    expect(parseRollbackArgs(['--to', 'v1', '--help'])).toEqual({ kind: 'rollback-help' });
  });
  test.each([
    [[], /rollback needs --to <version>/],
    [['--to'], /--to needs a value/],
    [['--to', '--environment', 'x'], /--to needs a value/],
    [['--to', 'v1', '--env', 'x'], /rollback does not know "--env"/],
    [['--to', 'v1', '--timeout', 'soon'], /--timeout "soon" is not a duration/],
    [['--to', 'v1', '--token', 'ghp_x'], /does not take the token on the command line/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseRollbackArgs(argv)).toThrow(UsageError);
    expect(() => parseRollbackArgs(argv)).toThrow(message);
  });
});

describe('deploy-kit rollback against two real releases', () => {
  let workspace: string;
  let github: FakeGitHub;
  const ports: Record<string, number> = {};
  const appDir = (name: string) => path.join(workspace, 'srv', name);

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dk-cli-rollback-'));
    ports.api = await freePort();
    ports.web = await freePort();
    github = new FakeGitHub().addUser({ login: 'ops', type: 'User', role: 'admin' }, TOKEN);
    await github.start();
    for (const version of ['v1', 'v2']) {
      manifest(version);
      const run = await runAction('release', {
        cwd: workspace,
        inputs: { environment: 'production', version, 'github-token': TOKEN },
        env: { GITHUB_SHA: github.addCommit(version), GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: github.url },
      });
      expect(run.outputs.status).toBe('success');
    }
  });
  afterAll(async () => {
    await github.stop();
    for (const name of ['api', 'web']) {
      const pidfile = path.join(appDir(name), 'app.pid');
      if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
    }
  });

  function manifest(version: string): void {
    const service = (name: string) => {
      const dir = path.join(workspace, `${name}-${version}`);
      cpSync(path.join(ROOT, 'examples/app'), dir, { recursive: true });
      writeFileSync(path.join(dir, 'VERSION'), version);
      return [
        `  ${name}:`,
        '    provider: vm',
        '    host: local',
        `    app-dir: ${JSON.stringify(appDir(name))}`,
        `    source: ${path.basename(dir)}`,
        `    start-command: APP_PORT=${ports[name]} NODE='${process.execPath}' sh deploy/start.sh`,
        `    health-url: http://127.0.0.1:${ports[name]}/health`,
        `    smoke: { path: /health, expect-version: true, timeout: 3s, interval: 200ms, requests: 2 }`,
      ].join('\n');
    };
    writeFileSync(
      path.join(workspace, 'deploy-kit.yml'),
      `services:\n${service('api')}\n${service('web')}\n    needs: [api]\n`,
    );
  }

  const serves = async (name: string) =>
    ((await (await fetch(`http://127.0.0.1:${ports[name]}/health`)).json()) as { version: string }).version;

  function cli(args: string[], env: Record<string, string | undefined>) {
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/deploy-kit.js'), 'rollback', ...args], {
        cwd: workspace,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.on('close', (code) => resolve({ code, out }));
    });
  }
  const operator = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/shop' };

  test('without GITHUB_TOKEN or GITHUB_REPOSITORY: exit 2, saying what to export', async () => {
    const noToken = await cli(['--to', 'v1'], { GITHUB_REPOSITORY: 'acme/shop' });
    expect(noToken.code).toBe(2);
    expect(noToken.out).toContain('GITHUB_TOKEN is not set');
    expect(noToken.out).toContain('deploy-kit rollback --help');
    const noRepo = await cli(['--to', 'v1'], { GITHUB_TOKEN: TOKEN });
    expect(noRepo.code).toBe(2);
    expect(noRepo.out).toContain('GITHUB_REPOSITORY is not set');
  });

  test('an unknown version: exit 1, nothing changed', async () => {
    const run = await cli(['--to', 'v7'], { ...operator, GITHUB_API_URL: github.url });
    expect(run.code).toBe(1);
    expect(run.out).toContain('no release v7 is recorded in environment production of acme/shop');
    expect(await serves('web')).toBe('v2');
    expect(github.deployments).toHaveLength(2);
  });

  test('--to v1: both services serve v1 again, the table shows it, the rollback is recorded', async () => {
    const run = await cli(['--to', 'v1'], { ...operator, GITHUB_API_URL: github.url });
    expect(run.code).toBe(0);
    expect(run.out).toContain('Rolling production of acme/shop back to release v1.');
    expect(run.out).toMatch(/Rollback of production to release v1: back on it/);
    expect(run.out).toContain('confirmed live ✅');
    expect(run.out).toContain('✔ passed');
    expect(run.out).not.toContain(TOKEN);
    expect(await serves('api')).toBe('v1');
    expect(await serves('web')).toBe('v1');
    const recorded = github.deployments[0];
    expect(recorded?.payload).toMatchObject({ version: 'v1', status: 'success', rollback: { to: 'v1' } });
    expect(recorded?.creator).toBe('ops');
    expect(recorded?.statuses[0]?.state).toBe('success');
  });
});
