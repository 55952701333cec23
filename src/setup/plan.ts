/**
 * Which approval mode a repository can use: `environment` (required reviewers on the
 * `production` environment) or `comment` (a `/approve` comment on the release issue).
 *
 * GitHub's rule (docs.github.com, "Deployments and environments", availability note;
 * data/reusables/gated-features/environments.md in github/docs): environments and their
 * protection rules are available in PUBLIC repositories on every plan; in PRIVATE or
 * INTERNAL repositories, environments and branch rules need Pro, Team or Enterprise, and
 * the other protection rules (required reviewers, wait timers) need GitHub Enterprise.
 * Internal repositories exist only in Enterprise accounts; personal accounts top out at Pro.
 *
 * Read-only REST calls (API 2022-11-28):
 *   GET /meta                             installed_version: only GitHub Enterprise Server has it
 *   GET /repos/{owner}/{repo}             visibility (public|private|internal), owner.type
 *   GET /orgs/{org}                       plan.name — shown only to the org's owners
 *                                         (admin:org) or an app with the Organization plan permission
 *   GET /user                             the token's own account, plan.name for its owner
 *   GET /repos/{o}/{r}/environments/production   protection_rules [{type: required_reviewers,
 *                                         reviewers: [{type, reviewer: {login | slug}}]}]; 404 when absent
 */
import { GitHubApiError, type GitHubClient } from '../github/rest.js';
import { type CommentModeState, checkCommentMode, renderCommentMode } from './comment-mode.js';
import { checkRepository } from './environments.js';

export type ApprovalMode = 'environment' | 'comment';

export interface PlanReport {
  repository: string;
  visibility: 'public' | 'private' | 'internal';
  owner: { login: string; type: 'User' | 'Organization' };
  /** The account's plan as GitHub reports it (free, pro, team, enterprise, …), when the token may see it. */
  plan?: string;
  /** GitHub Enterprise Server (its /meta names the installed version): every protection rule is there. */
  server?: string;
  /** Can the production environment hold required reviewers? undefined: could not tell. */
  reviewersAvailable?: boolean;
  /** Why, in a sentence for the user. */
  reason: string;
  production: { exists: boolean; reviewers: string[] };
  /** The mode to put in the production caller workflow. */
  recommended: ApprovalMode;
  /** With comment approval: is production limited to the protected default branch? */
  comment?: CommentModeState;
}

const ENTERPRISE_PLAN = /enterprise|business/i;

interface RepoJson {
  full_name: string;
  private: boolean;
  visibility?: 'public' | 'private' | 'internal';
  owner: { login: string; type: 'User' | 'Organization' };
}

interface EnvironmentJson {
  protection_rules?: Array<{
    type: string;
    reviewers?: Array<{ type: string; reviewer?: { login?: string; slug?: string } }>;
  }>;
}

