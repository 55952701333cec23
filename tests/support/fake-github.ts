/**
 * A fake of the GitHub REST endpoints deploy-kit calls, on 127.0.0.1, keeping state between
 * calls. Followed from GitHub's REST documentation (docs.github.com/en/rest, API version
 * 2022-11-28):
 * - deployments/deployments#list-deployments: GET /repos/{owner}/{repo}/deployments, query
 *   sha, ref, task, environment, per_page (default 30, max 100), page; newest first.
 * - deployments/statuses#list-deployment-statuses: GET …/deployments/{id}/statuses, per_page,
 *   page; newest first.
 * - using-pagination-in-the-rest-api: `Link: <url>; rel="next"` while more pages exist.
 * - authenticating-to-the-rest-api: a bad token is 401 {"message":"Bad credentials"}; a
 *   GITHUB_TOKEN without the permission is 403 "Resource not accessible by integration".
 * - deployments/environments#create-or-update-an-environment: PUT
 *   /repos/{owner}/{repo}/environments/{name} with wait_timer, prevent_self_review,
 *   reviewers [{type: User|Team, id}], deployment_branch_policy {protected_branches,
 *   custom_branch_policies}; 422 when both policy flags are true.
 * - deployments/branch-policies#list-deployment-branch-policies: GET → {total_count,
 *   branch_policies: [{id, name, type}]}; #create-a-deployment-branch-policy: POST
 *   …/environments/{name}/deployment-branch-policies {name, type: branch|tag} → 200; 303 when
 *   the same pattern exists; 404 when the environment does not use custom policies.
 * - actions/secrets#get-an-environment-public-key / #create-or-update-an-environment-secret:
 *   GET …/environments/{name}/secrets/public-key → {key_id, key (base64 X25519)}; PUT
 *   …/environments/{name}/secrets/{secret_name} {encrypted_value, key_id} → 201 created /
 *   204 updated.
 * - users#get-a-user (GET /users/{username} → {id, login, type}), teams#get-a-team-by-name
 *   (GET /orgs/{org}/teams/{team_slug} → {id, slug}).
 * - repos#get-a-repository: GET /repos/{owner}/{repo} → {full_name, private, visibility
 *   (public|private|internal), owner {login, type User|Organization}}.
 * - orgs#get-an-organization: GET /orgs/{org} → {login, id, plan {name, …}}; "plan" only for
 *   the organization's owners (admin:org) — other callers get the object without it.
 * - users#get-the-authenticated-user: GET /user → {login, plan {name}}; an installation token
 *   (GITHUB_TOKEN) gets 403 "Resource not accessible by integration".
 * - deployments/environments#get-an-environment: GET …/environments/{name} → {name,
 *   protection_rules [{type: required_reviewers, prevent_self_review, reviewers [{type,
 *   reviewer {login | slug, id}}]}, {type: wait_timer, wait_timer}], deployment_branch_policy}.
 * - meta#get-github-meta-information: GET /meta; GitHub Enterprise Server's answer also has
 *   installed_version.
 * - repos#get-branch-protection / #update-branch-protection (@octokit/openapi-types
 *   "repos/get-branch-protection", "repos/update-branch-protection", schema "protected-branch"):
 *   GET …/branches/{branch}/protection → {url, required_pull_request_reviews
 *   {required_approving_review_count, dismiss_stale_reviews}, enforce_admins {enabled},
 *   allow_force_pushes {enabled}, allow_deletions {enabled}}, 404 {"message":"Branch not
 *   protected"}; PUT needs required_status_checks, enforce_admins, required_pull_request_reviews
 *   and restrictions (each may be null), else 422; 403 "Upgrade to GitHub Pro or make this
 *   repository public to enable this feature." on a private repository of a free plan.
 * - repos#get-branch-rules: GET …/rules/branches/{branch} → [{type, parameters?}] (rulesets).
 * - deployments/branch-policies#delete-a-deployment-branch-policy: DELETE
 *   …/deployment-branch-policies/{id} → 204.
 * - Who made a deployment (@octokit/openapi-types types.d.ts:25495 deployment.creator,
 *   :28418 deployment-status.creator, :28437 target_url, :28471 log_url): a job with
 *   `environment:` makes its deployment and statuses as github-actions[bot] (type Bot, the
 *   identity of every GITHUB_TOKEN), with log_url/target_url the job's page in its run
 *   (https://github.com/{owner}/{repo}/actions/runs/{run_id}/job/{job_id}); POST …/deployments
 *   with a personal token makes them as that user, and log_url is whatever the caller sent.
 * - actions/workflow-runs#get-a-workflow-run: GET …/actions/runs/{run_id} (actions: read) →
 *   {id, path, head_sha, head_branch, event, status, conclusion, referenced_workflows
 *   [{path: "owner/repo/.github/workflows/x.yml@ref", sha, ref}]}; 404 for no such run.
 * - Plans (docs "Deployments and environments", availability): required reviewers work in
 *   public repositories on every plan, in private ones only on GitHub Enterprise; anything else
 *   is the 422 putEnvironment answers.
 */
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task?: string;
  environment: string;
  created_at: string;
  statuses: Array<{
    id: number;
    state: string;
    environment_url?: string;
    created_at: string;
    log_url?: string;
    target_url?: string;
    creator?: FakeActor;
  }>;
  creator?: FakeActor;
}

