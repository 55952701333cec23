/**
 * A fake of Render's REST API v1 on 127.0.0.1, built from Render's OpenAPI description as
 * render-oss/cli generates its client from it (commit 85c8c2c03e50e2890e36f9e5ca2c227d8cacbbdd):
 * - Auth `authorization: Bearer <key>` (pkg/client/client.go:87); anything else → 401 Error.
 * - Error = {id?, code?, message?} (pkg/client/types_gen.go:2159-2164), the body of every
 *   4xx/5xx (types_gen.go:3596-3631 N401Unauthorized … N503ServiceUnavailable = Error).
 * - GET /services/{id} → Service: autoDeploy yes|no, ownerId, imagePath for image-backed
 *   services, serviceDetails.url (types_gen.go:3083-3112); unknown id → 404.
 * - GET /services/{id}/deploys → DeployList = [{deploy, cursor}] (types_gen.go:1964-1974),
 *   newest first; `status` repeated per value (form, explode: client_gen.go:20444-20452),
 *   `limit` 1–100 (LimitParam, types_gen.go:3540; default 20 per the pagination docs),
 *   `cursor`: the items after the one carrying that cursor (ListDeploysParams, types_gen.go:4915-4943).
 * - GET /services/{id}/deploys/{deployId} → Deploy (types_gen.go:1932-1963; client_gen.go:20636).
 * - POST /services/{id}/deploys {clearCache: clear|do_not_clear, commitId?, imageUrl?}
 *   (types_gen.go:4945-4978, 1500-1503) → 201 Deploy, or 202 with no body and no content
 *   type (client_gen.go:74357-74365 "case rsp.StatusCode == 202: break // No content-type").
 * - POST /services/{id}/rollback {deployId} (types_gen.go:5075-5079) → 201 Deploy
 *   (client_gen.go:76833): a NEW deploy, trigger "rollback", of the target's commit/image.
 * - 429 → Error with RateLimit-Limit/-Remaining/-Reset and Retry-After headers
 *   (client_gen.go:74309-74336).
 * - GET /logs?ownerId&resource&startTime&endTime&direction&limit → {hasMore, logs:[{id,
 *   labels, message, timestamp}], nextStartTime, nextEndTime} (types_gen.go:3632-3647,
 *   3881-3935; pkg/client/logs/logs_gen.go:155-165).
 * - Statuses (types_gen.go:593-605); a deploy that goes live turns the one before it
 *   `deactivated`; terminal ones as pkg/deploy/util.go:20-40 IsComplete.
 * Not published, so chosen here: error messages ("unauthorized", "not found", "commit …
 * not found", "rate limit exceeded"), the cursor format (opaque: the deploy id, base64url).
 * Each in-progress deploy moves one step along its plan per API request.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeDeploy, LOGS, PLANS, type RenderState, TERMINAL } from './render-state.js';

export * from './render-state.js';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
const error = (status: number, message: string): Reply => ({ status, body: { id: `err-${status}`, message } });

export class FakeRenderApi {
  server?: Server;
  url = '';
  constructor(public state: RenderState) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const reply = this.handle(req.method ?? 'GET', req.url ?? '/', String(req.headers.authorization ?? ''), text);
        if (reply.body === undefined) {
          res.writeHead(reply.status, reply.headers ?? {});
          res.end();
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(method: string, rawUrl: string, authorization: string, text: string): Reply {
    const url = new URL(rawUrl, 'http://fake');
    const query: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return error(400, 'invalid JSON body');
    }
    const auth = authorization === `Bearer ${this.state.apiKey}`;
    this.state.calls.push({ method, path: url.pathname, query, body, auth });
    if (this.state.rateLimited) {
      this.state.rateLimited--;
      return {
        ...error(429, 'rate limit exceeded'),
        headers: { 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': '1', 'retry-after': '1' },
      };
    }
    if (!auth) return error(401, 'unauthorized');
    this.advance();
    const path = url.pathname.replace(/^\/v1/, '');
    if (method === 'GET' && path === '/logs') return this.logs(query);
    const match = /^\/services\/([^/]+)(\/deploys(?:\/([^/]+))?|\/rollback)?$/.exec(path);
    if (!match) return error(404, 'not found');
    const [, serviceId, rest, deployId] = match;
    if (serviceId !== this.state.service.id) return error(404, 'service not found');
    if (method === 'GET' && !rest) return { status: 200, body: this.serviceBody() };
    if (method === 'GET' && rest?.startsWith('/deploys') && deployId) {
      const found = this.state.deploys.find((d) => d.id === deployId);
      return found ? { status: 200, body: deployBody(found) } : error(404, 'deploy not found');
    }
    if (method === 'GET' && rest === '/deploys') return this.list(query);
    if (method === 'POST' && rest === '/deploys') return this.trigger(body as Record<string, unknown> | undefined);
    if (method === 'POST' && rest === '/rollback') return this.rollback(body as Record<string, unknown> | undefined);
    return error(405, 'method not allowed');
  }

  private serviceBody() {
    const s = this.state.service;
    return {
      id: s.id,
      name: s.name,
      type: 'web_service',
      autoDeploy: s.autoDeploy,
      branch: s.imagePath ? undefined : 'main',
      ownerId: s.ownerId,
      imagePath: s.imagePath,
      repo: s.imagePath ? undefined : 'https://github.com/acme/api',
      rootDir: '',
      slug: s.name,
      suspended: 'not_suspended',
      suspenders: [],
      notifyOnFail: 'default',
      dashboardUrl: `https://dashboard.render.com/web/${s.id}`,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      serviceDetails: { url: s.url, plan: 'starter', region: 'oregon', env: 'node' },
    };
  }

  private list(query: Record<string, string[]>): Reply {
    const limit = Number(query.limit?.[0] ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, 'limit must be between 1 and 100');
    const statuses = query.status;
    let items = [...this.state.deploys].reverse().filter((d) => !statuses || statuses.includes(d.status));
    const cursor = query.cursor?.[0];
    if (cursor) {
      const at = items.findIndex((d) => cursorOf(d) === cursor);
      if (at === -1) return error(400, 'invalid cursor');
      items = items.slice(at + 1);
    }
    return { status: 200, body: items.slice(0, limit).map((d) => ({ deploy: deployBody(d), cursor: cursorOf(d) })) };
  }

  private newDeploy(
    trigger: string,
    plan: string[],
    logs: string[],
    from?: FakeDeploy,
    imageUrl?: string,
    commitId?: string,
  ): FakeDeploy {
    const now = new Date(Date.now() + this.state.deploys.length).toISOString();
    const n = String(this.state.deploys.length + 1).padStart(4, '0');
    const deploy: FakeDeploy = {
      id: `dep-${n}${trigger === 'rollback' ? 'rb' : 'new'}`,
      status: plan[0] as string,
      trigger,
      createdAt: now,
      updatedAt: now,
      plan,
      logs,
    };
    if (from?.commit) deploy.commit = from.commit;
    if (from?.image) deploy.image = from.image;
    if (imageUrl) deploy.image = { ref: imageUrl, sha: 'sha256:0f1e2d' };
    else if (commitId) deploy.commit = { id: commitId, message: 'the change', createdAt: now };
    this.state.deploys.push(deploy);
    return deploy;
  }

  private trigger(body: Record<string, unknown> | undefined): Reply {
    const b = body ?? {};
    if (b.clearCache !== undefined && b.clearCache !== 'clear' && b.clearCache !== 'do_not_clear')
      return error(400, 'clearCache must be one of clear, do_not_clear');
    if (b.deployMode !== undefined && (b.commitId || b.imageUrl || b.clearCache))
      return error(400, 'deployMode cannot be combined with commitId, imageUrl or clearCache');
    if (b.imageUrl && !this.state.service.imagePath)
      return error(400, 'imageUrl is only valid for image-backed services');
    if (b.commitId && this.state.service.imagePath)
      return error(400, 'commitId is not valid for image-backed services');
    if (b.commitId && this.state.commits && !this.state.commits.includes(b.commitId as string))
      return error(400, `commit ${String(b.commitId)} not found`);
    const plan = PLANS[this.state.scenario];
    const deploy = this.newDeploy(
      'api',
      this.state.queued ? ['queued', ...plan] : plan,
      LOGS[this.state.scenario],
      undefined,
      b.imageUrl as string | undefined,
      b.commitId as string | undefined,
    );
    if (this.state.queued) return { status: 202 };
    return { status: 201, body: deployBody(deploy) };
  }

  private rollback(body: Record<string, unknown> | undefined): Reply {
    const target = this.state.deploys.find((d) => d.id === body?.deployId);
    if (!target) return error(404, 'deploy not found');
    if (target.status !== 'live' && target.status !== 'deactivated')
      return error(400, 'can only roll back to a deploy that was live');
    const plan = ['created', 'update_in_progress', this.state.rollback === 'fail' ? 'update_failed' : 'live'];
    const deploy = this.newDeploy('rollback', plan, ['==> Rolling back', '==> Your service is live 🎉'], target);
    return { status: 201, body: deployBody(deploy) };
  }

  private logs(query: Record<string, string[]>): Reply {
    if (query.ownerId?.[0] !== this.state.service.ownerId) return error(400, 'ownerId is required');
    if (!query.resource?.includes(this.state.service.id)) return error(400, 'resource is required');
    const start = Date.parse(query.startTime?.[0] ?? '1970-01-01T00:00:00Z');
    const end = Date.parse(query.endTime?.[0] ?? new Date().toISOString());
    const limit = Number(query.limit?.[0] ?? 20);
    const entries = this.state.deploys
      .filter((d) => Date.parse(d.createdAt) >= start && Date.parse(d.createdAt) <= end)
      .flatMap((d) =>
        d.logs.map((message, i) => ({
          id: `log-${d.id}-${i}`,
          labels: [
            { name: 'resource', value: this.state.service.id },
            { name: 'type', value: 'build' },
          ],
          message,
          timestamp: new Date(Date.parse(d.createdAt) + i).toISOString(),
        })),
      );
    if (query.direction?.[0] !== 'forward') entries.reverse();
    const logs = entries.slice(0, limit);
    return {
      status: 200,
      body: {
        hasMore: entries.length > limit,
        logs,
        nextStartTime: new Date(start).toISOString(),
        nextEndTime: logs.at(-1)?.timestamp ?? new Date(end).toISOString(),
      },
    };
  }

  /** One step along each in-progress deploy's plan; going live deactivates the deploy that was live. */
  private advance(): void {
    for (const d of this.state.deploys) {
      const at = d.plan.indexOf(d.status);
      if (at === -1 || at >= d.plan.length - 1) continue;
      d.status = d.plan[at + 1] as string;
      d.updatedAt = new Date().toISOString();
      if (TERMINAL.has(d.status)) d.finishedAt = d.updatedAt;
      if (d.status === 'live')
        for (const other of this.state.deploys)
          if (other !== d && other.status === 'live') other.status = 'deactivated';
    }
  }
}

const cursorOf = (d: FakeDeploy) => Buffer.from(d.id).toString('base64url');

function deployBody(d: FakeDeploy) {
  return {
    id: d.id,
    status: d.status,
    trigger: d.trigger,
    commit: d.commit,
    image: d.image,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    startedAt: d.createdAt,
    finishedAt: d.finishedAt,
  };
}
