/**
 * The part of the one GitHub fake (tests/harness/fake-github.ts) that `deploy-kit setup` uses:
 * accounts, plans, environments, branch policies, secrets and branch protection. Shapes and
 * codes as @octokit/openapi's api.github.com description (operationId) and the docs pages:
 * - meta/get (GitHub Enterprise Server's answer also has installed_version).
 * - users/get-authenticated → {login, plan {name}} (a private-user); an installation token (GITHUB_TOKEN, a Bot)
 *   gets 403 "Resource not accessible by integration".
 * - orgs/get → {login, id, plan {name, …}} (organization-full); "plan" only for the organization's owners
 *   (admin:org) — other callers get the object without it.
 * - users/get-by-username → {id, login, type} (a public-user); teams/get-by-name → {id, slug} (team-full).
 * - repos/get → {full_name, private, visibility (public|private|internal), default_branch,
 *   owner {login, type User|Organization}} (full-repository: the rest from shapes.ts).
 * - repos/get-branch-protection / repos/update-branch-protection (schema "protected-branch"):
 *   GET → {url, required_pull_request_reviews {url, required_approving_review_count,
 *   dismiss_stale_reviews}, enforce_admins {url, enabled}, allow_force_pushes {enabled},
 *   allow_deletions {enabled}}, 404 "Branch not protected"; PUT needs required_status_checks,
 *   enforce_admins, required_pull_request_reviews and restrictions (each may be null), else 422;
 *   403 "Upgrade to GitHub Pro or make this repository public to enable this feature." on a
 *   private repository of a free plan.
 * - repos/get-branch-rules → [{type, parameters?}] (rulesets).
 * - repos/get-environment → {name, protection_rules [{type: required_reviewers,
 *   prevent_self_review, reviewers [{type, reviewer {login | slug, id}}]}, {type: wait_timer,
 *   wait_timer}], deployment_branch_policy}; repos/create-or-update-environment: PUT with
 *   wait_timer, prevent_self_review, reviewers [{type: User|Team, id}], deployment_branch_policy
 *   {protected_branches, custom_branch_policies}; 422 when both policy flags are equal. Required
 *   reviewers work in public repositories on every plan, in private ones only on Enterprise;
 *   anything else is a 422.
 * - repos/list-deployment-branch-policies → {total_count, branch_policies [{id, name, type}]};
 *   repos/create-deployment-branch-policy {name, type: branch|tag} → 200, 303 when the same
 *   pattern exists, 404 when the environment does not use custom policies;
 *   repos/delete-deployment-branch-policy → 204.
 * - actions/get-environment-public-key → {key_id, key (base64 X25519)};
 *   actions/create-or-update-environment-secret {encrypted_value, key_id} → 201 created / 204 updated.
 */
import type { FakeGitHub } from './fake.js';
import type { Exchange, FakeEnvironment, FakeRepo } from './model.js';
import { fullRepository, organization, privateUser, publicUser, team as teamJson, teamFull } from './shapes.js';

