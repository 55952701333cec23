/**
 * The approval logic (open → check → report) through the kit's GitHub client (src/github/rest.ts) against a
 * fake of GitHub's REST API on 127.0.0.1, including the hostile cases.
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { FakeGitHub } from '../harness/fake-github.js';
import { githubClient } from '../../src/github/rest.js';
import { openReleaseIssue } from '../../src/approval/open.js';
import { checkComment, parseCommand } from '../../src/approval/check.js';
import { reportOutcome } from '../../src/approval/report.js';
import { type Approver, formatMarker, parseApprover, parseMarker, withRecord } from '../../src/approval/release.js';

const BOT = 'github-actions[bot]';
const WORKFLOW = '.github/workflows/release.yml';
let nextRun = 500;
const approvers: Approver[] = [
  { kind: 'user', login: 'alice' },
  { kind: 'user', login: 'bob' },
  { kind: 'team', org: 'acme', slug: 'release-managers' },
];

let gh: FakeGitHub;
let v1: string;
let v2: string;
const repo = { owner: 'acme', repo: 'shop' };
const client = () => githubClient({ token: 'bot-token', apiUrl: gh.url });
const options = {
  approvers,
  issueAuthor: BOT,
  environment: 'production',
  runUrl: 'https://github.com/acme/shop/actions/runs/9',
  verify: { workflowPath: WORKFLOW, allowSelfApproval: false },
};

/** The release run of a tag push (its gate passed), then the release issue it opens. */
async function openFor(tag = 'v1.1.0', sha = v2, actor = 'pusher') {
  const run = gh.addRun({ id: nextRun++, path: WORKFLOW, event: 'push', head_branch: tag, head_sha: sha, actor });
  return openReleaseIssue(client(), repo, {
    runId: run.id,
    tag,
    sha,
    environment: 'production',
    approvers,
    plan: '| file | size |\n| --- | --- |\n| 003_add_orders.sql | 120 B |',
    label: 'release-approval',
    serverUrl: 'https://github.com',
  });
}

const comment = (user: string, issue: number, text: string, action: 'created' | 'edited' = 'created') =>
  checkComment(client(), repo, gh.commentEvent(user, issue, text, action), options);
const lastReply = (issue: number) =>
  gh
    .commentsOn(issue)
    .filter((c) => c.user === BOT)
    .at(-1)?.body ?? '';

beforeEach(async () => {
  gh = new FakeGitHub('acme', 'shop');
  gh.addUser({ login: BOT, type: 'Bot', role: 'write' }, 'bot-token');
  gh.addUser({ login: 'alice', role: 'admin' });
  gh.addUser({ login: 'bob', role: 'read' }); // listed in approvers, but only read permission
  gh.addUser({ login: 'mallory', role: 'write' }); // write permission, not an approver
  gh.addUser({ login: 'carol', role: 'maintain' }); // approver through the team
  gh.addUser({ login: 'dave', role: 'write' }); // pending team invitation only
  gh.addTeam('acme/release-managers', { carol: 'active', dave: 'pending' });
  const v0 = gh.addCommit('initial', 'alice');
  v1 = gh.addCommit('feat: orders', 'alice');
  gh.addCommit('fix: totals <!-- deploy-kit:release {"tag":"evil"} -->', 'mallory');
  v2 = gh.addCommit('feat: invoices @everyone', 'alice');
  gh.tag('v1.0.0', v1);
  gh.tag('v1.1.0', v2, true); // annotated: the ref points at a tag object
  gh.addDeployment({ sha: v0, environment: 'production', states: ['inactive'] });
  gh.addDeployment({ sha: v1, environment: 'production', states: ['success'], payload: { tag: 'v1.0.0' } });
  gh.addDeployment({ sha: v2, environment: 'staging', states: ['success'] });
  await gh.start();
});

afterEach(async () => {
  await gh.stop();
});

