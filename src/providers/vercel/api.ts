/**
 * The few Vercel REST API reads the CLI cannot give in a stable, machine-readable form:
 * what production serves now, one deployment's state, the production deployments before
 * one. Paths and shapes as the Vercel CLI itself uses them (vercel/vercel packages/cli:
 * util/projects/get-project-by-id-or-name.ts → GET /v9/projects/:id, util/get-deployment.ts
 * → GET /v13/deployments/:idOrHost, commands/list/index.ts → GET /v6/deployments) and the
 * types in internals/types/index.d.ts (Project.targets.production is the deployment
 * production serves; Deployment.readyState, alias, aliasAssigned).
 */
import { KitError, errorMessage } from '../../lib/errors.js';
import { retry } from '../../lib/retry.js';
import { type Deployment, type DeploymentPhase, tokenRejectedMessage } from '../provider.js';

export const DEFAULT_API_URL = 'https://api.vercel.com';

/** @vercel/sdk 1.28.35 src/models/getdeploymentsop.ts:549-558 (GetDeploymentsReadyState). */
export type ReadyState =
  'QUEUED' | 'INITIALIZING' | 'BUILDING' | 'READY' | 'ERROR' | 'CANCELED' | 'BLOCKED' | 'DELETED';

/** States a deployment never leaves for READY: failed, stopped, blocked (e.g. by a paused team or a seat block) or deleted. */
export const FAILED_STATES: ReadonlySet<string> = new Set(['ERROR', 'CANCELED', 'BLOCKED', 'DELETED']);

export interface VercelDeployment {
  id: string;
  /** Host only, no scheme. */
  url: string;
  readyState?: ReadyState;
  /** /v6/deployments names it `state`. */
  state?: ReadyState;
  target?: string | null;
  alias?: string[];
  aliasAssigned?: number | boolean | null;
  aliasError?: { code: string; message: string } | null;
  errorCode?: string;
  errorMessage?: string | null;
  createdAt: number;
  inspectorUrl?: string | null;
}

export interface VercelProject {
  id: string;
  name: string;
  targets?: { production?: VercelDeployment };
  lastAliasRequest?: {
    jobStatus: string;
    requestedAt: number;
    toDeploymentId: string;
    type: string;
  } | null;
}

/** The token was refused: says so, and which secret to check. */
export { rejected as tokenRejected };

export class TokenRejected extends KitError {
  override name = 'TokenRejected';
}

export class NotFound extends KitError {
  override name = 'NotFound';
}

export const TOKEN_HELP =
  'it must be a Vercel access token (for example secrets.VERCEL_TOKEN) created at https://vercel.com/account/tokens, not expired, and scoped to the team that owns the project (`org-id`).';

const rejected = (detail: string) => tokenRejectedMessage({ title: 'Vercel', tokenHelp: TOKEN_HELP }, detail);

