/**
 * The secrets sweep (issue 16): every action, run from dist/ with known secrets — on its
 * way to success and on a failure path that talks about the secret's owner (a rejected
 * token, a wrong password) — and not one of them may appear in the log, summary, outputs,
 * annotations, saved state or exported env, in a file left behind, or in a child
 * process's command line. Each action runs against the fakes its own tests use (real
 * PostgreSQL and sshd; fake GitHub, Fly CLI and HTTP endpoints on 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { freePort } from '../../src/lib/net.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeGitHub } from '../harness/fake-github.js';
import { image, initialFlyState } from '../fakes/fly-state.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { makeSandbox } from '../providers/fake-bin.js';
import { json, startHttpServer, type TestServer } from '../support/http-server.js';
import { type Postgres, startPostgres } from '../../src/db/postgres.js';
import { startSshd, type Sshd } from '../support/sshd.js';
import { sweep } from './sweep.js';
import { FakeVercelApi } from '../vercel/fake-vercel-api.js';
import { ROOT } from '../harness/runner.js';

jest.setTimeout(180_000);

const S = {
  header: 'Bearer sweep-header-5a1f0c93',
  runtime: 'sweep-runtime-token-77e2b1',
  oidc: 'sweep-oidc-request-token-3c9d',
  fly: 'sweep-fly-token-FM2_c41e0b',
  github: 'ghs_sweepGitHubToken0a1b2c3d4e5f',
  badToken: 'ghs_sweepRejectedToken9f8e7d6c',
  railway: 'sweep-railway-project-token-b7c8',
  vercel: 'sweepVercelToken5e6f7a8b',
  release: 'ghs_sweepReleaseToken4d5e6f70',
  releaseKey: 'sweep-release-ssh-key-8e9f0a1b',
};

let server: TestServer;
let pg: Postgres;
let sshd: Sshd;
const dirs = () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'dk-sweep-tmp-'));
  const work = mkdtempSync(path.join(tmpdir(), 'dk-sweep-ws-'));
  return { temp, work };
};

beforeAll(async () => {
  server = await startHttpServer((req, res) =>
    req.url === '/fail' ? json(res, 500, { error: 'down' }) : json(res, 200, { status: 'ok', version: '1.0.0' }),
  );
  [pg, sshd] = await Promise.all([startPostgres({ major: 15 }), startSshd()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.close(), pg?.stop(), sshd?.stop()]);
});

describe('the sweep itself', () => {
  it('finds a secret in the log, in a file left behind and in a command line', async () => {
    const { temp, work } = dirs();
    const canary = 'sweep-canary-e5d4c3b2';
    const result = await sweep(
      'test-gate',
      {
        cwd: work,
        env: { TMPDIR: temp },
        // `; true` keeps bash (whose argv holds the canary) alive: bash execs a final simple
        // command in place, which would leave only `sleep 3` in /proc after a few milliseconds.
        inputs: { commands: `leak: echo ${canary} | tee left.txt; sleep 3; true`, cache: 'none' },
      },
      [canary],
      { dirs: [temp, work] },
    );
    const places = result.leaks.map((leak) => leak.split(':')[0]);
    expect(places).toEqual(
      expect.arrayContaining([
        'log',
        `file ${path.join(work, 'left.txt')}`,
        'never masked',
        expect.stringMatching(/^argv of "/),
      ]),
    );
  });
});

describe('secrets sweep: no known secret leaves the action', () => {
  it.each([
    ['passing', '/health'],
    ['failing', '/fail'],
  ])('smoke-test (%s): a secret header', async (_case, route) => {
    const { temp, work } = dirs();
    const result = await sweep(
      'smoke-test',
      {
        cwd: work,
        env: { TMPDIR: temp },
        inputs: {
          url: server.url,
          path: route,
          headers: `Authorization: ${S.header}`,
          timeout: '1s',
          interval: '200ms',
          requests: '2',
        },
      },
      [S.header],
      { dirs: [temp, work] },
    );
    expect(result.leaks).toEqual([]);
  });

  it('test-gate: the runner credentials never reach the commands, their output or argv', async () => {
    const { temp, work } = dirs();
    const result = await sweep(
      'test-gate',
      {
        cwd: work,
        env: { TMPDIR: temp, ACTIONS_RUNTIME_TOKEN: S.runtime, ACTIONS_ID_TOKEN_REQUEST_TOKEN: S.oidc },
        inputs: {
          commands: 'show: printenv ACTIONS_RUNTIME_TOKEN ACTIONS_ID_TOKEN_REQUEST_TOKEN || echo none > seen.txt',
          cache: 'none',
        },
      },
      [S.runtime, S.oidc],
      { dirs: [temp, work], notMasked: [S.runtime, S.oidc] }, // the runner masks its own
    );
    expect(result.leaks).toEqual([]);
  });

  it.each([
    ['accepted', S.fly],
    ['rejected', 'sweep-wrong-fly-token-0d9a'],
  ])('deploy-fly (token %s)', async (_case, token) => {
    const sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, { ...initialFlyState(), token: S.fly }, 'FAKE_FLY_STATE');
    const temp = mkdtempSync(path.join(tmpdir(), 'dk-sweep-tmp-'));
    const result = await sweep(
      'deploy-fly',
      { cwd: sandbox.workspace, env: { ...sandbox.env, TMPDIR: temp }, inputs: { token, app: 'shop-api' } },
      [token],
      { dirs: [temp, sandbox.dir], skip: [sandbox.statePath] }, // the fake platform's own record of its token
    );
    expect(result.run.exitCode).toBe(token === S.fly ? 0 : 1);
    expect(result.leaks).toEqual([]);
  });

  it.each([
    ['deploy', { provider: 'fly' }],
    ['rollback-on-failure', { provider: 'fly', mode: 'now', to: image('AAA') }],
  ])('%s with provider fly: the token', async (action, extra) => {
    const sandbox = makeSandbox({ flyctl: 'fly-cli.mjs' }, { ...initialFlyState(), token: S.fly }, 'FAKE_FLY_STATE');
    const temp = mkdtempSync(path.join(tmpdir(), 'dk-sweep-tmp-'));
    const result = await sweep(
      action,
      {
        cwd: sandbox.workspace,
        env: { ...sandbox.env, TMPDIR: temp },
        inputs: { token: S.fly, app: 'shop-api', ...extra },
      },
      [S.fly],
      { dirs: [temp, sandbox.dir], skip: [sandbox.statePath] },
    );
    expect(result.run.exitCode).toBe(0);
    expect(result.leaks).toEqual([]);
  });

  it.each([
    ['accepted', S.railway],
    ['rejected', 'sweep-wrong-railway-token-41aa'],
  ])('deploy-railway (token %s)', async (_case, token) => {
    const state = initialRailwayState({
      projectToken: S.railway,
      deployments: [existingDeployment('dep-0002-live', 'SUCCESS', '2026-11-02T10:00:00.000Z')],
    });
    const sandbox = makeSandbox({ railway: 'railway-cli.mjs' }, state, 'FAKE_RAILWAY_STATE');
    const api = new FakeRailwayApi(sandbox.statePath);
    await api.start();
    try {
      const temp = mkdtempSync(path.join(tmpdir(), 'dk-sweep-tmp-'));
      const result = await sweep(
        'deploy-railway',
        {
          cwd: sandbox.workspace,
          env: { ...sandbox.env, TMPDIR: temp },
          inputs: { token, service: 'api', 'api-url': api.url },
        },
        [token],
        { dirs: [temp, sandbox.dir], skip: [sandbox.statePath] },
      );
      expect(result.run.exitCode).toBe(token === S.railway ? 0 : 1);
      expect(result.leaks).toEqual([]);
    } finally {
      await api.stop();
    }
  });

  it.each([
    ['accepted', S.vercel],
    ['rejected', 'sweepWrongVercelToken0c1d'],
  ])('deploy-vercel with the real CLI (token %s)', async (_case, token) => {
    const api = new FakeVercelApi({ token: S.vercel });
    await api.start();
    try {
      const { temp, work } = dirs();
      writeFileSync(path.join(work, 'index.html'), '<h1>sweep</h1>\n');
      const home = mkdtempSync(path.join(tmpdir(), 'dk-sweep-home-'));
      const result = await sweep(
        'deploy-vercel',
        {
          cwd: work,
          env: {
            TMPDIR: temp,
            HOME: home,
            PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
          },
          inputs: { ...api.identity(token, work), production: 'true', timeout: '2m' },
          timeoutMs: 170_000,
        },
        [token],
        { dirs: [temp, work, home] }, // home: the CLI's own config and auth files
      );
      expect(result.run.exitCode).toBe(token === S.vercel ? 0 : 1);
      expect(result.leaks).toEqual([]);
    } finally {
      await api.stop();
    }
  });

  it('release of a vm service (host: local): the GitHub token and the provider secret', async () => {
    const gh = new FakeGitHub('acme', 'shop').addUser({ login: 'github-actions[bot]', type: 'Bot' }, S.release);
    const sha = gh.addCommit('release');
    await gh.start();
    const { temp, work } = dirs();
    const port = await freePort();
    const appDir = path.join(work, 'srv', 'api');
    try {
      cpSync(path.join(ROOT, 'examples/app'), path.join(work, 'api'), { recursive: true });
      writeFileSync(path.join(work, 'api', 'VERSION'), 'v1');
      writeFileSync(
        path.join(work, 'deploy-kit.yml'),
        [
          'services:',
          '  api:',
          '    provider: vm',
          '    host: local',
          `    app-dir: ${JSON.stringify(appDir)}`,
          '    source: api',
          `    start-command: APP_PORT=${port} NODE='${process.execPath}' sh deploy/start.sh`,
          `    health-url: http://127.0.0.1:${port}/health`,
          '    health-timeout: 5s',
          '    smoke: { path: /health, timeout: 3s, interval: 200ms, requests: 2 }',
          '',
        ].join('\n'),
      );
      const result = await sweep(
        'release',
        {
          cwd: work,
          env: {
            TMPDIR: temp,
            GITHUB_SHA: sha,
            GITHUB_REPOSITORY: 'acme/shop',
            GITHUB_API_URL: gh.url,
            SSH_KEY: S.releaseKey,
          },
          inputs: { environment: 'production', version: 'v1', timeout: '2m', 'github-token': S.release },
        },
        [S.release, S.releaseKey],
        { dirs: [temp, work] },
      );
      expect(result.run.exitCode).toBe(0);
      expect(result.leaks).toEqual([]);
    } finally {
      await gh.stop();
      const pidfile = path.join(appDir, 'app.pid');
      if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
    }
  });

  it.each([
    ['accepted', S.github],
    ['rejected', S.badToken],
  ])('release-approval open (token %s)', async (_case, token) => {
    const gh = new FakeGitHub('acme', 'shop');
    gh.addUser({ login: 'github-actions[bot]', type: 'Bot', role: 'write' }, S.github);
    const sha = gh.addCommit('feat');
    gh.tag('v1.0.0', sha);
    await gh.start();
    try {
      const { temp, work } = dirs();
      const result = await sweep(
        'release-approval',
        {
          cwd: work,
          env: {
            TMPDIR: temp,
            GITHUB_API_URL: gh.url,
            GITHUB_REPOSITORY: 'acme/shop',
            GITHUB_REF: 'refs/tags/v1.0.0',
            GITHUB_SHA: sha,
            GITHUB_RUN_ID: '77',
          },
          inputs: { mode: 'open', token, approvers: 'alice' },
        },
        [token],
        { dirs: [temp, work] },
      );
      expect(result.run.exitCode).toBe(token === S.github ? 0 : 1);
      expect(result.leaks).toEqual([]);
    } finally {
      await gh.stop();
    }
  });

  it('require-deployment (a rejected token)', async () => {
    const gh = new FakeGitHub('acme', 'shop');
    await gh.start();
    try {
      const { temp, work } = dirs();
      const result = await sweep(
        'require-deployment',
        {
          cwd: work,
          env: { TMPDIR: temp, GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: undefined },
          inputs: { token: S.badToken, 'api-url': gh.url },
        },
        [S.badToken],
        { dirs: [temp, work] },
      );
      expect(result.run.exitCode).toBe(1);
      expect(result.leaks).toEqual([]);
    } finally {
      await gh.stop();
    }
  });

  it.each(['right', 'wrong'])('backup-db and migrate with the %s database password', async (which) => {
    const url = new URL(await pg.createDatabase());
    if (which === 'wrong') url.password = 'sweep-wrong-db-password-61c0';
    const password = decodeURIComponent(url.password);
    const { temp, work } = dirs();
    mkdirSync(path.join(work, 'migrations'));
    writeFileSync(path.join(work, 'migrations', '001_init.sql'), 'CREATE TABLE sweep (id int);\n');
    const backup = await sweep(
      'backup-db',
      {
        cwd: work,
        env: { TMPDIR: temp },
        inputs: { 'database-url': url.toString(), path: path.join(work, 'backups'), upload: 'none' },
      },
      [password],
      { dirs: [temp, work] },
    );
    expect(backup.run.exitCode).toBe(which === 'right' ? 0 : 1);
    expect(backup.processesSeen).toBeGreaterThan(0);
    expect(backup.leaks).toEqual([]);
    const migrate = await sweep(
      'migrate',
      {
        cwd: work,
        env: { TMPDIR: temp },
        inputs: { tool: 'sql', 'database-url': url.toString(), directory: 'migrations' },
      },
      [password],
      { dirs: [temp, work] },
    );
    expect(migrate.run.exitCode).toBe(which === 'right' ? 0 : 1);
    expect(migrate.leaks).toEqual([]);
  });

  it('deploy-vm over SSH: the private key', async () => {
    const { temp, work } = dirs();
    mkdirSync(path.join(work, 'app'));
    writeFileSync(path.join(work, 'app', 'index.txt'), 'hello\n');
    // Every line of key material is a secret (the key is masked line by line).
    const keyLines = sshd.privateKey.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
    const result = await sweep(
      'deploy-vm',
      {
        cwd: work,
        env: { TMPDIR: temp },
        inputs: {
          host: sshd.host,
          port: String(sshd.port),
          user: sshd.user,
          'ssh-key': sshd.privateKey,
          'known-hosts': sshd.knownHosts,
          'app-dir': path.join(mkdtempSync(path.join(tmpdir(), 'dk-sweep-host-')), 'app'),
          source: 'app',
          'start-command': 'true',
        },
      },
      keyLines,
      { dirs: [temp, work], notMasked: keyLines },
    );
    expect(result.run.exitCode).toBe(0);
    expect(result.leaks).toEqual([]);
  });
});
