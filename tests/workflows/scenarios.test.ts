import { describe, it, expect, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { readWorkflow } from './interfaces.js';
import { cases, environmentJob, tableRow } from './scenarios.js';
import { simulate, kitStepsRan, loadTemplate } from './simulate.js';
import {
  RELEASE_TABLE_HEAD,
  releaseCases,
  releaseSecrets,
  releaseTableRow,
  runReleaseCase,
} from './release-scenarios.js';

const rows: string[] = [];
const releaseRows: string[] = [];
afterAll(() => {
  console.log([...RELEASE_TABLE_HEAD, ...releaseRows].join('\n'));
  // The scenario table, as evaluated by GitHub's own parser and expression evaluator.
  console.log(
    [
      '| workflow | scenario | jobs | kit steps run in the environment job | environment URL |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
});

describe('job graph and if: conditions, evaluated with @actions/workflow-parser + @actions/expressions', () => {
  for (const c of cases) {
    it(`${c.workflow.includes('staging') ? 'staging' : 'production'}: ${c.name}`, async () => {
      const sim = await simulate(c);
      rows.push(tableRow(c, sim));
      expect(Object.fromEntries(Object.entries(sim.jobs).map(([id, job]) => [id, job.result]))).toEqual(c.expect.jobs);
      expect(kitStepsRan(sim.jobs[environmentJob(c)])).toEqual(c.expect.steps);
      if (c.expect.environmentUrl) expect(sim.jobs[environmentJob(c)]?.environmentUrl).toBe(c.expect.environmentUrl);
    });
  }
});

describe('several services (manifest:): the workflow around the release action’s own logic', () => {
  for (const c of releaseCases) {
    it(`${c.workflow.includes('staging') ? 'staging' : 'production'}: ${c.name}`, async () => {
      const run = await runReleaseCase(c);
      releaseRows.push(releaseTableRow(c, run));
      const job = run.sim.jobs[environmentJob(c)];
      expect(Object.fromEntries(Object.entries(run.sim.jobs).map(([id, j]) => [id, j.result]))).toEqual(c.expect.jobs);
      expect(kitStepsRan(job)).toEqual(c.expect.steps);
      expect(job?.environmentUrl ?? '').toBe(c.expect.environmentUrl ?? '');
      const ends = Object.fromEntries(
        Object.values(run.platforms).map((p) => [p.name, { live: p.live, deploys: p.deploys, rollbacks: p.rollbacks }]),
      );
      expect(ends).toEqual(c.after.services);
      if (c.after.outputs) expect(job?.outputs).toMatchObject(c.after.outputs);
      // One environment job, so one approval, one backup and one migration for every service.
      const inEnvironment = Object.values(run.sim.jobs).filter((j) => j.environment && j.result !== 'skipped');
      expect(inEnvironment.length).toBeLessThanOrEqual(1);
      expect(run.sim.ran.filter((step) => /\.(backup|migrate|release)$/.test(step)).length).toBe(
        c.expect.steps.filter((s) => s !== 'claim' && s !== 'preflight').length,
      );
    });
  }

  const byName = (name: string) => releaseCases.find((c) => c.name === name && c.workflow.includes('production'))!;

  it('the release step gets each platform token under its default token-env name, and the release’s version', async () => {
    const allGreen = byName('several services, all green: one approval, one backup, one migration');
    const tag = await runReleaseCase({
      ...allGreen,
      github: { event_name: 'push', ref: 'refs/tags/v1.4.2', ref_name: 'v1.4.2' },
    });
    expect(tag.calls).toHaveLength(1);
    expect(tag.calls[0]?.env).toEqual({
      RAILWAY_TOKEN: releaseSecrets.RAILWAY_TOKEN,
      VERCEL_TOKEN: releaseSecrets.VERCEL_TOKEN,
      FLY_API_TOKEN: '',
      RENDER_API_KEY: '',
      SSH_KEY: '',
    });
    expect(tag.calls[0]?.with).toMatchObject({
      manifest: 'deploy-kit.yml',
      environment: 'production',
      version: 'v1.4.2',
      'rollback-on-failure': 'true',
    });
    // On the comment path: the approved tag, not the default branch the comment's run is on.
    const approved = await runReleaseCase(
      byName('approval: comment, /approve → one production job releases every service'),
    );
    expect(approved.calls[0]?.with.version).toBe('v1.2.0');
    // Not on a tag (a manual run): the commit.
    const branch = await runReleaseCase(allGreen);
    expect(branch.calls[0]?.with.version).toBe('0123456789abcdef0123456789abcdef01234567');
  });

  it.each(['vercel-railway', 'vercel-fly', 'compose-vm'])(
    'workflows/%s: the starter manifest, with the secrets its production starter passes, releases every service',
    async (stack) => {
      const allGreen = byName('several services, all green: one approval, one backup, one migration');
      const caller = readWorkflow(`workflows/${stack}/production.yml`).jobs.production!;
      const secrets = Object.fromEntries(Object.keys(caller.secrets as object).map((name) => [name, `${name}-value`]));
      const manifest = readFileSync(`workflows/${stack}/deploy-kit.yml`, 'utf8');
      const run = await runReleaseCase({ ...allGreen, secrets, release: { manifest } });
      expect(run.sim.jobs.production?.result).toBe('success');
      const services = Object.keys((parseYaml(manifest) as { services: object }).services);
      expect(Object.values(run.platforms).map((p) => [p.name, p.live])).toEqual(
        services.map((name) => [name, `${name}-v2`]),
      );
    },
  );

  it('a token the workflow does not pass is refused by the release before any service is deployed', async () => {
    const allGreen = byName('several services, all green: one approval, one backup, one migration');
    const { VERCEL_TOKEN: _left, ...secrets } = releaseSecrets;
    const run = await runReleaseCase({ ...allGreen, secrets });
    expect(run.sim.jobs.production?.result).toBe('failure');
    expect(run.platforms).toEqual({}); // planRelease refused the manifest: no platform was touched
  });

  it('the post step is what returns the first service of a cancelled release: without it, it stays on the new deployment', async () => {
    const cancelled = byName('cancelled between services → the first rolled back (post step)');
    const run = await runReleaseCase({ ...cancelled, steps: { ...cancelled.steps, release: { post: undefined } } });
    expect(run.platforms.api?.live).toBe('api-v2');
  });
});

describe('production: one job, one approval', () => {
  it('backup, migrate, release (or deploy, smoke test and rollback) are steps of the one job in environment production, backup first', async () => {
    const { template, yaml } = await loadTemplate('.github/workflows/deploy-production.yml');
    const withEnvironment = Object.entries(yaml.jobs).filter(([, job]) => job.environment);
    expect(
      withEnvironment.map(([id, job]) => [id, typeof job.environment === 'object' && job.environment.name]),
    ).toEqual([['production', 'production']]);
    const job = template.jobs.find((j) => j.id.value === 'production');
    const kit =
      job?.type === 'job' ? job.steps.filter((s) => 'uses' in s && s.uses.value.startsWith('$/')).map((s) => s.id) : [];
    expect(kit).toEqual([
      'claim',
      'freeze',
      'notify-deploying',
      'preflight',
      'backup',
      'migrate',
      'release',
      'deploy',
      'smoke',
      'rollback',
      'notify-outcome',
    ]);
  });

  it('staging deploys in one job in environment staging', async () => {
    const { yaml } = await loadTemplate('.github/workflows/deploy-staging.yml');
    const withEnvironment = Object.entries(yaml.jobs).filter(([, job]) => job.environment);
    expect(
      withEnvironment.map(([id, job]) => [id, typeof job.environment === 'object' && job.environment.name]),
    ).toEqual([['deploy', 'staging']]);
  });
});

describe('the simulator can fail', () => {
  const file = '.github/workflows/deploy-staging.yml';
  const source = readFileSync(file, 'utf8');
  const failedBeforeDeploying = cases.find((c) => c.workflow === file && c.name.startsWith('deploy fails before'))!;

  it('a rollback guarded by failure() alone would roll back a deploy that deployed nothing', async () => {
    const naive = source.replace(
      /if: \(failure\(\) \|\| cancelled\(\)\) && inputs.manifest == '' && inputs.rollback && .*\n/,
      'if: failure()\n',
    );
    expect(naive).not.toBe(source);
    const sim = await simulate({ ...failedBeforeDeploying, source: naive });
    expect(kitStepsRan(sim.jobs.deploy)).toContain('rollback');
  });

  it('a deploy job without `needs: gate` would deploy when the gate fails', async () => {
    const ungated = source.replace('    needs: gate\n', '');
    expect(ungated).not.toBe(source);
    const gateFails = cases.find((c) => c.workflow === file && c.name.startsWith('gate fails'))!;
    const sim = await simulate({ ...gateFails, source: ungated });
    expect(sim.jobs.deploy?.result).toBe('success');
  });
});
