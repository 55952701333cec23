/**
 * A fake of the Vercel REST API on 127.0.0.1, for running the REAL `vercel` CLI (it takes
 * the hidden `--api <url>` flag) and the kit's own API calls against it.
 *
 * Written from what the CLI calls and expects, checked against the sources:
 * - docs/platforms.md §1.3 (the endpoints `vercel deploy --prebuilt --prod` hits, in
 *   order, observed with the real CLI), §1.5 (the REST reads), §1.6 (rollback flow).
 * - vercel/vercel packages/client/src/upload.ts:57-70 (a 400 `missing_files` makes the
 *   CLI upload each sha to POST /v2/files, then repeat the create).
 * - vercel/vercel packages/client/src/check-deployment-status.ts (polls
 *   GET /v13/deployments/:id until READY *and* aliasAssigned; ERROR + BUILD_FAILED is a
 *   build error) and utils/ready-state.ts (isReady/isFailed/isAliasAssigned).
 * - vercel/vercel packages/cli/src/util/deploy/process-deployment.ts ("created" event:
 *   the CLI prints https://<deployment.url> to stdout when stdout is not a TTY).
 * - vercel/vercel packages/cli/src/commands/rollback/request-rollback.ts
 *   (POST /v9/projects/:id/rollback/:dpl, body {}) and rollback/status.ts (polls
 *   GET /v9/projects/:id?rollbackInfo=true and reads lastAliasRequest {jobStatus,
 *   requestedAt, toDeploymentId, type}; requestedAt older than 3 minutes reads as "no
 *   rollback in progress", so it must be the current time; `failed` then lists
 *   GET /v9/projects/:id/rollback/aliases?failedOnly=true).
 * - vercel/vercel internals/types/index.d.ts: Deployment, Project (targets.production =
 *   the deployment production serves now; lastAliasRequest), LastAliasRequest.
 * - Invalid token: 403 {error:{code:"forbidden",message:"Not authorized",invalidToken:true}}
 *   (docs/platforms.md §1.4, observed with 64.0.2; 58.10.0 prints "The token provided via
 *   VERCEL_TOKEN environment variable is not valid", exit 1).
 * Checked in the installed vercel 58.10.0 bundle (node_modules/vercel/dist) where the
 * stored sources are of other versions: chunks/chunk-IBIZT5M4.js:47360-47440 (missing_files
 * → uploads → create again), commands/deploy/index.js:830 (`--yes` adds
 * skipAutoDetectionConfirmation=1), index.js (`--scope team_…` lists GET /v1/teams and
 * matches id or slug), chunks/chunk-L6BFCLXF.js:755-840 (events as JSON lines), and by
 * running it: small source files come inline in the create body (`data`, base64).
 *
 * State is kept between calls (deployments, which one production serves, the last alias
 * request), and the test scripts outcomes through `scenario`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BuildOutcome = 'ready' | 'error' | 'hang';
export type AliasJobOutcome = 'succeeded' | 'failed' | 'stuck';

export interface FakeDeployment {
  id: string;
  /** Host only, no scheme, as the API returns it. */
  url: string;
  name: string;
  projectId: string;
  ownerId: string;
  target: 'production' | null;
  readyState: 'QUEUED' | 'BUILDING' | 'READY' | 'ERROR' | 'CANCELED' | 'BLOCKED' | 'DELETED';
  errorCode?: string;
  errorMessage?: string;
  alias: string[];
  aliasAssigned: number | null;
  createdAt: number;
  buildingAt: number;
  ready?: number;
  /** How many status polls it has seen: QUEUED on creation, the outcome from the first poll. */
  polls: number;
  outcome: BuildOutcome;
  meta: Record<string, string>;
}

export interface RecordedRequest {
  /** When it arrived (ms since the epoch). */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  userAgent?: string;
  body?: unknown;
}

export interface Scenario {
  /** What a new deployment's build becomes when first polled. */
  build: BuildOutcome;
  /** What a rollback or promote request becomes. */
  aliasJob: AliasJobOutcome;
  /** Every request answers 403 invalidToken unless it carries one of these. */
  tokens: string[];
}

