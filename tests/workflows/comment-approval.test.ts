/**
 * approval: comment, beyond the scenario table: the starter's event filter and the commit
 * the production job checks out, evaluated with GitHub's expression evaluator, and proof
 * that the simulator catches a production job that does not wait for the check.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { truthy } from '@actions/expressions/result';
import { cases } from './scenarios.js';
import { evaluate, simulate } from './simulate.js';

const PRODUCTION = '.github/workflows/deploy-production.yml';
const ok = { success: true, failure: false, cancelled: false };

describe('approval: comment', () => {
  const starter = parseYaml(readFileSync('workflows/railway/production-comment-approval.yml', 'utf8')) as {
    jobs: { production: { if: string; permissions: Record<string, string>; with: Record<string, unknown> } };
  };
  const runsFor = (github: Record<string, unknown>) =>
    truthy(evaluate(starter.jobs.production.if, { github, inputs: {}, secrets: {}, needs: {} }, ok));

  it('the starter runs on tag pushes and on /approve or /deny comments on issues, nothing else', () => {
    const comment = (body: string, pr = false) => ({
      event_name: 'issue_comment',
      event: { comment: { body }, issue: pr ? { number: 3, pull_request: { url: 'x' } } : { number: 3 } },
    });
    expect(runsFor({ event_name: 'push', event: {} })).toBe(true);
    expect(runsFor(comment('/approve'))).toBe(true);
    expect(runsFor(comment('/deny needs a maintenance window'))).toBe(true);
    expect(runsFor(comment('lgtm'))).toBe(false);
    expect(runsFor(comment('please /approve'))).toBe(false);
    expect(runsFor(comment('/approve', true))).toBe(false);
    expect(starter.jobs.production.with.approval).toBe('comment');
    expect(starter.jobs.production.permissions).toMatchObject({ issues: 'write', deployments: 'write' });
  });

  it('migration-tool: platform — the release issue says the platform migrates, instead of "no plan"', () => {
    const wf = parseYaml(readFileSync(PRODUCTION, 'utf8')) as {
      jobs: { 'release-issue': { steps: Array<{ id?: string; with?: Record<string, string> }> } };
    };
    const open = wf.jobs['release-issue'].steps.find((s) => s.id === 'open');
    const expression = /^\$\{\{(.*)\}\}$/s.exec(open?.with?.plan ?? '')?.[1] ?? 'missing';
    const plan = (tool: string) =>
      evaluate(
        expression,
        { github: {}, inputs: { 'migration-tool': tool }, secrets: {}, needs: {} },
        ok,
      ).coerceString();
    expect(plan('platform')).toMatch(/^The platform migrates \(migration-tool: platform\): the service's pre-deploy/);
    expect(plan('sql')).toBe('');
  });

  it('the production job checks out the approved commit, not the comment run’s default-branch commit', () => {
    const wf = parseYaml(readFileSync(PRODUCTION, 'utf8')) as {
      jobs: { production: { steps: Array<{ uses?: string; with?: Record<string, string> }> } };
    };
    const checkout = wf.jobs.production.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    const ref = /^\$\{\{\s*(.*?)\s*\}\}$/.exec(checkout?.with?.ref ?? '')?.[1] ?? "''";
    const approved = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const main = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const at = (needs: Record<string, unknown>, sha: string) =>
      evaluate(ref, { needs, github: { sha }, inputs: {}, secrets: {} }, ok).coerceString();
    expect(at({ approval: { result: 'success', outputs: { sha: approved } } }, main)).toBe(approved);
    // approval: environment (the approval job skipped): the tag push's own commit.
    expect(at({ approval: { result: 'skipped', outputs: {} } }, approved)).toBe(approved);
  });

  it('a production job that did not wait for approved == true would deploy on a refused comment (the check can fail)', async () => {
    const source = readFileSync(PRODUCTION, 'utf8');
    const naive = source.replace(" && needs.approval.outputs.approved == 'true'", '');
    expect(naive).not.toBe(source);
    const refused = cases.find((c) => c.name.includes('comment refused by the check'));
    if (!refused) throw new Error('scenario missing');
    const sim = await simulate({ ...refused, source: naive });
    expect(sim.jobs.production?.result).toBe('success');
  });
});
