import http from 'node:http';
import type https from 'node:https';
import { KitError } from '../lib/errors.js';

type Client = Pick<typeof https, 'request'>;

/**
 * node:https (and the tls it loads) only for an https URL: it cost every start ~10 ms of CPU
 * (issue 17), and a check of an http URL never needs it.
 */
const clientFor = async (url: URL): Promise<Client> =>
  url.protocol === 'https:' ? ((await import('node:https')) as Client) : http;

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  timeoutMs: number;
  insecure: boolean;
  maxRedirects: number;
  /** Keep at most this much of the body (bytes). */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  latencyMs: number;
  /** Each hop followed, as "301 http://a → https://b". */
  redirects: string[];
  finalUrl: URL;
}

export type FailureKind = 'refused' | 'dns' | 'tls' | 'timeout' | 'reset' | 'redirects' | 'other';

/** A request that got no HTTP response, with a plain message saying which way it failed. */
export class RequestFailed extends KitError {
  override name = 'RequestFailed';
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
  }
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** The URL without credentials, for logs and reports. */
export function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

export function describeNetworkError(error: NodeJS.ErrnoException, url: URL): { kind: FailureKind; message: string } {
  const code = error.code ?? '';
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (code === 'ECONNREFUSED')
    return { kind: 'refused', message: `connection refused: nothing is listening on ${where}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return { kind: 'dns', message: `DNS lookup failed: the host name ${url.hostname} does not resolve (${code})` };
  if (TLS_CODES.test(code)) {
    const selfSigned = /SELF_SIGNED/.test(code);
    return {
      kind: 'tls',
      message:
        `TLS verification failed for ${where}: ${selfSigned ? 'the certificate is self-signed' : error.message} (${code}).` +
        ' Set insecure: true only for an endpoint you trust without a valid certificate.',
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return { kind: 'reset', message: `the connection to ${where} was reset before a response arrived` };
  return { kind: 'other', message: `request to ${where} failed: ${error.message}${code ? ` (${code})` : ''}` };
}

function once(
  client: Client,
  request: HttpRequest,
  url: URL,
  headers: Record<string, string>,
  method: string,
  deadline: number,
): Promise<Omit<HttpResponse, 'redirects' | 'finalUrl' | 'latencyMs'>> {
  const maxBody = request.maxBodyBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method,
      headers: { 'user-agent': 'deploy-kit-smoke-test', ...headers },
      rejectUnauthorized: !request.insecure,
      agent: false,
    });
    const remaining = Math.max(1, deadline - Date.now());
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'DK_TIMEOUT' })), remaining);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < maxBody) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8').slice(0, maxBody),
        });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/**
 * One HTTP request with a deadline, following redirects up to a limit. Custom headers
 * are dropped when a redirect leaves the origin, as browsers and fetch do, so a token
 * never travels to a host it was not meant for.
 */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  await clientFor(request.url); // loaded before the clock starts: the latency is the request's
  const started = performance.now();
  const deadline = Date.now() + request.timeoutMs;
  const redirects: string[] = [];
  let url = request.url;
  let method = request.method;
  let headers = request.headers;
  for (;;) {
    let response: Awaited<ReturnType<typeof once>>;
    try {
      response = await once(await clientFor(url), request, url, headers, method, deadline);
    } catch (error) {
      const latencyMs = performance.now() - started;
      const err = error as NodeJS.ErrnoException;
      if (err.code === 'DK_TIMEOUT')
        throw new RequestFailed(
          'timeout',
          `no response from ${displayUrl(url)} within ${request.timeoutMs} ms`,
          latencyMs,
        );
      const { kind, message } = describeNetworkError(err, url);
      throw new RequestFailed(kind, message, latencyMs);
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location && ![304, 305].includes(response.status)) {
      if (redirects.length >= request.maxRedirects)
        throw new RequestFailed(
          'redirects',
          `more than ${request.maxRedirects} redirects, last to ${displayUrl(new URL(location, url))}`,
          performance.now() - started,
        );
      const next = new URL(location, url);
      redirects.push(`${response.status} ${displayUrl(url)} → ${displayUrl(next)}`);
      if (next.origin !== url.origin) headers = {};
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST'))
        method = 'GET';
      url = next;
      continue;
    }
    return { ...response, latencyMs: performance.now() - started, redirects, finalUrl: url };
  }
}