export const TEAM = { id: 'team_fake', slug: 'fake-team', name: 'Fake Team' };
export const USER = { id: 'user_fake', username: 'fake-user', email: 'fake@example.com' };

export class FakeVercelApi {
  readonly requests: RecordedRequest[] = [];
  readonly deployments: FakeDeployment[] = [];
  readonly scenario: Scenario;
  readonly project: {
    id: string;
    name: string;
    accountId: string;
    productionAlias: string;
    /** Which deployment production serves. */
    productionId?: string;
    /**
     * Whether new production deployments get the production domains. A rollback turns it
     * off until a deployment is promoted (Vercel docs, instant rollback / `vercel promote`:
     * "To undo a rollback, promote a deployment").
     */
    autoAssign: boolean;
    lastAliasRequest?: {
      jobStatus: 'pending' | 'in-progress' | 'succeeded' | 'failed' | 'skipped';
      requestedAt: number;
      toDeploymentId: string;
      fromDeploymentId?: string;
      type: 'rollback' | 'promote';
    };
  };
  private readonly files = new Set<string>();
  private server?: Server;
  url = '';

  constructor(options: { projectId?: string; projectName?: string; token?: string } = {}) {
    const name = options.projectName ?? 'fake-app';
    this.project = {
      id: options.projectId ?? 'prj_fake',
      name,
      accountId: TEAM.id,
      productionAlias: `${name}.vercel.app`,
      autoAssign: true,
    };
    this.scenario = { build: 'ready', aliasJob: 'succeeded', tokens: [options.token ?? 'vercelTestToken123'] };
  }

