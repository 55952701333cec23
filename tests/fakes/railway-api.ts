/**
 * A fake of Railway's public GraphQL API on 127.0.0.1, sharing its state file with the
 * fake `railway` CLI (railway-cli.mjs). What it answers, and from where:
 * - POST /graphql/v2 with {query, variables}; errors as HTTP 200
 *   {"errors":[{"message":"Not Authorized"}],"data":null} (docs/platforms.md §5 Railway).
 * - auth: `project-access-token: <project token>` or `authorization: Bearer <account
 *   token>` (railwayapp/cli src/client.rs new_authorized; docs/platforms.md §2.4).
 * - projectToken { id project { id name } environment { id name } }
 *   (src/gql/queries/strings/ProjectToken.graphql); project(id) with environments and
 *   services (Project.graphql); deployments(input: DeploymentListInput, first)
 *   newest first, filtered by projectId/environmentId/serviceId/status.in
 *   (Deployments.graphql; docs/platforms.md §2.3); deployment(id).
 * - deploymentRollback(id): Boolean! — a scalar, so a selection set is a GraphQL error;
 *   it makes a NEW deployment (DEPLOYING, then SUCCESS) of the target's build, and a
 *   deployment with canRollback false is refused (docs/platforms.md §2.3 schema signature;
 *   the live-schema notes quoted in a public adapter's tests record the Boolean result
 *   and the new deployment it creates).
 * - buildLogs(deploymentId) / deploymentLogs(deploymentId, limit) → [{message, timestamp}]
 *   (BuildLogs.graphql, DeploymentLogs.graphql).
 * - a token sent as Project-Access-Token that is no project token → "Project Token not found"
 *   (railwayapp/cli src/client.rs:586-597 maps exactly that message to a rejected RAILWAY_TOKEN);
 *   a bad Bearer token → "Not Authorized" (client.rs:597).
 * - deploymentEvents(id, first) → {edges:[{node:{step, createdAt, completedAt, payload{error}}}]}
 *   (Query.deploymentEvents, DeploymentEvent, DeploymentEventStep incl. PRE_DEPLOY_COMMAND in
 *   src/gql/schema.json at v5.42.1; docs/platforms.md §9.2). The schema gives the shape only:
 *   that a failed pre-deploy command's step carries payload.error and leaves the deployment
 *   FAILED (docs.railway.com/guides/pre-deploy-command: "the deployment will not proceed") is
 *   how the fake reads it; the events are the fake CLI's, complete from the start.
 * - statuses from the DeploymentStatus enum (src/gql/schema.json; docs/platforms.md §2.2); a
 *   superseded SUCCESS deployment turns REMOVED and stays restorable (canRollback).
 * Not documented, so chosen here: the wording "Deployment not found" for an unknown id.
 * Every in-progress deployment moves one step along its plan per API request.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDeployment {
  id: string;
  serviceId: string;
  environmentId: string;
  status: string;
  plan: string[];
  createdAt: string;
  canRollback: boolean;
  staticUrl: string | null;
  url: string | null;
  meta: Record<string, unknown>;
  buildLogs: string[];
  deployLogs: string[];
  /** The deployment's events (DeploymentEvent); none for the starting state's. */
  events?: Array<{ step: string; createdAt: string; completedAt: string | null; payload: { error?: string } | null }>;
}

export interface RailwayState {
  projectToken: string;
  accountToken: string;
  project: { id: string; name: string };
  environments: Array<{ id: string; name: string }>;
  tokenEnvironment: string;
  services: Array<{ id: string; name: string }>;
  deployments: FakeDeployment[];
  /** rollback: `in-place` restores the target itself (it turns SUCCESS) instead of making a new deployment. */
  scenario: { up?: string; rollback?: 'ok' | 'fail' | 'in-place'; api?: 'down' };
  calls: Array<Record<string, unknown>>;
}

