import { describe, it, expect, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { cases, environmentJob, tableRow } from './scenarios.js';
import { simulate, kitStepsRan, loadTemplate } from './simulate.js';

const rows: string[] = [];
afterAll(() => {
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
    expect(kit).toEqual(['backup', 'migrate', 'release', 'deploy', 'smoke', 'rollback']);
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