  /** The inputs that point a deploy-kit Vercel step at this fake's team and project. */
  identity(token: string, workingDirectory: string): Record<string, string> {
    return {
      token,
      'org-id': TEAM.id,
      'project-id': this.project.id,
      'api-url': this.url,
      'working-directory': workingDirectory,
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        send(res, 500, { error: { code: 'internal', message: String(error) } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** A READY production deployment that production serves, as if deployed earlier. */
  seedProduction(createdAt = Date.now() - 3_600_000): FakeDeployment {
    const deployment = this.newDeployment('production', createdAt);
    Object.assign(deployment, { readyState: 'READY', ready: createdAt + 1000, polls: 99 });
    this.assignProduction(deployment);
    return deployment;
  }

  /** As if someone ran an instant rollback to `to` on Vercel: production pinned there. */
  rolledBackTo(to: FakeDeployment): void {
    this.project.lastAliasRequest = {
      jobStatus: 'succeeded',
      requestedAt: Date.now() - 600_000,
      toDeploymentId: to.id,
      fromDeploymentId: this.project.productionId,
      type: 'rollback',
    };
    this.assignProduction(to);
    this.project.autoAssign = false;
  }

  /** Requests other than the CLI's background noise, as `METHOD /path`. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  production(): FakeDeployment | undefined {
    return this.deployments.find((d) => d.id === this.project.productionId);
  }

  private newDeployment(target: 'production' | null, createdAt = Date.now()): FakeDeployment {
    const suffix = randomBytes(5).toString('hex');
    const deployment: FakeDeployment = {
      id: `dpl_${randomBytes(12).toString('hex')}`,
      url: `${this.project.name}-${suffix.slice(0, 9)}-${TEAM.slug}.vercel.app`,
      name: this.project.name,
      projectId: this.project.id,
      ownerId: TEAM.id,
      target,
      readyState: 'QUEUED',
      alias: [],
      aliasAssigned: null,
      createdAt,
      buildingAt: createdAt,
      polls: 0,
      outcome: this.scenario.build,
      meta: {},
    };
    this.deployments.push(deployment);
    return deployment;
  }

  private assignProduction(deployment: FakeDeployment): void {
    for (const other of this.deployments) other.alias = other.alias.filter((a) => a !== this.project.productionAlias);
    deployment.alias = [this.project.productionAlias];
    deployment.aliasAssigned = Date.now();
    this.project.productionId = deployment.id;
  }

  /** The Deployment object of GET /v13/deployments/:id (internals/types Deployment). */
  private deploymentJson(d: FakeDeployment) {
    return {
      id: d.id,
      uid: d.id,
      name: d.name,
      url: d.url,
      projectId: d.projectId,
      ownerId: d.ownerId,
      target: d.target,
      readyState: d.readyState,
      status: d.readyState,
      ...(d.errorCode ? { errorCode: d.errorCode, errorMessage: d.errorMessage } : {}),
      alias: d.alias,
      aliasAssigned: d.aliasAssigned,
      aliasError: null,
      createdAt: d.createdAt,
      buildingAt: d.buildingAt,
      ...(d.ready ? { ready: d.ready } : {}),
      inspectorUrl: `https://vercel.com/${TEAM.slug}/${d.name}/${d.id.slice(4)}`,
      creator: { uid: USER.id, username: USER.username },
      meta: d.meta,
      team: TEAM,
      version: 2,
      type: 'LAMBDAS',
      public: false,
      regions: ['iad1'],
    };
  }

  /**
   * An item of GET /v6/deployments: @vercel/sdk 1.28.35 src/models/getdeploymentsop.ts:693-848
   * (Deployments). Its id is `uid`; there is no `id` and no `alias` field.
   */
  private listItemJson(d: FakeDeployment) {
    return {
      uid: d.id,
      name: d.name,
      url: d.url,
      created: d.createdAt,
      createdAt: d.createdAt,
      buildingAt: d.buildingAt,
      ...(d.ready ? { ready: d.ready } : {}),
      projectId: d.projectId,
      target: d.target,
      readyState: d.readyState,
      state: d.readyState,
      ...(d.errorCode ? { errorCode: d.errorCode, errorMessage: d.errorMessage } : {}),
      aliasAssigned: d.aliasAssigned,
      aliasError: null,
      inspectorUrl: `https://vercel.com/${TEAM.slug}/${d.name}/${d.id.slice(4)}`,
      creator: { uid: USER.id, username: USER.username },
      meta: d.meta,
      type: 'LAMBDAS',
    };
  }

  private projectJson() {
    const production = this.production();
    return {
      id: this.project.id,
      name: this.project.name,
      accountId: this.project.accountId,
      createdAt: 1_700_000_000_000,
      updatedAt: Date.now(),
      framework: null,
      outputDirectory: null,
      buildCommand: null,
      installCommand: null,
      devCommand: null,
      rootDirectory: null,
      directoryListing: false,
      nodeVersion: '20.x',
      ...(production ? { targets: { production: this.deploymentJson(production) } } : {}),
      latestDeployments: this.deployments
        .slice()
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, 5)
        .map((d) => this.deploymentJson(d)),
      lastAliasRequest: this.project.lastAliasRequest ?? null,
    };
  }

  /** What Vercel's build log says for a deployment, by its state. */
  private buildLog(d: FakeDeployment): string[] {
    const lines = ['Running build in Washington, D.C., USA (East) – iad1', `Cloning completed for ${d.id}`];
    if (d.readyState === 'ERROR')
      lines.push('> fake-app@1.0.0 build', 'Error: Cannot find module ./missing', d.errorMessage ?? 'Build failed');
    else if (d.readyState === 'READY') lines.push('Build Completed in /vercel/output', 'Deployment completed');
    return lines;
  }

  /** Polling moves a deployment on: QUEUED → the scripted outcome (check-deployment-status.ts). */
  private poll(d: FakeDeployment): void {
    d.polls++;
    if (d.readyState !== 'QUEUED' && d.readyState !== 'BUILDING') return;
    if (d.outcome === 'hang') {
      d.readyState = 'BUILDING';
    } else if (d.outcome === 'error') {
      d.readyState = 'ERROR';
      d.errorCode = 'BUILD_FAILED';
      d.errorMessage = 'Command "npm run build" exited with 1';
    } else {
      d.readyState = 'READY';
      d.ready = Date.now();
      // A production deployment gets the production alias (unless a rollback pinned
      // production); a preview one only its own url.
      if (d.target === 'production' && this.project.autoAssign) this.assignProduction(d);
      else d.aliasAssigned = Date.now();
    }
  }

  private findDeployment(idOrHost: string): FakeDeployment | undefined {
    const host = idOrHost.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    return (
      this.deployments.find((d) => d.id === idOrHost) ??
      this.deployments.find((d) => d.url === host) ??
      this.deployments.find((d) => d.alias.includes(host))
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const record: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      body: isJson && raw.length ? JSON.parse(raw.toString('utf8')) : undefined,
    };
    this.requests.push(record);

    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.scenario.tokens.includes(token)) {
      // docs/platforms.md §1.4: the CLI turns this into "Error: Not authorized", exit 1.
      return send(res, 403, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } });
    }
    const method = record.method;
    const path = url.pathname;
    let m: RegExpExecArray | null;

    if (method === 'GET' && path === '/v2/user') {
      // northstar users carry their default team (docs/platforms.md §1.3).
      return send(res, 200, { user: { ...USER, defaultTeamId: TEAM.id, version: 'northstar' } });
    }
    if (method === 'GET' && /^\/v[12]\/teams$/.test(path)) {
      // `--scope team_…` makes the CLI list the teams and match id or slug (cli src/index.ts).
      return send(res, 200, { teams: [TEAM], pagination: { count: 1, next: null, prev: null } });
    }
    if (method === 'GET' && (m = /^\/(?:v2\/)?teams\/([^/]+)$/.exec(path))) {
      if (m[1] !== TEAM.id && m[1] !== TEAM.slug) return notFound(res, 'team');
      return send(res, 200, TEAM);
    }
    if (method === 'GET' && (m = /^\/v\d+\/projects\/([^/]+)$/.exec(path))) {
      if (m[1] !== this.project.id && m[1] !== this.project.name) return notFound(res, 'project');
      return send(res, 200, this.projectJson());
    }
    if (method === 'GET' && (m = /^\/v\d+\/env\/pull\/([^/]+)(?:\/([^/]+))?$/.exec(path))) {
      if (m[1] !== this.project.id) return notFound(res, 'project');
      return send(res, 200, { env: { VERCEL_ENV: m[2] ?? 'development' } });
    }
    if (method === 'POST' && path === '/v2/files') {
      const digest = String(req.headers['x-now-digest'] ?? '');
      const actual = createHash('sha1').update(raw).digest('hex');
      if (digest !== actual) return send(res, 400, { error: { code: 'invalid_digest', message: 'Digest mismatch' } });
      this.files.add(digest);
      return send(res, 200, {});
    }
    if (method === 'POST' && path === '/v13/deployments') {
      return this.createDeployment(res, record.body as CreateBody);
    }
    if (method === 'GET' && (m = /^\/v13\/deployments\/([^/]+)$/.exec(path))) {
      const d = this.findDeployment(decodeURIComponent(m[1]!));
      if (!d) return notFound(res, 'deployment');
      this.poll(d);
      return send(res, 200, this.deploymentJson(d));
    }
    if (method === 'GET' && (m = /^\/v\d+\/now\/deployments\/([^/]+)\/events$/.exec(path))) {
      // The build-log stream as JSON lines (cli src/util/events.ts parses them with
      // jsonlines; a line's `text` is the log text). The CLI follows it while deploying;
      // an empty body just ends it (docs/platforms.md §1.3: a 200 with no lines).
      const d = this.findDeployment(decodeURIComponent(m[1]!));
      if (!d) return notFound(res, 'deployment');
      let events = this.buildLog(d).map((text, i) => ({
        type: 'stdout',
        created: d.createdAt + i,
        date: d.createdAt + i,
        text,
        deploymentId: d.id,
      }));
      if (url.searchParams.get('direction') === 'backward') events = events.reverse();
      const limit = Number(url.searchParams.get('limit') ?? 0);
      if (limit > 0) events = events.slice(0, limit);
      res.writeHead(200, { 'content-type': 'application/stream+json' });
      return void res.end(events.map((e) => JSON.stringify(e)).join('\n'));
    }
    if (method === 'GET' && (m = /^\/v11\/deployments\/([^/]+)\/builds$/.exec(path))) {
      return send(res, 200, { builds: [] });
    }
    if (method === 'GET' && path === '/v6/deployments') {
      return this.listDeployments(res, url.searchParams);
    }
    if (method === 'POST' && (m = /^\/v9\/projects\/([^/]+)\/rollback\/([^/]+)$/.exec(path))) {
      return this.aliasRequest(res, 'rollback', m[1]!, m[2]!);
    }
    if (method === 'POST' && (m = /^\/v10\/projects\/([^/]+)\/promote\/([^/]+)$/.exec(path))) {
      return this.aliasRequest(res, 'promote', m[1]!, m[2]!);
    }
    if (method === 'GET' && /^\/v9\/projects\/[^/]+\/rollback\/aliases$/.test(path)) {
      const to = this.project.lastAliasRequest?.toDeploymentId ?? '';
      return send(res, 200, {
        aliases: [{ alias: { alias: this.project.productionAlias, deploymentId: to }, id: 'ra_1', status: 'failed' }],
        pagination: { count: 1, next: null, prev: null },
      });
    }
    return notFound(res, `${method} ${path}`);
  }