export function initialRailwayState(overrides: Partial<RailwayState> = {}): RailwayState {
  return {
    projectToken: 'rw-project-token-0123456789abcdef',
    accountToken: 'rw-account-token-fedcba9876543210',
    project: { id: 'prj-1111', name: 'shop' },
    environments: [
      { id: 'env-prod', name: 'production' },
      { id: 'env-stag', name: 'staging' },
    ],
    tokenEnvironment: 'env-prod',
    services: [
      { id: 'svc-api', name: 'api' },
      { id: 'svc-web', name: 'web' },
    ],
    deployments: [],
    scenario: {},
    calls: [],
    ...overrides,
  };
}

/** A deployment that is already live (or superseded), for the starting state. */
export function existingDeployment(id: string, status: string, createdAt: string): FakeDeployment {
  return {
    id,
    serviceId: 'svc-api',
    environmentId: 'env-prod',
    status,
    plan: [status],
    createdAt,
    canRollback: status === 'SUCCESS' || status === 'REMOVED',
    staticUrl: 'api-production.up.railway.app',
    url: null,
    meta: { reason: 'deploy' },
    buildLogs: ['Build succeeded'],
    deployLogs: ['listening on 8080'],
  };
}

type Json = Record<string, unknown>;

export class FakeRailwayApi {
  server?: Server;
  url = '';
  constructor(readonly statePath: string) {}

  load(): RailwayState {
    return JSON.parse(readFileSync(this.statePath, 'utf8')) as RailwayState;
  }
  save(state: RailwayState): void {
    writeFileSync(this.statePath, JSON.stringify(state, null, 2));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const reply = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.method !== 'POST' || req.url !== '/graphql/v2') return reply(404, { message: 'Not Found' });
        const state = this.load();
        if (state.scenario.api === 'down') return reply(503, { message: 'Service Unavailable' });
        let request: { query: string; variables?: Json };
        try {
          request = JSON.parse(body) as typeof request;
        } catch {
          return reply(400, { errors: [{ message: 'Invalid JSON body' }] });
        }
        const auth = this.authenticate(state, req.headers);
        const known = auth === 'project' || auth === 'account' ? auth : undefined;
        state.calls.push({
          tool: 'api',
          auth: known ?? 'rejected',
          query: request.query,
          variables: request.variables,
        });
        advance(state);
        const result = known
          ? this.dispatch(state, known, request.query, request.variables ?? {})
          : auth === 'unknown-project-token'
            ? errors('Project Token not found')
            : notAuthorized();
        this.save(state);
        reply(200, result);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private authenticate(
    state: RailwayState,
    headers: NodeJS.Dict<string | string[]>,
  ): 'project' | 'account' | 'unknown-project-token' | undefined {
    const projectToken = headers['project-access-token'];
    // Any other token sent as a project token: Railway answers "Project Token not found",
    // the message railwayapp/cli maps to a rejected RAILWAY_TOKEN (src/client.rs:586-597, v5.42.1).
    if (projectToken) return projectToken === state.projectToken ? 'project' : 'unknown-project-token';
    const bearer = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    return bearer && bearer === state.accountToken ? 'account' : undefined;
  }

