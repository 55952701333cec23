/**
 * An approval is used once, /deny wins a race with /approve, and an old release issue
 * cannot roll production back (issue 16). The kit's GitHub client against tests/harness/fake-github.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../harness/fake-github.js';
import { githubClient } from '../../src/github/rest.js';
import { openReleaseIssue } from '../../src/approval/open.js';
import { checkComment } from '../../src/approval/check.js';
import { claimApproval } from '../../src/approval/claim.js';
import type { Approver } from '../../src/approval/release.js';

const BOT = 'github-actions[bot]';
const WORKFLOW = '.github/workflows/release.yml';
const approvers: Approver[] = [
  { kind: 'user', login: 'alice' },
  { kind: 'user', login: 'carol' },
];
const repo = { owner: 'acme', repo: 'shop' };
let gh: FakeGitHub;
let old: string;
let live: string;
let next: string;
let runId = 800;

const client = () => githubClient({ token: 'bot-token', apiUrl: gh.url });
const options = {
  approvers,
  issueAuthor: BOT,
  environment: 'production',
  verify: { workflowPath: WORKFLOW, allowSelfApproval: false },
};
const say = (user: string, issue: number, text: string, github = client()) =>
  checkComment(github, repo, gh.commentEvent(user, issue, text), options);
const statesOf = (id: number) => gh.deployments.find((d) => d.id === id)?.statuses.map((s) => s.state);

async function release(tag: string, sha: string, migrationsDirectory?: string) {
  gh.tag(tag, sha);
  const run = gh.addRun({ id: runId++, path: WORKFLOW, event: 'push', head_branch: tag, head_sha: sha, actor: 'dan' });
  return (
    await openReleaseIssue(client(), repo, {
      tag,
      sha,
      environment: 'production',
      approvers,
      plan: '',
      label: 'release-approval',
      serverUrl: 'https://github.com',
      runId: run.id,
      ...(migrationsDirectory ? { migrationsDirectory } : {}),
    })
  ).issueNumber;
}

beforeEach(async () => {
  gh = new FakeGitHub('acme', 'shop');
  gh.addUser({ login: BOT, type: 'Bot', role: 'write' }, 'bot-token');
  gh.addUser({ login: 'alice', role: 'admin' });
  gh.addUser({ login: 'carol', role: 'maintain' });
  old = gh.addCommit('v1.0.0', 'dan');
  live = gh.addCommit('v1.1.0', 'dan');
  next = gh.addCommit('v1.2.0', 'dan');
  gh.addDeployment({
    sha: live,
    environment: 'production',
    states: ['success'],
    payload: { tag: 'v1.1.0', issue: 99 },
  });
  await gh.start();
});
afterEach(async () => {
  await gh.stop();
});

describe('an approval is used once', () => {
  it('the production job claims it; a re-run of the job with the same approval is refused', async () => {
    const issue = await release('v1.2.0', next);
    const approved = await say('alice', issue, '/approve');
    expect(approved.decision).toBe('approved');
    const id = (approved as { deploymentId: number }).deploymentId;
    expect(await claimApproval(client(), repo, { issueNumber: issue, attempt: 1 })).toEqual({
      deploymentId: id,
      tag: 'v1.2.0',
      sha: next,
    });
    expect(statesOf(id)?.[0]).toBe('in_progress');
    await expect(claimApproval(client(), repo, { issueNumber: issue, attempt: 2 })).rejects.toThrow(
      `The approval of v1.2.0 (deployment ${id}) was already used or withdrawn (it is in_progress): an approval deploys once. Re-running the job needs a new /approve on #${issue}.`,
    );
  });

  it('the claim hands the production job the migration files the approver was shown', async () => {
    const withFiles = gh.addCommit('feat: refunds', 'dan', [
      { filename: 'db/migrations/004_refunds.sql', status: 'added' },
      { filename: 'db/migrations/001_old.sql', status: 'removed' },
      { filename: 'src/refunds.ts', status: 'added' },
    ]);
    const issue = await release('v1.3.0', withFiles, 'db/migrations');
    const approved = (await say('alice', issue, '/approve')) as { deploymentId: number };
    expect(await claimApproval(client(), repo, { issueNumber: issue })).toEqual({
      deploymentId: approved.deploymentId,
      tag: 'v1.3.0',
      sha: withFiles,
      migrations: ['db/migrations/004_refunds.sql'],
    });
  });

  it('a release issue without an approval has nothing to claim', async () => {
    const issue = await release('v1.2.0', next);
    await expect(claimApproval(client(), repo, { issueNumber: issue })).rejects.toThrow(
      'holds no approval to use (pending)',
    );
  });
});

describe('/deny and /approve at the same moment', () => {
  it('a /deny after the /approve withdraws its queued deployment, so the production job does not start', async () => {
    const issue = await release('v1.2.0', next);
    const approved = (await say('alice', issue, '/approve')) as { deploymentId: number };
    // carol's /deny was checked while alice's approval was still being written: it read the issue as pending.
    const issueNow = gh.issue(issue)!;
    const approvedBody = issueNow.body;
    issueNow.body = approvedBody!.replace('"state":"approved"', '"state":"pending"');
    const denied = await say('carol', issue, '/deny not today');
    expect(denied.decision).toBe('denied');
    expect(statesOf(approved.deploymentId)?.[0]).toBe('error');
    expect(gh.commentsOn(issue).at(-1)?.body).toContain(
      `the approval in deployment ${approved.deploymentId} was withdrawn`,
    );
    await expect(claimApproval(client(), repo, { issueNumber: issue })).rejects.toThrow(
      /holds no approval to use \(denied\)/,
    );
  });

  it('a /deny written while the /approve is being checked wins: the approval stands down', async () => {
    const issue = await release('v1.2.0', next);
    const base = client();
    // The moment alice's check has created its deployment, carol's /deny lands.
    const request = (async (method: string, path: string, body?: unknown) => {
      const response = await base.request(method, path, body);
      if (method === 'POST' && path.endsWith('/deployments')) {
        const denied = await say('carol', issue, '/deny the migration is wrong');
        expect(denied.decision).toBe('denied');
      }
      return response;
    }) as typeof base.request;
    const github = { ...base, request };
    const approved = await say('alice', issue, '/approve', github);
    expect(approved.decision).toBe('refused');
    expect(approved.reason).toBe('release v1.2.0 was denied by @carol at the same moment.');
    expect(gh.deployments.filter((d) => d.sha === next).every((d) => d.statuses[0]?.state === 'error')).toBe(true);
    expect(gh.issue(issue)?.body).toContain('"state":"denied"');
  });
});

describe('an old release issue', () => {
  it('cannot be approved once a newer release is live: it would roll production back', async () => {
    const issue = await release('v1.0.0', old);
    const decision = await say('alice', issue, '/approve');
    expect(decision.decision).toBe('refused');
    expect(decision.reason).toContain(`production already runs ${live.slice(0, 7)}, which is newer than v1.0.0`);
    expect(gh.deployments.filter((d) => d.sha === old)).toEqual([]);
  });
});