describe('parsing', () => {
  it('reads /approve and /deny reason, nothing else', () => {
    expect(parseCommand('/approve')).toEqual({ kind: 'approve' });
    expect(parseCommand('  /Approve  \nlooks good')).toEqual({ kind: 'approve' });
    expect(parseCommand('/deny the migration locks orders')).toEqual({
      kind: 'deny',
      reason: 'the migration locks orders',
    });
    expect(parseCommand('/approved')).toBeUndefined();
    expect(parseCommand('I /approve')).toBeUndefined();
    expect(parseCommand('> /approve')).toBeUndefined();
  });

  it('round-trips the record and refuses a marker that could close the HTML comment', () => {
    const record = { tag: 'v1-->x<b>', sha: 'a'.repeat(40), environment: 'production', state: 'pending' as const };
    const marker = formatMarker(record);
    expect(marker.slice(4, -3)).not.toContain('-->');
    expect(parseMarker(`text\n\n${marker}\n`)).toEqual(record);
    expect(parseMarker(`${marker}\ntrailing text`)).toBeUndefined();
    expect(parseMarker(withRecord(`body\n${marker}`, { ...record, state: 'denied' }))?.state).toBe('denied');
  });

  it('parses approvers as users and org/teams', () => {
    expect(parseApprover('@alice')).toEqual({ kind: 'user', login: 'alice' });
    expect(parseApprover('acme/Release-Managers')).toEqual({ kind: 'team', org: 'acme', slug: 'release-managers' });
    expect(parseApprover('not a login!')).toBe('not a login!');
  });
});

describe('open', () => {
  it('without a plan (no database secret before the approval): lists the migration files changed since production', async () => {
    const v3 = gh.addCommit('feat: refunds', 'alice', [
      { filename: 'migrations/004_add_refunds.sql', status: 'added' },
      { filename: 'migrations/002_orders.sql', status: 'modified' },
      { filename: 'src/refunds.ts', status: 'added' },
    ]);
    gh.tag('v1.2.0', v3);
    const run = gh.addRun({
      id: nextRun++,
      path: WORKFLOW,
      event: 'push',
      head_branch: 'v1.2.0',
      head_sha: v3,
      actor: 'pusher',
    });
    const opened = await openReleaseIssue(client(), repo, {
      runId: run.id,
      tag: 'v1.2.0',
      sha: v3,
      environment: 'production',
      approvers,
      plan: '',
      migrationsDirectory: './migrations',
      label: 'release-approval',
      serverUrl: 'https://github.com',
    });
    const body = gh.issue(opened.issueNumber)?.body ?? '';
    const section = body.slice(body.indexOf('### Pending migrations'), body.indexOf('### How to approve'));
    expect(section).toContain('Files in `migrations/` changed since the commit production runs');
    expect(section).toContain('- `migrations/004_add_refunds.sql` (added)');
    expect(section).toContain('- `migrations/002_orders.sql` (modified)');
    expect(section).not.toContain('src/refunds.ts');
    expect(section).toContain('refuses to apply any migration not listed here');
    // What the approver saw goes in the record the claim hands to migrate (approved-migrations).
    expect(parseMarker(body)?.migrations).toEqual(['migrations/004_add_refunds.sql', 'migrations/002_orders.sql']);
  });

  it('opens one issue per tag with the commit, the changes since production, the plan and how to approve', async () => {
    const first = await openFor();
    expect(first).toMatchObject({ action: 'created', state: 'pending', commitCount: 2 });
    const issue = gh.issue(first.issueNumber);
    expect(issue?.title).toBe('Release v1.1.0 to production');
    expect(issue?.labels).toEqual(['release-approval']);
    expect(issue?.user).toBe(BOT);
    const body = issue?.body ?? '';
    expect(body).toContain(v2.slice(0, 7));
    expect(body).toContain(`in production now | [\`${v1.slice(0, 7)}\``);
    expect(body).toContain('Changes since the release in production (2 commits)');
    expect(body).toContain('003_add_orders.sql');
    expect(body).toContain('@alice, @bob, @acme/release-managers');
    expect(body).toContain('`/approve`');
    // Untrusted commit text cannot forge a record or ping everyone.
    expect(body).toContain('&lt;!-- deploy-kit:release');
    expect(body).not.toContain('@everyone');
    expect(parseMarker(body)).toEqual({
      tag: 'v1.1.0',
      sha: v2,
      environment: 'production',
      state: 'pending',
      run: expect.any(Number),
    });

    const again = await openFor();
    expect(again).toMatchObject({ action: 'updated', issueNumber: first.issueNumber });
    expect(gh.issues).toHaveLength(1);
    expect(gh.labels.get('release-approval')).toBeDefined();
  });

  it('says so when the tag moved since the issue opened, and describes the new commit', async () => {
    const first = await openFor();
    const v3 = gh.addCommit('fix: hotfix', 'alice');
    gh.tag('v1.1.0', v3, true);
    await openFor('v1.1.0', v3);
    expect(parseMarker(gh.issue(first.issueNumber)?.body)?.sha).toBe(v3);
    expect(lastReply(first.issueNumber)).toContain(`now points at ${v3.slice(0, 7)}`);
  });

  it("counts the kit's release records, not GitHub's per-job deployments of the comment run's commit", async () => {
    const kitRelease = gh.addDeployment({
      sha: v1,
      environment: 'production',
      states: ['success'],
      payload: { tag: 'v1.0.0', issue: 99 },
    });
    const head = gh.commits.at(-1)?.sha ?? '';
    gh.addDeployment({ sha: head, environment: 'production', states: ['success'] }); // GitHub's, for the issue_comment run on main
    const result = await openFor();
    expect(kitRelease.id).toBeGreaterThan(0);
    expect(gh.issue(result.issueNumber)?.body).toContain(`in production now | [\`${v1.slice(0, 7)}\``);
    expect(result.commitCount).toBe(2);
  });

  it('on a first release says there is nothing in production yet', async () => {
    gh.deployments.length = 0;
    const result = await openFor();
    expect(gh.issue(result.issueNumber)?.body).toContain('nothing yet: this is the first release');
  });
});

