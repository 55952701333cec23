/**
 * The release action (dist/release) through the runner contract with three platforms in one
 * manifest: `api` on Railway (fake GraphQL API + fake `railway`), `worker` on Fly (fake
 * `flyctl` keeping release state) and `web` on Vercel (the REAL vercel CLI against the fake
 * Vercel API, through its hidden --api flag). The manifest lists them web, worker, api; the
 * `needs` put them in the order api → worker → web. Each service's smoke test hits a small
 * server on 127.0.0.1 (the platforms' urls are not reachable from here), which the test can
 * break per service. Each token comes from its own `token-env` and stays secret.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { type FlyState, readFly, writeFly } from '../fakes/fly-state.js';
import { FakeGitHub } from '../harness/fake-github.js';
import { type ActionRun, ROOT, expectSecretKept, runAction } from '../harness/runner.js';
import { FakeVercelApi, TEAM } from '../vercel/fake-vercel-api.js';

// The real vercel CLI starts three times per deploy; on a loaded 2-core machine that is slow.
jest.setTimeout(240_000);

const RAILWAY_TOKEN = initialRailwayState().projectToken;
const FLY_TOKEN = 'fly-worker-token-FM2_abcdef0123';
const VERCEL_TOKEN = 'vercelWebToken0123456789';
const TOKENS = [RAILWAY_TOKEN, FLY_TOKEN, VERCEL_TOKEN];
const LIVE_RAILWAY = 'dep-0001-live';
const flyImage = (tag: string) => `registry.fly.io/shop-worker:deployment-${tag}`;

let dir: string;
let railway: FakeRailwayApi;
let vercel: FakeVercelApi;
let github: FakeGitHub;
let sha: string;
let smoke: Server;
let smokeUrl = '';
/** Services whose smoke endpoint answers 500. */
const broken = new Set<string>();
const workspace = () => path.join(dir, 'workspace');
const flyState = () => path.join(dir, 'fly.json');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dk-release-mixed-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(ROOT, 'tests/fakes/railway-cli.mjs'), path.join(bin, 'railway'));
  symlinkSync(path.join(ROOT, 'tests/fakes/fly-cli.mjs'), path.join(bin, 'flyctl'));
  mkdirSync(path.join(workspace(), 'web'), { recursive: true });
  writeFileSync(path.join(workspace(), 'server.js'), 'console.log("api")\n');
  writeFileSync(path.join(workspace(), 'web/index.html'), '<!doctype html><h1>shop</h1>\n');
  railway = new FakeRailwayApi(path.join(dir, 'railway.json'));
  railway.save(initialRailwayState());
  await railway.start();
  github = new FakeGitHub().addUser({ login: 'github-actions[bot]', type: 'Bot' }, 'ghs_mixed_token');
  sha = github.addCommit('release');
  await github.start();
  smoke = createServer((req, res) => {
    const service = (req.url ?? '').split('/')[1] ?? '';
    res.writeHead(broken.has(service) ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service, status: broken.has(service) ? 'broken' : 'ok' }));
  });
  await new Promise<void>((resolve) => smoke.listen(0, '127.0.0.1', resolve));
  smokeUrl = `http://127.0.0.1:${(smoke.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await railway.stop();
  await github.stop();
  await new Promise<void>((resolve) => smoke.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Every platform as it was before the release: one live deployment each, an older one on Fly. */
beforeEach(async () => {
  broken.clear();
  railway.save(
    initialRailwayState({ deployments: [existingDeployment(LIVE_RAILWAY, 'SUCCESS', '2026-11-01T10:00:00.000Z')] }),
  );
  const fly: FlyState = {
    token: FLY_TOKEN,
    apps: {
      'shop-worker': {
        releases: [
          {
            ID: 'rel_1',
            Version: 1,
            Status: 'complete',
            Description: 'Release',
            ImageRef: flyImage('AAA'),
            CreatedAt: '2026-11-01T10:00:00Z',
          },
          {
            ID: 'rel_2',
            Version: 2,
            Status: 'complete',
            Description: 'Release',
            ImageRef: flyImage('BBB'),
            CreatedAt: '2026-11-02T10:00:00Z',
          },
        ],
        logs: ['worker polling the queue'],
      },
    },
    scenario: {},
    calls: [],
  };
  writeFly(flyState(), fly);
  vercel = new FakeVercelApi({ token: VERCEL_TOKEN });
  await vercel.start();
  rmSync(path.join(workspace(), 'web/.vercel'), { recursive: true, force: true });
});
afterEach(() => vercel.stop());

function writeManifest(): void {
  const smokeOf = (name: string) =>
    `    smoke: { url: ${smokeUrl}/${name}, path: /health, timeout: 2s, interval: 200ms, requests: 2 }`;
  writeFileSync(
    path.join(workspace(), 'deploy-kit.yml'),
    [
      'services:',
      '  web:',
      '    provider: vercel',
      '    needs: [api, worker]',
      '    primary: true',
      '    token-env: SHOP_VERCEL_TOKEN',
      `    org-id: ${TEAM.id}`,
      `    project-id: ${vercel.project.id}`,
      '    production: true',
      '    working-directory: web',
      `    api-url: ${vercel.url}`,
      '    timeout: 2m',
      smokeOf('web'),
      '  worker:',
      '    provider: fly',
      '    needs: [api]',
      '    app: shop-worker',
      '    timeout: 1m',
      smokeOf('worker'),
      '  api:',
      '    provider: railway',
      '    service: api',
      '    token-env: SHOP_RAILWAY_TOKEN',
      `    api-url: ${railway.url}`,
      '    timeout: 1m',
      smokeOf('api'),
      '',
    ].join('\n'),
  );
}

const env = () => ({
  PATH: `${path.join(dir, 'bin')}:${path.join(ROOT, 'node_modules/.bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
  FAKE_RAILWAY_STATE: railway.statePath,
  FAKE_FLY_STATE: flyState(),
  RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
  GITHUB_SHA: sha,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_API_URL: github.url,
  SHOP_RAILWAY_TOKEN: RAILWAY_TOKEN,
  FLY_API_TOKEN: FLY_TOKEN,
  SHOP_VERCEL_TOKEN: VERCEL_TOKEN,
  // Decoys under the platforms' usual names: no CLI may pick these up instead of its service's own.
  RAILWAY_TOKEN: 'decoy-railway-token',
  VERCEL_TOKEN: 'decoyVercelToken',
  // As an AI agent would have it set: the kit scrubs it from the vercel CLI's environment.
  CLAUDECODE: '1',
});

