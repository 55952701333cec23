/**
 * Sets up the `staging` and `production` environments deploy-kit's workflows deploy in,
 * through GitHub's REST API (what docs/environments.md describes for the web UI):
 *   production: required reviewers (+ prevent self-review), deployment tag rule `v*`;
 *   staging:    deployment branch rule `staging`;
 *   both:       environment secrets, sealed with the environment's public key.
 * Idempotent: run it again to change reviewers or rotate a secret. Production is done
 * first, so a plan without required reviewers stops the run before anything changed.
 * With `approval: 'comment'` production has no reviewers and deploys only from the default
 * branch, which is protected first (comment-mode.ts says why).
 *
 * REST endpoints (docs.github.com/en/rest, API 2022-11-28):
 *   GET  /users/{username}, GET /orgs/{org}/teams/{team_slug}        (reviewer ids)
 *   PUT  /repos/{o}/{r}/environments/{name}                          (create or update)
 *   GET, POST /repos/{o}/{r}/environments/{name}/deployment-branch-policies  (POST 303: exists)
 *   GET  /repos/{o}/{r}/environments/{name}/secrets/public-key
 *   PUT  /repos/{o}/{r}/environments/{name}/secrets/{secret_name}     (201 created, 204 updated)
 * The token needs repository administration (environments) and secrets write: a classic
 * token with `repo`, or a fine-grained one with Administration + Secrets read/write.
 */
import sodium from 'libsodium-wrappers';
import { ConfigurationError, KitError } from '../lib/errors.js';
import { GitHubApiError, REPOSITORY, githubClient, type GitHubClient } from '../github/rest.js';
import { onlyDefaultBranchPolicy, protectDefaultBranch } from './comment-mode.js';

export interface SetupOptions {
  /** owner/name */
  repository: string;
  token: string;
  /** Default https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl?: string;
  /** Who approves production: user logins, or `org/team-slug` for a team. 1 to 6 (none with comment approval). */
  reviewers: string[];
  /** `comment`: `/approve` comments approve, so production has no reviewers (see comment-mode.ts). */
  approval?: 'environment' | 'comment';
  preventSelfReview?: boolean;
  /** Minutes production waits after approval before the job starts (0–43200). */
  waitTimer?: number;
  stagingBranch?: string;
  productionTags?: string;
  /** Environment secrets to set, by environment: { staging: { DEPLOY_TOKEN: '…' }, … }. */
  secrets?: Partial<Record<'staging' | 'production', Record<string, string>>>;
  log?: (line: string) => void;
}

export interface SetupReport {
  environments: Array<{ name: string; rule: string; reviewers: string[] }>;
  secrets: Array<{ environment: string; name: string; action: 'created' | 'updated' }>;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** owner/name, or a ConfigurationError saying so (before any call). */
export function checkRepository(repository: string): void {
  if (!REPOSITORY.test(repository))
    throw new ConfigurationError(`repository "${repository}" is not owner/name (example: octo-org/app)`);
}

/** Checks everything that can be checked before a single call, so bad input changes nothing. */
export function validateSetup(options: SetupOptions): void {
  checkRepository(options.repository);
  if (!options.token)
    throw new ConfigurationError('a token is required: a repository admin token (classic: repo scope)');
  const least = options.approval === 'comment' ? 0 : 1;
  if (options.reviewers.length < least || options.reviewers.length > 6)
    throw new ConfigurationError(
      `production needs 1 to 6 reviewers (GitHub's limit), got ${options.reviewers.length}: they are the approval`,
    );
  for (const reviewer of options.reviewers)
    if (!/^[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/.test(reviewer))
      throw new ConfigurationError(`reviewer "${reviewer}" is not a user login or org/team-slug`);
  const wait = options.waitTimer ?? 0;
  if (!Number.isInteger(wait) || wait < 0 || wait > 43_200)
    throw new ConfigurationError(`wait timer ${wait} must be whole minutes from 0 to 43200 (30 days)`);
  for (const [environment, values] of Object.entries(options.secrets ?? {}))
    for (const [name, value] of Object.entries(values ?? {})) {
      if (!SECRET_NAME.test(name) || name.toUpperCase().startsWith('GITHUB_'))
        throw new ConfigurationError(
          `secret name "${name}" (${environment}) must be letters, digits and _, not starting with GITHUB_`,
        );
      if (!value) throw new ConfigurationError(`secret ${name} (${environment}) is empty`);
    }
}

async function resolveReviewer(client: GitHubClient, reviewer: string): Promise<{ type: 'User' | 'Team'; id: number }> {
  const [org, team] = reviewer.split('/');
  try {
    if (team) {
      const { data } = await client.request<{ id: number }>('GET', `/orgs/${org}/teams/${team}`);
      return { type: 'Team', id: data.id };
    }
    const { data } = await client.request<{ id: number }>('GET', `/users/${reviewer}`);
    return { type: 'User', id: data.id };
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 404)
      throw new ConfigurationError(
        `reviewer "${reviewer}" was not found: ${team ? 'no such team in ' + org : 'no such user'}`,
      );
    throw error;
  }
}

async function addPolicy(
  client: GitHubClient,
  repo: string,
  environment: string,
  name: string,
  type: 'branch' | 'tag',
) {
  const path = `/repos/${repo}/environments/${environment}/deployment-branch-policies`;
  const { data } = await client.request<{ branch_policies: Array<{ name: string; type?: string }> }>(
    'GET',
    `${path}?per_page=100`,
  );
  if (data.branch_policies.some((p) => p.name === name && (p.type ?? 'branch') === type)) return;
  try {
    await client.request('POST', path, { name, type });
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 303) return; // created meanwhile: already there
    throw error;
  }
}

