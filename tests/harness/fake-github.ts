/**
 * A fake of the GitHub REST endpoints deploy-kit's approval logic uses, as a real HTTP
 * server on 127.0.0.1 (port 0), so the real octokit client talks to it over the wire.
 *
 * Shapes, status codes and semantics follow GitHub's REST description as shipped in
 * @octokit/openapi-types 29.0.1 (node_modules/@octokit/openapi-types/types.d.ts, the
 * types octokit itself is generated from) and the docs pages at docs.github.com/rest:
 *   issue                          types.d.ts:16039   issues/get :123574, create :123145, update :123606
 *   issue-comment                  types.d.ts:16158   issues/create-comment :123959, list-comments :123916
 *   issues/list-for-repo           types.d.ts:123077  (labels, state, per_page, page; Link header; includes PRs)
 *   label                          types.d.ts:15479   issues/get-label :125224 (404 when absent), create-label :125186
 *   repository-collaborator-permission types.d.ts:27534, repos/get-collaborator-permission-level :118607
 *       ("permission" is the legacy base role admin|write|read|none, maintain maps to write and
 *       triage to read; "role_name" is the assigned role — docs.github.com/rest/collaborators/collaborators)
 *   team-membership                types.d.ts:24312   teams/get-membership-for-user-in-org :111507 (404 if not a member)
 *   git-ref / git-tag              types.d.ts:28779 / :28799, git/get-ref :121602, git/get-tag :121834
 *       (an annotated tag's ref points at a tag object, whose object is the commit)
 *   deployment / deployment-status types.d.ts:25452 / :28392, repos/list-deployments :120126 (newest first,
 *       filters sha/ref/task/environment), create-deployment :120208 (201), list/create statuses :120335/:120366
 *   commit-comparison              types.d.ts:27716, repos/compare-commits :136188 (commits oldest first)
 *   workflow-run                   actions/get-workflow-run (GET …/actions/runs/{run_id}: id, path,
 *       event, head_branch — the tag's name for a tag push — head_sha, status, conclusion, actor,
 *       triggering_actor, run_attempt)
 *   GraphQL Issue.editor / Issue.lastEditedAt (docs.github.com/graphql/reference/objects#issue:
 *       "The actor who edited the comment", "The moment the editor made the last edit"), read
 *       through POST /graphql; a REST PATCH that changes the body sets them.
 * Errors are `{ message, documentation_url }` with the HTTP status, as the API answers.
 * Authentication: `Authorization: token T` or `Bearer T`; unknown tokens get 401 Bad credentials.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface FakeUser {
  login: string;
  type?: 'User' | 'Bot';
  /** Base role on the repository (what the permission endpoint maps to `permission`). */
  role?: 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
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
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}

interface Deployment {
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
  statuses: Array<{
    id: number;
    state: string;
    description: string;
    environment_url: string;
    log_url: string;
    created_at: string;
  }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  user?: string;
}

