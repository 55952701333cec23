/**
 * provider: render through the reusable workflows (workflows/render/*): the service id
 * reaches the deploy and the rollback, and on the comment path Render builds the approved
 * commit, not the default branch's that the comment's run is on.
 */
import { describe, it, expect } from '@jest/globals';
import { readWorkflow } from './interfaces.js';
import { PRODUCTION, STAGING, approveComment, approvedCheck, cases, comment } from './scenarios.js';
import { type StepCall, simulate } from './simulate.js';

const starter = (file: string) => readWorkflow(file).jobs.staging ?? readWorkflow(file).jobs.production!;

async function calls(workflow: string, name: string, extra: Record<string, unknown> = {}) {
  const base = cases.find((c) => c.workflow === workflow && c.name === name)!;
  const seen: Record<string, StepCall> = {};
  const record = (id: string, outcome?: 'failure') => ({
    run: async (call: StepCall) => {
      seen[id] = call;
      return id === 'deploy'
        ? {
            outcome,
            outputs: { 'deployment-id': 'dep-new', 'previous-deployment-id': 'dep-old', url: 'https://x.onrender.com' },
          }
        : { outcome };
    },
  });
  const sim = await simulate({
    ...base,
    inputs: { ...base.inputs, provider: 'render', 'render-service-id': 'srv-abc123', ...(extra.inputs as object) },
    steps: {
      ...base.steps,
      ...(extra.steps as object),
      deploy: record('deploy'),
      smoke: record('smoke', 'failure'),
      rollback: record('rollback'),
    },
  });
  return { sim, seen };
}

describe('provider: render', () => {
  it.each([
    'workflows/render/staging.yml',
    'workflows/render/production.yml',
    'workflows/render/production-comment-approval.yml',
  ])('%s: provider render, a service id, RENDER_API_KEY passed as DEPLOY_TOKEN', (file) => {
    const job = starter(file);
    expect(job.with).toMatchObject({
      provider: 'render',
      'render-service-id': expect.stringMatching(/^srv-[a-z0-9]+$/),
    });
    expect(job.secrets).toMatchObject({ DEPLOY_TOKEN: '${{ secrets.RENDER_API_KEY }}' });
  });

  it('staging: the deploy and the rollback get service-id; Render picks the commit itself (GITHUB_SHA)', async () => {
    const { sim, seen } = await calls(STAGING, 'all green');
    expect(sim.jobs.deploy?.result).toBe('failure'); // the smoke test failed → rolled back
    expect(seen.deploy?.with).toMatchObject({ provider: 'render', 'service-id': 'srv-abc123', 'clear-cache': 'false' });
    expect(seen.deploy?.with.commit).toBeUndefined();
    expect(seen.rollback?.with).toMatchObject({ provider: 'render', 'service-id': 'srv-abc123', to: 'dep-old' });
  });

  it('production, approval: comment — Render builds the approved commit; with render-image, no commit', async () => {
    const approved = await calls(
      PRODUCTION,
      'approval: comment, /approve passes the check → production job, outcome reported',
      {
        inputs: comment,
      },
    );
    expect(approved.seen.deploy?.with).toMatchObject({ 'service-id': 'srv-abc123', commit: approvedCheck.outputs.sha });
    expect(approved.seen.deploy?.with.commit).not.toBe(approveComment.sha);
    const image = await calls(PRODUCTION, 'all green', { inputs: { 'render-image': 'ghcr.io/acme/api:1.4.2' } });
    expect(image.seen.deploy?.with).toMatchObject({ image: 'ghcr.io/acme/api:1.4.2', commit: '' });
    const fly = await calls(PRODUCTION, 'all green', { inputs: { provider: 'fly', 'render-service-id': '' } });
    expect(fly.seen.deploy?.with.commit).toBe('');
  });
});