describe('check', () => {
  it('an approver with write permission approves: a Deployment is created, the record and issue say so', async () => {
    const { issueNumber } = await openFor();
    const decision = await comment('alice', issueNumber, '/approve');
    expect(decision).toMatchObject({ decision: 'approved', by: 'alice', issueNumber });
    if (decision.decision !== 'approved') throw new Error('unreachable');
    const deployment = gh.deployments.find((d) => d.id === decision.deploymentId);
    expect(deployment).toMatchObject({
      sha: v2,
      environment: 'production',
      payload: { tag: 'v1.1.0', issue: issueNumber },
    });
    expect(deployment?.statuses[0]?.state).toBe('queued');
    const created = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/deployments'));
    expect(created?.body).toMatchObject({ auto_merge: false, required_contexts: [] });
    expect(parseMarker(gh.issue(issueNumber)?.body)).toMatchObject({ state: 'approved', decidedBy: 'alice' });
    expect(lastReply(issueNumber)).toContain('Approved by @alice');
  });

  it('a team member approves through the team membership API', async () => {
    const { issueNumber } = await openFor();
    expect((await comment('carol', issueNumber, '/approve')).decision).toBe('approved');
    expect(gh.requests.some((r) => r.path === '/orgs/acme/teams/release-managers/memberships/carol')).toBe(true);
  });

  it.each([
    ['a non-approver with write permission', 'mallory', /@mallory is not in approvers/],
    ['an approver without write permission', 'bob', /has read permission .* needs write or higher/],
    ['a pending (not active) team member', 'dave', /@dave is not in approvers/],
    ['an unknown user', 'eve', /is not in approvers/],
  ])('refuses %s and says why on the issue', async (_case, user, why) => {
    const { issueNumber } = await openFor();
    const decision = await comment(user, issueNumber, '/approve');
    expect(decision.decision).toBe('refused');
    expect(decision.reason).toMatch(why);
    expect(lastReply(issueNumber)).toMatch(why);
    expect(gh.deployments.filter((d) => d.environment === 'production')).toHaveLength(2);
    expect(parseMarker(gh.issue(issueNumber)?.body)?.state).toBe('pending');
  });

  it('says when the token cannot read a team, instead of pretending the user is not in it', async () => {
    gh.hiddenTeams.add('acme/release-managers');
    const { issueNumber } = await openFor();
    const decision = await comment('carol', issueNumber, '/approve');
    expect(decision.reason).toMatch(/cannot read the membership of @\u200bacme\/release-managers/);
  });

  it('ignores an edited comment and says so', async () => {
    const { issueNumber } = await openFor();
    const decision = await comment('alice', issueNumber, '/approve', 'edited');
    expect(decision.decision).toBe('refused');
    expect(lastReply(issueNumber)).toMatch(/edited comments are not read/);
    expect(parseMarker(gh.issue(issueNumber)?.body)?.state).toBe('pending');
  });

  it('refuses /approve on an unrelated issue, on a copied marker, and on a pull request', async () => {
    await openFor();
    const unrelated = gh.openIssue('mallory', 'Bug', 'the cart is broken');
    expect((await comment('alice', unrelated, '/approve')).reason).toMatch(/not a release issue deploy-kit opened/);
    const forged = gh.openIssue(
      'mallory',
      'Release v1.1.0 to production',
      `fake\n\n${formatMarker({ tag: 'v1.1.0', sha: v2, environment: 'production', state: 'pending' })}`,
    );
    expect((await comment('alice', forged, '/approve')).reason).toMatch(/not a release issue deploy-kit opened/);
    const pr = gh.openIssue('mallory', 'PR', 'x', { pullRequest: true });
    const event = gh.commentEvent('alice', pr, '/approve');
    expect((await checkComment(client(), repo, event, options)).reason).toMatch(/pull request/);
    expect(gh.deployments.filter((d) => d.environment === 'production')).toHaveLength(2);
  });

  it('refuses when the tag moved after the issue opened, or was deleted', async () => {
    const { issueNumber } = await openFor();
    const v3 = gh.addCommit('sneaky', 'mallory');
    gh.tag('v1.1.0', v3);
    const moved = await comment('alice', issueNumber, '/approve');
    expect(moved.reason).toMatch(new RegExp(`now points at ${v3.slice(0, 7)}, not at ${v2.slice(0, 7)}`));
    gh.tags.delete('v1.1.0');
    expect((await comment('alice', issueNumber, '/approve')).reason).toMatch(/no longer exists/);
    expect(gh.deployments.filter((d) => d.environment === 'production')).toHaveLength(2);
  });

  it('refuses a double approval: one deployment only', async () => {
    const { issueNumber } = await openFor();
    expect((await comment('alice', issueNumber, '/approve')).decision).toBe('approved');
    const second = await comment('carol', issueNumber, '/approve');
    expect(second.decision).toBe('refused');
    expect(second.reason).toMatch(/already approved by @alice/);
    expect(gh.deployments.filter((d) => d.environment === 'production')).toHaveLength(3);
  });

  it('two approvals checked at the same moment deploy once: the older deployment wins', async () => {
    const { issueNumber } = await openFor();
    gh.addUser({ login: 'frank', role: 'admin' });
    // Both direct approvers: the two checks make the same requests in lock step.
    const both = { ...options, approvers: [...approvers, { kind: 'user' as const, login: 'frank' }] };
    const results = await Promise.all([
      checkComment(client(), repo, gh.commentEvent('alice', issueNumber, '/approve'), both),
      checkComment(client(), repo, gh.commentEvent('frank', issueNumber, '/approve'), both),
    ]);
    expect(results.map((r) => r.decision).sort()).toEqual(['approved', 'refused']);
    const kit = gh.deployments.filter((d) => (d.payload as { issue?: number }).issue === issueNumber);
    const live = kit.filter((d) => d.statuses[0]?.state !== 'error');
    expect(live).toHaveLength(1);
    const approved = results.find((r) => r.decision === 'approved');
    expect(approved && 'deploymentId' in approved && approved.deploymentId).toBe(live[0]?.id);
  });

  it('refuses a second approval even if the record update was lost (finds the Deployment)', async () => {
    const { issueNumber } = await openFor();
    await comment('alice', issueNumber, '/approve');
    const issue = gh.issue(issueNumber);
    if (issue) issue.body = withRecord(issue.body ?? '', { ...parseMarker(issue.body)!, state: 'pending' });
    const second = await comment('carol', issueNumber, '/approve');
    expect(second.reason).toMatch(/already has deployment \d+ from an earlier approval/);
  });

  it('/deny records the reason and closes the issue; approval after denial is refused', async () => {
    const { issueNumber } = await openFor();
    const denied = await comment('alice', issueNumber, '/deny the orders migration needs a maintenance window');
    expect(denied).toMatchObject({ decision: 'denied', reason: 'the orders migration needs a maintenance window' });
    expect(gh.issue(issueNumber)).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    const after = await comment('carol', issueNumber, '/approve');
    expect(after.decision).toBe('refused');
    expect(after.reason).toMatch(/already denied by @alice/);
    expect(gh.deployments.filter((d) => d.environment === 'production')).toHaveLength(2);
    // Reopening the issue by hand does not revive it either.
    const issue = gh.issue(issueNumber);
    if (issue) issue.state = 'open';
    expect((await comment('carol', issueNumber, '/approve')).reason).toMatch(/already denied/);
  });

  it('a non-approver cannot deny either', async () => {
    const { issueNumber } = await openFor();
    expect((await comment('mallory', issueNumber, '/deny no')).decision).toBe('refused');
    expect(gh.issue(issueNumber)?.state).toBe('open');
  });

  it('ignores ordinary comments and the kit’s own replies without answering', async () => {
    const { issueNumber } = await openFor();
    expect((await comment('mallory', issueNumber, 'lgtm')).decision).toBe('ignored');
    expect((await comment(BOT, issueNumber, '/approve')).decision).toBe('ignored');
    // Only the bot's own test comment above; no reply was posted through the API.
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments'))).toHaveLength(0);
  });
});

