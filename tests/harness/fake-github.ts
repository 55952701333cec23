/**
 * The one fake of GitHub's REST API (and the one GraphQL query the kit makes), as a real HTTP
 * server on 127.0.0.1 (port 0): every kit client — src/github/rest.ts in the actions, the CLI
 * and setup — talks to it over the wire. It keeps state between calls, records every request
 * (tests/conformance/github.test.ts checks each against GitHub's OpenAPI description), and
 * answers with the status codes and fields of that description: @octokit/openapi, pinned in
 * package.json (node_modules/@octokit/openapi/generated/api.github.com.json, API version
 * 2022-11-28), by operationId:
 *   issues/get, issues/create (201), issues/update, issues/list-for-repo (labels, state, per_page,
 *     page; pull requests included), issues/create-comment (201), issues/list-comments,
 *     issues/get-label (404 when absent), issues/create-label (201; 422 when it exists)
 *   repos/get-collaborator-permission-level ("permission" is the legacy base role admin|write|
 *     read|none — maintain maps to write, triage to read; "role_name" the assigned role)
 *   teams/get-membership-for-user-in-org (404 if not a member)
 *   git/get-ref, git/get-tag (an annotated tag's ref points at a tag object, whose object is the commit)
 *   repos/list-deployments (newest first; filters sha, ref, task, environment), repos/create-deployment
 *     (201), repos/list-deployment-statuses (newest first), repos/create-deployment-status (201;
 *     auto_inactive, default true, marks older successful deployments to the environment inactive)
 *   repos/compare-commits (commits oldest first), actions/get-workflow-run
 *   and those of tests/harness/fake-github-settings.ts (setup's endpoints).
 * GraphQL Issue.editor / Issue.lastEditedAt (docs.github.com/graphql/reference/objects#issue), read
 * through POST /graphql; a REST PATCH that changes the body sets them.
 * Lists are paginated: per_page (default 30, max 100), page, and `Link: <url>; rel="next"` while
 * more pages exist (docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 * Errors are `{ message, documentation_url, status }`. Authentication: `Authorization: token T` or
 * `Bearer T`; an unknown token gets 401 "Bad credentials", a token without the permission an
 * endpoint needs 403 "Resource not accessible by integration" (as a GITHUB_TOKEN does).
 * Issues, labels, tags, commits and runs live in the fake's own repository (owner/name, default
 * acme/shop); deployments and settings in any repository `repo(name)` created.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { settingsRoute } from './fake-github-settings.js';
import { checkRequest } from '../conformance/github-openapi.js';

export interface FakeUser {
  login: string;
  type?: 'User' | 'Bot';
  /** Base role on the repository (what the permission endpoint maps to `permission`). */
  role?: 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
  /** GET /users/{username}'s id; derived from the login when unset. */
  id?: number;
}

export interface FakeCommit {
  sha: string;
  message: string;
  author: string;
  /** The files it changes (compare's `files`: filename, status). */
  files?: Array<{ filename: string; status: string }>;
}

interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  user: string;
  pull_request: boolean;
  created_at: string;
  updated_at: string;
  /** Who last changed the body (GraphQL Issue.editor), and when; unset until edited. */
  editor?: string;
  lastEditedAt?: string;
}

export interface FakeRun {
  id: number;
  path: string;
  event: string;
  head_branch: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  actor: string;
  triggering_actor?: string;
  run_attempt?: number;
  /** Whose run (default the fake's own repository). */
  repo?: string;
  /** The reusable workflows it called: `owner/repo/.github/workflows/x.yml@ref`. */
  referenced_workflows?: Array<{ path: string; sha: string; ref?: string }>;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  created_at: string;
  description?: string;
  environment_url?: string;
  log_url?: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  /** `deploy` unless the creator named one (the kit's release records: `deploy:release`). */
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  creator: string;
  created_at: string;
  /** Newest first (answers are sorted by id, newest first, whatever the order here). */
  statuses: FakeDeploymentStatus[];
}

