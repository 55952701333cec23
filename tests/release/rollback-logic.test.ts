/**
 * The rollback-to logic on its own: reading release records from the fake GitHub API (real
 * HTTP through the kit's client), pairing a record with the manifest's plan, and returning
 * services with in-memory providers (already live, smoke failing after the return, a failed
 * service holding back only what it needs).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { githubClient } from '../../src/github/rest.js';
import type { Deployment, Provider } from '../../src/providers/provider.js';
import { definitions } from '../../src/providers/registry.js';
import type { PlannedService, ReleasePlan } from '../../src/release/plan.js';
import { returnToRelease } from '../../src/release/rollback-run.js';
import { rollbackJson } from '../../src/release/rollback-record.js';
import { asReleaseRecord, findRelease, rollbackTargets, type ReleaseRecord } from '../../src/release/rollback-to.js';
import { FakeGitHub } from '../harness/fake-github.js';

const payload = (version: string, status: string, services: Record<string, string | null> = { api: 'dep-1' }) => ({
  version,
  environment: 'production',
  status,
  services: Object.fromEntries(
    Object.entries(services).map(([name, id]) => [name, { provider: 'vm', 'deployment-id': id, url: null }]),
  ),
});

const RELEASE = 'deploy:release';

describe('release records in the GitHub Deployments of an environment', () => {
  const github = new FakeGitHub().addUser({ login: 'bot', type: 'Bot' }, 'tok');
  let client: ReturnType<typeof githubClient>;
  beforeAll(async () => {
    const sha = github.addCommit('x');
    github.addDeployment({
      sha,
      environment: 'production',
      states: ['success'],
      payload: payload('v1', 'success', { api: 'api-v1-old' }),
      task: RELEASE,
    });
    github.addDeployment({
      sha,
      environment: 'production',
      states: ['success'],
      payload: payload('v1', 'success', { api: 'api-v1' }),
      task: RELEASE,
    });
    github.addDeployment({
      sha,
      environment: 'production',
      states: ['inactive'],
      payload: payload('v2', 'rolled-back'),
      task: RELEASE,
    });
    // A later rollback of one service to v1: the release's own record still counts first.
    github.addDeployment({
      sha,
      environment: 'production',
      states: ['success'],
      payload: {
        ...payload('v1', 'success', { web: 'web-v1' }),
        rollback: { to: 'v1', 'release-deployment': 1 },
      },
      task: RELEASE,
    });
    github.addDeployment({ sha, environment: 'production', states: ['success'], payload: {} }); // a plain environment job (task deploy)
    // A hand-made record under the plain task: GitHub's task filter leaves it out.
    github.addDeployment({
      sha,
      environment: 'production',
      states: ['success'],
      payload: payload('v9', 'success', { api: 'api-v9' }),
    });
    github.addDeployment({
      sha,
      environment: 'staging',
      states: ['success'],
      payload: payload('v3', 'success'),
      task: RELEASE,
    });
    await github.start();
    client = githubClient({ token: 'tok', apiUrl: github.url, attempts: 1 });
  });
  afterAll(() => github.stop());
  const find = (version: string) =>
    findRelease(client, { repository: 'acme/shop', environment: 'production', version });

  test('the newest record of the version that went live, the release’s own before a rollback’s', async () => {
    const record = await find('v1');
    expect(record.services.api).toEqual({ provider: 'vm', deploymentId: 'api-v1', url: undefined });
    expect(record.rollbackTo).toBeUndefined();
  });
  test('a version that never went live: nothing to return to, naming the record and what did go live', async () => {
    await expect(find('v2')).rejects.toThrow(
      /release v2 is recorded .* but never went live \(GitHub Deployment \d+: rolled-back\)/,
    );
    await expect(find('v2')).rejects.toThrow('Releases that went live, newest first: v1.');
  });
  test('asks GitHub for the environment’s release records only', () => {
    const listed = github.requests.find((r) => r.method === 'GET' && r.path.endsWith('/deployments'));
    expect(listed?.query).toMatchObject({ environment: 'production', task: 'deploy:release' });
  });
  test('another environment’s release is not this one’s', async () => {
    await expect(find('v3')).rejects.toThrow('no release v3 is recorded in environment production of acme/shop');
  });
  test('payloads: a JSON string is read, anything that is not a release JSON is skipped', () => {
    const base = { id: 1, sha: 'a', ref: 'a', environment: 'production', created_at: '' };
    expect(asReleaseRecord({ ...base, payload: JSON.stringify(payload('v1', 'success')) })?.version).toBe('v1');
    expect(asReleaseRecord({ ...base, payload: '{not json' })).toBeUndefined();
    expect(asReleaseRecord({ ...base, payload: { version: 'v1' } })).toBeUndefined();
    expect(asReleaseRecord({ ...base, payload: { version: 'v1', services: [] } })).toBeUndefined();
  });
});

const vm = definitions.find((d) => d.name === 'vm')!;
const railway = definitions.find((d) => d.name === 'railway')!;
const service = (name: string, needs: string[] = [], extra: Partial<PlannedService> = {}): PlannedService => ({
  name,
  definition: vm,
  inputs: { timeout: 10_000 },
  tokenEnv: 'SSH_KEY',
  needs,
  primary: false,
  ...extra,
});
const record = (services: Record<string, string | null>): ReleaseRecord =>
  asReleaseRecord({
    id: 7,
    sha: 'abc',
    ref: 'abc',
    environment: 'production',
    created_at: '',
    payload: payload('v1', 'success', services),
  })!;
const plan = (...services: PlannedService[]): ReleasePlan => ({
  environment: 'production',
  services,
  chosen: services.map((s) => s.name),
});

describe('pairing the record with the manifest', () => {
  test('every problem at once, naming the service: gone from the manifest, moved to another provider', () => {
    const run = () =>
      rollbackTargets(plan(service('api', [], { definition: railway })), record({ api: 'a', worker: 'w' }));
    expect(run).toThrow('service "worker" (vm) is part of release v1 but no longer in deploy-kit.yml');
    expect(run).toThrow('service "api", key "provider": release v1 deployed it to vm, deploy-kit.yml now says railway');
  });
  test('a manifest service the release did not have is left untouched; with services: it is an error', () => {
    const both = plan(service('api'), service('web', ['api']));
    expect(rollbackTargets(both, record({ api: 'a' }))).toMatchObject({
      targets: [{ deploymentId: 'a' }],
      untouched: ['web'],
    });
    expect(() => rollbackTargets(both, record({ api: 'a' }), { only: ['api', 'web'] })).toThrow(
      'input "services": "web" is not part of release v1',
    );
    expect(
      rollbackTargets(plan(service('web')), record({ api: 'a', web: 'w' }), { only: ['web'] }).targets,
    ).toHaveLength(1);
  });
});

/** A platform in memory: deployments by id, one live; `broken` ids cannot be made live. */
function platform(live: string, ids: string[], broken: string[] = []): Provider & { live: string } {
  const dep = (id: string): Deployment => ({ id, url: `http://${id}.test` });
  return {
    name: 'vm',
    live,
    current: async function () {
      return dep(this.live);
    },
    find: async (id) => (ids.includes(id) ? dep(id) : undefined),
    deploy: async () => ({ exitCode: 0, timedOut: false, durationMs: 0, output: '' }),
    previousSuccessful: async () => undefined,
    rollback: async function (target) {
      if (broken.includes(target.id)) throw new Error(`${target.id} did not start`);
      this.live = target.id;
      return dep(target.id);
    },
  };
}

