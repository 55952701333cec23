/**
 * deploy-vercel through the runner contract (dist/deploy-vercel/index.js run like the
 * GitHub runner does), driving the REAL vercel CLI (devDependency) against a fake Vercel
 * API on 127.0.0.1 (./fake-vercel-api.ts).
 */
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';
import { FakeVercelApi } from './fake-vercel-api.js';

// Each case starts the real CLI one to four times; on a loaded 2-core machine that is slow.
jest.setTimeout(180_000);
const TOKEN = 'vercelTestToken123';
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** A static site, as a user's repository would hold it. */
function site(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-vercel-site-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><h1>deploy-kit</h1>\n');
  return dir;
}

let api: FakeVercelApi;
afterEach(async () => {
  await api?.stop();
});
afterAll(async () => {
  await api?.stop();
});

async function startApi(): Promise<FakeVercelApi> {
  api = new FakeVercelApi({ token: TOKEN });
  await api.start();
  return api;
}

function deploy(inputs: Record<string, string> = {}, timeoutMs = 170_000, vercelJson?: unknown) {
  const dir = site();
  if (vercelJson !== undefined) writeFileSync(path.join(dir, 'vercel.json'), JSON.stringify(vercelJson));
  return {
    dir,
    run: runAction('deploy-vercel', {
      inputs: {
        ...api.identity(TOKEN, dir),
        production: 'true',
        timeout: '2m',
        ...inputs,
      },
      env: {
        PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
        // Set as an AI agent would have them: the kit must scrub them from the CLI's
        // environment, or the CLI switches to its JSON agent output (docs/platforms.md §1.1).
        CLAUDECODE: '1',
        AI_AGENT: 'some-agent',
      },
      timeoutMs,
    }),
  };
}