export interface FakeActor {
  login: string;
  type: 'User' | 'Bot';
}

/** The identity of every GITHUB_TOKEN: what a workflow job's deployments are made by. */
export const ACTIONS_BOT: FakeActor = { login: 'github-actions[bot]', type: 'Bot' };

export interface FakeWorkflowRun {
  id: number;
  path: string;
  head_sha: string;
  head_branch: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  referenced_workflows: Array<{ path: string; sha: string; ref?: string }>;
}

export interface FakeRepo {
  deployments: FakeDeployment[];
  environments: Map<
    string,
    Record<string, unknown> & { branch_policies: Array<{ id: number; name: string; type: string }> }
  >;
  /** Environment secrets as stored: the sealed box, base64 — never the value. */
  secrets: Map<string, Map<string, { encrypted_value: string; key_id: string }>>;
  /** Reject required reviewers (a private repository on a plan without them). */
  noReviewers?: boolean;
  /** Default public. */
  visibility?: 'public' | 'private' | 'internal';
  /** Default main. */
  defaultBranch?: string;
  /** Classic branch protection by branch, as GET …/protection answers it. */
  protection: Map<string, Record<string, unknown>>;
  /** Ruleset rules by branch (GET …/rules/branches/{branch}). */
  rules: Map<string, Array<{ type: string; parameters?: Record<string, unknown> }>>;
  /** Workflow runs by id (GET …/actions/runs/{id}). */
  runs?: Map<number, FakeWorkflowRun>;
}

export interface FakeAccount {
  type: 'User' | 'Organization';
  plan: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  authorization?: string;
}

export class FakeGitHub {
  readonly repos = new Map<string, FakeRepo>();
  /** token → permissions it has, e.g. ['deployments:read']. */
  readonly tokens = new Map<string, Set<string>>();
  readonly users = new Map<string, number>();
  readonly teams = new Map<string, number>();
  readonly requests: RequestRecord[] = [];
  /** Repository owners: their type and plan (free, pro, team, enterprise). */
  readonly accounts = new Map<string, FakeAccount>();
  /** token → the login it belongs to (GET /user); tokens not here are installation tokens. */
  readonly tokenLogins = new Map<string, string>();
  /** GitHub Enterprise Server's version, answered by GET /meta; empty: github.com. */
  serverVersion = '';
  /** The next N requests answer this status (e.g. 502) before being handled. */
  failNext: { count: number; status: number } = { count: 0, status: 502 };
  /** X25519 public key of every environment (base64), and its id. */
  publicKey = { key: '', key_id: '3380204578043523366' };
  private server?: http.Server;
  private nextId = 1000;
  url = '';

  /** Forgets every repository, token, account and request: a new GitHub for the next test. */
  reset(): void {
    for (const map of [this.repos, this.tokens, this.users, this.teams, this.accounts, this.tokenLogins]) map.clear();
    this.requests.length = 0;
    this.failNext = { count: 0, status: 502 };
    this.serverVersion = '';
  }