async function optional<T>(call: () => Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await call()).data;
  } catch (error) {
    if (error instanceof GitHubApiError && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

async function accountPlan(client: GitHubClient, owner: RepoJson['owner']): Promise<string | undefined> {
  if (owner.type === 'Organization') {
    const org = await optional(() => client.request<{ plan?: { name?: string } }>('GET', `/orgs/${owner.login}`));
    return org?.plan?.name;
  }
  const me = await optional(() => client.request<{ login: string; plan?: { name?: string } }>('GET', '/user'));
  return me?.login.toLowerCase() === owner.login.toLowerCase() ? me.plan?.name : undefined;
}

/** What the repository's plan allows, and which approval mode to use; changes nothing. */
export async function checkApprovalPlan(client: GitHubClient, repository: string): Promise<PlanReport> {
  checkRepository(repository);
  const { data: repo } = await client.request<RepoJson>('GET', `/repos/${repository}`);
  const server = (await optional(() => client.request<{ installed_version?: string }>('GET', '/meta')))
    ?.installed_version;
  const visibility = repo.visibility ?? (repo.private ? 'private' : 'public');
  const plan = await accountPlan(client, repo.owner);
  const environment = await optional(() =>
    client.request<EnvironmentJson>('GET', `/repos/${repository}/environments/production`),
  );
  const reviewers = (environment?.protection_rules ?? [])
    .filter((rule) => rule.type === 'required_reviewers')
    .flatMap((rule) => rule.reviewers ?? [])
    .map((r) => r.reviewer?.login ?? (r.reviewer?.slug ? `${repo.owner.login}/${r.reviewer.slug}` : '?'));

  let reviewersAvailable: boolean | undefined;
  let reason: string;
  if (server) {
    reviewersAvailable = true;
    reason = `GitHub Enterprise Server ${server} has required reviewers in every repository.`;
  } else if (visibility === 'public') {
    reviewersAvailable = true;
    reason = 'Public repositories have required reviewers on every GitHub plan.';
  } else if (visibility === 'internal') {
    reviewersAvailable = true;
    reason = 'Internal repositories exist only on GitHub Enterprise, which has required reviewers.';
  } else if (reviewers.length) {
    reviewersAvailable = true;
    reason = 'The production environment already has required reviewers, so this plan has them.';
  } else if (plan) {
    reviewersAvailable = ENTERPRISE_PLAN.test(plan);
    reason = reviewersAvailable
      ? `The ${plan} plan has required reviewers in private repositories.`
      : `On the ${plan} plan required reviewers work only in public repositories; this one is private.`;
  } else if (repo.owner.type === 'User') {
    reviewersAvailable = false;
    reason =
      'A private repository of a personal account (GitHub Free or Pro): required reviewers work only in public repositories there.';
  } else {
    reason = `The plan of ${repo.owner.login} is shown only to its owners, and the production environment has no reviewers yet: if the organization is on GitHub Enterprise, "deploy-kit setup" adds them; on Free or Team it cannot.`;
  }
  const recommended: ApprovalMode = reviewersAvailable ? 'environment' : 'comment';
  return {
    repository: repo.full_name,
    visibility,
    owner: repo.owner,
    plan,
    server,
    reviewersAvailable,
    reason,
    production: { exists: environment !== undefined, reviewers },
    recommended,
    comment: recommended === 'comment' ? await checkCommentMode(client, repository) : undefined,
  };
}

export function renderPlanReport(report: PlanReport): string {
  const owner = report.owner.type === 'Organization' ? `the organization ${report.owner.login}` : report.owner.login;
  const lines = [
    `${report.repository}: ${report.visibility} repository of ${owner}${report.plan ? ` (plan: ${report.plan})` : ''}${report.server ? ` on GitHub Enterprise Server ${report.server}` : ''}`,
    `Required reviewers: ${report.reviewersAvailable === undefined ? 'cannot tell' : report.reviewersAvailable ? 'available' : 'NOT available'}. ${report.reason}`,
  ];
  if (!report.production.exists) lines.push('production environment: not created yet.');
  else if (report.production.reviewers.length)
    lines.push(`production environment: approved by ${report.production.reviewers.join(', ')}.`);
  else
    lines.push(
      'production environment: exists with NO required reviewers — with approval: environment nothing would wait for anyone.',
    );
  lines.push(
    report.recommended === 'environment'
      ? report.production.reviewers.length
        ? 'Use: approval: environment (the default) in your production caller workflow.'
        : 'Use: approval: environment (the default), after adding reviewers: deploy-kit setup --repo ' +
          `${report.repository} --reviewer <login or org/team>.`
      : 'Use: approval: comment, with approvers: <logins or org/team>, in your production caller workflow ' +
          '(workflows/<provider>/production-comment-approval.yml is the starter).',
  );
  if (report.comment) {
    lines.push(...renderCommentMode(report.comment));
    if (!report.comment.branchProtected || !report.comment.productionOnlyDefaultBranch)
      lines.push(
        `Until both are yes, a pushed branch or tag can run its own workflow against production and read its secrets: deploy-kit setup --repo ${report.repository} --approval comment sets both.`,
      );
  }
  return lines.join('\n');
}
