/**
 * `approval: comment` is safe only when nothing but reviewed code can reach the
 * `production` environment (issue 16). GitHub enforces no protection rule on those runs,
 * so without branch rules a pushed branch or `v*` tag could run its own workflow against
 * `production` and read its secrets. With comment approval:
 *   - `production` deploys only from the default branch (the `/approve` comment's
 *     issue_comment run always runs there): one custom branch policy, nothing else;
 *   - the default branch is protected: a pull request with an approving review before
 *     anything lands on it, no force pushes, no deletion (classic branch protection, or
 *     a ruleset's pull_request rule).
 *
 * REST endpoints (docs.github.com/en/rest, API 2022-11-28; shapes as @octokit/openapi-types
 * "repos/get-branch-protection", "repos/update-branch-protection", "repos/get-branch-rules",
 * "repos/delete-deployment-branch-policy"):
 *   GET  /repos/{o}/{r}                                     default_branch
 *   GET  /repos/{o}/{r}/branches/{branch}/protection         404 "Branch not protected";
 *                                                           403 where the plan has no protected branches
 *   PUT  /repos/{o}/{r}/branches/{branch}/protection         required_status_checks, enforce_admins,
 *                                                           required_pull_request_reviews, restrictions
 *   GET  /repos/{o}/{r}/rules/branches/{branch}              [{type: pull_request | deletion | …}]
 *   GET, DELETE /repos/{o}/{r}/environments/{name}/deployment-branch-policies[/{id}]
 */
import { KitError } from '../lib/errors.js';
import { GitHubApiError, type GitHubClient } from '../github/rest.js';

export interface CommentModeState {
  defaultBranch: string;
  /** Whether the default branch needs a reviewed pull request; undefined: cannot tell (no permission). */
  branchProtected?: boolean;
  /** Why not, in a sentence. */
  branchProblem?: string;
  /** production deploys only from the default branch. */
  productionOnlyDefaultBranch: boolean;
  productionRule: string;
}

interface ProtectionJson {
  required_pull_request_reviews?: { required_approving_review_count?: number };
  allow_force_pushes?: { enabled?: boolean };
  allow_deletions?: { enabled?: boolean };
}

interface Policies {
  branch_policies: Array<{ id: number; name: string; type?: string }>;
}

const encode = (value: string) => encodeURIComponent(value);

/** true, or why the default branch does not count as protected; undefined when the token may not read it. */
async function branchProtection(
  client: GitHubClient,
  repo: string,
  branch: string,
): Promise<{ protected?: boolean; problem?: string; unavailable?: boolean }> {
  let protection: ProtectionJson | undefined;
  let unavailable = false;
  try {
    protection = (await client.request<ProtectionJson>('GET', `/repos/${repo}/branches/${encode(branch)}/protection`))
      .data;
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    if (error.status === 403) unavailable = true;
    else if (error.status !== 404) throw error;
  }
  if (protection) {
    const reviews = protection.required_pull_request_reviews?.required_approving_review_count ?? 0;
    if (reviews < 1)
      return {
        protected: false,
        problem: `${branch} is protected but does not require an approving review of a pull request`,
      };
    if (protection.allow_force_pushes?.enabled)
      return { protected: false, problem: `${branch} is protected but allows force pushes` };
    return { protected: true };
  }
  // A ruleset protects the branch as well.
  try {
    const { data: rules } = await client.request<Array<{ type: string; parameters?: Record<string, unknown> }>>(
      'GET',
      `/repos/${repo}/rules/branches/${encode(branch)}`,
    );
    const pr = rules.find((r) => r.type === 'pull_request');
    if (pr && Number(pr.parameters?.required_approving_review_count ?? 0) >= 1) return { protected: true };
  } catch (error) {
    if (!(error instanceof GitHubApiError) || ![403, 404].includes(error.status)) throw error;
  }
  if (unavailable)
    return {
      unavailable: true,
      problem: `GitHub does not let this token read or set the protection of ${branch} (403): protected branches need a public repository or GitHub Pro, Team or Enterprise, and an admin token`,
    };
  return { protected: false, problem: `${branch} is not protected: anyone with write access can push to it` };
}