/** Answers the request and returns true when it is one of these endpoints. */
export function settingsRoute(github: FakeGitHub, x: Exchange): boolean {
  const { method, res, need } = x;
  const parts = x.path.split('/').filter(Boolean);
  const reply = (status: number, body?: unknown) => (github.send(res, status, body), true);
  const fail = (status: number, message: string) => (github.error(res, status, message), true);

  if (method === 'GET' && x.path === '/meta')
    return reply(200, {
      verifiable_password_authentication: false,
      ...(github.serverVersion ? { installed_version: github.serverVersion } : {}),
    });
  if (method === 'GET' && x.path === '/user') {
    const login = x.grant.login;
    if (github.userJson(login).type === 'Bot') return fail(403, 'Resource not accessible by integration');
    return reply(
      200,
      privateUser(github, login, { ...planJson(github.accounts.get(login)?.plan ?? 'free'), collaborators: 0 }),
    );
  }
  if (method === 'GET' && parts[0] === 'orgs' && parts.length === 2) {
    const account = github.accounts.get(parts[1] as string);
    if (account?.type !== 'Organization') return fail(404, 'Not Found');
    return reply(200, {
      ...organization(github, parts[1] as string),
      ...(x.grant.permissions.has('org:admin') ? { plan: planJson(account.plan) } : {}),
    });
  }
  if (method === 'GET' && parts[0] === 'users' && parts.length === 2) {
    if (!github.users.has((parts[1] as string).toLowerCase())) return fail(404, 'Not Found');
    return reply(200, publicUser(github, parts[1] as string));
  }
  if (method === 'GET' && parts[0] === 'orgs' && parts[2] === 'teams' && parts.length === 4) {
    const team = github.teams.get(`${parts[1]}/${parts[3]}`.toLowerCase());
    return team
      ? reply(200, teamFull(github, parts[1] as string, parts[3] as string, team.id))
      : fail(404, 'Not Found');
  }
  if (parts[0] !== 'repos' || parts.length < 3) return false;
  const owner = parts[1] as string;
  const repo = github.repos.get(`${owner}/${parts[2]}`);
  if (!repo) return false;
  const rest = parts.slice(3);

  if (method === 'GET' && rest.length === 0) {
    const answer = fullRepository(github, `${owner}/${parts[2]}`);
    return reply(200, {
      ...answer,
      owner: { ...answer.owner, type: github.accounts.get(owner)?.type ?? 'Organization' },
    });
  }
  if (rest[0] === 'branches' && rest[2] === 'protection' && rest.length === 3)
    return branchProtection(github, x, repo, owner, rest[1] as string);
  if (method === 'GET' && rest[0] === 'rules' && rest[1] === 'branches' && rest.length === 3)
    return reply(200, repo.rules.get(rest[2] as string) ?? []);
  if (rest[0] !== 'environments' || rest.length < 2) return false;
  const envName = rest[1] as string;
  const env = repo.environments.get(envName);

  if (rest.length === 2 && method === 'GET')
    return env ? reply(200, environmentJson(github, env)) : fail(404, 'Not Found');
  if (rest.length === 2 && method === 'PUT')
    return need('administration:write') ? putEnvironment(github, x, repo, owner, envName) : true;
  if (rest[2] === 'deployment-branch-policies') {
    if (method === 'GET' && rest.length === 3) {
      if (!env) return fail(404, 'Not Found');
      return reply(200, { total_count: env.branch_policies.length, branch_policies: env.branch_policies });
    }
    if (!need('administration:write')) return true;
    if (!env) return fail(404, 'Not Found');
    if (method === 'DELETE' && rest.length === 4) {
      const index = env.branch_policies.findIndex((p) => String(p.id) === rest[3]);
      if (index < 0) return fail(404, 'Not Found');
      env.branch_policies.splice(index, 1);
      return reply(204);
    }
    if (method === 'POST' && rest.length === 3) {
      const { name, type = 'branch' } = (x.body ?? {}) as { name?: string; type?: string };
      if (!name || !['branch', 'tag'].includes(type)) return fail(422, 'Validation Failed');
      const policy = env.deployment_branch_policy as { custom_branch_policies?: boolean } | null;
      if (!policy?.custom_branch_policies)
        return fail(404, 'Custom deployment branch and tag policies are not enabled for this environment');
      if (env.branch_policies.some((p) => p.name === name && p.type === type))
        return fail(303, 'A deployment branch policy with this name already exists');
      const created = { id: github.nextId(), name, type };
      env.branch_policies.push(created);
      return reply(200, { ...created, node_id: `DBP_${created.id}` });
    }
    return false;
  }
  if (rest[2] === 'secrets' && rest[3] === 'public-key' && method === 'GET') {
    if (!need('secrets:read')) return true;
    return env ? reply(200, github.publicKey) : fail(404, 'Not Found');
  }
  if (rest[2] === 'secrets' && rest.length === 4 && method === 'PUT') {
    if (!need('secrets:write')) return true;
    if (!env) return fail(404, 'Not Found');
    const { encrypted_value, key_id } = (x.body ?? {}) as { encrypted_value?: string; key_id?: string };
    if (!encrypted_value || key_id !== github.publicKey.key_id) return fail(422, 'Validation Failed');
    const secrets = repo.secrets.get(envName) ?? new Map();
    repo.secrets.set(envName, secrets);
    const existed = secrets.has(rest[3] as string);
    secrets.set(rest[3] as string, { encrypted_value, key_id });
    return existed ? reply(204) : reply(201, {});
  }
  return false;
}

const planJson = (name: string) => ({ name, space: 976562499, private_repos: 10000 });