  repo(name: string): FakeRepo {
    let repo = this.repos.get(name);
    if (!repo) {
      repo = { deployments: [], environments: new Map(), secrets: new Map(), protection: new Map(), rules: new Map() };
      this.repos.set(name, repo);
    }
    return repo;
  }

  /**
   * Records a deployment as GitHub Actions does for a job with `environment:`: made by
   * github-actions[bot], its statuses pointing at the job's run, and that run (of the
   * staging starter, which calls the kit's deploy-staging.yml) recorded too — successful when
   * the deployment succeeded. `creator` and `run` make other records: a personal token's
   * (creator alice, no run), or a run of another workflow, commit or outcome.
   */
  addDeployment(
    repo: string,
    d: {
      sha: string;
      ref?: string;
      environment: string;
      states: string[];
      url?: string;
      creator?: FakeActor;
      /** false: no run (log_url empty); an object: the run's fields that differ. */
      run?: false | Partial<FakeWorkflowRun>;
      /** The status's log_url instead of the run's job page. */
      logUrl?: string;
    },
  ) {
    const id = this.nextId++;
    const created = new Date(Date.UTC(2026, 10, 1) + id * 60_000).toISOString();
    const creator = d.creator ?? ACTIONS_BOT;
    let logUrl = d.logUrl ?? '';
    if (d.run !== false && d.logUrl === undefined) {
      const run = this.addRun(repo, {
        head_sha: d.sha,
        head_branch: d.ref ?? 'staging',
        conclusion: d.states.includes('success') && !d.states.includes('failure') ? 'success' : 'failure',
        ...(d.run ?? {}),
      });
      logUrl = `https://github.com/${repo}/actions/runs/${run.id}/job/${this.nextId++}`;
    }
    const deployment: FakeDeployment = {
      id,
      sha: d.sha,
      ref: d.ref ?? 'staging',
      task: 'deploy',
      environment: d.environment,
      created_at: created,
      creator,
      statuses: d.states.map((state) => ({
        id: this.nextId++,
        state,
        environment_url: state === 'success' ? (d.url ?? '') : '',
        created_at: created,
        log_url: logUrl,
        target_url: logUrl,
        creator,
      })),
    };
    this.repo(repo).deployments.push(deployment);
    return deployment;
  }

