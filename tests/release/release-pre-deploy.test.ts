/**
 * A release whose platform migrates (`migration-tool: platform`): `api` on Railway (fake
 * GraphQL API + fake `railway`), then `worker` on Fly (fake `flyctl`), whose fly.toml
 * release_command fails. Through the release action's bundle (dist/release): the release
 * stops at worker, rolls back api (which it had deployed), and leaves worker alone: its
 * previous release never stopped serving (docs/platforms.md §9.3).
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { readFly, writeFly } from '../fakes/fly-state.js';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';

jest.setTimeout(120_000);

const RAILWAY_TOKEN = initialRailwayState().projectToken;
const FLY_TOKEN = 'fly-worker-token-FM2_predeploy01';
const LIVE_RAILWAY = 'dep-0001-live';
const flyImage = (tag: string) => `registry.fly.io/shop-worker:deployment-${tag}`;

let dir: string;
let railway: FakeRailwayApi;
const flyState = () => path.join(dir, 'fly.json');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dk-release-predeploy-'));
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'workspace'));
  symlinkSync(path.join(ROOT, 'tests/fakes/railway-cli.mjs'), path.join(dir, 'bin/railway'));
  symlinkSync(path.join(ROOT, 'tests/fakes/fly-cli.mjs'), path.join(dir, 'bin/flyctl'));
  railway = new FakeRailwayApi(path.join(dir, 'railway.json'));
  railway.save(
    initialRailwayState({ deployments: [existingDeployment(LIVE_RAILWAY, 'SUCCESS', '2026-11-01T10:00:00.000Z')] }),
  );
  await railway.start();
  const release = (version: number, tag: string) => ({
    ID: `rel_${version}`,
    Version: version,
    Status: 'complete',
    Description: 'Release',
    ImageRef: flyImage(tag),
    CreatedAt: `2026-11-0${version}T10:00:00Z`,
  });
  writeFly(flyState(), {
    token: FLY_TOKEN,
    apps: { 'shop-worker': { releases: [release(1, 'AAA'), release(2, 'BBB')], logs: [] } },
    scenario: { deploy: 'release-command-fail' },
    calls: [],
  });
  writeFileSync(
    path.join(dir, 'workspace/deploy-kit.yml'),
    [
      'services:',
      '  worker:',
      '    provider: fly',
      '    needs: [api]',
      '    app: shop-worker',
      '    timeout: 1m',
      '  api:',
      '    provider: railway',
      '    service: api',
      `    api-url: ${railway.url}`,
      '    timeout: 1m',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await railway.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a release whose platform migrates', () => {
  test("worker's release_command fails: api is rolled back, worker needs none, the log is shown", async () => {
    const run = await runAction('release', {
      timeoutMs: 110_000,
      cwd: path.join(dir, 'workspace'),
      inputs: { environment: 'production', version: 'v2', timeout: '2m' },
      env: {
        PATH: `${path.join(dir, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
        FAKE_RAILWAY_STATE: railway.statePath,
        FAKE_FLY_STATE: flyState(),
        RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        RAILWAY_TOKEN,
        FLY_API_TOKEN: FLY_TOKEN,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api']);
    const { services } = JSON.parse(run.outputs.release as string) as {
      services: Record<string, Record<string, string | null>>;
    };
    expect(services.worker).toMatchObject({ status: 'failed', 'rolled-back-to': null });
    expect(services.api?.['rolled-back-to']).toBe(LIVE_RAILWAY);
    // api went back; worker's failed release never replaced BBB, so Fly saw one deploy only
    expect(railway.load().calls.filter((c) => /deploymentRollback/.test(String(c.query)))).toHaveLength(1);
    const fly = readFly(flyState());
    expect(fly.calls.filter((c) => c.argv[0] === 'deploy')).toHaveLength(1);
    const live = fly.apps['shop-worker']!.releases.filter((r) => r.Status === 'complete').at(-1);
    expect(live?.ImageRef).toBe(flyImage('BBB'));
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    const logLine = 'error: column "total" of relation "orders" already exists';
    // its own annotation: what failed, that traffic never moved, the log's last lines
    expect(errors[0]).toContain("worker: The platform's migration failed on Fly.io: Fly.io's release_command failed");
    expect(errors[0]).toContain('is still live, so this service needs no rollback');
    expect(errors[0]).toContain(logLine);
    expect(errors.at(-1)).toContain("Release v2 failed (worker (Fly.io): the platform's migration failed");
    expect(run.summary).toContain('worker: the log of its pre-deploy step');
    expect(run.summary).toContain(logLine.replace(/"/g, '&quot;'));
    expect(run.log).toContain(logLine);
    expectSecretKept(run, RAILWAY_TOKEN);
    expectSecretKept(run, FLY_TOKEN);
  });
});
