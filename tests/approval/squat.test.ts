/**
 * Two Low findings of issue 16 on the approval flow: an issue someone else opened with the
 * kit's label and a copied record does not block (or stand in for) the release issue, and
 * a refusal's reply does not @-mention every approver (any commenter can trigger one).
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { FakeGitHub } from '../harness/fake-github.js';
import { githubClient } from '../../src/github/rest.js';
import { openReleaseIssue } from '../../src/approval/open.js';
import { checkComment } from '../../src/approval/check.js';
import { formatMarker } from '../../src/approval/release.js';

const BOT = 'github-actions[bot]';
const repo = { owner: 'acme', repo: 'shop' };
let gh: FakeGitHub;
let sha: string;
const client = () => githubClient({ token: 'bot-token', apiUrl: gh.url });

beforeEach(async () => {
  gh = new FakeGitHub('acme', 'shop');
  gh.addUser({ login: BOT, type: 'Bot', role: 'write' }, 'bot-token');
  gh.addUser({ login: 'mallory', role: 'triage' }, 'mallory-token');
  gh.addUser({ login: 'alice', role: 'admin' });
  sha = gh.addCommit('feat');
  gh.tag('v1.2.0', sha);
  await gh.start();
});
afterEach(async () => {
  await gh.stop();
});

const open = () =>
  openReleaseIssue(client(), repo, {
    tag: 'v1.2.0',
    sha,
    environment: 'production',
    approvers: [{ kind: 'user', login: 'alice' }],
    plan: '',
    label: 'release-approval',
    serverUrl: 'https://github.com',
    issueAuthor: BOT,
  });

it('a squatted issue with the label and a "denied" record does not block the release', async () => {
  const squat = (
    await githubClient({ token: 'mallory-token', apiUrl: gh.url }).request<{ number: number }>(
      'POST',
      '/repos/acme/shop/issues',
      {
        title: 'Release v1.2.0 to production',
        labels: ['release-approval'],
        body: `x\n\n${formatMarker({ tag: 'v1.2.0', sha, environment: 'production', state: 'denied' })}`,
      },
    )
  ).data.number;
  const result = await open();
  expect(result.action).toBe('created');
  expect(result.issueNumber).not.toBe(squat);
  expect(gh.issue(result.issueNumber)?.user).toBe(BOT);
});

it('a refusal names the approvers without @-mentioning them', async () => {
  const { issueNumber } = await open();
  const decision = await checkComment(client(), repo, gh.commentEvent('mallory', issueNumber, '/approve'), {
    approvers: [
      { kind: 'user', login: 'alice' },
      { kind: 'team', org: 'acme', slug: 'release-managers' },
    ],
    issueAuthor: BOT,
    environment: 'production',
    verify: { workflowPath: '.github/workflows/release.yml', allowSelfApproval: false },
  });
  expect(decision.decision).toBe('refused');
  const reply = gh.commentsOn(issueNumber).at(-1)?.body ?? '';
  expect(reply).toContain('@mallory');
  expect(reply).toContain('@\u200balice, @\u200bacme/release-managers');
  expect(reply).not.toMatch(/@alice|@acme\//);
});