function release(version: string, extra: Parameters<typeof runAction>[1] = {}): Promise<ActionRun> {
  writeManifest();
  return runAction('release', {
    timeoutMs: 230_000,
    ...extra,
    cwd: workspace(),
    inputs: { environment: 'production', version, timeout: '3m', ...extra.inputs },
    env: env(),
  });
}

/** migrate's applied-verdicts, as the production workflow passes it. */
const MIGRATIONS = JSON.stringify([
  { version: '001_add', verdict: 'additive', rules: [] },
  { version: '002_drop', verdict: 'destructive', rules: ['ban-drop-column'] },
]);

const record = (run: ActionRun) =>
  JSON.parse(run.outputs.release as string) as {
    status: string;
    services: Record<string, Record<string, string | null>>;
  };
const railwayLive = () => railway.load().deployments.find((d) => d.status === 'SUCCESS');
const railwayRollbacks = () => railway.load().calls.filter((c) => /deploymentRollback/.test(String(c.query)));
const flyDeploys = () => readFly(flyState()).calls.filter((c) => c.argv[0] === 'deploy');
const flyLive = () =>
  [...(readFly(flyState()).apps['shop-worker']?.releases ?? [])]
    .filter((r) => r.Status === 'complete')
    .sort((a, b) => b.Version - a.Version)[0];
const vercelCreated = () => vercel.calls().filter((c) => c === 'POST /v13/deployments').length;
const groups = (run: ActionRun, verb: 'deploy' | 'roll back') =>
  [...run.log.matchAll(new RegExp(`^::group::(\\w+): ${verb}`, 'gm'))].map((m) => m[1]);

/** The tokens: masked, never in the log, summary, outputs, state or the release record; each CLI only its own. */
function expectTokensKept(run: ActionRun): void {
  for (const token of TOKENS) {
    expectSecretKept(run, token);
    expect(run.outputs.release ?? '').not.toContain(token);
  }
  expect(
    railway
      .load()
      .calls.filter((c) => c.tool === 'cli')
      .every((c) => c.token === 'project'),
  ).toBe(true);
  expect(vercel.requests.every((r) => r.authorization === `Bearer ${VERCEL_TOKEN}`)).toBe(true);
}

