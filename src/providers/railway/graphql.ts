/**
 * Railway's public GraphQL API (docs.railway.com/reference/public-api): the CLI cannot
 * read a deployment's status by id without waiting on it, nor roll back, so the kit asks
 * the API itself. Queries follow railwayapp/cli src/gql/queries/strings/*.graphql and the
 * schema signatures recorded in docs/platforms.md §2.3.
 */
import { KitError, errorMessage } from '../../lib/errors.js';
import { retry } from '../../lib/retry.js';

export const DEFAULT_RAILWAY_API = 'https://backboard.railway.com';

/** How to get a token that works, for the message when Railway rejects one. */
export const TOKEN_HELP =
  'use a Railway project token (project → Settings → Tokens, for the environment you deploy to), or an account/workspace token (Account → Tokens) together with the `project` input; store it as a secret such as RAILWAY_TOKEN.';

/** Project tokens go in `Project-Access-Token`, account/workspace tokens as a Bearer (railwayapp/cli src/client.rs). */
export type TokenKind = 'project' | 'account';

export class GraphQLError extends KitError {
  constructor(
    message: string,
    readonly unauthorized: boolean,
  ) {
    super(message);
  }
}

class Transient extends Error {}

export interface GraphQLClient {
  (query: string, variables?: Record<string, unknown>, options?: { retry?: boolean }): Promise<Record<string, unknown>>;
}

export function graphqlClient(
  apiUrl: string,
  token: string,
  kind: TokenKind,
  fetchImpl: typeof fetch,
  sleep: (ms: number) => Promise<void>,
): GraphQLClient {
  const endpoint = `${apiUrl.replace(/\/+$/, '')}/graphql/v2`;
  const auth: Record<string, string> =
    kind === 'project' ? { 'project-access-token': token } : { authorization: `Bearer ${token}` };
  const once = async (body: string): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new Transient(`Railway's API at ${endpoint} could not be reached: ${errorMessage(error)}`);
    }
    if (response.status === 429 || response.status >= 500)
      throw new Transient(`Railway's API answered HTTP ${response.status}`);
    if (response.status === 401 || response.status === 403) throw new GraphQLError(`HTTP ${response.status}`, true);
    let parsed: { data?: Record<string, unknown> | null; errors?: Array<{ message?: string }> };
    try {
      parsed = (await response.json()) as typeof parsed;
    } catch {
      throw new GraphQLError(`Railway's API answered HTTP ${response.status} with something that is not JSON`, false);
    }
    if (parsed.errors?.length) {
      const message = parsed.errors.map((e) => e.message ?? 'unknown error').join('; ');
      // The CLI maps "project token not found" (a token that is not a project token, sent as
      // one) and any "not authorized" to a rejected token (src/client.rs:586-597 at v5.42.1).
      throw new GraphQLError(message, /not authori[sz]ed|project token not found/i.test(message));
    }
    if (!parsed.data) throw new GraphQLError("Railway's API answered without data", false);
    return parsed.data;
  };
  return (query, variables = {}, options = {}) => {
    const body = JSON.stringify({ query, variables });
    if (options.retry === false) return once(body);
    return retry(() => once(body), {
      attempts: 4,
      baseDelayMs: 500,
      retryable: (error) => error instanceof Transient,
      sleep,
    }).catch((error: unknown) => {
      if (error instanceof Transient) throw new KitError(error.message);
      throw error;
    });
  };
}

export const QUERIES = {
  // railwayapp/cli src/gql/queries/strings/ProjectToken.graphql
  projectToken: 'query ProjectToken { projectToken { id project { id name } environment { id name } } }',
  // railwayapp/cli src/gql/queries/strings/Project.graphql (plugins left out)
  project:
    'query Project($id: String!) { project(id: $id) { id name environments { edges { node { id name } } } services { edges { node { id name } } } } }',
  // railwayapp/cli src/gql/queries/strings/Deployments.graphql + canRollback/url/staticUrl (docs/platforms.md §2.3)
  deployments:
    'query Deployments($input: DeploymentListInput!, $first: Int) { deployments(input: $input, first: $first) { edges { node { id status createdAt canRollback url staticUrl meta } } } }',
  deployment:
    'query Deployment($id: String!) { deployment(id: $id) { id status createdAt canRollback url staticUrl meta } }',
  // Mutation.deploymentRollback(id: String!): Boolean! — a scalar: no selection set (docs/platforms.md §2.3)
  rollback: 'mutation DeploymentRollback($id: String!) { deploymentRollback(id: $id) }',
  // railwayapp/cli src/gql/queries/strings/BuildLogs.graphql, DeploymentLogs.graphql
  buildLogs: 'query BuildLogs($deploymentId: String!) { buildLogs(deploymentId: $deploymentId) { message timestamp } }',
  // Query.deploymentEvents(id: String!, first: Int) (src/gql/schema.json; docs/platforms.md §9.2)
  deploymentEvents:
    'query DeploymentEvents($id: String!) { deploymentEvents(id: $id, first: 50) { edges { node { step createdAt completedAt payload { error } } } } }',
  deploymentLogs:
    'query DeploymentLogs($deploymentId: String!) { deploymentLogs(deploymentId: $deploymentId, limit: 500) { message timestamp severity } }',
} as const;

export interface RailwayDeploymentNode {
  id: string;
  status: string;
  createdAt?: string;
  canRollback?: boolean;
  url?: string | null;
  staticUrl?: string | null;
  meta?: Record<string, unknown> | null;
}
