/**
 * Which approval mode a repository can use (src/setup/plan.ts), against the fake GitHub REST
 * API on 127.0.0.1; and `deploy-kit setup` through the compiled CLI (bin/deploy-kit.js →
 * dist/cli): --check, a setup that refuses before changing anything on a plan without
 * required reviewers, and a setup that works, its token and secrets never printed.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { githubClient } from '../../src/github/rest.js';
import { checkApprovalPlan, renderPlanReport } from '../../src/setup/plan.js';
import { ROOT } from '../harness/runner.js';
import { useFakeGitHub } from '../harness/fake-github.js';

const OWNER_TOKEN = 'ghp_owner0000000000000000000000000000000';
const MEMBER_TOKEN = 'ghp_member000000000000000000000000000000';
const JOB_TOKEN = 'ghs_installation0000000000000000000000';

const github = useFakeGitHub((github) => {
  const admin = ['administration:write', 'secrets:read', 'secrets:write'];
  github.addToken(OWNER_TOKEN, [...admin, 'org:admin'], 'olivia');
  github.addToken(MEMBER_TOKEN, admin, 'mo');
  github.addToken(JOB_TOKEN, ['deployments:read']);
  github.addUser({ login: 'alice', id: 501 });
  github.addTeam('acme/release-managers', {}, 77);
});

const check = (repository: string, token = OWNER_TOKEN) =>
  checkApprovalPlan(githubClient({ token, apiUrl: github.url, attempts: 1 }), repository);

describe('checkApprovalPlan', () => {
  it('a public repository has required reviewers on every plan, Free included', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'free' });
    github.repo('acme/site').visibility = 'public';
    const report = await check('acme/site');
    expect(report).toMatchObject({
      visibility: 'public',
      plan: 'free',
      reviewersAvailable: true,
      recommended: 'environment',
      production: { exists: false, reviewers: [] },
    });
    expect(renderPlanReport(report)).toContain('production environment: not created yet.');
  });

  it('a private repository of an organization on Team: comment approval, said with the plan', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'team' });
    github.repo('acme/shop').visibility = 'private';
    const report = await check('acme/shop');
    expect(report).toMatchObject({ plan: 'team', reviewersAvailable: false, recommended: 'comment' });
    const text = renderPlanReport(report);
    expect(text).toContain('acme/shop: private repository of the organization acme (plan: team)');
    expect(text).toContain('Required reviewers: NOT available. On the team plan required reviewers work only');
    expect(text).toContain('Use: approval: comment, with approvers:');
  });

  it('a private repository of an organization on Enterprise: environment approval', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'enterprise' });
    github.repo('acme/shop').visibility = 'private';
    const report = await check('acme/shop');
    expect(report).toMatchObject({ reviewersAvailable: true, recommended: 'environment' });
    expect(renderPlanReport(report)).toContain('after adding reviewers: deploy-kit setup --repo acme/shop --reviewer');
  });

  it('the plan hidden from a member and no reviewers yet: cannot tell, and the safe mode is comment', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'enterprise' });
    github.repo('acme/shop').visibility = 'private';
    const report = await check('acme/shop', MEMBER_TOKEN);
    expect(report.plan).toBeUndefined();
    expect(report.reviewersAvailable).toBeUndefined();
    expect(report.recommended).toBe('comment');
    expect(renderPlanReport(report)).toContain(
      'Required reviewers: cannot tell. The plan of acme is shown only to its owners',
    );
  });

  it('reviewers already on production prove the plan has them, and are listed', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'enterprise' });
    const repo = github.repo('acme/shop');
    repo.visibility = 'private';
    repo.environments.set('production', {
      name: 'production',
      reviewers: [
        { type: 'User', id: 501 },
        { type: 'Team', id: 77 },
      ],
      branch_policies: [],
    });
    const report = await check('acme/shop', MEMBER_TOKEN);
    expect(report).toMatchObject({
      reviewersAvailable: true,
      recommended: 'environment',
      production: { exists: true, reviewers: ['alice', 'acme/release-managers'] },
    });
    expect(renderPlanReport(report)).toContain('production environment: approved by alice, acme/release-managers.');
  });

  it('production without reviewers is called out: nothing would wait', async () => {
    github.repo('acme/site').environments.set('production', { name: 'production', branch_policies: [] });
    const text = renderPlanReport(await check('acme/site'));
    expect(text).toContain('exists with NO required reviewers');
  });

  it("a private repository of a personal account (the owner's own token, or a job's token): comment", async () => {
    github.accounts.set('olivia', { type: 'User', plan: 'pro' });
    github.repo('olivia/blog').visibility = 'private';
    expect(await check('olivia/blog')).toMatchObject({ plan: 'pro', reviewersAvailable: false });
    const report = await check('olivia/blog', JOB_TOKEN);
    expect(report).toMatchObject({ plan: undefined, reviewersAvailable: false, recommended: 'comment' });
    expect(report.reason).toContain('personal account');
  });

  it('internal repositories and GitHub Enterprise Server have required reviewers', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'free' });
    github.repo('acme/tools').visibility = 'internal';
    expect((await check('acme/tools', MEMBER_TOKEN)).recommended).toBe('environment');
    github.serverVersion = '3.17.2';
    github.repo('acme/shop').visibility = 'private';
    const report = await check('acme/shop', MEMBER_TOKEN);
    expect(report).toMatchObject({ server: '3.17.2', reviewersAvailable: true });
    expect(renderPlanReport(report)).toContain('on GitHub Enterprise Server 3.17.2');
  });

  it('reads only: every request it makes is a GET', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'team' });
    github.repo('acme/shop').visibility = 'private';
    await check('acme/shop');
    expect(github.requests.length).toBeGreaterThan(2);
    expect(github.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('a repository that is not there, or a bad name, is a clear error', async () => {
    await expect(check('acme/nope')).rejects.toThrow(/not found \(404\)/);
    await expect(check('acme')).rejects.toThrow('repository "acme" is not owner/name');
  });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/deploy-kit.js'), ...args], {
      cwd: mkdtempSync(path.join(tmpdir(), 'dk-setup-')),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_API_URL: github.url, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('deploy-kit setup (compiled)', () => {
  it('--check tells the mode and changes nothing', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'team' });
    github.repo('acme/shop').visibility = 'private';
    const { code, out } = await cli(['setup', '--repo', 'acme/shop', '--check'], { GH_TOKEN: OWNER_TOKEN });
    expect(out).toContain('Required reviewers: NOT available');
    expect(out).toContain('Use: approval: comment');
    expect(code).toBe(0);
    expect(github.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(out).not.toContain(OWNER_TOKEN);
  });

  it('on a plan without required reviewers, setup stops before changing anything', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'team' });
    github.repo('acme/shop').visibility = 'private';
    const { code, out } = await cli(['setup', '--repo', 'acme/shop', '--reviewer', 'alice'], {
      GITHUB_TOKEN: OWNER_TOKEN,
    });
    expect(out).toContain('Nothing was changed: required reviewers cannot be set on acme/shop');
    expect(code).toBe(1);
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(github.repo('acme/shop').environments.size).toBe(0);
  });

  it('sets up both environments and a secret taken from an environment variable, printing neither', async () => {
    github.accounts.set('acme', { type: 'Organization', plan: 'free' });
    github.repo('acme/site').visibility = 'public';
    github.publicKey = { key: Buffer.alloc(32, 7).toString('base64'), key_id: '568250167242549743' };
    const deployToken = 'railway-prod-token-5d1c9e';
    const { code, out } = await cli(
      [
        'setup',
        '--repo',
        'acme/site',
        '--reviewer',
        'alice',
        '--reviewer',
        'acme/release-managers',
        '--secret',
        'production:DEPLOY_TOKEN',
      ],
      { GH_TOKEN: OWNER_TOKEN, DEPLOY_TOKEN: deployToken },
    );
    expect(out).toContain('Required reviewers: available');
    expect(out).toContain('production: alice, acme/release-managers approve; deploys only from tags v*');
    expect(out).toContain('production: secret DEPLOY_TOKEN created');
    expect(out).toContain('Done: 2 environments, 1 secrets.');
    expect(code).toBe(0);
    expect(out).not.toContain(deployToken);
    expect(out).not.toContain(OWNER_TOKEN);
    const production = github.repo('acme/site').environments.get('production');
    expect(production?.reviewers).toEqual([
      { type: 'User', id: 501 },
      { type: 'Team', id: 77 },
    ]);
    // Run again: the check now sees the reviewers it set.
    const again = await cli(['setup', '--repo', 'acme/site', '--check'], { GH_TOKEN: OWNER_TOKEN });
    expect(again.out).toContain('production environment: approved by alice, acme/release-managers.');
  });

  it('bad use is refused with what to do, before any request', async () => {
    const noToken = await cli(['setup', '--repo', 'acme/site', '--check'], {});
    expect(noToken.out).toContain('setup reads the token from GITHUB_TOKEN or GH_TOKEN');
    expect(noToken.code).toBe(1);
    const missingSecret = await cli(
      ['setup', '--repo', 'acme/site', '--reviewer', 'alice', '--secret', 'staging:NOPE'],
      {
        GH_TOKEN: OWNER_TOKEN,
      },
    );
    expect(missingSecret.out).toContain('--secret staging:NOPE takes the value of the environment variable NOPE');
    const usage = await cli(['setup', '--repo', 'acme/site'], { GH_TOKEN: OWNER_TOKEN });
    expect(usage.out).toContain('setup needs at least one --reviewer');
    expect(usage.code).toBe(2);
    expect(github.requests).toEqual([]);
  });
});
