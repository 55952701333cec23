/**
 * The few calls of Render's REST API v1 the kit makes, as render-oss/cli's client (generated
 * from Render's OpenAPI description) makes them (pkg/client/client_gen.go, types_gen.go):
 * - GET  /services/{serviceId}                       → Service (autoDeploy, ownerId, imagePath, serviceDetails.url)
 * - GET  /services/{serviceId}/deploys?status&limit&cursor → [{deploy, cursor}], newest first
 * - GET  /services/{serviceId}/deploys/{deployId}    → Deploy
 * - POST /services/{serviceId}/deploys {clearCache, commitId?, imageUrl?} → 201 Deploy, or 202 with no body
 * - POST /services/{serviceId}/rollback {deployId}   → 201 Deploy
 * - GET  /logs?ownerId&resource&startTime&endTime&direction&limit → {logs:[{message, timestamp}], hasMore}
 * Errors are {id?, code?, message?} (types_gen.go Error); 429 carries Retry-After.
 * Auth: `authorization: Bearer <key>` (pkg/client/client.go:87).
 */
import { KitError, errorMessage } from '../../lib/errors.js';
import { retry } from '../../lib/retry.js';

export const DEFAULT_RENDER_API = 'https://api.render.com/v1/';

export const TOKEN_HELP =
  'it must be a Render API key (Account Settings → API Keys) of a workspace member who can deploy the service, stored as a secret such as RENDER_API_KEY.';

/** DeployStatus (types_gen.go:593-605). */
export type DeployStatus =
  | 'created'
  | 'queued'
  | 'build_in_progress'
  | 'update_in_progress'
  | 'pre_deploy_in_progress'
  | 'live'
  | 'deactivated'
  | 'build_failed'
  | 'update_failed'
  | 'pre_deploy_failed'
  | 'canceled';

/** Deploy (types_gen.go:1932-1963). */
export interface RenderDeploy {
  id: string;
  status?: DeployStatus;
  trigger?: string;
  commit?: { id?: string; message?: string; createdAt?: string };
  image?: { ref?: string; sha?: string; registryCredential?: string };
  createdAt?: string;
  updatedAt?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** The Service fields the kit reads (types_gen.go:3083-3112; WebServiceDetails.url). */
export interface RenderService {
  id: string;
  name: string;
  type: string;
  autoDeploy: 'yes' | 'no';
  ownerId: string;
  imagePath?: string;
  suspended?: string;
  serviceDetails?: { url?: string };
  dashboardUrl?: string;
}

export interface TriggerBody {
  clearCache: 'clear' | 'do_not_clear';
  commitId?: string;
  imageUrl?: string;
}

export class RenderRejected extends KitError {
  override name = 'RenderRejected';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface RenderApiOptions {
  baseUrl: string;
  token: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  attempts?: number;
}

type Query = Record<string, string | string[] | undefined>;

export class RenderApi {
  constructor(private readonly options: RenderApiOptions) {}

  /**
   * One call. Reads (and a POST answered 429, which Render did not act on) are repeated on
   * 429/5xx and network errors; other POSTs are not, so a deploy is never triggered twice.
   */
  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Query = {},
    body?: unknown,
  ): Promise<T | undefined> {
    const url = new URL(path.replace(/^\//, ''), this.options.baseUrl.replace(/\/*$/, '/'));
    for (const [key, value] of Object.entries(query))
      for (const one of value === undefined ? [] : Array.isArray(value) ? value : [value])
        url.searchParams.append(key, one);
    const where = `${method} ${url.pathname}`;
    const once = async (): Promise<T | undefined> => {
      let response: Response;
      try {
        response = await this.options.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (method === 'POST') throw new KitError(`Render's API did not answer ${where}: ${errorMessage(error)}`);
        throw new Transient(`Render's API at ${url.origin} did not answer ${where}: ${errorMessage(error)}`);
      }
      const text = await response.text();
      if (response.status === 202 || (response.ok && !text.trim())) return undefined;
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        if (response.status === 429 || (response.status >= 500 && method === 'GET'))
          throw new Transient(`${where} answered HTTP ${response.status}`);
        throw new KitError(`Render's API answered ${where} with something that is not JSON (HTTP ${response.status}).`);
      }
      if (response.ok) return parsed as T;
      const message = (parsed as { message?: string }).message ?? `HTTP ${response.status}`;
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        throw new Transient(
          `${where} was rate limited (${message})`,
          Number.isFinite(seconds) ? seconds * 1000 : undefined,
        );
      }
      if (response.status >= 500 && method === 'GET')
        throw new Transient(`${where} answered HTTP ${response.status}: ${message}`);
      throw new RenderRejected(message, response.status);
    };
    let wait: number | undefined;
    return retry(once, {
      attempts: this.options.attempts ?? 4,
      baseDelayMs: 1000,
      retryable: (error) => {
        wait = error instanceof Transient ? error.retryAfterMs : undefined;
        return error instanceof Transient;
      },
      sleep: (ms) => this.options.sleep(Math.min(30_000, wait ?? ms)),
    }).catch((error: unknown) => {
      if (error instanceof Transient) throw new KitError(`${error.message} (gave up after retrying).`);
      throw error;
    });
  }

  async service(serviceId: string): Promise<RenderService> {
    return (await this.call<RenderService>('GET', `services/${encodeURIComponent(serviceId)}`)) as RenderService;
  }

  /** One page, newest first; `cursor` is the cursor of the last item of the page before. */
  async deploys(
    serviceId: string,
    options: { status?: DeployStatus[]; limit?: number; cursor?: string } = {},
  ): Promise<Array<{ deploy: RenderDeploy; cursor: string }>> {
    const page = await this.call<Array<{ deploy?: RenderDeploy; cursor?: string }>>(
      'GET',
      `services/${encodeURIComponent(serviceId)}/deploys`,
      { status: options.status, limit: String(options.limit ?? 20), cursor: options.cursor },
    );
    return (page ?? [])
      .filter((item) => item.deploy)
      .map((item) => ({ deploy: item.deploy as RenderDeploy, cursor: item.cursor ?? '' }));
  }

  async deploy(serviceId: string, deployId: string): Promise<RenderDeploy | undefined> {
    try {
      return await this.call<RenderDeploy>(
        'GET',
        `services/${encodeURIComponent(serviceId)}/deploys/${encodeURIComponent(deployId)}`,
      );
    } catch (error) {
      if (error instanceof RenderRejected && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The new deploy, or undefined when Render answered 202 (queued, no body). */
  trigger(serviceId: string, body: TriggerBody): Promise<RenderDeploy | undefined> {
    return this.call<RenderDeploy>('POST', `services/${encodeURIComponent(serviceId)}/deploys`, {}, body);
  }

  rollback(serviceId: string, deployId: string): Promise<RenderDeploy | undefined> {
    return this.call<RenderDeploy>('POST', `services/${encodeURIComponent(serviceId)}/rollback`, {}, { deployId });
  }

  /** The service's log lines in a time window, newest first (direction backward). */
  async logs(ownerId: string, resource: string, startTime: string, endTime: string, limit = 50): Promise<string[]> {
    const body = await this.call<{ logs?: Array<{ message?: string }> }>('GET', 'logs', {
      ownerId,
      resource: [resource],
      startTime,
      endTime,
      direction: 'backward',
      limit: String(limit),
    });
    return (body?.logs ?? []).map((entry) => entry.message ?? '').filter(Boolean);
  }
}
