/**
 * The compiled release-approval action (dist/) run as the GitHub runner runs it, against
 * the fake GitHub API: a tag push opens the issue, a comment approves, the job reports.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAction, expectSecretKept, makeRunnerFiles } from '../harness/runner.js';
import { FakeGitHub } from '../harness/fake-github.js';

const TOKEN = 'ghs_approvalTestToken0123456789';
const BOT = 'github-actions[bot]';
let gh: FakeGitHub;
let sha: string;

beforeAll(async () => {
  gh = new FakeGitHub('acme', 'shop');
  gh.addUser({ login: BOT, type: 'Bot', role: 'write' }, TOKEN);
  gh.addUser({ login: 'alice', role: 'admin' });
  gh.addUser({ login: 'mallory', role: 'write' });
  const base = gh.addCommit('initial');
  sha = gh.addCommit('feat: checkout');
  gh.tag('v2.0.0', sha);
  // The tag push's run (4242), which opens the issue; the check confirms it passed.
  gh.addRun({
    id: 4242,
    path: '.github/workflows/release.yml',
    event: 'push',
    head_branch: 'v2.0.0',
    head_sha: sha,
    actor: 'dan',
  });
  gh.addDeployment({ sha: base, environment: 'production', states: ['success'] });
  await gh.start();
});

afterAll(async () => {
  await gh.stop();
});

const env = (extra: Record<string, string> = {}) => ({
  GITHUB_API_URL: gh.url,
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '4242',
  GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/release.yml@refs/heads/main',
  ...extra,
});

function eventFile(payload: unknown): string {
  const file = path.join(makeRunnerFiles().dir, 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

describe('release-approval (compiled action)', () => {
  it('open → check (refused, then approved) → report, as three workflow steps', async () => {
    const opened = await runAction('release-approval', {
      inputs: {
        mode: 'open',
        token: TOKEN,
        approvers: 'alice',
        plan: '002_orders.sql',
        soak: 'live on staging for 26 h, no incident',
      },
      env: env({ GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_SHA: sha, GITHUB_EVENT_NAME: 'push' }),
    });
    expect(opened.exitCode).toBe(0);
    expect(opened.outputs).toMatchObject({ tag: 'v2.0.0', sha, state: 'pending', 'issue-number': '1' });
    expect(opened.summary).toContain('waiting for /approve');
    // The approver sees how long the commit has been live on staging (require-deployment's soak output).
    expect(opened.summary).toContain('Soak time: live on staging for 26 h, no incident.');
    expect(gh.issues.find((i) => i.number === 1)?.body).toContain(
      '| soak time | live on staging for 26 h, no incident |',
    );
    expectSecretKept(opened, TOKEN);

    const refused = await runAction('release-approval', {
      inputs: { mode: 'check', token: TOKEN, approvers: 'alice' },
      env: env({
        GITHUB_EVENT_NAME: 'issue_comment',
        GITHUB_EVENT_PATH: eventFile(gh.commentEvent('mallory', 1, '/approve')),
      }),
    });
    expect(refused.exitCode).toBe(0);
    expect(refused.outputs).toMatchObject({ approved: 'false', decision: 'refused', 'issue-number': '1' });
    expect(refused.outputs.reason).toMatch(/@mallory is not in approvers/);

    const approved = await runAction('release-approval', {
      inputs: { mode: 'check', token: TOKEN, approvers: 'alice' },
      env: env({
        GITHUB_EVENT_NAME: 'issue_comment',
        GITHUB_EVENT_PATH: eventFile(gh.commentEvent('alice', 1, '/approve')),
      }),
    });
    expect(approved.exitCode).toBe(0);
    expect(approved.outputs).toMatchObject({
      approved: 'true',
      decision: 'approved',
      sha,
      tag: 'v2.0.0',
      approver: 'alice',
    });
    expect(Number(approved.outputs['deployment-id'])).toBeGreaterThan(0);
    expectSecretKept(approved, TOKEN);
    expect(gh.commentsOn(1).at(-1)?.body).toContain('https://github.com/acme/shop/actions/runs/4242');

    const reported = await runAction('release-approval', {
      inputs: {
        mode: 'report',
        token: TOKEN,
        'issue-number': '1',
        outcome: 'success',
        'environment-url': 'https://shop.example.com',
      },
      env: env({ GITHUB_EVENT_NAME: 'issue_comment' }),
    });
    expect(reported.exitCode).toBe(0);
    expect(reported.outputs).toMatchObject({ state: 'deployed', 'deployment-id': approved.outputs['deployment-id'] });
    expect(gh.issue(1)?.state).toBe('closed');
  });

  it('fails before any request on bad input, naming the input', async () => {
    const before = gh.requests.length;
    const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
      [
        { mode: 'approve', token: TOKEN },
        {},
        /Input "mode" is invalid: "approve" is not one of open, check, claim, report/,
      ],
      [
        { mode: 'check', token: TOKEN, approvers: 'alice, not a login!' },
        {},
        /Input "approvers" is invalid: "login!" is not/,
      ],
      [
        { mode: 'open', token: TOKEN },
        { GITHUB_REF: 'refs/tags/v1', GITHUB_SHA: sha },
        /Input "approvers" is required for mode: open/,
      ],
      [
        { mode: 'open', token: TOKEN, approvers: 'alice' },
        { GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha },
        /Input "tag" is required/,
      ],
      [
        { mode: 'check', token: TOKEN, approvers: 'alice' },
        { GITHUB_EVENT_NAME: 'push' },
        /runs on the issue_comment event/,
      ],
      [{ mode: 'report', token: TOKEN, 'issue-number': '1' }, {}, /Input "outcome" is required for mode: report/],
    ];
    for (const [inputs, extra, message] of cases) {
      const run = await runAction('release-approval', { inputs, env: env(extra) });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message).join('\n')).toMatch(message);
      expect(run.log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    }
    expect(gh.requests.length).toBe(before);
  });

  it('a rejected token fails the step with GitHub’s message, token kept secret', async () => {
    const run = await runAction('release-approval', {
      inputs: { mode: 'open', token: 'ghs_wrongTokenValue123', approvers: 'alice' },
      env: env({ GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_SHA: sha }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/Bad credentials/);
    expectSecretKept(run, 'ghs_wrongTokenValue123');
  });
});