  /** A workflow run: by default a successful push run of the staging starter calling the kit's deploy-staging.yml. */
  addRun(repo: string, r: Partial<FakeWorkflowRun> & { head_sha: string }): FakeWorkflowRun {
    const run: FakeWorkflowRun = {
      id: this.nextId++,
      path: '.github/workflows/staging.yml',
      head_branch: 'staging',
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      referenced_workflows: [
        {
          path: 'org/deploy-kit/.github/workflows/deploy-staging.yml@v1',
          sha: '0123456789abcdef0123456789abcdef01234567',
          ref: 'refs/tags/v1',
        },
      ],
      ...r,
    };
    const fakeRepo = this.repo(repo);
    (fakeRepo.runs ??= new Map()).set(run.id, run);
    return run;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => this.handle(req, raw, res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, 400, { message: 'Problems parsing JSON' });
    }
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    });
    if (this.failNext.count > 0) {
      this.failNext.count--;
      return send(res, this.failNext.status, { message: 'Server Error' });
    }
    const token = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const permissions = token ? this.tokens.get(token) : undefined;
    if (!permissions)
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    const need = (permission: string) => {
      if (permissions.has(permission)) return true;
      send(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      });
      return false;
    };

    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'GET' && parts[0] === 'meta' && parts.length === 1)
      return send(res, 200, {
        verifiable_password_authentication: false,
        ...(this.serverVersion ? { installed_version: this.serverVersion } : {}),
      });
    if (req.method === 'GET' && parts[0] === 'user' && parts.length === 1) {
      const login = this.tokenLogins.get(token as string);
      if (!login) return send(res, 403, { message: 'Resource not accessible by integration', status: '403' });
      return send(res, 200, { login, type: 'User', plan: { name: this.accounts.get(login)?.plan ?? 'free' } });
    }
    if (req.method === 'GET' && parts[0] === 'orgs' && parts.length === 2) {
      const account = this.accounts.get(parts[1] as string);
      if (account?.type !== 'Organization') return send(res, 404, { message: 'Not Found' });
      return send(res, 200, {
        login: parts[1],
        id: 9000,
        ...(permissions.has('org:admin') ? { plan: { name: account.plan, seats: 5, filled_seats: 3 } } : {}),
      });
    }
    if (parts[0] === 'users' && parts.length === 2) {
      const id = this.users.get(parts[1] as string);
      return id ? send(res, 200, { id, login: parts[1], type: 'User' }) : send(res, 404, { message: 'Not Found' });
    }
    if (parts[0] === 'orgs' && parts[2] === 'teams' && parts.length === 4) {
      const id = this.teams.get(`${parts[1]}/${parts[3]}`);
      return id ? send(res, 200, { id, slug: parts[3] }) : send(res, 404, { message: 'Not Found' });
    }
    if (parts[0] !== 'repos' || parts.length < 3) return send(res, 404, { message: 'Not Found' });
    const repo = this.repos.get(`${parts[1]}/${parts[2]}`);
    if (!repo) return send(res, 404, { message: 'Not Found' });
    const rest = parts.slice(3);

    if (req.method === 'GET' && rest.length === 0) {
      const owner = parts[1] as string;
      const visibility = repo.visibility ?? 'public';
      return send(res, 200, {
        full_name: `${owner}/${parts[2]}`,
        private: visibility !== 'public',
        visibility,
        default_branch: repo.defaultBranch ?? 'main',
        owner: { login: owner, type: this.accounts.get(owner)?.type ?? 'Organization' },
      });
    }
    if (rest[0] === 'branches' && rest[2] === 'protection' && rest.length === 3)
      return this.branchProtection(req.method ?? 'GET', res, repo, parts[1] as string, rest[1] as string, body, need);
    if (req.method === 'GET' && rest[0] === 'rules' && rest[1] === 'branches' && rest.length === 3)
      return send(res, 200, repo.rules.get(rest[2] as string) ?? []);
    if (
      rest[0] === 'environments' &&
      rest[2] === 'deployment-branch-policies' &&
      rest.length === 4 &&
      req.method === 'DELETE'
    ) {
      if (!need('administration:write')) return;
      const env = repo.environments.get(rest[1] as string);
      const index = env?.branch_policies.findIndex((p) => String(p.id) === rest[3]) ?? -1;
      if (!env || index < 0) return send(res, 404, { message: 'Not Found' });
      env.branch_policies.splice(index, 1);
      return send(res, 204, undefined);
    }
    if (rest[0] === 'environments' && rest.length === 2 && req.method === 'GET') {
      const env = repo.environments.get(rest[1] as string);
      if (!env) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, this.environmentJson(env));
    }

    if (req.method === 'GET' && rest[0] === 'actions' && rest[1] === 'runs' && rest.length === 3) {
      if (!need('actions:read')) return;
      const run = repo.runs?.get(Number(rest[2]));
      return run ? send(res, 200, run) : send(res, 404, { message: 'Not Found' });
    }
    if (req.method === 'GET' && rest[0] === 'deployments' && rest.length === 1) {
      if (!need('deployments:read')) return;
      const q = url.searchParams;
      const list = repo.deployments
        .filter((d) =>
          ['sha', 'ref', 'task', 'environment'].every((k) => !q.has(k) || q.get(k) === d[k as keyof FakeDeployment]),
        )
        .sort((a, b) => b.id - a.id)
        .map(({ statuses: _statuses, ...d }) => d);
      return page(res, url, list);
    }
    if (req.method === 'GET' && rest[0] === 'deployments' && rest[2] === 'statuses' && rest.length === 3) {
      if (!need('deployments:read')) return;
      const deployment = repo.deployments.find((d) => String(d.id) === rest[1]);
      if (!deployment) return send(res, 404, { message: 'Not Found' });
      return page(
        res,
        url,
        [...deployment.statuses].sort((a, b) => b.id - a.id),
      );
    }
    if (rest[0] === 'environments' && rest.length === 2 && req.method === 'PUT') {
      if (!need('administration:write')) return;
      return this.putEnvironment(
        res,
        repo,
        parts[1] as string,
        rest[1] as string,
        (body ?? {}) as Record<string, unknown>,
      );
    }
    if (rest[0] === 'environments' && rest[2] === 'deployment-branch-policies' && req.method === 'GET') {
      const env = repo.environments.get(rest[1] as string);
      if (!env) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, { total_count: env.branch_policies.length, branch_policies: env.branch_policies });
    }
    if (rest[0] === 'environments' && rest[2] === 'deployment-branch-policies' && req.method === 'POST') {
      if (!need('administration:write')) return;
      const env = repo.environments.get(rest[1] as string);
      if (!env) return send(res, 404, { message: 'Not Found' });
      const { name, type = 'branch' } = (body ?? {}) as { name?: string; type?: string };
      if (!name || !['branch', 'tag'].includes(type)) return send(res, 422, { message: 'Validation Failed' });
      const policy = env.deployment_branch_policy as { custom_branch_policies?: boolean } | null;
      if (!policy?.custom_branch_policies)
        return send(res, 404, {
          message: 'Custom deployment branch and tag policies are not enabled for this environment',
        });
      if (env.branch_policies.some((p) => p.name === name && p.type === type))
        return send(res, 303, { message: 'A deployment branch policy with this name already exists' });
      const created = { id: this.nextId++, name, type };
      env.branch_policies.push(created);
      return send(res, 200, created);
    }
    if (rest[0] === 'environments' && rest[2] === 'secrets' && rest[3] === 'public-key' && req.method === 'GET') {
      if (!need('secrets:read')) return;
      if (!repo.environments.has(rest[1] as string)) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, this.publicKey);
    }
    if (rest[0] === 'environments' && rest[2] === 'secrets' && rest.length === 4 && req.method === 'PUT') {
      if (!need('secrets:write')) return;
      const envName = rest[1] as string;
      if (!repo.environments.has(envName)) return send(res, 404, { message: 'Not Found' });
      const { encrypted_value, key_id } = (body ?? {}) as { encrypted_value?: string; key_id?: string };
      if (!encrypted_value || key_id !== this.publicKey.key_id) return send(res, 422, { message: 'Validation Failed' });
      const secrets = repo.secrets.get(envName) ?? new Map();
      repo.secrets.set(envName, secrets);
      const existed = secrets.has(rest[3] as string);
      secrets.set(rest[3] as string, { encrypted_value, key_id });
      return send(res, existed ? 204 : 201, existed ? undefined : {});
    }
    return send(res, 404, { message: 'Not Found' });
  }

  private branchProtection(
    method: string,
    res: http.ServerResponse,
    repo: FakeRepo,
    owner: string,
    branch: string,
    body: unknown,
    need: (permission: string) => boolean,
  ) {
    if (!need('administration:write')) return;
    const plan = this.accounts.get(owner)?.plan;
    if ((repo.visibility ?? 'public') === 'private' && plan === 'free')
      return send(res, 403, {
        message: 'Upgrade to GitHub Pro or make this repository public to enable this feature.',
        documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
      });
    if (method === 'GET') {
      const protection = repo.protection.get(branch);
      return protection ? send(res, 200, protection) : send(res, 404, { message: 'Branch not protected' });
    }
    if (method !== 'PUT') return send(res, 404, { message: 'Not Found' });
    const given = (body ?? {}) as Record<string, unknown>;
    const required = ['required_status_checks', 'enforce_admins', 'required_pull_request_reviews', 'restrictions'];
    if (required.some((key) => !(key in given))) return send(res, 422, { message: 'Invalid request.' });
    const reviews = given.required_pull_request_reviews as Record<string, unknown> | null;
    const protection = {
      url: `${this.url}/repos/${owner}/branches/${branch}/protection`,
      ...(reviews
        ? {
            required_pull_request_reviews: {
              required_approving_review_count: reviews.required_approving_review_count ?? 0,
              dismiss_stale_reviews: reviews.dismiss_stale_reviews ?? false,
            },
          }
        : {}),
      enforce_admins: { enabled: Boolean(given.enforce_admins) },
      allow_force_pushes: { enabled: Boolean(given.allow_force_pushes) },
      allow_deletions: { enabled: Boolean(given.allow_deletions) },
    };
    repo.protection.set(branch, protection);
    return send(res, 200, protection);
  }

  /** Public: every plan; private: Enterprise only (an owner not in `accounts` allows them). */
  private reviewersAllowed(repo: FakeRepo, owner: string): boolean {
    const plan = this.accounts.get(owner)?.plan;
    return (repo.visibility ?? 'public') !== 'private' || plan === undefined || /enterprise/.test(plan);
  }

  private environmentJson(env: FakeRepo['environments'] extends Map<string, infer E> ? E : never) {
    const reviewers = (env.reviewers ?? []) as Array<{ type: string; id: number }>;
    const byId = (map: Map<string, number>, id: number) => [...map].find(([, v]) => v === id)?.[0] ?? '';
    const rules: unknown[] = [];
    if (reviewers.length)
      rules.push({
        id: 1,
        type: 'required_reviewers',
        prevent_self_review: env.prevent_self_review,
        reviewers: reviewers.map((r) =>
          r.type === 'Team'
            ? { type: 'Team', reviewer: { id: r.id, slug: byId(this.teams, r.id).split('/')[1] } }
            : { type: 'User', reviewer: { id: r.id, login: byId(this.users, r.id) } },
        ),
      });
    if (env.wait_timer) rules.push({ id: 2, type: 'wait_timer', wait_timer: env.wait_timer });
    return { name: env.name, protection_rules: rules, deployment_branch_policy: env.deployment_branch_policy };
  }

  private putEnvironment(
    res: http.ServerResponse,
    repo: FakeRepo,
    owner: string,
    name: string,
    body: Record<string, unknown>,
  ) {
    const policy = body.deployment_branch_policy as
      { protected_branches?: boolean; custom_branch_policies?: boolean } | null | undefined;
    if (policy && policy.protected_branches === policy.custom_branch_policies)
      return send(res, 422, {
        message: 'Validation Failed: exactly one of protected_branches and custom_branch_policies must be true',
      });
    const reviewers = (body.reviewers ?? []) as Array<{ type?: string; id?: number }>;
    if (reviewers.some((r) => !['User', 'Team'].includes(r.type ?? '') || typeof r.id !== 'number'))
      return send(res, 422, { message: 'Validation Failed' });
    if (reviewers.length && (repo.noReviewers || !this.reviewersAllowed(repo, owner)))
      return send(res, 422, {
        message:
          'Failed to create the environment protection rule. Please ensure the billing plan supports the required reviewers protection rule.',
      });
    const existing = repo.environments.get(name);
    const env = {
      ...(existing ?? {}),
      name,
      wait_timer: body.wait_timer ?? 0,
      prevent_self_review: body.prevent_self_review ?? false,
      reviewers,
      deployment_branch_policy: policy ?? null,
      branch_policies: existing?.branch_policies ?? [],
    };
    repo.environments.set(name, env);
    return send(res, 200, { id: this.nextId++, ...this.environmentJson(env) });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function page(res: http.ServerResponse, url: URL, items: unknown[]) {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
  const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const headers: Record<string, string> = {};
  if (pageNo * perPage < items.length) {
    const next = new URL(url);
    next.searchParams.set('page', String(pageNo + 1));
    headers.link = `<${next.href}>; rel="next"`;
  }
  send(res, 200, slice, headers);
}

/**
 * One fake GitHub for a test file, started before its tests and stopped after them; before
 * each test it is reset() and given what `seed` adds (tokens, users, repositories).
 */
export function useFakeGitHub(seed: (github: FakeGitHub) => void): FakeGitHub {
  const github = new FakeGitHub();
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  beforeEach(() => {
    github.reset();
    seed(github);
  });
  return github;
}
