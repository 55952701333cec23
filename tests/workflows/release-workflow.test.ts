/**
 * The kit's own release workflow moves `v1` for every user, so its write token must never
 * sit where code it installs can read it (issue 16): no credentials persisted by checkout,
 * no npm cache restored, no install in the job that holds `contents: write`, and the token
 * only in the steps that publish and push.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = Object.entries(workflow.jobs);
const writes = (job: Job) => Object.values(job.permissions ?? workflow.permissions).includes('write');
const usesToken = (step: Step) => /github\.token|secrets\./.test(JSON.stringify(step));

describe('release.yml keeps the write token away from installed code', () => {
  it('every checkout leaves no credentials in .git/config', () => {
    const checkouts = jobs.flatMap(([, job]) => job.steps.filter((s) => s.uses?.startsWith('actions/checkout@')));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
  });

  it('restores no npm cache', () => {
    for (const [, job] of jobs)
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/setup-node@')))
        expect(step.with?.cache).toBeUndefined();
  });

  it('the job with contents: write installs and runs no package code', () => {
    const writing = jobs.filter(([, job]) => writes(job));
    expect(writing.map(([name]) => name)).toEqual(['publish']);
    for (const [, job] of writing)
      for (const step of job.steps) expect(step.run ?? '').not.toMatch(/\bnpm\b|\bnpx\b|\byarn\b|\bpnpm\b/);
  });

  it('the token is given only to the steps that publish the release and push the tag', () => {
    const withToken = jobs.flatMap(([name, job]) => job.steps.filter(usesToken).map((s) => `${name}: ${s.name}`));
    expect(withToken).toEqual(['publish: Publish the release', 'publish: Move the major tag']);
  });
});