export interface FakeEnvironment extends Record<string, unknown> {
  branch_policies: Array<{ id: number; name: string; type: string }>;
}

export interface FakeRepo {
  deployments: FakeDeployment[];
  environments: Map<string, FakeEnvironment>;
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
}

export interface FakeAccount {
  type: 'User' | 'Organization';
  plan: string;
}

/** What a token may do: the permissions the fake checks (a GITHUB_TOKEN's `permissions:`). */
export const PERMISSIONS = [
  'actions:read',
  'deployments:read',
  'administration:write',
  'secrets:read',
  'secrets:write',
  'org:admin',
] as const;

export interface TokenGrant {
  login: string;
  permissions: Set<string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  user?: string;
  authorization?: string;
  /** The status the fake answered, and its body. */
  status?: number;
  answer?: unknown;
}

/** One request being answered, for the route handlers. */
export interface Exchange {
  method: string;
  path: string;
  url: URL;
  body: Record<string, unknown> | undefined;
  grant: TokenGrant;
  token: string;
  res: ServerResponse;
  /** true, or answers 403 and returns false. */
  need: (permission: string) => boolean;
}

const DOCS = 'https://docs.github.com/rest';

export class FakeGitHub {
  readonly owner: string;
  readonly name: string;
  readonly repos = new Map<string, FakeRepo>();
  readonly tokens = new Map<string, TokenGrant>();
  /** By lower-case login. */
  readonly users = new Map<string, FakeUser>();
  /** "org/slug" → the team's id and its members' states. */
  readonly teams = new Map<string, { id: number; members: Map<string, 'active' | 'pending'> }>();
  /** Teams whose membership the token may not read (answers 403, as without members: read). */
  readonly hiddenTeams = new Set<string>();
  /** The repository's history, oldest first (compare works on this line). */
  readonly commits: FakeCommit[] = [];
  /** tag name → { sha of the commit, annotated } */
  readonly tags = new Map<string, { sha: string; annotated: boolean }>();
  readonly labels = new Map<string, { name: string; color: string; description: string | null }>();
  readonly issues: Issue[] = [];
  readonly comments: Comment[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Requests that GitHub's OpenAPI description does not allow (each was answered 400). */
  readonly violations: string[] = [];
  readonly runs: FakeRun[] = [];
  /** Repository owners: their type and plan (free, pro, team, enterprise). */
  readonly accounts = new Map<string, FakeAccount>();
  /** GitHub Enterprise Server's version, answered by GET /meta; empty: github.com. */
  serverVersion = '';
  /** The next N requests answer this status (e.g. 502) before being handled. */
  failNext: { count: number; status: number } = { count: 0, status: 502 };
  /** X25519 public key of every environment (base64), and its id. */
  publicKey = { key: '', key_id: '3380204578043523366' };
  private server?: Server;
  private readonly recordOf = new WeakMap<ServerResponse, RecordedRequest>();
  private nextIdValue = 1000;
  private clock = Date.parse('2026-11-27T10:00:00Z');
  url = '';

  constructor(owner = 'acme', name = 'shop') {
    this.owner = owner;
    this.name = name;
    this.repo(`${owner}/${name}`);
  }

  /** The fake's own repository's deployments (newest first). */
  get deployments(): FakeDeployment[] {
    return this.repo(`${this.owner}/${this.name}`).deployments;
  }

  /** Forgets everything but the server: a new GitHub for the next test. */
  reset(): void {
    for (const map of [this.repos, this.tokens, this.users, this.teams, this.tags, this.labels, this.accounts])
      map.clear();
    this.hiddenTeams.clear();
    for (const list of [this.commits, this.issues, this.comments, this.requests, this.runs, this.violations])
      list.length = 0;
    this.failNext = { count: 0, status: 502 };
    this.serverVersion = '';
    this.repo(`${this.owner}/${this.name}`);
  }

  /** The repository owner/name, created empty on first use. */
  repo(fullName: string): FakeRepo {
    let repo = this.repos.get(fullName);
    if (!repo) {
      repo = { deployments: [], environments: new Map(), secrets: new Map(), protection: new Map(), rules: new Map() };
      this.repos.set(fullName, repo);
    }
    return repo;
  }

  nextId(): number {
    return this.nextIdValue++;
  }

  /** A token for login (default: an installation's bot) with these permissions (default: all). */
  addToken(token: string, permissions: readonly string[] = PERMISSIONS, login = 'github-actions[bot]'): this {
    this.tokens.set(token, { login, permissions: new Set(permissions) });
    return this;
  }

  /** A user, and a token with every permission that authenticates as them. */
  addUser(user: FakeUser, token?: string): this {
    this.users.set(user.login.toLowerCase(), { type: 'User', role: 'none', ...user });
    if (token) this.addToken(token, PERMISSIONS, user.login);
    return this;
  }

  /** A team ("org/slug") with its members' states. */
  addTeam(key: string, members: Record<string, 'active' | 'pending'> = {}, id = this.nextId()): this {
    this.teams.set(key.toLowerCase(), { id, members: new Map(Object.entries(members)) });
    return this;
  }

  addCommit(message: string, author = 'dev', files?: FakeCommit['files']): string {
    const sha = createHash('sha1').update(`${this.commits.length}:${message}`).digest('hex');
    this.commits.push({ sha, message, author, ...(files ? { files } : {}) });
    return sha;
  }

  tag(name: string, sha: string, annotated = false): void {
    this.tags.set(name, { sha, annotated });
  }

  /** An issue or PR opened by someone, as a user would through the web UI. */
  openIssue(user: string, title: string, body: string, options: { pullRequest?: boolean } = {}): number {
    return this.newIssue(user, title, body, [], options.pullRequest ?? false).number;
  }

  /**
   * A deployment as a job with `environment:` (or an earlier release) left it, with its
   * statuses in the order they were posted (the last is the latest).
   */
  addDeployment(d: {
    sha: string;
    environment: string;
    states: string[];
    repo?: string;
    ref?: string;
    payload?: unknown;
    task?: string;
    /** environment_url of a success. */
    url?: string;
    /** Who made it (default github-actions[bot], a workflow's token); a login: a personal token's record. */
    creator?: string;
    /** The job's run (made here; by default a successful push run of the staging starter calling
     * deploy-staging.yml): false for none (log_url empty), or the fields that differ. */
    run?: false | Partial<FakeRun>;
    /** The statuses' log_url instead of the run's job page. */
    logUrl?: string;
  }): FakeDeployment {
    const at = this.tick();
    const full = d.repo ?? `${this.owner}/${this.name}`;
    let logUrl = d.logUrl ?? '';
    if (d.run !== false && d.logUrl === undefined) {
      const run = this.addRun({
        id: this.nextId(),
        repo: full,
        path: '.github/workflows/staging.yml',
        event: 'push',
        head_branch: d.ref ?? 'staging',
        head_sha: d.sha,
        actor: 'dan',
        conclusion: d.states.includes('success') && !d.states.includes('failure') ? 'success' : 'failure',
        referenced_workflows: [
          { path: 'org/deploy-kit/.github/workflows/deploy-staging.yml@v1', sha: '0'.repeat(40), ref: 'refs/tags/v1' },
        ],
        ...(d.run ?? {}),
      });
      logUrl = `https://github.com/${full}/actions/runs/${run.id}/job/${this.nextId()}`;
    }
    const deployment: FakeDeployment = {
      id: this.nextId(),
      sha: d.sha,
      ref: d.ref ?? d.sha,
      task: d.task ?? 'deploy',
      environment: d.environment,
      description: null,
      payload: d.payload ?? {},
      creator: d.creator ?? 'github-actions[bot]',
      created_at: at,
      statuses: d.states
        .map((state) => ({
          id: this.nextId(),
          state,
          description: '',
          environment_url: state === 'success' ? (d.url ?? '') : '',
          log_url: logUrl,
          created_at: at,
        }))
        .reverse(),
    };
    this.repo(full).deployments.unshift(deployment);
    return deployment;
  }

  /** A workflow run, as the Actions API reports it. */
  addRun(run: Omit<FakeRun, 'status' | 'conclusion'> & Partial<FakeRun>): FakeRun {
    const full: FakeRun = { status: 'completed', conclusion: 'success', run_attempt: 1, ...run };
    this.runs.push(full);
    return full;
  }

  issue(number: number): Issue | undefined {
    return this.issues.find((i) => i.number === number);
  }

  commentsOn(number: number): Comment[] {
    return this.comments.filter((c) => c.issue === number);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.error(res, 500, String(error)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private newIssue(user: string, title: string, body: string | null, labels: string[], pr: boolean): Issue {
    const at = this.tick();
    const issue: Issue = {
      number: this.issues.length + 1,
      title,
      body,
      state: 'open',
      state_reason: null,
      labels,
      user,
      pull_request: pr,
      created_at: at,
      updated_at: at,
    };
    this.issues.push(issue);
    return issue;
  }

  /** A simple-user: login, id, node_id, type, html_url (and the other URLs the schema requires). */
  userJson(login: string) {
    const user = this.users.get(login.toLowerCase());
    const id = user?.id ?? [...login].reduce((n, c) => n * 31 + c.charCodeAt(0), 7) >>> 0;
    const api = `${this.url}/users/${login}`;
    return {
      login: user?.login ?? login,
      id,
      node_id: `U_${id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
      gravatar_id: '',
      url: api,
      html_url: `https://github.com/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: user?.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
      site_admin: false,
    };
  }

  private issueJson(issue: Issue) {
    const base = `${this.url}/repos/${this.owner}/${this.name}`;
    return {
      id: issue.number * 101,
      node_id: `I_${issue.number}`,
      url: `${base}/issues/${issue.number}`,
      repository_url: base,
      labels_url: `${base}/issues/${issue.number}/labels{/name}`,
      comments_url: `${base}/issues/${issue.number}/comments`,
      events_url: `${base}/issues/${issue.number}/events`,
      html_url: `https://github.com/${this.owner}/${this.name}/${issue.pull_request ? 'pull' : 'issues'}/${issue.number}`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.state_reason,
      title: issue.title,
      body: issue.body,
      user: this.userJson(issue.user),
      labels: issue.labels.map((name) => ({ name, color: this.labels.get(name)?.color ?? 'ededed' })),
      assignee: null,
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: this.commentsOn(issue.number).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.state === 'closed' ? issue.updated_at : null,
      author_association: 'MEMBER',
      ...(issue.pull_request ? { pull_request: { url: `${base}/pulls/${issue.number}` } } : {}),
    };
  }

  private deploymentJson(full: string, d: FakeDeployment) {
    return {
      url: `${this.url}/repos/${full}/deployments/${d.id}`,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      environment: d.environment,
      original_environment: d.environment,
      description: d.description,
      creator: this.userJson(d.creator),
      created_at: d.created_at,
      updated_at: d.statuses[0]?.created_at ?? d.created_at,
      statuses_url: `${this.url}/repos/${full}/deployments/${d.id}/statuses`,
      repository_url: `${this.url}/repos/${full}`,
    };
  }

  private statusJson(full: string, d: FakeDeployment, s: FakeDeploymentStatus) {
    return {
      url: `${this.url}/repos/${full}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: `DES_${s.id}`,
      state: s.state,
      creator: this.userJson(d.creator),
      description: s.description ?? '',
      environment: d.environment,
      target_url: s.log_url ?? '',
      log_url: s.log_url ?? '',
      environment_url: s.environment_url ?? '',
      created_at: s.created_at,
      updated_at: s.created_at,
      deployment_url: `${this.url}/repos/${full}/deployments/${d.id}`,
      repository_url: `${this.url}/repos/${full}`,
    };
  }

  send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    const record = this.recordOf.get(res);
    if (record) Object.assign(record, { status, answer: body });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  error(res: ServerResponse, status: number, message: string): void {
    this.send(res, status, { message, documentation_url: DOCS, status: String(status) });
  }

  /** One page of a list (per_page, page) with the Link header of the next. */
  page(res: ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
    const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const headers: Record<string, string> = {};
    if (pageNo * perPage < items.length) {
      const next = new URL(url.pathname + url.search, this.url);
      next.searchParams.set('page', String(pageNo + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    this.send(res, 200, items.slice((pageNo - 1) * perPage, pageNo * perPage), headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const grant = this.tokens.get(token);
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      user: grant?.login,
      authorization: req.headers.authorization,
    };
    this.requests.push(record);
    this.recordOf.set(res, record);
    if (raw && body === undefined) return this.error(res, 400, 'Problems parsing JSON');
    // Every request the kit makes is checked against GitHub's OpenAPI description: a path,
    // query parameter or body field GitHub does not have fails the test that made it.
    const problems = checkRequest(record);
    if (problems.length) {
      this.violations.push(...problems);
      return this.error(res, 400, `deploy-kit conformance: ${problems.join('; ')}`);
    }
    if (this.failNext.count > 0) {
      this.failNext.count--;
      return this.error(res, this.failNext.status, 'Server Error');
    }
    if (!grant) return this.error(res, 401, 'Bad credentials');
    const need = (permission: string) => {
      if (grant.permissions.has(permission)) return true;
      this.error(res, 403, 'Resource not accessible by integration');
      return false;
    };
    const exchange: Exchange = { method, path, url, body, grant, token, res, need };
    if (settingsRoute(this, exchange)) return;
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (repoMatch) {
      const full = `${repoMatch[1]}/${repoMatch[2]}`;
      const repo = this.repos.get(full);
      if (!repo) return this.error(res, 404, 'Not Found');
      if (this.deploymentRoute(exchange, full, repo, repoMatch[3] ?? '')) return;
    }
    if (this.approvalRoute(exchange, body ?? {}, grant.login)) return;
    return this.error(res, 404, 'Not Found');
  }

  private deploymentRoute(
    { method, url, body = {}, res, need, grant }: Exchange,
    full: string,
    repo: FakeRepo,
    rest: string,
  ) {
    const query = url.searchParams;
    const runId = /^\/actions\/runs\/(\d+)$/.exec(rest)?.[1];
    if (method === 'GET' && runId) {
      if (!need('actions:read')) return true;
      const own = `${this.owner}/${this.name}`;
      const run = this.runs.find((r) => r.id === Number(runId) && (r.repo ?? own) === full);
      if (!run) return (this.error(res, 404, 'Not Found'), true);
      const { repo: _repo, ...fields } = run;
      this.send(res, 200, {
        ...fields,
        name: 'Release',
        node_id: `WFR_${run.id}`,
        actor: this.userJson(run.actor),
        triggering_actor: this.userJson(run.triggering_actor ?? run.actor),
        html_url: `https://github.com/${full}/actions/runs/${run.id}`,
      });
      return true;
    }
    if (method === 'GET' && rest === '/deployments') {
      if (!need('deployments:read')) return true;
      const list = repo.deployments
        .filter((d) =>
          ['sha', 'ref', 'task', 'environment'].every((k) => !query.get(k) || query.get(k) === d[k as 'sha']),
        )
        .sort((a, b) => b.id - a.id);
      this.page(
        res,
        url,
        list.map((d) => this.deploymentJson(full, d)),
      );
      return true;
    }
    if (method === 'POST' && rest === '/deployments') {
      const ref = String(body.ref ?? '');
      const sha = this.commits.find((c) => c.sha === ref)?.sha ?? this.tags.get(ref)?.sha;
      if (!sha) {
        this.error(res, 422, `No ref found for: ${ref}`);
        return true;
      }
      const deployment: FakeDeployment = {
        id: this.nextId(),
        sha,
        ref,
        task: typeof body.task === 'string' && body.task ? body.task : 'deploy',
        environment: String(body.environment ?? 'production'),
        description: (body.description as string) ?? null,
        payload: body.payload ?? {},
        creator: grant.login,
        created_at: this.tick(),
        statuses: [],
      };
      repo.deployments.unshift(deployment);
      this.send(res, 201, this.deploymentJson(full, deployment));
      return true;
    }
    const statuses = /^\/deployments\/(\d+)\/statuses$/.exec(rest);
    if (!statuses) return false;
    const deployment = repo.deployments.find((d) => d.id === Number(statuses[1]));
    if (!deployment) {
      this.error(res, 404, 'Not Found');
      return true;
    }
    if (method === 'GET') {
      if (!need('deployments:read')) return true;
      const sorted = [...deployment.statuses].sort((a, b) => b.id - a.id);
      this.page(
        res,
        url,
        sorted.map((s) => this.statusJson(full, deployment, s)),
      );
      return true;
    }
    if (method !== 'POST') return false;
    const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
    if (!states.includes(String(body.state))) {
      this.error(res, 422, 'Validation Failed');
      return true;
    }
    const status: FakeDeploymentStatus = {
      id: this.nextId(),
      state: String(body.state),
      description: String(body.description ?? ''),
      environment_url: String(body.environment_url ?? ''),
      log_url: String(body.log_url ?? ''),
      created_at: this.tick(),
    };
    deployment.statuses.unshift(status);
    if (status.state === 'success' && body.auto_inactive !== false)
      for (const other of repo.deployments)
        if (
          other !== deployment &&
          other.environment === deployment.environment &&
          other.statuses[0]?.state === 'success'
        )
          other.statuses.unshift({ ...status, id: this.nextId(), state: 'inactive' });
    this.send(res, 201, this.statusJson(full, deployment, status));
    return true;
  }

  /** Issues, labels, permissions, teams, git refs, compare, runs and GraphQL: the fake's own repository. */
  private approvalRoute({ method, path, url, res }: Exchange, body: Record<string, unknown>, actor: string) {
    const query = url.searchParams;
    const repoPrefix = `/repos/${this.owner}/${this.name}`;
    const route = (pattern: string): string[] | undefined =>
      new RegExp(`^${pattern.replace('{repo}', repoPrefix)}$`).exec(path)?.slice(1);
    let m: string[] | undefined;
    const role = this.users.get(actor.toLowerCase())?.role;
    const writer = role === 'admin' || role === 'maintain' || role === 'write';

    if (method === 'POST' && path === '/graphql') {
      const variables = (body.variables ?? {}) as { number?: number };
      const issue = this.issue(Number(variables.number));
      this.send(res, 200, {
        data: {
          repository: {
            issue: issue
              ? { lastEditedAt: issue.lastEditedAt ?? null, editor: issue.editor ? { login: issue.editor } : null }
              : null,
          },
        },
      });
      return true;
    }
    if (method === 'GET' && (m = route('{repo}/labels/(.+)'))) {
      const label = this.labels.get(m[0] as string);
      if (label) this.send(res, 200, this.labelJson(label));
      else this.error(res, 404, 'Not Found');
      return true;
    }
    if (method === 'POST' && route('{repo}/labels')) {
      const name = String(body.name ?? '');
      if (!name || this.labels.has(name)) return (this.error(res, 422, 'Validation Failed'), true);
      const label = { name, color: String(body.color ?? 'ededed'), description: (body.description as string) ?? null };
      this.labels.set(name, label);
      this.send(res, 201, this.labelJson(label));
      return true;
    }
    if (method === 'GET' && route('{repo}/issues')) {
      const state = query.get('state') ?? 'open';
      const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
      const matching = this.issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      this.page(
        res,
        url,
        matching.map((i) => this.issueJson(i)),
      );
      return true;
    }
    if (method === 'POST' && route('{repo}/issues')) {
      if (typeof body.title !== 'string' || !body.title) return (this.error(res, 422, 'Validation Failed'), true);
      // Labels from someone without push access are silently dropped (docs: issues#create-an-issue).
      const labels = writer ? ((body.labels as string[] | undefined) ?? []) : [];
      for (const name of labels)
        if (!this.labels.has(name)) this.labels.set(name, { name, color: 'ededed', description: null });
      const issue = this.newIssue(actor, body.title, (body.body as string) ?? null, labels, false);
      this.send(res, 201, this.issueJson(issue));
      return true;
    }
    if ((m = route('{repo}/issues/(\\d+)'))) {
      const issue = this.issue(Number(m[0]));
      if (!issue) return (this.error(res, 404, 'Not Found'), true);
      if (method === 'GET') return (this.send(res, 200, this.issueJson(issue)), true);
      if (method !== 'PATCH') return false;
      if (issue.user !== actor && !writer)
        return (this.error(res, 403, 'Resource not accessible by integration'), true);
      if (typeof body.title === 'string') issue.title = body.title;
      if ((typeof body.body === 'string' || body.body === null) && body.body !== issue.body) {
        issue.body = body.body as string | null;
        issue.editor = actor;
        issue.lastEditedAt = this.tick();
      }
      if (body.state === 'open' || body.state === 'closed') {
        issue.state = body.state;
        issue.state_reason =
          body.state === 'closed' ? ((body.state_reason as string | undefined) ?? 'completed') : 'reopened';
      } else if (body.state !== undefined) return (this.error(res, 422, 'Validation Failed'), true);
      issue.updated_at = this.tick();
      this.send(res, 200, this.issueJson(issue));
      return true;
    }
    if ((m = route('{repo}/issues/(\\d+)/comments'))) {
      const number = Number(m[0]);
      if (!this.issue(number)) return (this.error(res, 404, 'Not Found'), true);
      if (method === 'GET') {
        this.page(
          res,
          url,
          this.commentsOn(number).map((c) => this.commentJson(c)),
        );
        return true;
      }
      if (method !== 'POST') return false;
      if (typeof body.body !== 'string' || !body.body) return (this.error(res, 422, 'Validation Failed'), true);
      const comment: Comment = {
        id: this.nextId(),
        issue: number,
        body: body.body,
        user: actor,
        created_at: this.tick(),
      };
      this.comments.push(comment);
      this.send(res, 201, this.commentJson(comment));
      return true;
    }
    if (method === 'GET' && (m = route('{repo}/collaborators/([^/]+)/permission'))) {
      const user = this.users.get((m[0] as string).toLowerCase());
      if (!user) return (this.error(res, 404, 'Not Found'), true);
      const role = user.role ?? 'none';
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      this.send(res, 200, { permission, role_name: role, user: this.userJson(user.login) });
      return true;
    }
    if (method === 'GET' && (m = route('/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)'))) {
      const key = `${(m[0] as string).toLowerCase()}/${(m[1] as string).toLowerCase()}`;
      if (this.hiddenTeams.has(key)) return (this.error(res, 403, 'Resource not accessible by integration'), true);
      const state = this.teams.get(key)?.members.get((m[2] as string).toLowerCase());
      if (!state) return (this.error(res, 404, 'Not Found'), true);
      this.send(res, 200, { url: `${this.url}${path}`, role: 'member', state });
      return true;
    }
    if (method === 'GET' && (m = route('{repo}/git/ref/tags/(.+)'))) {
      const tag = this.tags.get(m[0] as string);
      if (!tag) return (this.error(res, 404, 'Not Found'), true);
      const objectSha = tag.annotated ? this.tagObjectSha(m[0] as string, tag.sha) : tag.sha;
      this.send(res, 200, {
        ref: `refs/tags/${m[0]}`,
        node_id: `REF_${m[0]}`,
        url: `${this.url}${path}`,
        object: {
          type: tag.annotated ? 'tag' : 'commit',
          sha: objectSha,
          url: `${this.url}${repoPrefix}/git/${tag.annotated ? 'tags' : 'commits'}/${objectSha}`,
        },
      });
      return true;
    }
    if (method === 'GET' && (m = route('{repo}/git/tags/([0-9a-f]{40})'))) {
      for (const [name, tag] of this.tags)
        if (tag.annotated && this.tagObjectSha(name, tag.sha) === m[0]) {
          this.send(res, 200, {
            node_id: `TAG_${name}`,
            tag: name,
            sha: m[0],
            url: `${this.url}${path}`,
            message: `Release ${name}`,
            tagger: { date: new Date(this.clock).toISOString(), email: 'rm@example.com', name: 'Release Manager' },
            object: { sha: tag.sha, type: 'commit', url: `${this.url}${repoPrefix}/git/commits/${tag.sha}` },
            verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
          });
          return true;
        }
      this.error(res, 404, 'Not Found');
      return true;
    }
    if (method === 'GET' && (m = route('{repo}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)'))) {
      const base = this.commits.findIndex((c) => c.sha.startsWith(m?.[0] as string));
      const head = this.commits.findIndex((c) => c.sha.startsWith(m?.[1] as string));
      if (base === -1 || head === -1) return (this.error(res, 404, 'Not Found'), true);
      const ahead = head > base ? this.commits.slice(base + 1, head + 1) : [];
      this.send(res, 200, {
        status: head > base ? 'ahead' : head === base ? 'identical' : 'behind',
        ahead_by: ahead.length,
        behind_by: head < base ? base - head : 0,
        total_commits: ahead.length,
        commits: ahead.map((c) => ({
          sha: c.sha,
          commit: { message: c.message, author: { name: c.author, email: `${c.author}@example.com`, date: '' } },
          author: this.users.has(c.author.toLowerCase()) ? this.userJson(c.author) : null,
        })),
        files: ahead.flatMap((c) => c.files ?? []),
      });
      return true;
    }
    return false;
  }

  private tagObjectSha(name: string, commit: string): string {
    return createHash('sha1').update(`tag:${name}:${commit}`).digest('hex');
  }

  private labelJson(label: { name: string; color: string; description: string | null }) {
    const id = [...label.name].reduce((n, c) => n * 31 + c.charCodeAt(0), 11) >>> 0;
    return {
      id,
      node_id: `LA_${id}`,
      url: `${this.url}/repos/${this.owner}/${this.name}/labels/${encodeURIComponent(label.name)}`,
      ...label,
      default: false,
    };
  }

  private commentJson(c: Comment) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${this.owner}/${this.name}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.name}/issues/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${this.owner}/${this.name}/issues/${c.issue}`,
      body: c.body,
      user: this.userJson(c.user),
      created_at: c.created_at,
      updated_at: c.created_at,
      author_association: 'NONE',
    };
  }

  /** The issue_comment webhook payload GitHub would send for a comment (docs: webhook-events#issue_comment). */
  commentEvent(user: string, issueNumber: number, text: string, action: 'created' | 'edited' | 'deleted' = 'created') {
    const issue = this.issue(issueNumber);
    const comment: Comment = { id: this.nextId(), issue: issueNumber, body: text, user, created_at: this.tick() };
    this.comments.push(comment);
    return {
      action,
      issue: issue ? this.issueJson(issue) : { number: issueNumber },
      comment: this.commentJson(comment),
      repository: {
        name: this.name,
        full_name: `${this.owner}/${this.name}`,
        owner: { login: this.owner },
        private: false,
      },
      sender: this.userJson(user),
    };
  }
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
  afterEach(() => expect(github.violations).toEqual([]));
  return github;
}
