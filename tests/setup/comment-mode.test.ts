/**
 * `approval: comment` against the fake GitHub REST API (tests/harness/fake-github.ts):
 * GitHub enforces nothing on those runs, so production must deploy only from the default
 * branch and that branch must be protected (issue 16). `deploy-kit setup --approval
 * comment` sets both or refuses before changing anything; `setup --check` reports both.
 */
import { describe, expect, it } from '@jest/globals';
import { githubClient } from '../../src/github/rest.js';
import { runSetup } from '../../src/setup/cli.js';
import { checkApprovalPlan, renderPlanReport } from '../../src/setup/plan.js';
import { setupEnvironments } from '../../src/setup/environments.js';
import { KitError } from '../../src/lib/errors.js';
import { useFakeGitHub } from '../harness/fake-github.js';

const TOKEN = 'ghp_owner0000000000000000000000000000000';
const REPO = 'acme/shop';

const github = useFakeGitHub((github) => {
  github.addToken(TOKEN, ['administration:write', 'secrets:read', 'secrets:write', 'org:admin']);
  github.accounts.set('acme', { type: 'Organization', plan: 'team' });
  github.repo(REPO).visibility = 'private';
});

const setup = () =>
  setupEnvironments({ repository: REPO, token: TOKEN, apiUrl: github.url, reviewers: [], approval: 'comment' });
const check = async () =>
  renderPlanReport(await checkApprovalPlan(githubClient({ token: TOKEN, apiUrl: github.url, attempts: 1 }), REPO));
const changes = () => github.requests.filter((r) => r.method !== 'GET');

describe('approval: comment — production only from the protected default branch', () => {
  it('setup protects the default branch, then limits production to it (a v* tag rule from before is removed)', async () => {
    const repo = github.repo(REPO);
    repo.defaultBranch = 'trunk';
    repo.environments.set('production', {
      name: 'production',
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      branch_policies: [{ id: 1, name: 'v*', type: 'tag' }],
    });
    const before = await check();
    expect(before).toContain(
      'approval: comment needs production to deploy only from trunk: NO (production deploys from tag v*)',
    );
    expect(before).toContain(
      'approval: comment needs trunk protected (a reviewed pull request before anything lands): NO (trunk is not protected',
    );
    expect(before).toContain(`deploy-kit setup --repo ${REPO} --approval comment sets both`);

    const report = await setup();
    expect(repo.protection.get('trunk')).toMatchObject({
      required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
    });
    const production = repo.environments.get('production');
    expect(production?.reviewers).toEqual([]);
    expect(production?.branch_policies).toEqual([expect.objectContaining({ name: 'trunk', type: 'branch' })]);
    expect(report.environments[0]).toEqual({ name: 'production', rule: 'branch trunk', reviewers: [] });
    // The branch is protected before the environment is touched.
    expect(changes()[0]).toMatchObject({ method: 'PUT', path: `/repos/${REPO}/branches/trunk/protection` });

    const after = await check();
    expect(after).toContain('approval: comment needs production to deploy only from trunk: yes.');
    expect(after).toContain(
      'approval: comment needs trunk protected (a reviewed pull request before anything lands): yes.',
    );
    expect(after).not.toContain('sets both');
    // Idempotent.
    await setup();
    expect(repo.environments.get('production')?.branch_policies).toHaveLength(1);
  });

  it('a protection that does not require a reviewed pull request is reported, not overwritten, and nothing changes', async () => {
    github.repo(REPO).protection.set('main', { url: 'x', allow_force_pushes: { enabled: false } });
    const failure = await setup().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KitError);
    expect(String(failure)).toContain('main is protected but does not require an approving review of a pull request');
    expect(String(failure)).toContain('Nothing was changed');
    expect(changes()).toEqual([]);
  });

  it('a ruleset requiring an approving review counts as protected', async () => {
    github.repo(REPO).rules.set('main', [
      { type: 'deletion' },
      // As GitHub answers it: every parameter of repository-rule-pull-request is required.
      {
        type: 'pull_request',
        parameters: {
          dismiss_stale_reviews_on_push: false,
          require_code_owner_review: false,
          require_last_push_approval: false,
          required_approving_review_count: 1,
          required_review_thread_resolution: false,
        },
      },
    ]);
    await setup();
    expect(github.repo(REPO).protection.size).toBe(0);
    expect(await check()).toContain('needs main protected (a reviewed pull request before anything lands): yes.');
  });

  it('a private repository on GitHub Free cannot protect the branch: refused, nothing changed', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'free' });
    const failure = await setup().catch((e: unknown) => e);
    expect(String(failure)).toMatch(
      /approval: comment is not safe on acme\/shop: .*protected branches need a public repository or GitHub Pro, Team or Enterprise/,
    );
    expect(changes()).toEqual([]);
  });

  it('deploy-kit setup: without --approval comment a plan without reviewers refuses and names it; with it, sets both', async () => {
    const lines: string[] = [];
    const env = { GH_TOKEN: TOKEN, GITHUB_API_URL: github.url };
    const base = { repository: REPO, check: false, reviewers: [], allowSelfReview: false, secrets: [] };
    expect(await runSetup(base, env, (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toContain('Use --approval comment for /approve comments');
    expect(changes()).toEqual([]);
    expect(await runSetup({ ...base, approval: 'comment' }, env, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain(
      'production: approved by /approve comments; deploys only from the protected main branch',
    );
    expect(github.repo(REPO).protection.has('main')).toBe(true);
  });
});