function branchProtection(github: FakeGitHub, x: Exchange, repo: FakeRepo, owner: string, branch: string): boolean {
  if (!x.need('administration:write')) return true;
  const plan = github.accounts.get(owner)?.plan;
  if ((repo.visibility ?? 'public') === 'private' && plan === 'free') {
    github.error(x.res, 403, 'Upgrade to GitHub Pro or make this repository public to enable this feature.');
    return true;
  }
  if (x.method === 'GET') {
    const protection = repo.protection.get(branch);
    if (protection) github.send(x.res, 200, protection);
    else github.error(x.res, 404, 'Branch not protected');
    return true;
  }
  if (x.method !== 'PUT') return false;
  const given = x.body ?? {};
  const required = ['required_status_checks', 'enforce_admins', 'required_pull_request_reviews', 'restrictions'];
  if (required.some((key) => !(key in given))) {
    github.error(x.res, 422, 'Invalid request.');
    return true;
  }
  const reviews = given.required_pull_request_reviews as Record<string, unknown> | null;
  const protection = {
    url: `${github.url}${x.path}`,
    ...(reviews
      ? {
          required_pull_request_reviews: {
            url: `${github.url}${x.path}/required_pull_request_reviews`,
            required_approving_review_count: reviews.required_approving_review_count ?? 0,
            dismiss_stale_reviews: reviews.dismiss_stale_reviews ?? false,
            require_code_owner_reviews: reviews.require_code_owner_reviews ?? false,
          },
        }
      : {}),
    enforce_admins: { url: `${github.url}${x.path}/enforce_admins`, enabled: Boolean(given.enforce_admins) },
    allow_force_pushes: { enabled: Boolean(given.allow_force_pushes) },
    allow_deletions: { enabled: Boolean(given.allow_deletions) },
  };
  repo.protection.set(branch, protection);
  github.send(x.res, 200, protection);
  return true;
}

/** Public: every plan; private: Enterprise only (an owner not in `accounts` allows them). */
function reviewersAllowed(github: FakeGitHub, repo: FakeRepo, owner: string): boolean {
  const plan = github.accounts.get(owner)?.plan;
  return (repo.visibility ?? 'public') !== 'private' || plan === undefined || /enterprise/.test(plan);
}

function environmentJson(github: FakeGitHub, env: FakeEnvironment) {
  const reviewers = (env.reviewers ?? []) as Array<{ type: string; id: number }>;
  const team = (id: number) => [...github.teams].find(([, t]) => t.id === id)?.[0] ?? '';
  const user = (id: number) => [...github.users.values()].find((u) => u.id === id)?.login ?? '';
  const rules: unknown[] = [];
  if (reviewers.length)
    rules.push({
      id: 1,
      node_id: 'GA_1',
      type: 'required_reviewers',
      prevent_self_review: env.prevent_self_review ?? false,
      reviewers: reviewers.map((r) =>
        r.type === 'Team'
          ? { type: 'Team', reviewer: teamJson(github, ...(team(r.id).split('/') as [string, string]), r.id) }
          : { type: 'User', reviewer: { ...github.userJson(user(r.id)), id: r.id } },
      ),
    });
  if (env.wait_timer) rules.push({ id: 2, node_id: 'GA_2', type: 'wait_timer', wait_timer: env.wait_timer });
  return {
    id: 7000,
    node_id: 'EN_7000',
    name: env.name,
    url: `${github.url}/environments/${String(env.name)}`,
    html_url: `https://github.com/environments/${String(env.name)}`,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:00:00Z',
    protection_rules: rules,
    deployment_branch_policy: env.deployment_branch_policy ?? null,
  };
}

function putEnvironment(github: FakeGitHub, x: Exchange, repo: FakeRepo, owner: string, name: string): boolean {
  const body = x.body ?? {};
  const fail = (message: string) => (github.error(x.res, 422, message), true);
  const policy = body.deployment_branch_policy as
    { protected_branches?: boolean; custom_branch_policies?: boolean } | null | undefined;
  if (policy && policy.protected_branches === policy.custom_branch_policies)
    return fail('Validation Failed: exactly one of protected_branches and custom_branch_policies must be true');
  const reviewers = (body.reviewers ?? []) as Array<{ type?: string; id?: number }>;
  if (reviewers.some((r) => !['User', 'Team'].includes(r.type ?? '') || typeof r.id !== 'number'))
    return fail('Validation Failed');
  if (reviewers.length && (repo.noReviewers || !reviewersAllowed(github, repo, owner)))
    return fail(
      'Failed to create the environment protection rule. Please ensure the billing plan supports the required reviewers protection rule.',
    );
  const existing = repo.environments.get(name);
  const env: FakeEnvironment = {
    ...(existing ?? {}),
    name,
    wait_timer: body.wait_timer ?? 0,
    prevent_self_review: body.prevent_self_review ?? false,
    reviewers,
    deployment_branch_policy: policy ?? null,
    branch_policies: existing?.branch_policies ?? [],
  };
  repo.environments.set(name, env);
  github.send(x.res, 200, environmentJson(github, env));
  return true;
}