describe('deploy-vercel (real vercel CLI, fake Vercel API)', () => {
  it('deploys to production: previous deployment recorded, production alias as url, token kept secret', async () => {
    await startApi();
    const before = api.seedProduction();
    const { dir, run: pending } = deploy();
    const run = await pending;
    expect(run.log).not.toContain('unexpected error');
    expect(run.exitCode).toBe(0);

    const created = api.deployments.at(-1)!;
    expect(created.id).not.toBe(before.id);
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': before.id,
      'deployment-id': created.id,
      url: 'https://fake-app.vercel.app',
      status: 'success',
    });
    expect(api.production()?.id).toBe(created.id);
    expect(created.target).toBe('production');

    // The documented CI recipe ran: pull wrote the project link, build the prebuilt
    // output, deploy uploaded the files it was missing and created the deployment.
    const calls = api.calls();
    expect(calls).toContain('GET /v3/env/pull/prj_fake/production');
    expect(calls).toContain('POST /v2/files');
    expect(calls.filter((c) => c === 'POST /v13/deployments')).toHaveLength(2);
    const create = api.requests.filter((r) => r.path === '/v13/deployments').at(-1)!;
    expect(create.query).toMatchObject({ teamId: 'team_fake', prebuilt: '1' });
    // Agent detection scrubbed: the CLI printed the bare URL on stdout (an agent gets a
    // JSON envelope instead) and no agent hint (vercel 58.10.0 dist/index.js, CLAUDECODE).
    expect(run.log.split('\n')).toContain(`https://${created.url}`);
    expect(run.log).not.toContain('claude-code-hint');
    expect(JSON.parse(readFileSync(path.join(dir, '.vercel/project.json'), 'utf8'))).toMatchObject({
      projectId: 'prj_fake',
      orgId: 'team_fake',
    });

    // The token reached Vercel only as the bearer header, never an argv the CLI records.
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(readFileSync(path.join(dir, '.vercel/output/builds.json'), 'utf8')).not.toContain(TOKEN);
    expect(run.log).toMatch(/\$ vercel deploy --prebuilt --prod --yes/);
    expectSecretKept(run, TOKEN);
    expect(run.summary).toContain('Deploy to Vercel: success');
    expect(run.summary).toContain(before.id);
  });

  it("the README's branch-scoped vercel.json (Git deploys off for main and staging only) leaves the kit's deploys as they are", async () => {
    // README "Deploying to Vercel": {"git": {"deploymentEnabled": {"main": false, "staging": false}}}
    // keeps Vercel's own per-PR previews and stops its Git deploys of the two branches the kit deploys.
    const branchScoped = { git: { deploymentEnabled: { main: false, staging: false } } };
    await startApi();
    const before = api.seedProduction();
    const production = await deploy({}, 170_000, branchScoped).run;
    expect(production.exitCode).toBe(0);
    expect(production.outputs).toMatchObject({ 'previous-deployment-id': before.id, status: 'success' });
    expect(api.production()?.id).toBe(production.outputs['deployment-id']);
    const preview = await deploy({ production: 'false', prebuilt: 'false' }, 170_000, branchScoped).run;
    expect(preview.exitCode).toBe(0);
    expect(preview.outputs.status).toBe('success');
    expect(api.production()?.id).toBe(production.outputs['deployment-id']);
  });

  it('after an instant rollback pinned production, a production deploy promotes itself', async () => {
    await startApi();
    const older = api.seedProduction(Date.now() - 7_200_000);
    api.seedProduction(Date.now() - 3_600_000);
    api.rolledBackTo(older);
    const run = await deploy({ prebuilt: 'false' }).run;
    expect(run.exitCode).toBe(0);
    const created = api.deployments.at(-1)!;
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': older.id,
      'deployment-id': created.id,
      url: 'https://fake-app.vercel.app',
      status: 'success',
    });
    expect(api.calls()).toContain(`POST /v10/projects/prj_fake/promote/${created.id}`);
    expect(api.production()?.id).toBe(created.id);
    expect(run.summary).toContain('promoted: production was pinned by an earlier rollback');
  });

  it('a build that fails after upload: status failed, production untouched, previous id and log tail kept', async () => {
    await startApi();
    const before = api.seedProduction();
    api.scenario.build = 'error';
    const run = await deploy().run;
    expect(run.exitCode).toBe(1);
    const created = api.deployments.at(-1)!;
    expect(created.readyState).toBe('ERROR');
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': before.id,
      'deployment-id': created.id,
      status: 'failed',
    });
    expect(api.production()?.id).toBe(before.id);
    expect(api.calls()).toContain('POST /v2/files');
    const error = run.annotations.find((a) => a.level === 'error');
    expect(error?.message).toContain(`deployment ${created.id} is ERROR (BUILD_FAILED)`);
    expect(run.summary).toContain('Log tail');
    expectSecretKept(run, TOKEN);
  });

  it('a CLI that hangs is killed at `timeout`, and Vercel is asked what became of the deployment', async () => {
    await startApi();
    const before = api.seedProduction();
    api.scenario.build = 'hang';
    // Without prebuilt only `vercel deploy` runs, so the deadline falls while it polls.
    const started = Date.now();
    const run = await deploy({ prebuilt: 'false', timeout: '35s' }).run;
    const took = Date.now() - started;
    expect(run.exitCode).toBe(1);
    const created = api.deployments.at(-1)!;
    expect(created.id).not.toBe(before.id);
    expect(created.readyState).toBe('BUILDING');
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': before.id,
      'deployment-id': created.id,
      status: 'unknown',
    });
    expect(run.log).toContain('after the 35 s timeout');
    // Killed at the deadline, not left to poll: 35 s plus the kit's own start and checks.
    expect(took).toBeLessThan(75_000);
    expect(api.production()?.id).toBe(before.id);
  });

  it('a first deployment records that nothing was live before', async () => {
    await startApi();
    const run = await deploy({ prebuilt: 'false' }).run;
    expect(run.exitCode).toBe(0);
    expect(run.outputs['previous-deployment-id']).toBe('');
    expect(run.outputs.status).toBe('success');
    expect(run.log).toContain('Nothing is live yet: this is the first deployment');
  });

  it('a token Vercel rejects fails with a message naming the secret, before anything is deployed', async () => {
    await startApi();
    api.seedProduction();
    const wrong = 'wrongTokenABC123';
    const run = await deploy({ token: wrong }).run;
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Vercel rejected the token');
    expect(run.log).toContain('Check the secret passed as the `token` input');
    expect(api.deployments).toHaveLength(1);
    expectSecretKept(run, wrong);
  });

  it('a preview deploy: url is the deployment URL, production untouched, previous is what production serves', async () => {
    await startApi();
    const live = api.seedProduction();
    const run = await deploy({ production: 'false', prebuilt: 'false' }).run;
    expect(run.exitCode).toBe(0);
    const created = api.deployments.at(-1)!;
    expect(created.target).toBeNull();
    expect(run.outputs).toMatchObject({
      'previous-deployment-id': live.id,
      'deployment-id': created.id,
      url: `https://${created.url}`,
      status: 'success',
    });
    expect(api.production()?.id).toBe(live.id);
  });

  it('an unknown project is named, before anything is deployed', async () => {
    await startApi();
    const run = await deploy({ 'project-id': 'prj_nope' }).run;
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Vercel has no project "prj_nope" under "team_fake"');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('bad input fails before any side effect, naming the input', async () => {
    await startApi();
    const run = await deploy({ token: 'has-dashes' }).run;
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Input "token" is invalid: a Vercel token is letters, digits and _ only');
    expectSecretKept(run, 'has-dashes');
    const project = await deploy({ 'project-id': 'fake-app' }).run;
    expect(project.exitCode).toBe(1);
    expect(project.log).toContain('Input "project-id" is invalid: "fake-app" is not a Vercel project id');
    expect(api.requests).toHaveLength(0);
    const mismatch = await deploy({ environment: 'preview', production: 'true' }).run;
    expect(mismatch.exitCode).toBe(1);
    expect(mismatch.log).toContain('Input "environment" is "preview" but "production" is true');
    expect(api.requests).toHaveLength(0);
  });
});
