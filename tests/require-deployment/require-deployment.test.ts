import { describe, it, expect } from '@jest/globals';
import { runAction, expectSecretKept } from '../harness/runner.js';
import { useFakeGitHub } from '../harness/fake-github.js';

const REPO = 'octo-org/app';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OTHER = 'ffffffffffffffffffffffffffffffffffffffff';
const TOKEN = 'ghs_faketoken1234567890abcdefghijkl';

const github = useFakeGitHub((github) => {
  github.addToken(TOKEN, ['deployments:read']);
  github.repo(REPO);
});

const run = (inputs: Record<string, string> = {}) =>
  runAction('require-deployment', {
    inputs: { token: TOKEN, 'api-url': github.url, ...inputs },
    env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: REPO, GITHUB_API_URL: undefined },
  });

describe('require-deployment (dist/, against a fake GitHub REST API)', () => {
  it('passes when the commit has a successful staging deployment, and says which', async () => {
    github.addDeployment({ repo: REPO, sha: OTHER, environment: 'staging', states: ['in_progress', 'success'] });
    const ok = github.addDeployment({
      repo: REPO,
      sha: SHA,
      ref: 'staging',
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
    github.addDeployment({ repo: REPO, sha: SHA, environment: 'staging', states: ['in_progress', 'failure'] });
    github.addDeployment({ repo: REPO, sha: SHA, environment: 'production', states: ['success'] });
    github.addDeployment({ repo: REPO, sha: OTHER, environment: 'staging', states: ['success'] });
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
    github.addDeployment({ repo: REPO, sha: SHA, environment: 'staging', states: ['success', 'failure'] });
    expect((await run()).exitCode).toBe(1);
    const older = github.addDeployment({ repo: REPO, sha: SHA, environment: 'staging', states: ['in_progress'] });
    expect((await run()).exitCode).toBe(1); // still running: not proven
    older.statuses.push({ id: 999_999, state: 'success', created_at: older.created_at });
    expect((await run()).outputs['deployment-id']).toBe(String(older.id));
  });

  it('follows Link rel="next" through more than one page of deployments', async () => {
    const good = github.addDeployment({ repo: REPO, sha: SHA, environment: 'staging', states: ['success'] });
    for (let i = 0; i < 105; i++)
      github.addDeployment({ repo: REPO, sha: SHA, environment: 'staging', states: ['failure'] });
    const result = await run();
    expect(result.exitCode).toBe(0);
    expect(result.outputs['deployment-id']).toBe(String(good.id));
    expect(
      github.requests.filter((r) => r.path === `/repos/${REPO}/deployments`).map((r) => r.query.page ?? '1'),
    ).toEqual(['1', '2']);
  });

  it('retries a transient 502 and then answers', async () => {
    github.addDeployment({ repo: REPO, sha: SHA, environment: 'staging', states: ['success'] });
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

    github.addToken(TOKEN, []);
    const forbidden = await run();
    expect(forbidden.exitCode).toBe(1);
    expect(forbidden.log).toContain('deployments: read');
    expectSecretKept(forbidden, TOKEN);
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
