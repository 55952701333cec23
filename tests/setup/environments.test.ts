import { describe, it, expect, beforeAll } from '@jest/globals';
import sodium from 'libsodium-wrappers';
import { setupEnvironments } from '../../src/setup/environments.js';
import { ConfigurationError, KitError } from '../../src/lib/errors.js';
import { useFakeGitHub } from '../harness/fake-github.js';

const REPO = 'octo-org/app';
const TOKEN = 'ghp_admintoken000000000000000000000000';
const SECRETS = {
  staging: { DEPLOY_TOKEN: 'staging-token-value-123', DATABASE_URL: 'postgres://app:st4ging@db/app' },
  production: { DEPLOY_TOKEN: 'production-token-value-456', DATABASE_URL: 'postgres://app:pr0d@db/app' },
};

let keyPair: { publicKey: Uint8Array; privateKey: Uint8Array };
beforeAll(async () => {
  await sodium.ready;
  keyPair = sodium.crypto_box_keypair();
  github.publicKey = {
    key: sodium.to_base64(keyPair.publicKey, sodium.base64_variants.ORIGINAL),
    key_id: '568250167242549743',
  };
});
const github = useFakeGitHub((github) => {
  github.addToken(TOKEN, ['administration:write', 'secrets:read', 'secrets:write']);
  github.addUser({ login: 'alice', id: 501 });
  github.addTeam('octo-org/release-managers', {}, 77);
  github.repo(REPO);
});

/** What GitHub would hold: the sealed value, opened with the environment's private key. */
const stored = (environment: string, name: string) => {
  const sealed = github.repo(REPO).secrets.get(environment)?.get(name)?.encrypted_value ?? '';
  const opened = sodium.crypto_box_seal_open(
    sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
    keyPair.publicKey,
    keyPair.privateKey,
  );
  return sodium.to_string(opened);
};

const setup = (extra: Partial<Parameters<typeof setupEnvironments>[0]> = {}) =>
  setupEnvironments({
    repository: REPO,
    token: TOKEN,
    apiUrl: github.url,
    reviewers: ['alice', 'octo-org/release-managers'],
    secrets: SECRETS,
    ...extra,
  });

describe('setupEnvironments (against a fake GitHub REST API)', () => {
  it('creates production with reviewers and a v* tag rule, staging with a staging branch rule, and sealed secrets', async () => {
    const lines: string[] = [];
    const report = await setup({ log: (l) => lines.push(l) });
    const repo = github.repo(REPO);
    const production = repo.environments.get('production');
    expect(production).toMatchObject({
      reviewers: [
        { type: 'User', id: 501 },
        { type: 'Team', id: 77 },
      ],
      prevent_self_review: true,
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    expect(production?.branch_policies).toEqual([expect.objectContaining({ name: 'v*', type: 'tag' })]);
    expect(repo.environments.get('staging')?.branch_policies).toEqual([
      expect.objectContaining({ name: 'staging', type: 'branch' }),
    ]);
    expect(repo.environments.get('staging')?.reviewers).toEqual([]);
    for (const [environment, values] of Object.entries(SECRETS))
      for (const [name, value] of Object.entries(values)) expect(stored(environment, name)).toBe(value);
    expect(report.secrets.map((s) => s.action)).toEqual(['created', 'created', 'created', 'created']);
    // No secret value ever travelled or was logged in the clear.
    const wire = JSON.stringify(github.requests) + lines.join('\n');
    for (const values of Object.values(SECRETS))
      for (const value of Object.values(values)) expect(wire).not.toContain(value);
    // Production first: a plan without reviewers stops before anything else changes.
    expect(github.requests.filter((r) => r.method === 'PUT').map((r) => r.path)[0]).toBe(
      `/repos/${REPO}/environments/production`,
    );
  });

  it('runs again without error: existing rules are kept, secrets are rotated', async () => {
    await setup();
    const report = await setup({ secrets: { production: { DEPLOY_TOKEN: 'rotated-value-789' } } });
    expect(report.secrets).toEqual([{ environment: 'production', name: 'DEPLOY_TOKEN', action: 'updated' }]);
    expect(stored('production', 'DEPLOY_TOKEN')).toBe('rotated-value-789');
    expect(github.repo(REPO).environments.get('production')?.branch_policies).toHaveLength(1);
  });

  it('a plan without required reviewers: says so, and nothing was changed', async () => {
    github.repo(REPO).noReviewers = true;
    const failure = await setup().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KitError);
    expect(String(failure)).toContain('on GitHub Free, Pro and Team they work only in public repositories');
    expect(github.repo(REPO).environments.size).toBe(0);
    expect(github.repo(REPO).secrets.size).toBe(0);
  });

  it('an unknown reviewer or bad input fails before anything is changed', async () => {
    await expect(setup({ reviewers: ['nobody-here'] })).rejects.toThrow('reviewer "nobody-here" was not found');
    await expect(setup({ reviewers: [] })).rejects.toThrow(ConfigurationError);
    await expect(setup({ repository: 'not a repo' })).rejects.toThrow('is not owner/name');
    await expect(setup({ secrets: { staging: { GITHUB_TOKEN: 'x' } } })).rejects.toThrow('not starting with GITHUB_');
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a token without admin rights gets a message that names the missing permission', async () => {
    github.addToken(TOKEN, []);
    await expect(setup()).rejects.toThrow(/lacks a permission \(403 Resource not accessible by integration\)/);
  });
});
