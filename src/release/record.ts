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
export async function recordRelease(
  client: GitHubClient,
  target: { repository: string; sha: string; logUrl?: string },
  progress: ReleaseProgress,
  url: string | undefined,
  warn: (message: string) => void,
): Promise<number | undefined> {
  let id: number | undefined;
  const status = async (state: string, description: string, environmentUrl?: string) => {
    await client.request('POST', `/repos/${target.repository}/deployments/${id}/statuses`, {
      state,
      description: description.slice(0, 140),
      ...(environmentUrl ? { environment_url: environmentUrl } : {}),
      ...(target.logUrl ? { log_url: target.logUrl } : {}),
      auto_inactive: progress.status === 'success',
    });
  };
  try {
    const created = await client.request<{ id: number }>('POST', `/repos/${target.repository}/deployments`, {
      ref: target.sha,
      task: RELEASE_TASK,
      environment: progress.environment,
      description: `release ${progress.version}: ${progress.services.map((s) => s.name).join(', ')}`.slice(0, 140),
      payload: releaseJson(progress),
      auto_merge: false,
      required_contexts: [],
      production_environment: /^prod/i.test(progress.environment),
    });
    id = created.data.id;
    await status('in_progress', `releasing ${progress.version}`);
    if (progress.status === 'success') await status('success', `release ${progress.version} is live`, url);
    else {
      await status('failure', progress.failure ?? 'the release failed');
      if (progress.status === 'rolled-back')
        await status('inactive', `rolled back: every service serves what it did before ${progress.version}`);
    }
    return id;
  } catch (error) {
    warn(`Could not record the release as a GitHub Deployment${id ? ` (${id})` : ''}: ${errorMessage(error)}`);
    return id;
  }
}
