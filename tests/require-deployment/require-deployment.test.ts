import { describe, it, expect } from '@jest/globals';
import { runAction, expectSecretKept } from '../harness/runner.js';
import { useFakeGitHub } from '../support/fake-github.js';

const REPO = 'octo-org/app';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OTHER = 'ffffffffffffffffffffffffffffffffffffffff';
const TOKEN = 'ghs_faketoken1234567890abcdefghijkl';

const github = useFakeGitHub((github) => {
  github.tokens.set(TOKEN, new Set(['deployments:read', 'actions:read']));
  github.repo(REPO);
});

const run = (inputs: Record<string, string> = {}) =>
  runAction('require-deployment', {
    inputs: { token: TOKEN, 'api-url': github.url, ...inputs },
    env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: REPO, GITHUB_API_URL: undefined },
  });

describe('require-deployment (dist/, against a fake GitHub REST API)', () => {
  it('passes when the commit has a successful staging deployment, and says which', async () => {
    github.addDeployment(REPO, { sha: OTHER, environment: 'staging', states: ['in_progress', 'success'] });
    const ok = github.addDeployment(REPO, {
      sha: SHA,
      environment: 'staging',
      states: ['in_progress', 'success', 'inactive'], // replaced by a newer staging deploy since
      url: 'https://staging.example.com',
    });
    const result = await run();
    expect(result.exitCode).toBe(0);
    expect(result.outputs['deployment-id']).toBe(String(ok.id));
    expect(result.outputs['environment-url']).toBe('https://staging.example.com');
    expect(result.outputs.ref).toBe('staging');
    expect(result.summary).toContain('was deployed to **staging** successfully');
    const list = github.requests.find((r) => r.path === `/repos/${REPO}/deployments`);
    expect(list?.query).toMatchObject({ sha: SHA, environment: 'staging' });
    expect(list?.authorization).toBe(`Bearer ${TOKEN}`);
    expectSecretKept(result, TOKEN);
  });

  it('fails, before anything is deployed, when the commit only failed on staging or went elsewhere', async () => {
    github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['in_progress', 'failure'] });
    github.addDeployment(REPO, { sha: SHA, environment: 'production', states: ['success'] });
    github.addDeployment(REPO, { sha: OTHER, environment: 'staging', states: ['success'] });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.annotations.map((a) => a.message).join('\n')).toMatch(
      /Commit a1b2c3d4e5f6 has no successful deployment to the staging environment: its 1 deployment\(s\) there did not succeed \(failed\)\. Deploy this commit to staging first/,
    );
    expect(result.summary).toContain('no successful deployment');
    expect(result.summary).toContain('failure ← in_progress');
    expect(result.outputs['deployment-id']).toBeUndefined();
  });

  it('fails when the commit never reached the environment', async () => {
    const result = await run({ environment: 'qa' });
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain('it was never deployed there');
  });

  it('a success followed by a failure of the same deployment does not count; an older success does', async () => {
    github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['success', 'failure'] });
    expect((await run()).exitCode).toBe(1);
    const older = github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['in_progress'] });
    expect((await run()).exitCode).toBe(1); // still running: not proven
    // Its job then finishes: the success status (same job, same run), and the run succeeds.
    older.statuses.push({ ...(older.statuses[0] as (typeof older.statuses)[number]), id: 999_999, state: 'success' });
    for (const r of github.repo(REPO).runs?.values() ?? []) if (r.head_sha === SHA) r.conclusion = 'success';
    expect((await run()).outputs['deployment-id']).toBe(String(older.id));
  });

  it('follows Link rel="next" through more than one page of deployments', async () => {
    const good = github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['success'] });
    for (let i = 0; i < 105; i++) github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['failure'] });
    const result = await run();
    expect(result.exitCode).toBe(0);
    expect(result.outputs['deployment-id']).toBe(String(good.id));
    expect(
      github.requests.filter((r) => r.path === `/repos/${REPO}/deployments`).map((r) => r.query.page ?? '1'),
    ).toEqual(['1', '2']);
  });

  it('retries a transient 502 and then answers', async () => {
    github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['success'] });
    github.failNext = { count: 1, status: 502 };
    const result = await run();
    expect(result.exitCode).toBe(0);
    expect(result.log).toMatch(/502 Server Error; retry 1 in/);
  });

  it('a rejected token and a token without deployments: read get messages that say what to fix', async () => {
    const badToken = 'ghs_notavalidtoken000000000000000000';
    const rejected = await run({ token: badToken });
    expect(rejected.exitCode).toBe(1);
    expect(rejected.log).toContain('the token was rejected (401 Bad credentials)');
    expectSecretKept(rejected, badToken);

    github.tokens.set(TOKEN, new Set());
    const forbidden = await run();
    expect(forbidden.exitCode).toBe(1);
    expect(forbidden.log).toContain('deployments: read');
    expectSecretKept(forbidden, TOKEN);
  });

  it("accepts only the kit's own staging run's record: one made by hand through the API is refused, saying why", async () => {
    // A writer's personal token: POST …/deployments + a success status pointing at a real
    // successful staging run of another commit. GitHub records the writer as the creator.
    const real = github.addRun(REPO, { head_sha: OTHER });
    const forged = github.addDeployment(REPO, {
      sha: SHA,
      environment: 'staging',
      states: ['success'],
      creator: { login: 'mallory', type: 'User' },
      logUrl: `https://github.com/${REPO}/actions/runs/${real.id}`,
    });
    const refused = await run();
    expect(refused.exitCode).toBe(1);
    const message = refused.annotations.map((a) => a.message).join('\n');
    expect(message).toContain(
      `Refused as not made by a successful run of deploy-staging.yml on this commit: deployment ${forged.id} — made by mallory (User), not by a workflow run (github-actions[bot]): a record created through the API by hand.`,
    );
    expect(refused.summary).toContain('refused: made by mallory (User)');
    expect(refused.outputs['deployment-id']).toBeUndefined();
    // Nothing of the run was even asked for: the creator alone refuses it.
    expect(github.requests.some((r) => r.path.includes('/actions/runs/'))).toBe(false);

    // The kit's own record (the staging job's, github-actions[bot], its run succeeded) passes.
    const kit = github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['in_progress', 'success'] });
    const ok = await run();
    expect(ok.exitCode).toBe(0);
    expect(ok.outputs['deployment-id']).toBe(String(kit.id));
    const runId = /actions\/runs\/(\d+)/.exec(kit.statuses[1]?.log_url ?? '')?.[1];
    expect(github.requests.map((r) => r.path)).toContain(`/repos/${REPO}/actions/runs/${runId}`);
  });

  it.each([
    ['a run of another commit', { run: { head_sha: OTHER } }, /its run \d+ built ffffffffffff, not a1b2c3d4e5f6/],
    [
      'a run of a workflow that does not call deploy-staging.yml',
      { run: { path: '.github/workflows/make-record.yml', referenced_workflows: [] } },
      /its run \d+ is of \.github\/workflows\/make-record\.yml, which neither is nor calls deploy-staging\.yml/,
    ],
    ['a run that failed', { run: { conclusion: 'failure' } }, /its run \d+ has not succeeded \(conclusion failure\)/],
    ['no run at all', { run: false as const }, /its success status names no workflow run of octo-org\/app/],
    [
      "another repository's run",
      { logUrl: 'https://github.com/evil/app/actions/runs/5' },
      /names no workflow run of octo-org\/app \(log_url "https:\/\/github.com\/evil\/app\/actions\/runs\/5"\)/,
    ],
    [
      'a run that does not exist',
      { logUrl: `https://github.com/${REPO}/actions/runs/4242` },
      /run 4242 .*does not exist/,
    ],
    [
      "an app's token",
      { creator: { login: 'deployer[bot]', type: 'Bot' as const } },
      /made by deployer\[bot\] \(Bot\)/,
    ],
  ])('a github-actions[bot]-made record is still refused when it names %s', async (_what, record, reason) => {
    github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['success'], ...record });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.annotations.map((a) => a.message).join('\n')).toMatch(reason);
  });

  it('workflow names which workflow may have made it; * takes any successful run on the commit', async () => {
    github.addDeployment(REPO, {
      sha: SHA,
      environment: 'qa',
      states: ['success'],
      run: { path: '.github/workflows/qa.yml', referenced_workflows: [] },
    });
    expect((await run({ environment: 'qa' })).exitCode).toBe(1);
    expect((await run({ environment: 'qa', workflow: 'qa.yml' })).exitCode).toBe(0);
    expect((await run({ environment: 'qa', workflow: '*' })).exitCode).toBe(0);
    const bad = await run({ workflow: '../x' });
    expect(bad.log).toContain('Input "workflow" is invalid: not a workflow file name');
  });

  it('a token without actions: read is told to add it', async () => {
    github.tokens.set(TOKEN, new Set(['deployments:read']));
    github.addDeployment(REPO, { sha: SHA, environment: 'staging', states: ['success'] });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain('give the job `permissions: actions: read` (next to deployments: read)');
    expectSecretKept(result, TOKEN);
  });

  it('bad input fails before any request, naming the input', async () => {
    const badSha = await run({ sha: 'main' });
    expect(badSha.exitCode).toBe(1);
    expect(badSha.log).toContain('Input "sha" is invalid: not a full 40-character commit SHA');
    const noToken = await runAction('require-deployment', {
      inputs: { 'api-url': github.url },
      env: { GITHUB_SHA: SHA },
    });
    expect(noToken.log).toContain('Input "token" is required');
    expect(github.requests).toEqual([]);
  });
});
