/**
 * The fake GitHub's state, what tests seed it with, and how it answers (send, error, page):
 * the server and its routes are in the files beside this one (tests/harness/fake-github.ts
 * lists the facts they follow). Every answer is checked against GitHub's REST description as
 * it is sent; what does not conform goes to `violations`, which fails the test (guard.ts).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkResponse } from '../../conformance/github-openapi.js';
import { watch } from './live.js';
import {
  type Comment,
  type DeploymentSeed,
  type FakeAccount,
  type FakeCommit,
  type FakeDeployment,
  type FakeRepo,
  type FakeRun,
  type FakeUser,
  type Issue,
  PERMISSIONS,
  type RecordedRequest,
  type TokenGrant,
} from './model.js';
import { handle } from './server.js';
import { commentJson, issueJson } from './issues.js';
import { seedDeployment } from './deployments.js';

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
  /**
   * What GitHub's descriptions do not allow: requests (each answered 400), answers, GraphQL
   * documents. guard.ts fails the test that made them; a test that expects one clears it.
   */
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
  /** The request each answer belongs to (send() records the status and body there). */
  readonly records = new WeakMap<ServerResponse, RecordedRequest>();
  private server?: Server;
  private nextIdValue = 1000;
  clock = Date.parse('2026-11-27T10:00:00Z');
  url = '';

  constructor(owner = 'acme', name = 'shop') {
    this.owner = owner;
    this.name = name;
    watch(this);
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
  addDeployment(d: DeploymentSeed): FakeDeployment {
    return seedDeployment(this, d);
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
      handle(this, req, res).catch((error: unknown) => this.error(res, 500, String(error)));
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

  newIssue(user: string, title: string, body: string | null, labels: string[], pr: boolean): Issue {
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

  /** Answers status and body; an answer GitHub's description does not allow is a violation. */
  send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    const record = this.records.get(res);
    if (record) {
      // What goes on the wire is checked (a field set to undefined is a field missing).
      Object.assign(record, { status, answer: text ? JSON.parse(text) : undefined });
      this.violations.push(...checkResponse(record));
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
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

  /** The issue_comment webhook payload GitHub would send for a comment (docs: webhook-events#issue_comment). */
  commentEvent(user: string, issueNumber: number, text: string, action: 'created' | 'edited' | 'deleted' = 'created') {
    const issue = this.issue(issueNumber);
    const comment: Comment = { id: this.nextId(), issue: issueNumber, body: text, user, created_at: this.tick() };
    this.comments.push(comment);
    return {
      action,
      issue: issue ? issueJson(this, issue) : { number: issueNumber },
      comment: commentJson(this, comment),
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
