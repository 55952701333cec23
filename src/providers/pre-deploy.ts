/**
 * The platform's own pre-deploy step, in the kit's words (`migration-tool: platform`,
 * docs/design.md "Migration safety"; docs/platforms.md §9). Render and Railway run a
 * pre-deploy command, Fly.io a release_command, after the build and before the new
 * deployment takes any traffic: when it fails, the platform stops that deployment there and
 * what was live stays live. So the step fails, says the platform's migration failed, shows
 * that step's log, and needs no rollback of this service.
 */
import { tail } from '../lib/exec.js';
import type { DeployOutcome, Deployment, PreDeploy } from './provider.js';

/**
 * The providers whose platform has a pre-deploy step, and its name there. The reusable
 * workflows' settings check lists the same three for `migration-tool: platform`.
 */
export const PRE_DEPLOY_STEPS = {
  railway: "Railway's pre-deploy command",
  render: "Render's pre-deploy command",
  fly: "Fly.io's release_command",
} as const;

/** Lines of the step's log the error annotation carries (the summary has the longer tail). */
const ANNOTATION_LINES = 8;

/**
 * The verdict on a deployment whose pre-deploy step failed: failed, and traffic never moved.
 * `live` is what the platform reports live now, asked after the failure.
 */
export function preDeployFailed(
  deployment: Deployment,
  live: Deployment | undefined,
  preDeploy: Omit<PreDeploy, 'result'>,
  said: string,
): DeployOutcome {
  const still = live ? `${live.id} is still live` : 'nothing was live before, and nothing is now';
  return {
    status: 'failed',
    deployment,
    preDeploy: { ...preDeploy, result: 'failed' },
    evidence: `${preDeploy.step} (the platform's migration) failed${preDeploy.detail ? ` (${preDeploy.detail})` : ''}: ${said}; traffic never moved to ${deployment.id}: ${still}`,
  };
}

/** The message of the failed step (its error annotation): what failed, what is live, its log's last lines. */
export function preDeployFailureMessage(title: string, outcome: DeployOutcome, previous?: Deployment): string {
  const step = outcome.preDeploy?.step ?? 'The pre-deploy step';
  const live = previous
    ? `${previous.id} is still live, so this service needs no rollback`
    : 'nothing was live before, so there is nothing to roll back';
  const log = outcome.preDeploy?.log ?? outcome.logTail;
  const lines = log ? `\nThe last lines of its log:\n${tail(log, ANNOTATION_LINES)}` : '';
  return `The platform's migration failed on ${title}: ${step} failed, so the new deployment never took traffic and ${live}. ${outcome.evidence}.${lines}`;
}

/** The summary's row for the step. */
export function preDeployRow(preDeploy: PreDeploy, previous?: Deployment): [string, string] {
  const detail = preDeploy.detail ? ` (${preDeploy.detail})` : '';
  return [
    'pre-deploy (the platform migrates)',
    preDeploy.result === 'passed'
      ? `${preDeploy.step} passed${detail}`
      : `${preDeploy.step} failed${detail}: traffic never moved; ${previous ? `${previous.id} is still live (no rollback needed)` : 'nothing was live before'}`,
  ];
}

/** The step's own log first, where the platform gave one apart from the deployment's. */
export function preDeployLogSection(preDeploy: PreDeploy | undefined): string | undefined {
  return preDeploy?.log?.trim() ? `--- ${preDeploy.step} ---\n${tail(preDeploy.log, 40)}` : undefined;
}