async function policies(client: GitHubClient, repo: string): Promise<Policies['branch_policies'] | undefined> {
  try {
    const path = `/repos/${repo}/environments/production/deployment-branch-policies?per_page=100`;
    return (await client.request<Policies>('GET', path)).data.branch_policies;
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 404) return undefined;
    throw error;
  }
}

const onlyDefault = (list: Policies['branch_policies'] | undefined, branch: string) =>
  list !== undefined && list.length === 1 && list[0]?.name === branch && (list[0]?.type ?? 'branch') === 'branch';

/** Reads what comment approval depends on; changes nothing. */
export async function checkCommentMode(client: GitHubClient, repo: string): Promise<CommentModeState> {
  const { data } = await client.request<{ default_branch: string }>('GET', `/repos/${repo}`);
  const branch = data.default_branch;
  const protection = await branchProtection(client, repo, branch);
  const list = await policies(client, repo);
  return {
    defaultBranch: branch,
    branchProtected: protection.unavailable ? undefined : protection.protected,
    branchProblem: protection.problem,
    productionOnlyDefaultBranch: onlyDefault(list, branch),
    productionRule:
      list === undefined
        ? 'production has no branch or tag rule: any branch or tag may deploy to it'
        : `production deploys from ${list.map((p) => `${p.type ?? 'branch'} ${p.name}`).join(', ') || 'nothing'}`,
  };
}

export function renderCommentMode(state: CommentModeState): string[] {
  return [
    `approval: comment needs production to deploy only from ${state.defaultBranch}: ${state.productionOnlyDefaultBranch ? 'yes' : `NO (${state.productionRule})`}.`,
    `approval: comment needs ${state.defaultBranch} protected (a reviewed pull request before anything lands): ${state.branchProtected ? 'yes' : state.branchProtected === false ? `NO (${state.branchProblem})` : `cannot tell (${state.branchProblem})`}.`,
  ];
}

/**
 * Protects the default branch when it is not protected yet (an existing protection that
 * falls short is reported, never overwritten: it may carry the repository's status checks).
 * Throws before the environment is touched when it cannot.
 */
export async function protectDefaultBranch(
  client: GitHubClient,
  repo: string,
  log: (line: string) => void,
): Promise<string> {
  const state = await checkCommentMode(client, repo);
  const branch = state.defaultBranch;
  if (state.branchProtected) return branch;
  if (state.branchProtected === undefined)
    throw new KitError(
      `approval: comment is not safe on ${repo}: ${state.branchProblem}. Nothing was changed. Without a protected ${branch}, code nobody reviewed could run the production job.`,
    );
  if (!/is not protected/.test(state.branchProblem ?? ''))
    throw new KitError(
      `approval: comment is not safe on ${repo}: ${state.branchProblem}. Nothing was changed: require a pull request with at least one approving review, and no force pushes, on ${branch} (Settings → Branches), then run setup again.`,
    );
  try {
    await client.request('PUT', `/repos/${repo}/branches/${encode(branch)}/protection`, {
      required_status_checks: null,
      enforce_admins: false,
      required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
      restrictions: null,
      allow_force_pushes: false,
      allow_deletions: false,
    });
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 403)
      throw new KitError(
        `approval: comment is not safe on ${repo}: GitHub refused to protect ${branch} (403 ${error.message}); protected branches need a public repository or GitHub Pro, Team or Enterprise. Nothing was changed.`,
      );
    throw error;
  }
  log(`${branch}: protected (a pull request with one approving review, no force pushes, no deletion)`);
  return branch;
}

/** Leaves the default branch as production's only deployment policy. */
export async function onlyDefaultBranchPolicy(client: GitHubClient, repo: string, branch: string): Promise<void> {
  const path = `/repos/${repo}/environments/production/deployment-branch-policies`;
  const list = (await policies(client, repo)) ?? [];
  for (const policy of list)
    if (policy.name !== branch || (policy.type ?? 'branch') !== 'branch')
      await client.request('DELETE', `${path}/${policy.id}`);
  if (!onlyDefault(await policies(client, repo), branch)) {
    try {
      await client.request('POST', path, { name: branch, type: 'branch' });
    } catch (error) {
      if (!(error instanceof GitHubApiError && error.status === 303)) throw error;
    }
  }
}