const DOCS = 'https://docs.github.com/rest';

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  /** token → login */
  readonly tokens = new Map<string, string>();
  readonly users = new Map<string, FakeUser>();
  /** "org/slug" → logins with an active membership; "pending:" prefix for pending. */
  readonly teams = new Map<string, Map<string, 'active' | 'pending'>>();
  /** Teams whose membership the token may not read (answers 403, as without members: read). */
  readonly hiddenTeams = new Set<string>();
  /** The repository's history, oldest first (compare works on this line). */
  readonly commits: FakeCommit[] = [];
  /** tag name → { sha of the commit, annotated } */
  readonly tags = new Map<string, { sha: string; annotated: boolean }>();
  readonly labels = new Map<string, { name: string; color: string; description: string | null }>();
  readonly issues: Issue[] = [];
  readonly comments: Comment[] = [];
  readonly deployments: Deployment[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly runs: FakeRun[] = [];
  /** Logins whose token lacks `actions: read` (GET …/actions/runs/{id} answers 403). */
  readonly noActionsRead = new Set<string>();
  private server?: Server;
  private nextId = 1000;
  private clock = Date.parse('2026-11-27T10:00:00Z');
  url = '';

  constructor(owner = 'acme', repo = 'shop') {
    this.owner = owner;
    this.repo = repo;
  }

  /** A token that authenticates as login. */
  addUser(user: FakeUser, token?: string): this {
    this.users.set(user.login.toLowerCase(), { type: 'User', role: 'none', ...user });
    if (token) this.tokens.set(token, user.login);
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
    const issue = this.newIssue(user, title, body, [], options.pullRequest ?? false);
    return issue.number;
  }

  /** A deployment with one status, as an earlier release left it. */
  addDeployment(sha: string, environment: string, state: string, payload: unknown = {}, task = 'deploy'): number {
    const id = this.nextId++;
    const at = this.tick();
    this.deployments.unshift({
      id,
      sha,
      ref: sha,
      task,
      environment,
      description: null,
      payload,
      creator: 'github-actions[bot]',
      created_at: at,
      statuses: [{ id: this.nextId++, state, description: '', environment_url: '', log_url: '', created_at: at }],
    });
    return id;
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
      this.handle(req, res).catch((error: unknown) => {
        this.send(res, 500, { message: String(error) });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private tick(): string {
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

  private userJson(login: string) {
    const user = this.users.get(login.toLowerCase());
    return {
      login: user?.login ?? login,
      id: [...login].reduce((n, c) => n * 31 + c.charCodeAt(0), 7) >>> 0,
      type: user?.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
      html_url: `https://github.com/${login}`,
    };
  }

  private issueJson(issue: Issue) {
    const base = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      id: issue.number * 101,
      node_id: `I_${issue.number}`,
      url: `${base}/issues/${issue.number}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/${issue.pull_request ? 'pull' : 'issues'}/${issue.number}`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.state_reason,
      title: issue.title,
      body: issue.body,
      user: this.userJson(issue.user),
      labels: issue.labels.map((name) => ({ name, color: this.labels.get(name)?.color ?? 'ededed' })),
      comments: this.commentsOn(issue.number).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.state === 'closed' ? issue.updated_at : null,
      ...(issue.pull_request ? { pull_request: { url: `${base}/pulls/${issue.number}` } } : {}),
    };
  }

  private deploymentJson(d: Deployment) {
    return {
      url: `${this.url}/repos/${this.owner}/${this.repo}/deployments/${d.id}`,
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
      statuses_url: `${this.url}/repos/${this.owner}/${this.repo}/deployments/${d.id}/statuses`,
      repository_url: `${this.url}/repos/${this.owner}/${this.repo}`,
    };
  }

  private send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, message: string): void {
    this.send(res, status, { message, documentation_url: DOCS, status: String(status) });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return this.error(res, 400, 'Problems parsing JSON');
      }
    }
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '');
    const actor = auth ? this.tokens.get(auth[1] as string) : undefined;
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method, path, query: Object.fromEntries(url.searchParams), body, user: actor });
    if (!actor) return this.error(res, 401, 'Bad credentials');

    const query = url.searchParams;
    const repoPrefix = `/repos/${this.owner}/${this.repo}`;
    const route = (pattern: string): string[] | undefined => {
      const re = new RegExp(`^${pattern.replace('{repo}', repoPrefix)}$`);
      const match = re.exec(path);
      return match ? match.slice(1) : undefined;
    };
    let m: string[] | undefined;

    // --- GraphQL: only the issue's last editor
    if (method === 'POST' && path === '/graphql') {
      const variables = (body.variables ?? {}) as { number?: number };
      const issue = this.issue(Number(variables.number));
      return this.send(res, 200, {
        data: {
          repository: {
            issue: issue
              ? { lastEditedAt: issue.lastEditedAt ?? null, editor: issue.editor ? { login: issue.editor } : null }
              : null,
          },
        },
      });
    }
    // --- workflow runs
    if (method === 'GET' && (m = route('{repo}/actions/runs/(\\d+)'))) {
      if (this.noActionsRead.has(actor)) return this.error(res, 403, 'Resource not accessible by integration');
      const run = this.runs.find((r) => r.id === Number(m?.[0]));
      if (!run) return this.error(res, 404, 'Not Found');
      return this.send(res, 200, {
        ...run,
        name: 'Release',
        actor: this.userJson(run.actor),
        triggering_actor: this.userJson(run.triggering_actor ?? run.actor),
        html_url: `https://github.com/${this.owner}/${this.repo}/actions/runs/${run.id}`,
      });
    }
    // --- labels
    if (method === 'GET' && (m = route('{repo}/labels/(.+)'))) {
      const label = this.labels.get(m[0] as string);
      return label ? this.send(res, 200, label) : this.error(res, 404, 'Not Found');
    }
    if (method === 'POST' && route('{repo}/labels')) {
      const name = String(body.name ?? '');
      if (!name) return this.error(res, 422, 'Validation Failed');
      if (this.labels.has(name)) return this.error(res, 422, 'Validation Failed');
      const label = { name, color: String(body.color ?? 'ededed'), description: (body.description as string) ?? null };
      this.labels.set(name, label);
      return this.send(res, 201, label);
    }
    // --- issues
    if (method === 'GET' && route('{repo}/issues')) {
      const state = query.get('state') ?? 'open';
      const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
      const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
      const page = Number(query.get('page') ?? 1);
      const matching = this.issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < matching.length) {
        const next = new URL(url.toString().replace('http://127.0.0.1', this.url));
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return this.send(
        res,
        200,
        slice.map((i) => this.issueJson(i)),
        headers,
      );
    }
    if (method === 'POST' && route('{repo}/issues')) {
      if (typeof body.title !== 'string' || !body.title) return this.error(res, 422, 'Validation Failed');
      const role = this.users.get(actor.toLowerCase())?.role;
      // Labels from someone without push access are silently dropped (docs: issues#create-an-issue).
      const canLabel = role === 'admin' || role === 'maintain' || role === 'write';
      const labels = canLabel ? ((body.labels as string[] | undefined) ?? []) : [];
      for (const name of labels)
        if (!this.labels.has(name)) this.labels.set(name, { name, color: 'ededed', description: null });
      const issue = this.newIssue(actor, body.title, (body.body as string) ?? null, labels, false);
      return this.send(res, 201, this.issueJson(issue));
    }
    if ((m = route('{repo}/issues/(\\d+)'))) {
      const issue = this.issue(Number(m[0]));
      if (!issue) return this.error(res, 404, 'Not Found');
      if (method === 'GET') return this.send(res, 200, this.issueJson(issue));
      if (method === 'PATCH') {
        const role = this.users.get(actor.toLowerCase())?.role;
        const canEdit = issue.user === actor || role === 'admin' || role === 'maintain' || role === 'write';
        if (!canEdit) return this.error(res, 403, 'Resource not accessible by integration');
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
        } else if (body.state !== undefined) return this.error(res, 422, 'Validation Failed');
        issue.updated_at = this.tick();
        return this.send(res, 200, this.issueJson(issue));
      }
    }
    if ((m = route('{repo}/issues/(\\d+)/comments'))) {
      const number = Number(m[0]);
      if (!this.issue(number)) return this.error(res, 404, 'Not Found');
      if (method === 'GET')
        return this.send(
          res,
          200,
          this.commentsOn(number).map((c) => this.commentJson(c)),
        );
      if (method === 'POST') {
        if (typeof body.body !== 'string' || !body.body) return this.error(res, 422, 'Validation Failed');
        const comment: Comment = {
          id: this.nextId++,
          issue: number,
          body: body.body,
          user: actor,
          created_at: this.tick(),
        };
        this.comments.push(comment);
        return this.send(res, 201, this.commentJson(comment));
      }
    }
    // --- permissions and teams
    if (method === 'GET' && (m = route('{repo}/collaborators/([^/]+)/permission'))) {
      const user = this.users.get((m[0] as string).toLowerCase());
      if (!user) return this.error(res, 404, 'Not Found');
      const role = user.role ?? 'none';
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return this.send(res, 200, { permission, role_name: role, user: this.userJson(user.login) });
    }
    if (method === 'GET' && (m = route('/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)'))) {
      const key = `${(m[0] as string).toLowerCase()}/${(m[1] as string).toLowerCase()}`;
      if (this.hiddenTeams.has(key)) return this.error(res, 403, 'Resource not accessible by integration');
      const state = this.teams.get(key)?.get((m[2] as string).toLowerCase());
      if (!state) return this.error(res, 404, 'Not Found');
      return this.send(res, 200, { url: `${this.url}${path}`, role: 'member', state });
    }
    // --- git refs and tags
    if (method === 'GET' && (m = route('{repo}/git/ref/tags/(.+)'))) {
      const tag = this.tags.get(m[0] as string);
      if (!tag) return this.error(res, 404, 'Not Found');
      const objectSha = tag.annotated ? this.tagObjectSha(m[0] as string, tag.sha) : tag.sha;
      return this.send(res, 200, {
        ref: `refs/tags/${m[0]}`,
        node_id: `REF_${m[0]}`,
        url: `${this.url}${path}`,
        object: {
          type: tag.annotated ? 'tag' : 'commit',
          sha: objectSha,
          url: `${this.url}${repoPrefix}/git/x/${objectSha}`,
        },
      });
    }
    if (method === 'GET' && (m = route('{repo}/git/tags/([0-9a-f]{40})'))) {
      for (const [name, tag] of this.tags) {
        if (tag.annotated && this.tagObjectSha(name, tag.sha) === m[0])
          return this.send(res, 200, {
            node_id: `TAG_${name}`,
            tag: name,
            sha: m[0],
            url: `${this.url}${path}`,
            message: `Release ${name}`,
            tagger: { date: new Date(this.clock).toISOString(), email: 'rm@example.com', name: 'Release Manager' },
            object: { sha: tag.sha, type: 'commit', url: `${this.url}${repoPrefix}/git/commits/${tag.sha}` },
            verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
          });
      }
      return this.error(res, 404, 'Not Found');
    }
    // --- deployments
    if (method === 'GET' && route('{repo}/deployments')) {
      const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
      const list = this.deployments
        .filter((d) => !query.get('sha') || d.sha === query.get('sha'))
        .filter((d) => !query.get('environment') || d.environment === query.get('environment'))
        .filter((d) => !query.get('ref') || d.ref === query.get('ref'))
        .filter((d) => !query.get('task') || d.task === query.get('task'))
        .slice(0, perPage);
      return this.send(
        res,
        200,
        list.map((d) => this.deploymentJson(d)),
      );
    }
    if (method === 'POST' && route('{repo}/deployments')) {
      const ref = String(body.ref ?? '');
      const sha = this.commits.find((c) => c.sha === ref)?.sha ?? this.tags.get(ref)?.sha;
      if (!sha) return this.error(res, 422, `No ref found for: ${ref}`);
      const deployment: Deployment = {
        id: this.nextId++,
        sha,
        ref,
        task: typeof body.task === 'string' && body.task ? body.task : 'deploy',
        environment: String(body.environment ?? 'production'),
        description: (body.description as string) ?? null,
        payload: body.payload ?? {},
        creator: actor,
        created_at: this.tick(),
        statuses: [],
      };
      this.deployments.unshift(deployment);
      return this.send(res, 201, this.deploymentJson(deployment));
    }
    if ((m = route('{repo}/deployments/(\\d+)/statuses'))) {
      const deployment = this.deployments.find((d) => d.id === Number(m?.[0]));
      if (!deployment) return this.error(res, 404, 'Not Found');
      if (method === 'GET') {
        const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
        return this.send(
          res,
          200,
          deployment.statuses.slice(0, perPage).map((s) => ({
            ...s,
            url: `${this.url}${path}/${s.id}`,
            node_id: `DES_${s.id}`,
            creator: this.userJson(deployment.creator),
            environment: deployment.environment,
            target_url: s.log_url,
            updated_at: s.created_at,
            deployment_url: `${this.url}${repoPrefix}/deployments/${deployment.id}`,
            repository_url: `${this.url}${repoPrefix}`,
          })),
        );
      }
      if (method === 'POST') {
        const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
        if (!states.includes(String(body.state))) return this.error(res, 422, 'Validation Failed');
        const status = {
          id: this.nextId++,
          state: String(body.state),
          description: String(body.description ?? ''),
          environment_url: String(body.environment_url ?? ''),
          log_url: String(body.log_url ?? ''),
          created_at: this.tick(),
        };
        deployment.statuses.unshift(status);
        // auto_inactive (default true): earlier successful deployments to the environment go inactive.
        if (status.state === 'success' && body.auto_inactive !== false) {
          for (const other of this.deployments)
            if (
              other !== deployment &&
              other.environment === deployment.environment &&
              other.statuses[0]?.state === 'success'
            )
              other.statuses.unshift({ ...status, id: this.nextId++, state: 'inactive' });
        }
        return this.send(res, 201, { ...status, environment: deployment.environment });
      }
    }
    // --- compare
    if (method === 'GET' && (m = route('{repo}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)'))) {
      const base = this.commits.findIndex((c) => c.sha.startsWith(m?.[0] as string));
      const head = this.commits.findIndex((c) => c.sha.startsWith(m?.[1] as string));
      if (base === -1 || head === -1) return this.error(res, 404, 'Not Found');
      const ahead = head > base ? this.commits.slice(base + 1, head + 1) : [];
      return this.send(res, 200, {
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
    }
    return this.error(res, 404, 'Not Found');
  }

  private tagObjectSha(name: string, commit: string): string {
    return createHash('sha1').update(`tag:${name}:${commit}`).digest('hex');
  }

  private commentJson(c: Comment) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${c.issue}#issuecomment-${c.id}`,
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
    const comment: Comment = { id: this.nextId++, issue: issueNumber, body: text, user, created_at: this.tick() };
    this.comments.push(comment);
    return {
      action,
      issue: issue ? this.issueJson(issue) : { number: issueNumber },
      comment: this.commentJson(comment),
      repository: {
        name: this.repo,
        full_name: `${this.owner}/${this.repo}`,
        owner: { login: this.owner },
        private: false,
      },
      sender: this.userJson(user),
    };
  }
}
