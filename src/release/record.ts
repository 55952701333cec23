/**
 * A release as one GitHub Deployment in its environment: created when the release starts
 * (payload: the release JSON, task `deploy:release`), statuses in_progress → success, or
 * failure (then inactive once every service is back on what it served before). That record
 * is what require-deployment and the rollback workflow read. Recording never fails a release:
 * a problem with the API is a warning.
 * POST /repos/{owner}/{repo}/deployments, POST …/deployments/{id}/statuses
 * (docs.github.com/en/rest/deployments/deployments#create-a-deployment, …/statuses#create-a-deployment-status)
 */
import { errorMessage } from '../lib/errors.js';
import type { GitHubClient } from '../github/rest.js';
import { type ReleaseProgress, releaseJson } from './release.js';

export const RELEASE_TASK = 'deploy:release';

/**
 * Records a finished (or rolled-back) release. GitHub never changes a Deployment's payload
 * after it is created, and the record must carry every service's deployment ids (what the
 * rollback workflow returns to), so it is created once those are known: in_progress, then
 * success, or failure followed by inactive when every service was returned.
 */
/** One GitHub Deployment and its statuses: what a release or a rollback records. */
export interface DeploymentRecordSpec {
  /** "release" or "rollback", for the warning when GitHub refuses. */
  what: string;
  ref: string;
  environment: string;
  description: string;
  payload: unknown;
  /** Posted in order once the deployment exists. */
  statuses: Array<{ state: string; description: string; environmentUrl?: string }>;
  /** Whether this record is what now serves (auto_inactive: earlier ones go inactive). */
  live: boolean;
}

/**
 * Creates the deployment (task deploy:release) and posts its statuses; a refusal is a
 * warning, never a failed release. Returns the deployment id when it was created.
 */
export async function recordDeployment(
  client: GitHubClient,
  target: { repository: string; logUrl?: string },
  spec: DeploymentRecordSpec,
  warn: (message: string) => void,
): Promise<number | undefined> {
  let id: number | undefined;
  try {
    const created = await client.request<{ id: number }>('POST', `/repos/${target.repository}/deployments`, {
      ref: spec.ref,
      task: RELEASE_TASK,
      environment: spec.environment,
      description: spec.description.slice(0, 140),
      payload: spec.payload,
      auto_merge: false,
      required_contexts: [],
      production_environment: /^prod/i.test(spec.environment),
    });
    id = created.data.id;
    for (const status of spec.statuses)
      await client.request('POST', `/repos/${target.repository}/deployments/${id}/statuses`, {
        state: status.state,
        description: status.description.slice(0, 140),
        ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
        ...(target.logUrl ? { log_url: target.logUrl } : {}),
        auto_inactive: spec.live,
      });
    return id;
  } catch (error) {
    warn(`Could not record the ${spec.what} as a GitHub Deployment${id ? ` (${id})` : ''}: ${errorMessage(error)}`);
    return id;
  }
}

export function recordRelease(
  client: GitHubClient,
  target: { repository: string; sha: string; logUrl?: string },
  progress: ReleaseProgress,
  url: string | undefined,
  warn: (message: string) => void,
): Promise<number | undefined> {
  const { version } = progress;
  const statuses: DeploymentRecordSpec['statuses'] = [{ state: 'in_progress', description: `releasing ${version}` }];
  if (progress.status === 'success')
    statuses.push({ state: 'success', description: `release ${version} is live`, environmentUrl: url });
  else {
    statuses.push({ state: 'failure', description: progress.failure ?? 'the release failed' });
    if (progress.status === 'rolled-back')
      statuses.push({
        state: 'inactive',
        description: `rolled back: every service serves what it did before ${version}`,
      });
  }
  return recordDeployment(
    client,
    target,
    {
      what: 'release',
      ref: target.sha,
      environment: progress.environment,
      description: `release ${version}: ${progress.services.map((s) => s.name).join(', ')}`,
      payload: releaseJson(progress),
      statuses,
      live: progress.status === 'success',
    },
    warn,
  );
}
