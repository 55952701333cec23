/**
 * require-deployment's soak gate (`min-age`): checkSoak against the fake GitHub REST API with a
 * fixed clock, and the compiled action (dist/require-deployment) refusing and passing.
 */
import { describe, it, expect } from '@jest/globals';
import { githubClient } from '../../src/github/rest.js';
import { findSuccessfulDeployment } from '../../src/github/deployments.js';
import { checkSoak, humanDuration } from '../../src/actions/require-deployment/soak.js';
import { runAction } from '../harness/runner.js';
import { type FakeDeployment, useFakeGitHub } from '../support/fake-github.js';

const REPO = 'octo-org/app';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const NEXT = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const TOKEN = 'ghs_faketoken1234567890abcdefghijkl';
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const ago = (hours: number, now = NOW) => new Date(now - hours * HOUR).toISOString();

const github = useFakeGitHub((github) => {
  github.tokens.set(TOKEN, new Set(['deployments:read', 'actions:read']));
  github.repo(REPO);
});

/** A deployment whose statuses happened `hours` ago (latest last), as the job or the release recorded them. */
function deployed(sha: string, states: Array<[string, number, string?]>, now = NOW, payload?: unknown): FakeDeployment {
  const d = github.addDeployment(REPO, { sha, environment: 'staging', states: states.map(([s]) => s) });
  d.created_at = ago(states[0]?.[1] ?? 0, now);
  d.statuses.forEach((status, i) => {
    const [, hours, description] = states[i] as [string, number, string?];
    status.created_at = ago(hours, now);
    if (description) Object.assign(status, { description });
  });
  if (payload) Object.assign(d, { payload });
  return d;
}

async function soak(minAgeHours: number) {
  const client = githubClient({ token: TOKEN, apiUrl: github.url, attempts: 1 });
  const search = await findSuccessfulDeployment(client, { repository: REPO, sha: SHA, environment: 'staging' });
  if (!search.found) throw new Error('not found');
  return checkSoak(client, {
    repository: REPO,
    environment: 'staging',
    found: search.found,
    minAgeMs: minAgeHours * HOUR,
    now: NOW,
  });
}

describe('soak gate (checkSoak, fixed clock)', () => {
  it('live long enough with nothing failing: ok, says for how long', async () => {
    deployed(SHA, [
      ['in_progress', 26.2],
      ['success', 26],
    ]);
    const result = await soak(24);
    expect(result).toMatchObject({ ok: true, liveMs: 26 * HOUR, incidents: [], liveSince: ago(26) });
    expect(result.message).toBe('live on staging for 26 h, no incident');
  });

  it('too young: says how long it has been live and how long is left', async () => {
    deployed(SHA, [
      ['in_progress', 3.5],
      ['success', 3.2],
    ]);
    const result = await soak(24);
    expect(result.ok).toBe(false);
    expect(result.message).toBe(`live on staging for 3 h 12 min since ${ago(3.2)}; min-age is 24 h (another 20 h)`);
  });

  it('a later deployment that failed and was rolled back breaks the soak, and the answer names it', async () => {
    deployed(SHA, [
      ['in_progress', 30],
      ['success', 29],
    ]);
    const bad = deployed(
      NEXT,
      [
        ['in_progress', 10],
        ['failure', 9.9, "web's smoke test failed"],
        ['inactive', 9.8],
      ],
      NOW,
      { status: 'rolled-back' },
    );
    const result = await soak(24);
    expect(result.ok).toBe(false);
    expect(result.incidents).toHaveLength(1);
    expect(result.incidents[0]).toMatchObject({ state: 'failure', rolledBack: true });
    expect(result.message).toBe(
      `live on staging for 29 h, but deployment ${bad.id} (bbbbbbb) failed and was rolled back there at ${ago(9.9)}: "web's smoke test failed"; min-age 24 h needs no failed deployment or rollback since it went live`,
    );
  });

  it('replaced by a newer commit before min-age: live only until then; failures before it went live do not count', async () => {
    deployed(NEXT, [['failure', 50]]);
    deployed(SHA, [
      ['in_progress', 40],
      ['success', 39],
      ['inactive', 30],
    ]);
    const newer = deployed(NEXT, [
      ['in_progress', 30.5],
      ['success', 30],
    ]);
    const short = await soak(24);
    expect(short.ok).toBe(false);
    expect(short.liveMs).toBe(9 * HOUR);
    expect(short.replacedBy?.deployment.id).toBe(newer.id);
    expect(short.message).toMatch(
      new RegExp(`^live on staging for 9 h until deployment ${newer.id} \\(bbbbbbb\\) replaced it`),
    );
    expect((await soak(8)).ok).toBe(true);
    // A failure after it was replaced is not its incident.
    deployed(NEXT, [['error', 2]]);
    expect((await soak(8)).incidents).toEqual([]);
  });

  it('speaks in coarse units', () => {
    expect(humanDuration(15_000)).toBe('15 s');
    expect(humanDuration(42 * 60_000)).toBe('42 min');
    expect(humanDuration(3 * HOUR + 12 * 60_000)).toBe('3 h 12 min');
    expect(humanDuration(26 * HOUR + 5 * 60_000)).toBe('26 h');
    expect(humanDuration(74 * HOUR)).toBe('3 d 2 h');
  });
});

describe('require-deployment min-age (compiled action)', () => {
  const run = (inputs: Record<string, string>) =>
    runAction('require-deployment', {
      inputs: { token: TOKEN, 'api-url': github.url, ...inputs },
      env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: REPO, GITHUB_API_URL: undefined },
    });

  it('refuses a commit live for less than min-age, passes once it soaked, with live-ms and the summary line', async () => {
    const now = Date.now();
    const d = deployed(SHA, [['success', 2]], now);
    const young = await run({ 'min-age': '24h' });
    expect(young.exitCode).toBe(1);
    expect(young.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Commit a1b2c3d4e5f6 has not soaked on staging: live on staging for 2 h since .*; min-age is 24 h \(another 2[12] h/,
    );
    expect(young.summary).toContain('❌ Soak time: live on staging for 2 h');
    (d.statuses[0] as { created_at: string }).created_at = ago(26, now);
    const soaked = await run({ 'min-age': '24h' });
    expect(soaked.exitCode).toBe(0);
    expect(Number(soaked.outputs['live-ms'])).toBeGreaterThanOrEqual(26 * HOUR);
    expect(soaked.summary).toContain('✅ Soak time: live on staging for 26 h, no incident.');
    expect((await run({ 'min-age': 'a day' })).log).toContain('Input "min-age" is invalid');
  });
});