describe('returning the services', () => {
  const run = (
    services: PlannedService[],
    providers: Record<string, Provider>,
    failures: Record<string, string[]> = {},
  ) => {
    const ids = Object.fromEntries(services.map((s) => [s.name, `${s.name}-v1`]));
    const rec = record(ids);
    const { targets } = rollbackTargets(plan(...services), rec);
    return returnToRelease(
      targets,
      rec,
      { timeoutMs: 10_000 },
      {
        provider: (s) => providers[s.name] as Provider,
        smoke: async (_settings, s) => ({ failures: failures[s.name] ?? [] }),
        group: (_title, fn) => fn(),
        log: () => undefined,
        sleep: async () => undefined,
      },
    );
  };

  test('already live is fine; a smoke test failing after the return is said, the service named', async () => {
    const smoke = { path: '/health', 'expect-version': true };
    const progress = await run(
      [service('api', [], { smoke }), service('web', ['api'], { smoke })],
      { api: platform('api-v1', ['api-v1']), web: platform('web-v2', ['web-v1', 'web-v2']) },
      { web: ['expected version v1, got v2'] },
    );
    expect(progress.status).toBe('failed');
    expect(progress.services.map((s) => [s.name, s.outcome, s.smoke])).toEqual([
      ['web', 'returned', 'failed'],
      ['api', 'already-live', 'passed'],
    ]);
    expect(progress.problems).toEqual([
      'web is back on web-v1 at http://web-v1.test (release v1), but its smoke test failed: expected version v1, got v2',
    ]);
    expect(rollbackJson(progress)).toMatchObject({ status: 'failed', services: { api: { status: 'success' } } });
  });

  test('a service that cannot be returned holds back what it needs, not the services beside it', async () => {
    const providers = {
      db: platform('db-v2', ['db-v1', 'db-v2']),
      api: platform('api-v2', ['api-v1', 'api-v2']),
      web: platform('web-v2', ['web-v1', 'web-v2'], ['web-v1']),
      docs: platform('docs-v2', ['docs-v1', 'docs-v2']),
    };
    const progress = await run(
      [service('db'), service('api', ['db']), service('docs'), service('web', ['api'])],
      providers,
    );
    expect(progress.services.map((s) => [s.name, s.outcome])).toEqual([
      ['web', 'failed'],
      ['docs', 'returned'],
      ['api', 'held'],
      ['db', 'held'],
    ]);
    expect(progress.problems[0]).toMatch(
      /^web \(the VM\) could NOT be returned to web-v1 \(release v1\): web-v1 did not start/,
    );
    expect(progress.problems[0]).toContain('It serves web-v2 at http://web-v2.test now.');
    expect(progress.problems[2]).toContain('db was NOT returned to release v1: web, api, which need it');
    expect([providers.db.live, providers.api.live, providers.docs.live]).toEqual(['db-v2', 'api-v2', 'docs-v1']);
  });
});
