/**
 * A small client for GitHub's REST API (docs.github.com/en/rest): bearer token, the
 * documented Accept and X-GitHub-Api-Version headers, a deadline per request, retries with
 * backoff for GETs only (safe to repeat) on network errors, 5xx and rate limits, and
 * messages that say what to fix for 401/403/404. The kit's one GitHub client: every action and
 * command that calls GitHub uses it (fetch only: no octokit, no undici in the bundles).
 */
import { KitError } from '../lib/errors.js';
import { retry, sleep } from '../lib/retry.js';

/** A repository's owner/name, as GitHub allows them. */
export const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

export interface GitHubClientOptions {
  token: string;
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  timeoutMs?: number;
  attempts?: number;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export class GitHubApiError extends KitError {
  override name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface GitHubResponse<T> {
  status: number;
  data: T;
  /** The URL of the next page (Link: <…>; rel="next"), if any. */
  next?: string;
}

const transient = (error: unknown) => !(error instanceof GitHubApiError) || error.status >= 500 || error.status === 429;

export function githubClient(options: GitHubClientOptions) {
  const base = options.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function once<T>(method: string, url: string, body?: unknown): Promise<GitHubResponse<T>> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${options.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'deploy-kit',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        // A 303 (e.g. "this branch policy already exists") is an answer, not a page to fetch.
        redirect: 'manual',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new KitError(`GitHub API ${method} ${new URL(url).pathname} got no answer (${cause}) from ${base}`);
    }
    const text = await response.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!response.ok) throw apiError(method, url, response.status, data);
    const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    return { status: response.status, data: data as T, next };
  }

  async function request<T>(method: string, pathOrUrl: string, body?: unknown): Promise<GitHubResponse<T>> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`;
    if (method !== 'GET') return once<T>(method, url, body);
    return retry(() => once<T>(method, url), {
      attempts: options.attempts ?? 4,
      baseDelayMs: 1000,
      retryable: transient,
      sleep: options.sleep ?? sleep,
      onRetry: (error, attempt, delay) =>
        options.log?.(
          `GitHub API GET ${new URL(url).pathname}: ${(error as Error).message}; retry ${attempt} in ${delay} ms`,
        ),
    });
  }

  /** The pages of a paginated list, following Link rel="next", at most maxPages. */
  async function* pages<T>(path: string, maxPages = Infinity): AsyncGenerator<T[]> {
    let url: string | undefined = path;
    for (let n = 0; url && n < maxPages; n++) {
      const page: GitHubResponse<T[]> = await request<T[]>('GET', url);
      yield page.data;
      url = page.next;
    }
  }

  /** Every item of a paginated list, following Link rel="next", up to maxItems. */
  async function paginate<T>(path: string, maxItems = 300): Promise<T[]> {
    const items: T[] = [];
    for await (const page of pages<T>(path)) {
      items.push(...page);
      if (items.length >= maxItems) break;
    }
    return items.slice(0, maxItems);
  }

  /**
   * A GraphQL query (docs.github.com/graphql/guides/forming-calls-with-graphql): POST
   * {query, variables} to /graphql — on GitHub Enterprise Server HOST/api/graphql beside
   * HOST/api/v3. An answer with `errors` throws.
   */
  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const url = `${base.replace(/\/api\/v3$/, '/api')}/graphql`;
    const { data } = await once<{ data?: T; errors?: Array<{ message?: string }> }>('POST', url, { query, variables });
    if (data?.errors?.length || data?.data === undefined)
      throw new KitError(
        `GitHub GraphQL: ${(data?.errors ?? []).map((e) => e.message).join('; ') || 'the answer has no data'}`,
      );
    return data.data;
  }

  return { request, pages, paginate, graphql };
}

export type GitHubClient = ReturnType<typeof githubClient>;

function apiError(method: string, url: string, status: number, data: unknown): GitHubApiError {
  const message = (data as { message?: string } | undefined)?.message ?? String(data ?? '').slice(0, 200);
  const where = `GitHub API ${method} ${new URL(url).pathname}`;
  if (status === 401)
    return new GitHubApiError(`${where}: the token was rejected (401 ${message}). Check the token input.`, status);
  if (status === 403 && /not accessible by integration/i.test(message))
    return new GitHubApiError(
      `${where}: the job's token lacks a permission (403 ${message}). Give the calling job the permission the step's documentation names (e.g. deployments: read).`,
      status,
    );
  if (status === 404)
    return new GitHubApiError(
      `${where}: not found (404). Check the repository name, and that the token can see it.`,
      status,
    );
  return new GitHubApiError(`${where}: ${status} ${message}`, status);
}