  private dispatch(state: RailwayState, auth: 'project' | 'account', query: string, variables: Json): Json {
    const node = (d: FakeDeployment) => ({
      id: d.id,
      status: d.status,
      createdAt: d.createdAt,
      canRollback: d.canRollback,
      url: d.url,
      staticUrl: d.staticUrl,
      meta: d.meta,
    });
    if (/deploymentRollback\s*\(/.test(query)) {
      if (/deploymentRollback\s*\([^)]*\)\s*\{/.test(query))
        return errors('Field "deploymentRollback" must not have a selection since type "Boolean!" has no subfields.');
      const target = state.deployments.find((d) => d.id === variables.id);
      if (!target) return errors('Deployment not found');
      if (!target.canRollback) return errors('Deployment cannot be rolled back');
      if (state.scenario.rollback === 'in-place') {
        target.plan = [target.status, 'DEPLOYING', 'SUCCESS'];
        return { data: { deploymentRollback: true } };
      }
      const id = `dep-${String(state.deployments.length + 1).padStart(4, '0')}-rb`;
      state.deployments.push({
        ...target,
        id,
        status: 'DEPLOYING',
        plan: ['DEPLOYING', state.scenario.rollback === 'fail' ? 'CRASHED' : 'SUCCESS'],
        createdAt: new Date(Date.now() + state.deployments.length).toISOString(),
        canRollback: false,
        meta: { ...target.meta, reason: 'rollback' },
      });
      return { data: { deploymentRollback: true } };
    }
    if (/projectToken\s*\{/.test(query)) {
      if (auth !== 'project') return notAuthorized();
      const environment = state.environments.find((e) => e.id === state.tokenEnvironment);
      return { data: { projectToken: { id: 'pt-1', project: state.project, environment } } };
    }
    if (/project\s*\(\s*id:/.test(query)) {
      if (variables.id !== state.project.id) return auth === 'project' ? notAuthorized() : errors('Project not found');
      return {
        data: {
          project: {
            ...state.project,
            environments: { edges: state.environments.map((e) => ({ node: e })) },
            services: { edges: state.services.map((s) => ({ node: s })) },
          },
        },
      };
    }
    if (/deployments\s*\(/.test(query)) {
      const input = (variables.input ?? {}) as Json;
      const statusIn = (input.status as { in?: string[] } | undefined)?.in;
      const list = state.deployments
        .filter((d) => !input.serviceId || d.serviceId === input.serviceId)
        .filter((d) => !input.environmentId || d.environmentId === input.environmentId)
        .filter((d) => !statusIn || statusIn.includes(d.status))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, typeof variables.first === 'number' ? variables.first : undefined);
      return { data: { deployments: { edges: list.map((d) => ({ node: node(d) })) } } };
    }
    if (/deploymentEvents\s*\(/.test(query)) {
      const found = state.deployments.find((d) => d.id === variables.id);
      if (!found) return errors('Deployment not found');
      const edges = (found.events ?? []).map((e, i) => ({ cursor: String(i), node: e }));
      return { data: { deploymentEvents: { edges, pageInfo: { hasNextPage: false, endCursor: null } } } };
    }
    if (/deployment\s*\(\s*id:/.test(query)) {
      const found = state.deployments.find((d) => d.id === variables.id);
      return found ? { data: { deployment: node(found) } } : errors('Deployment not found');
    }
    if (/buildLogs\s*\(/.test(query) || /deploymentLogs\s*\(/.test(query)) {
      const found = state.deployments.find((d) => d.id === variables.deploymentId);
      if (!found) return errors('Deployment not found');
      const build = /buildLogs\s*\(/.test(query);
      const lines = build ? found.buildLogs : found.deployLogs;
      const entries = lines.map((message, i) => ({
        message,
        timestamp: new Date(i * 1000).toISOString(),
        severity: 'info',
      }));
      return { data: { [build ? 'buildLogs' : 'deploymentLogs']: entries } };
    }
    return errors(`Cannot query this field: ${query.slice(0, 60)}`);
  }
}

const errors = (message: string) => ({ errors: [{ message }], data: null });
const notAuthorized = () => errors('Not Authorized');

/** One step along each in-progress deployment's plan; a new SUCCESS supersedes the old one. */
function advance(state: RailwayState): void {
  for (const d of state.deployments) {
    const at = d.plan.indexOf(d.status);
    if (at === -1 || at >= d.plan.length - 1) continue;
    d.status = d.plan[at + 1] as string;
    if (d.status === 'SUCCESS') {
      d.canRollback = true;
      for (const other of state.deployments)
        if (
          other !== d &&
          other.status === 'SUCCESS' &&
          other.serviceId === d.serviceId &&
          other.environmentId === d.environmentId
        )
          other.status = 'REMOVED';
    }
  }
}