describe('release of Railway + Fly + Vercel services in one manifest', () => {
  test('all green: deployed in needs order (api → worker → web), each smoke-tested, recorded once', async () => {
    const liveVercel = vercel.seedProduction();
    const run = await release('v1', {
      inputs: { 'github-token': 'ghs_mixed_token', 'migrations-applied': MIGRATIONS },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    expect(groups(run, 'deploy')).toEqual(['api', 'worker', 'web']);
    expect(JSON.parse(run.outputs.deployed as string)).toEqual(['api', 'worker', 'web']);
    const { services } = record(run);
    expect(services.api).toMatchObject({
      provider: 'railway',
      'previous-deployment-id': LIVE_RAILWAY,
      smoke: 'passed',
    });
    expect(services.worker).toMatchObject({
      provider: 'fly',
      'previous-deployment-id': flyImage('BBB'),
      status: 'success',
    });
    expect(services.web).toMatchObject({
      provider: 'vercel',
      'previous-deployment-id': liveVercel.id,
      'deployment-id': vercel.production()?.id,
      url: 'https://fake-app.vercel.app',
    });
    expect(run.outputs.url).toBe('https://fake-app.vercel.app');
    expect(railwayLive()?.id).toBe(services.api?.['deployment-id']);
    expect(flyLive()?.ImageRef).toBe(services.worker?.['deployment-id']);
    expect(run.summary).toContain('<td>worker</td><td>fly</td>');
    expect(run.summary).not.toContain('Migrations the release rolled back to has not seen');
    const recorded = github.deployments.at(-1);
    expect(recorded?.payload).toMatchObject({ version: 'v1', status: 'success' });
    expect(recorded?.statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    for (const token of TOKENS) expect(JSON.stringify(recorded?.payload)).not.toContain(token);
    expectTokensKept(run);
    expectSecretKept(run, 'ghs_mixed_token');
  });

  test('the first (api, Railway) fails: nothing after it deploys and nothing is rolled back', async () => {
    const liveVercel = vercel.seedProduction();
    railway.save({ ...railway.load(), scenario: { up: 'fail' } });
    const run = await release('v2');
    expect(run.exitCode).toBe(1);
    expect(groups(run, 'deploy')).toEqual(['api']);
    const { services } = record(run);
    expect(services.api).toMatchObject({ status: 'failed', 'rolled-back-to': null });
    expect(services.worker?.status).toBe('not-deployed');
    expect(services.web?.status).toBe('not-deployed');
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual([]);
    expect(railwayRollbacks()).toHaveLength(0);
    expect(railwayLive()?.id).toBe(LIVE_RAILWAY);
    expect(flyDeploys()).toHaveLength(0);
    expect(vercelCreated()).toBe(0);
    expect(vercel.production()?.id).toBe(liveVercel.id);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(
      'Release v2 failed (api (Railway) failed',
    );
    expectTokensKept(run);
  });

  test('the middle (worker, Fly) fails: api is rolled back and confirmed, web never deployed', async () => {
    const liveVercel = vercel.seedProduction();
    writeFly(flyState(), { ...readFly(flyState()), scenario: { deploy: 'fail' } });
    const run = await release('v3', { inputs: { 'migrations-applied': MIGRATIONS } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(groups(run, 'deploy')).toEqual(['api', 'worker']);
    // Reverse order: worker is checked first and found still on what it served before.
    expect(groups(run, 'roll back')).toEqual(['worker', 'api']);
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api']);
    const { services } = record(run);
    expect(services.worker?.status).toBe('failed');
    expect(services.web?.status).toBe('not-deployed');
    expect(services.api?.['rolled-back-to']).toBe(LIVE_RAILWAY);
    expect(railwayRollbacks().map((c) => c.variables)).toEqual([{ id: LIVE_RAILWAY }]);
    expect(railwayLive()?.meta.reason).toBe('rollback');
    // Fly's failed release never replaced BBB: still live, so no redeploy.
    expect(flyDeploys()).toHaveLength(1);
    expect(flyLive()?.ImageRef).toBe(flyImage('BBB'));
    expect(vercelCreated()).toBe(0);
    expect(vercel.production()?.id).toBe(liveVercel.id);
    // The migrations applied before the release stay: the summary lists them with squawk's verdict.
    expect(run.summary).toContain('Migrations the release rolled back to has not seen');
    expect(run.summary).toMatch(/002_drop<\/td>\s*<td>destructive ⚠️<\/td>\s*<td>ban-drop-column/);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('002_drop (ban-drop-column) is destructive'),
      }),
    );
    expectTokensKept(run);
  });

  test('the last (web, Vercel) fails its smoke test: web, worker, api rolled back in that order, all confirmed', async () => {
    const liveVercel = vercel.seedProduction();
    broken.add('web');
    const run = await release('v4');
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(groups(run, 'deploy')).toEqual(['api', 'worker', 'web']);
    expect(groups(run, 'roll back')).toEqual(['web', 'worker', 'api']);
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api', 'worker', 'web']);
    const { services } = record(run);
    expect(services.web).toMatchObject({ smoke: 'failed', 'rolled-back-to': liveVercel.id });
    expect(services.worker?.['rolled-back-to']).toBe(flyImage('BBB'));
    expect(services.api?.['rolled-back-to']).toBe(LIVE_RAILWAY);
    // Each platform's own state says it serves what it did before the release.
    expect(vercel.production()?.id).toBe(liveVercel.id);
    expect(vercel.calls()).toContain(`POST /v9/projects/${vercel.project.id}/rollback/${liveVercel.id}`);
    expect(flyLive()?.ImageRef).toBe(flyImage('BBB'));
    expect(flyDeploys().at(-1)?.argv).toEqual(expect.arrayContaining(['--image', flyImage('BBB')]));
    expect(railwayLive()?.meta.reason).toBe('rollback');
    expect(run.summary.match(/rolled back ↩️/g)?.length).toBeGreaterThanOrEqual(3);
    expectTokensKept(run);
  });

  test('a rollback the platform does not confirm: said loudly, naming what is live; the others still go back', async () => {
    const liveVercel = vercel.seedProduction();
    broken.add('web');
    railway.save({ ...railway.load(), scenario: { rollback: 'fail' } });
    const run = await release('v5');
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    const { services } = record(run);
    const stuck = services.api?.['deployment-id'] as string;
    expect(railwayLive()?.id).toBe(stuck);
    const loud = run.annotations.find((a) => a.level === 'error' && a.properties.title === 'Rollback not confirmed');
    expect(loud?.message).toContain(`api (Railway) could not be confirmed back on ${LIVE_RAILWAY}`);
    expect(loud?.message).toMatch(/ended CRASHED/);
    expect(loud?.message).toContain(`It serves ${stuck}`);
    const failure = run.annotations.find(
      (a) => a.level === 'error' && /could NOT be fully rolled back/.test(a.message),
    );
    expect(failure?.message).toContain(stuck);
    expect(run.summary).toContain(`NOT rolled back ❌ ${stuck}`);
    // web and worker were returned all the same, before api was tried.
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['worker', 'web']);
    expect(vercel.production()?.id).toBe(liveVercel.id);
    expect(flyLive()?.ImageRef).toBe(flyImage('BBB'));
    expectTokensKept(run);
  });

  test('Vercel fails to remap its aliases back: web named with what it serves, worker and api still go back', async () => {
    const liveVercel = vercel.seedProduction();
    broken.add('web');
    vercel.scenario.aliasJob = 'failed';
    const run = await release('v5b');
    expect(run.outputs.status).toBe('failed');
    expect(groups(run, 'roll back')).toEqual(['web', 'worker', 'api']);
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api', 'worker']);
    const released = record(run).services.web?.['deployment-id'] as string;
    expect(vercel.production()?.id).toBe(released);
    const loud = run.annotations.find((a) => a.properties.title === 'Rollback not confirmed');
    expect(loud?.message).toContain(`web (Vercel) could not be confirmed back on ${liveVercel.id}`);
    expect(loud?.message).toContain(`It serves ${released}`);
    expect(railwayLive()?.meta.reason).toBe('rollback');
    expect(flyLive()?.ImageRef).toBe(flyImage('BBB'));
    expectTokensKept(run);
  });

  test('cancelled between services: the post step rolls back what the release changed', async () => {
    const liveVercel = vercel.seedProduction();
    let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
    let killed = false;
    let seen = '';
    const run = await release('v6', {
      onSpawn: (c) => (child = c),
      onOutput: (chunk) => {
        seen += chunk; // a line may arrive in two chunks
        if (!killed && seen.includes('::group::web: deploy')) {
          killed = true;
          child?.kill('SIGTERM');
        }
      },
    });
    expect(run.signal).toBe('SIGTERM');
    expect(railwayLive()?.id).not.toBe(LIVE_RAILWAY);
    expect(flyLive()?.ImageRef).not.toBe(flyImage('BBB'));
    for (const token of TOKENS) expect(JSON.stringify(run.state)).not.toContain(token);

    const post = await release('v6', { postOf: run });
    expect(post.exitCode).toBe(1);
    expect(post.outputs.status).toBe('rolled-back');
    expect(groups(post, 'roll back')).toEqual(expect.arrayContaining(['worker', 'api']));
    expect(groups(post, 'roll back').slice(-2)).toEqual(['worker', 'api']);
    expect(post.annotations.some((a) => a.level === 'warning' && /did not finish/.test(a.message))).toBe(true);
    expect(railwayLive()?.meta.reason).toBe('rollback');
    expect(flyLive()?.ImageRef).toBe(flyImage('BBB'));
    // web: never deployed (or its deploy never got further than recording what was live).
    expect(vercelCreated()).toBe(0);
    expect(vercel.production()?.id).toBe(liveVercel.id);
    expectTokensKept(post);
  });
});