  private createDeployment(res: ServerResponse, body: CreateBody): void {
    if (body.project && body.project !== this.project.id && body.project !== this.project.name)
      return notFound(res, 'project');
    // Small files come inline ({file, data, encoding:"base64", mode}, observed with vercel
    // 58.10.0 for a source deploy); the others by sha, uploaded first.
    const missing = (body.files ?? [])
      .filter((f) => f.data === undefined)
      .map((f) => f.sha as string)
      .filter((sha) => !this.files.has(sha));
    if (missing.length) {
      // client/src/upload.ts:57-70: the CLI uploads these, then repeats the request.
      return send(res, 400, {
        error: { code: 'missing_files', message: 'Missing files', missing: [...new Set(missing)] },
      });
    }
    const d = this.newDeployment(body.target === 'production' ? 'production' : null);
    d.meta = body.meta ?? {};
    return send(res, 200, this.deploymentJson(d));
  }

  private listDeployments(res: ServerResponse, query: URLSearchParams): void {
    const states = query.get('state')?.split(',');
    const limit = Number(query.get('limit') ?? 20);
    const until = query.get('until') ? Number(query.get('until')) : undefined;
    const since = query.get('since') ? Number(query.get('since')) : undefined;
    const list = this.deployments
      .filter((d) => !query.get('projectId') || d.projectId === query.get('projectId'))
      .filter((d) => !query.get('target') || d.target === query.get('target'))
      .filter((d) => !states || states.includes(d.readyState))
      .filter((d) => until === undefined || d.createdAt < until)
      .filter((d) => since === undefined || d.createdAt > since)
      .sort((a, b) => b.createdAt - a.createdAt);
    const page = list.slice(0, limit);
    send(res, 200, {
      deployments: page.map((d) => this.listItemJson(d)),
      pagination: {
        count: page.length,
        next: list.length > limit ? page.at(-1)!.createdAt : null,
        prev: null,
      },
    });
  }

  private aliasRequest(res: ServerResponse, type: 'rollback' | 'promote', projectId: string, dplId: string): void {
    if (projectId !== this.project.id) return notFound(res, 'project');
    const target = this.findDeployment(dplId);
    if (!target) return notFound(res, 'deployment');
    const outcome = this.scenario.aliasJob;
    this.project.lastAliasRequest = {
      jobStatus: outcome === 'succeeded' ? 'succeeded' : outcome === 'failed' ? 'failed' : 'in-progress',
      requestedAt: Date.now(),
      toDeploymentId: target.id,
      fromDeploymentId: this.project.productionId,
      type,
    };
    if (outcome === 'succeeded') {
      this.assignProduction(target);
      this.project.autoAssign = type === 'promote';
    }
    send(res, 201, {});
  }
}

interface CreateBody {
  name?: string;
  project?: string;
  target?: string;
  meta?: Record<string, string>;
  files?: Array<{ file: string; sha?: string; size?: number; data?: string; encoding?: string }>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function notFound(res: ServerResponse, what: string): void {
  send(res, 404, { error: { code: 'not_found', message: `The ${what} was not found` } });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