/** libsodium's sealed box (X25519 + XSalsa20-Poly1305), as GitHub's secrets API requires. */
export async function sealSecret(value: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready;
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), key), sodium.base64_variants.ORIGINAL);
}

export async function setupEnvironments(options: SetupOptions): Promise<SetupReport> {
  validateSetup(options);
  const log = options.log ?? (() => {});
  const repo = options.repository;
  const client = githubClient({ token: options.token, apiUrl: options.apiUrl ?? 'https://api.github.com', log });
  const staging = options.stagingBranch ?? 'staging';
  const tags = options.productionTags ?? 'v*';
  const custom = { protected_branches: false, custom_branch_policies: true };
  const report: SetupReport = { environments: [], secrets: [] };

  const reviewers = [];
  for (const reviewer of options.reviewers) reviewers.push(await resolveReviewer(client, reviewer));

  if (options.approval === 'comment') {
    // The branch first: when it cannot be protected, nothing has changed.
    const branch = await protectDefaultBranch(client, repo, log);
    await client.request('PUT', `/repos/${repo}/environments/production`, {
      wait_timer: options.waitTimer ?? 0,
      ...(reviewers.length ? { reviewers, prevent_self_review: options.preventSelfReview ?? true } : {}),
      deployment_branch_policy: custom,
    });
    await onlyDefaultBranchPolicy(client, repo, branch);
    log(`production: approved by /approve comments; deploys only from the protected ${branch} branch`);
    report.environments.push({ name: 'production', rule: `branch ${branch}`, reviewers: options.reviewers });
  } else {
    try {
      await client.request('PUT', `/repos/${repo}/environments/production`, {
        wait_timer: options.waitTimer ?? 0,
        prevent_self_review: options.preventSelfReview ?? true,
        reviewers,
        deployment_branch_policy: custom,
      });
    } catch (error) {
      if (
        error instanceof GitHubApiError &&
        error.status === 422 &&
        /billing plan|required reviewers/i.test(error.message)
      )
        throw new KitError(
          `GitHub refused required reviewers for ${repo}: on GitHub Free, Pro and Team they work only in public repositories (private ones need GitHub Enterprise). Nothing was changed. Without reviewers nothing would wait for an approval: see docs/environments.md, "Which plans have required reviewers".`,
        );
      throw error;
    }
    await addPolicy(client, repo, 'production', tags, 'tag');
    log(`production: ${options.reviewers.join(', ')} approve; deploys only from tags ${tags}`);
    report.environments.push({ name: 'production', rule: `tag ${tags}`, reviewers: options.reviewers });
  }

  await client.request('PUT', `/repos/${repo}/environments/staging`, { deployment_branch_policy: custom });
  await addPolicy(client, repo, 'staging', staging, 'branch');
  log(`staging: deploys only from the ${staging} branch`);
  report.environments.push({ name: 'staging', rule: `branch ${staging}`, reviewers: [] });

  for (const environment of ['production', 'staging'] as const) {
    const values = options.secrets?.[environment] ?? {};
    if (!Object.keys(values).length) continue;
    const { data: key } = await client.request<{ key: string; key_id: string }>(
      'GET',
      `/repos/${repo}/environments/${environment}/secrets/public-key`,
    );
    for (const [name, value] of Object.entries(values)) {
      const { status } = await client.request('PUT', `/repos/${repo}/environments/${environment}/secrets/${name}`, {
        encrypted_value: await sealSecret(value, key.key),
        key_id: key.key_id,
      });
      const action = status === 201 ? 'created' : 'updated';
      log(`${environment}: secret ${name} ${action}`);
      report.secrets.push({ environment, name, action });
    }
  }
  return report;
}
