/**
 * Which Railway project, environment and service the token and inputs name: a project
 * token implies its project and environment (ProjectToken), an account or workspace token
 * needs `project` and `environment`; a service is matched by id or name. All read before
 * anything is deployed, so a wrong input fails with the names Railway has.
 */
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { type ProviderDeps, tokenRejectedMessage } from '../provider.js';
import {
  DEFAULT_RAILWAY_API,
  type GraphQLClient,
  GraphQLError,
  QUERIES,
  TOKEN_HELP,
  type TokenKind,
  graphqlClient,
} from './graphql.js';
import type { RailwayInputs } from './index.js';

const RAILWAY = { title: 'Railway', tokenHelp: TOKEN_HELP };

/** The project, environment and service a deploy goes to, and the API client for the token's kind. */
export interface Target {
  kind: TokenKind;
  client: GraphQLClient;
  projectId: string;
  projectName: string;
  environmentId: string;
  environmentName: string;
  serviceId: string;
  serviceName: string;
}

export async function resolveTarget(
  inputs: RailwayInputs,
  deps: Pick<ProviderDeps, 'fetch' | 'sleep'>,
): Promise<Target> {
  const apiUrl = inputs.apiUrl?.href ?? DEFAULT_RAILWAY_API;
  const client = (kind: TokenKind) => graphqlClient(apiUrl, inputs.token, kind, deps.fetch, deps.sleep);
  let kind: TokenKind = 'project';
  let gql = client(kind);
  let projectId = inputs.project;
  let tokenEnvironment: { id: string; name: string } | undefined;
  try {
    const data = (await gql(QUERIES.projectToken)) as {
      projectToken?: { project: { id: string }; environment: { id: string; name: string } };
    };
    if (!data.projectToken) throw new GraphQLError('no project token', true);
    if (projectId && projectId !== data.projectToken.project.id)
      throw new ConfigurationError(
        `Input "project" is invalid: the project token belongs to project ${data.projectToken.project.id}, not ${projectId}. Leave "project" empty with a project token.`,
      );
    projectId = data.projectToken.project.id;
    tokenEnvironment = data.projectToken.environment;
  } catch (error) {
    if (!(error instanceof GraphQLError) || !error.unauthorized) throw error;
    // Not a project token: an account or workspace token, which needs the project named.
    if (!projectId) throw new KitError(tokenRejectedMessage(RAILWAY, `as a project token: ${error.message}`));
    kind = 'account';
    gql = client(kind);
  }
  let project: {
    id: string;
    name: string;
    environments: { edges: Array<{ node: { id: string; name: string } }> };
    services: { edges: Array<{ node: { id: string; name: string } }> };
  } | null;
  try {
    project = ((await gql(QUERIES.project, { id: projectId })) as { project: typeof project }).project;
  } catch (error) {
    if (error instanceof GraphQLError && error.unauthorized)
      throw new KitError(tokenRejectedMessage(RAILWAY, error.message));
    if (error instanceof GraphQLError && /not found/i.test(error.message))
      throw new KitError(`Railway has no project ${projectId} that this token can see. Check the \`project\` input.`);
    throw error;
  }
  if (!project)
    throw new KitError(`Railway has no project ${projectId} that this token can see. Check the \`project\` input.`);

  const environments = project.environments.edges.map((e) => e.node);
  const wanted = inputs.environment;
  let environment = tokenEnvironment;
  if (wanted) {
    const found = environments.find((e) => e.id === wanted || e.name.toLowerCase() === wanted.toLowerCase());
    if (!found)
      throw new KitError(
        `Railway project ${project.name} has no environment "${wanted}" (it has: ${environments.map((e) => e.name).join(', ') || 'none'}). Check the \`environment\` input.`,
      );
    if (tokenEnvironment && found.id !== tokenEnvironment.id)
      throw new ConfigurationError(
        `Input "environment" is invalid: the project token is for environment "${tokenEnvironment.name}", not "${wanted}". Use that environment's token, or leave "environment" empty.`,
      );
    environment = found;
  }
  if (!environment)
    throw new ConfigurationError(
      `Input "environment" is required with an account or workspace token: name the Railway environment (it has: ${environments.map((e) => e.name).join(', ')}).`,
    );
  const services = project.services.edges.map((e) => e.node);
  // Matched by id or case-insensitive name, as `railway deployment list --service` does (src/commands/deployment.rs).
  const service = services.find(
    (s) => s.id === inputs.service || s.name.toLowerCase() === inputs.service.toLowerCase(),
  );
  if (!service)
    throw new KitError(
      `Railway project ${project.name} has no service "${inputs.service}" (it has: ${services.map((s) => s.name).join(', ') || 'none'}). Check the \`service\` input.`,
    );
  return {
    kind,
    client: gql,
    projectId: project.id,
    projectName: project.name,
    environmentId: environment.id,
    environmentName: environment.name,
    serviceId: service.id,
    serviceName: service.name,
  };
}
