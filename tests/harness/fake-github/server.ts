/**
 * The fake's HTTP side: reads a request, records it, checks it against GitHub's REST
 * description (a request GitHub does not allow is answered 400 and is a violation), then
 * authenticates it and hands it to the routes, in the order GitHub's paths need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkRequest } from '../../conformance/github-openapi.js';
import { deploymentsRoute } from './deployments.js';
import type { FakeGitHub } from './fake.js';
import { graphqlRoute } from './graphql.js';
import { issuesRoute } from './issues.js';
import type { Exchange, RecordedRequest } from './model.js';
import { reposRoute } from './repos.js';
import { runRoute } from './runs.js';
import { settingsRoute } from './settings.js';

export async function handle(github: FakeGitHub, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const method = req.method ?? 'GET';
  const path = decodeURIComponent(url.pathname);
  const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const grant = github.tokens.get(token);
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
  github.requests.push(record);
  github.records.set(res, record);
  if (raw && body === undefined) return github.error(res, 400, 'Problems parsing JSON');
  // Every request the kit makes is checked against GitHub's OpenAPI description: a path,
  // query parameter or body field GitHub does not have fails the test that made it.
  const problems = checkRequest(record);
  if (problems.length) {
    github.violations.push(...problems);
    return github.error(res, 400, `deploy-kit conformance: ${problems.join('; ')}`);
  }
  if (github.failNext.count > 0) {
    github.failNext.count--;
    return github.error(res, github.failNext.status, 'Server Error');
  }
  if (!grant) return github.error(res, 401, 'Bad credentials');
  const need = (permission: string) => {
    if (grant.permissions.has(permission)) return true;
    github.error(res, 403, 'Resource not accessible by integration');
    return false;
  };
  const exchange: Exchange = { method, path, url, body, grant, token, res, need };
  if (settingsRoute(github, exchange)) return;
  const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (repoMatch) {
    const full = `${repoMatch[1]}/${repoMatch[2]}`;
    const repo = github.repos.get(full);
    if (!repo) return github.error(res, 404, 'Not Found');
    const rest = repoMatch[3] ?? '';
    if (runRoute(exchange, github, full, rest) || deploymentsRoute(exchange, github, full, repo, rest)) return;
  }
  if (method === 'POST' && path === '/graphql') return graphqlRoute(github, exchange);
  if (issuesRoute(github, exchange) || reposRoute(github, exchange)) return;
  return github.error(res, 404, 'Not Found');
}
