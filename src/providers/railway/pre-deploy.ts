/**
 * Railway's pre-deploy command as the public API reports it (docs/platforms.md §9.2): a
 * deployment's events (`deploymentEvents(id)`, railwayapp/cli src/gql/schema.json at v5.42.1)
 * include a `PRE_DEPLOY_COMMAND` step, whose payload carries `error` when the command failed;
 * the deployment then ends FAILED and never becomes active ("If your command fails, it will
 * not be retried and the deployment will not proceed", docs.railway.com/guides/pre-deploy-command).
 * The command's output is in the deployment's deploy log.
 */
import { PRE_DEPLOY_STEPS } from '../pre-deploy.js';
import type { PreDeploy } from '../provider.js';
import { type GraphQLClient, QUERIES } from './graphql.js';

export interface RailwayDeploymentEvent {
  step: string;
  createdAt?: string;
  completedAt?: string | null;
  payload?: { error?: string | null } | null;
}

/** How the deployment's pre-deploy command ended, or undefined when it ran none. */
export async function railwayPreDeploy(client: GraphQLClient, deploymentId: string): Promise<PreDeploy | undefined> {
  const data = (await client(QUERIES.deploymentEvents, { id: deploymentId })) as {
    deploymentEvents?: { edges: Array<{ node: RailwayDeploymentEvent }> } | null;
  };
  const events = (data.deploymentEvents?.edges ?? []).map((edge) => edge.node);
  const step = events.filter((event) => event.step === 'PRE_DEPLOY_COMMAND').at(-1);
  if (!step) return undefined;
  const name = PRE_DEPLOY_STEPS.railway;
  const error = step.payload?.error?.trim();
  if (error) return { step: name, result: 'failed', detail: error };
  return { step: name, result: 'passed' };
}

/** The deploy log, where the pre-deploy command's output goes. */
export async function railwayDeployLog(client: GraphQLClient, deploymentId: string): Promise<string | undefined> {
  const data = (await client(QUERIES.deploymentLogs, { deploymentId })) as {
    deploymentLogs?: Array<{ message: string }> | null;
  };
  const lines = (data.deploymentLogs ?? []).map((entry) => entry.message);
  return lines.length ? lines.join('\n') : undefined;
}