describe('report', () => {
  it('posts a success with URL and timing, closes the issue, and marks the Deployment successful', async () => {
    const { issueNumber } = await openFor();
    const decision = await comment('alice', issueNumber, '/approve');
    if (decision.decision !== 'approved') throw new Error('not approved');
    const approvedAt = Date.parse(parseMarker(gh.issue(issueNumber)?.body)?.decidedAt ?? '');
    const result = await reportOutcome(client(), repo, {
      issueNumber,
      outcome: 'success',
      environmentUrl: 'https://shop.example.com',
      rolledBack: false,
      now: () => new Date(approvedAt + 154_000),
    });
    expect(result).toMatchObject({ state: 'deployed', deploymentId: decision.deploymentId, durationMs: 154_000 });
    expect(lastReply(issueNumber)).toMatch(
      /Deployed v1\.1\.0 .* 2m 34s after the approval\. Live at https:\/\/shop\.example\.com/,
    );
    expect(gh.issue(issueNumber)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    const deployment = gh.deployments.find((d) => d.id === decision.deploymentId);
    expect(deployment?.statuses[0]).toMatchObject({ state: 'success', environment_url: 'https://shop.example.com' });
    // The previous production release went inactive, as GitHub does with auto_inactive.
    expect(gh.deployments.find((d) => d.sha === v1 && d.environment === 'production')?.statuses[0]?.state).toBe(
      'inactive',
    );
    // Approving the closed, deployed release again does nothing.
    expect((await comment('alice', issueNumber, '/approve')).reason).toMatch(/already deployed/);
  });

  it('posts a failure with the rollback, and the Deployment records failure', async () => {
    const { issueNumber } = await openFor();
    const decision = await comment('alice', issueNumber, '/approve');
    if (decision.decision !== 'approved') throw new Error('not approved');
    const result = await reportOutcome(client(), repo, {
      issueNumber,
      outcome: 'failure',
      rolledBack: true,
      details: 'smoke test: /health answered 503',
    });
    expect(result.state).toBe('failed');
    expect(lastReply(issueNumber)).toMatch(
      /failed .* rolled back: production runs the previous release again\. Details: smoke test/,
    );
    expect(gh.deployments.find((d) => d.id === decision.deploymentId)?.statuses[0]?.state).toBe('failure');
    expect(gh.issue(issueNumber)).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
  });

  it('refuses to report on a release that was never approved', async () => {
    const { issueNumber } = await openFor();
    await expect(reportOutcome(client(), repo, { issueNumber, outcome: 'success', rolledBack: false })).rejects.toThrow(
      /is pending, not approved/,
    );
  });
});
