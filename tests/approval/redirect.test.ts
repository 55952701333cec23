/**
 * An approval deploys exactly what the approver saw and the gate passed (issue 16): the
 * record on the release issue is confirmed against state a writer cannot forge — GitHub's
 * record of who last edited the issue, and the release run the record names (this
 * workflow, a push of that tag at that commit, passed). And whoever pushed the tag does not
 * approve their own release unless allowed. The kit's GitHub client against tests/harness/fake-github.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../harness/fake-github.js';
import { githubClient } from '../../src/github/rest.js';
import { openReleaseIssue } from '../../src/approval/open.js';
import { checkComment } from '../../src/approval/check.js';
import { type Approver, formatMarker, parseMarker, withRecord } from '../../src/approval/release.js';
import { workflowPathOf } from '../../src/approval/verify.js';

const BOT = 'github-actions[bot]';
const WORKFLOW = '.github/workflows/release.yml';
const approvers: Approver[] = [
  { kind: 'user', login: 'alice' },
  { kind: 'user', login: 'carol' },
];
const repo = { owner: 'acme', repo: 'shop' };
let gh: FakeGitHub;
let good: string;
let evil: string;
let nextRun = 700;

const as = (token: string) => githubClient({ token: token, apiUrl: gh.url });
const options = (allowSelfApproval = false) => ({
  approvers,
  issueAuthor: BOT,
  environment: 'production',
  verify: { workflowPath: WORKFLOW, allowSelfApproval },
});
const approve = (user: string, issue: number, allowSelfApproval = false) =>
  checkComment(as('bot-token'), repo, gh.commentEvent(user, issue, '/approve'), options(allowSelfApproval));

async function release(tag: string, sha: string, run: Partial<Parameters<FakeGitHub['addRun']>[0]> = {}) {
  gh.tag(tag, sha);
  const r = gh.addRun({
    id: nextRun++,
    path: WORKFLOW,
    event: 'push',
    head_branch: tag,
    head_sha: sha,
    actor: 'dan',
    ...run,
  });
  const opened = await openReleaseIssue(as('bot-token'), repo, {
    tag,
    sha,
    environment: 'production',
    approvers,
    plan: '',
    label: 'release-approval',
    serverUrl: 'https://github.com',
    runId: r.id,
  });
  return opened.issueNumber;
}

beforeEach(async () => {
  gh = new FakeGitHub('acme', 'shop');
  gh.addUser({ login: BOT, type: 'Bot', role: 'write' }, 'bot-token');
  gh.addUser({ login: 'alice', role: 'admin' });
  gh.addUser({ login: 'carol', role: 'maintain' });
  gh.addUser({ login: 'dan', role: 'write' });
  gh.addUser({ login: 'mallory', role: 'write' }, 'mallory-token');
  gh.addCommit('initial', 'alice');
  good = gh.addCommit('feat: orders', 'dan');
  evil = gh.addCommit('chore: nothing to see', 'mallory');
  await gh.start();
});
afterEach(async () => {
  await gh.stop();
});

describe('an approval cannot be redirected', () => {
  it('an issue whose record a writer edited is refused, and nothing is deployed', async () => {
    const issue = await release('v1.1.0', good);
    gh.tag('v1.1.1-hotfix', evil); // pushed by mallory; its run never passed (or never ran)
    const record = parseMarker(gh.issue(issue)?.body);
    await as('mallory-token').request('PATCH', `/repos/acme/shop/issues/${issue}`, {
      title: 'Release v1.1.1-hotfix to production', // consistent: only GitHub's edit record gives it away
      body: withRecord(gh.issue(issue)?.body ?? '', { ...record!, tag: 'v1.1.1-hotfix', sha: evil }),
    });
    const decision = await approve('alice', issue);
    expect(decision.decision).toBe('refused');
    expect(decision.reason).toContain('the issue was edited by @mallory after deploy-kit wrote it');
    expect(gh.deployments).toEqual([]);
  });

  it("an edited record naming another real run of this workflow is refused (the run's tag and commit must match)", async () => {
    await release('v1.0.0', good);
    const other = nextRun - 1;
    const issue = await release('v1.1.0', evil, { conclusion: 'failure' });
    // Even if the edit were invisible: the record names v1.1.0's commit with v1.0.0's (passed) run.
    const body = withRecord(gh.issue(issue)?.body ?? '', { ...parseMarker(gh.issue(issue)?.body)!, run: other });
    gh.issue(issue)!.body = body;
    expect((await approve('alice', issue)).reason).toContain(`the release run ${other} was not the push of v1.1.0`);
  });

  it('an issue the same bot opened from another workflow is not a release issue', async () => {
    gh.tag('v2.0.0', evil);
    const run = gh.addRun({
      id: 901,
      path: '.github/workflows/other.yml',
      event: 'push',
      head_branch: 'v2.0.0',
      head_sha: evil,
      actor: 'dan',
    });
    const body = `anything\n\n${formatMarker({ tag: 'v2.0.0', sha: evil, environment: 'production', state: 'pending', run: run.id })}`;
    const issue = (
      await as('bot-token').request<{ number: number }>('POST', '/repos/acme/shop/issues', {
        title: 'Release v2.0.0 to production',
        body,
      })
    ).data.number;
    const decision = await approve('alice', issue);
    expect(decision.reason).toContain('the issue was opened by another workflow (.github/workflows/other.yml)');
    expect(gh.deployments).toEqual([]);
  });

  it('a release whose run failed, or is still running, is not approved', async () => {
    const failed = await release('v1.1.0', good, { conclusion: 'failure' });
    expect((await approve('alice', failed)).reason).toContain('did not pass (failure)');
    const running = await release('v1.2.0', good, { status: 'in_progress', conclusion: null });
    expect((await approve('alice', running)).reason).toContain('has not finished yet');
    expect(gh.deployments).toEqual([]);
  });

  it('an issue without a release run (a record from before, or one a writer wrote) is refused', async () => {
    const issue = await release('v1.1.0', good);
    const { run: _run, ...withoutRun } = parseMarker(gh.issue(issue)?.body)!;
    gh.issue(issue)!.body = withRecord(gh.issue(issue)?.body ?? '', withoutRun);
    expect((await approve('alice', issue)).reason).toContain('the issue names no release run');
  });

  it('a retitled issue is refused: the title is part of what the approver sees', async () => {
    const issue = await release('v1.1.0', good);
    await as('mallory-token').request('PATCH', `/repos/acme/shop/issues/${issue}`, {
      title: 'Release v1.0.9 to production',
    });
    expect((await approve('alice', issue)).reason).toContain(`the issue's title was changed`);
  });

  it('a token without actions: read is told so, and nothing deploys', async () => {
    const issue = await release('v1.1.0', good);
    gh.tokens.get('bot-token')?.permissions.delete('actions:read');
    expect((await approve('alice', issue)).reason).toContain('give the approval job `actions: read` permission');
    expect(gh.deployments).toEqual([]);
  });

  it('the untouched issue is approved, and deploys the commit its run passed', async () => {
    const issue = await release('v1.1.0', good);
    const decision = await approve('alice', issue);
    expect(decision.decision).toBe('approved');
    expect(gh.deployments[0]?.sha).toBe(good);
  });
});

describe('self-approval', () => {
  it('whoever pushed the tag cannot approve it by default; another approver can', async () => {
    const issue = await release('v1.1.0', good, { actor: 'alice' });
    const own = await approve('alice', issue);
    expect(own.decision).toBe('refused');
    expect(own.reason).toContain('@alice pushed v1.1.0 and cannot approve their own release');
    expect(gh.deployments).toEqual([]);
    expect((await approve('carol', issue)).decision).toBe('approved');
  });

  it('allow-self-approval lets them', async () => {
    const issue = await release('v1.1.0', good, { actor: 'Alice' });
    expect((await approve('alice', issue, true)).decision).toBe('approved');
  });

  it('reads the workflow file from GITHUB_WORKFLOW_REF', () => {
    expect(workflowPathOf('acme/shop/.github/workflows/release.yml@refs/heads/main')).toBe(WORKFLOW);
    expect(workflowPathOf(undefined)).toBeUndefined();
  });
});