export interface ApiOptions {
  baseUrl: string;
  token: string;
  /** org-id: a team_… id is sent as teamId, as the CLI does for team scopes. */
  orgId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Attempts for reads (they are safe to repeat) on network errors, 429 and 5xx. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

class Transient extends Error {}

export class VercelApi {
  private readonly fetch: typeof fetch;
  constructor(private readonly options: ApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  private async get<T>(path: string, query: Record<string, string | undefined> = {}, raw = false): Promise<T> {
    const url = new URL(path, this.options.baseUrl.replace(/\/*$/, '/'));
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    if (this.options.orgId.startsWith('team_')) url.searchParams.set('teamId', this.options.orgId);
    const where = `GET ${url.pathname}`;
    return retry(
      async () => {
        let response: Response;
        try {
          response = await this.fetch(url, {
            headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
          });
        } catch (error) {
          throw new Transient(`the Vercel API at ${url.origin} did not answer ${where}: ${errorMessage(error)}`);
        }
        const text = await response.text();
        if (raw && response.ok) return text as T;
        let body: { error?: { code?: string; message?: string; invalidToken?: boolean } } & Record<string, unknown>;
        try {
          body = text ? JSON.parse(text) : {};
        } catch {
          if (response.status >= 500 || response.status === 429)
            throw new Transient(`${where} answered ${response.status}`);
          throw new KitError(
            `The Vercel API answered ${where} with something that is not JSON (HTTP ${response.status}).`,
          );
        }
        if (response.ok) return body as T;
        const message = body.error?.message ?? `HTTP ${response.status}`;
        if (response.status === 401 || (response.status === 403 && body.error?.invalidToken))
          throw new TokenRejected(rejected(`${message}, HTTP ${response.status}`));
        if (response.status === 403)
          throw new KitError(
            `Vercel refused ${where}: ${message}. The token works but has no access here: check that it is scoped to the team \`org-id\` names.`,
          );
        if (response.status === 404) throw new NotFound(message);
        if (response.status === 429 || response.status >= 500)
          throw new Transient(`${where} answered ${response.status}: ${message}`);
        throw new KitError(`The Vercel API refused ${where}: ${message} (HTTP ${response.status}).`);
      },
      {
        attempts: this.options.attempts ?? 3,
        baseDelayMs: 1000,
        retryable: (error) => error instanceof Transient,
        sleep: this.options.sleep,
      },
    ).catch((error: unknown) => {
      if (error instanceof Transient) throw new KitError(`${error.message} (gave up after retrying).`);
      throw error;
    });
  }

  async project(projectId: string): Promise<VercelProject> {
    try {
      return await this.get<VercelProject>(`v9/projects/${encodeURIComponent(projectId)}`);
    } catch (error) {
      if (error instanceof NotFound)
        throw new KitError(
          `Vercel has no project "${projectId}" under "${this.options.orgId}": check \`project-id\` and \`org-id\` (both are in .vercel/project.json after \`vercel link\`).`,
        );
      throw error;
    }
  }

  /** By id (dpl_…) or by host (the deployment's own URL or an alias it serves). */
  async deployment(idOrHost: string): Promise<VercelDeployment | undefined> {
    try {
      return await this.get<VercelDeployment>(`v13/deployments/${encodeURIComponent(idOrHost)}`);
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }

  /**
   * The last log lines of a deployment's build, oldest first: the event stream the CLI
   * reads (cli src/util/events.ts: GET /v3/now/deployments/:id/events?format=lines, JSON
   * lines with `text`), asked backwards without `follow` so it returns at once.
   */
  async logLines(id: string, limit = 50): Promise<string[]> {
    const text = await this.get<string>(
      `v3/now/deployments/${encodeURIComponent(id)}/events`,
      { direction: 'backward', limit: String(limit), format: 'lines' },
      true,
    );
    const lines: string[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const event = JSON.parse(line) as { text?: string; payload?: { text?: string } };
        const value = event.text ?? event.payload?.text;
        if (value) lines.push(value);
      } catch {
        // not an event line
      }
    }
    return lines.reverse();
  }

  /** The project's deployments, newest first (what `vercel ls` lists; target production or all). */
  async deployments(
    projectId: string,
    options: { target?: 'production'; until?: number; since?: number; state?: string } = {},
  ): Promise<VercelDeployment[]> {
    // List items name the id `uid`, not `id` (@vercel/sdk getdeploymentsop.ts:693-848, Deployments.uid).
    const body = await this.get<{ deployments: Array<Omit<VercelDeployment, 'id'> & { uid: string }> }>(
      'v6/deployments',
      {
        projectId,
        target: options.target,
        state: options.state,
        limit: '20',
        until: options.until === undefined ? undefined : String(options.until),
        since: options.since === undefined ? undefined : String(options.since),
      },
    );
    return body.deployments.map((item) => ({ ...item, id: item.uid })).sort((a, b) => b.createdAt - a.createdAt);
  }
}

export const stateOf = (d: VercelDeployment): ReadyState | undefined => d.readyState ?? d.state;

/** Deployment URLs: a production deployment is served at its production domain. */
export function toDeployment(d: VercelDeployment, isLive: boolean): Deployment {
  const host = isLive && d.alias?.length ? d.alias[0] : d.url;
  const state = stateOf(d);
  return {
    id: d.id,
    url: `https://${host}`,
    status: state,
    phase: phaseOf(state),
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

/** READY / ERROR, CANCELED, BLOCKED, DELETED / the rest (client/src/utils/ready-state.ts isReady/isFailed; @vercel/sdk GetDeploymentsReadyState). */
export function phaseOf(state: string | undefined): DeploymentPhase | undefined {
  if (!state) return undefined;
  if (state === 'READY') return 'succeeded';
  if (FAILED_STATES.has(state) || state.endsWith('_ERROR')) return 'failed';
  return 'in-progress';
}
