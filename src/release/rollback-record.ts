/**
 * A rollback to a named release is itself recorded as a release: one GitHub Deployment in the
 * environment (task `deploy:release`, ref the returned release's commit) whose payload is the
 * release JSON with `rollback` saying which release it returned to, statuses in_progress →
 * success (the release is live again; earlier deployments go inactive) or failure. Recording
 * never fails the rollback: a problem with the API is a warning.
 *   POST /repos/{owner}/{repo}/deployments, POST …/deployments/{id}/statuses
 * (docs.github.com/en/rest/deployments/deployments#create-a-deployment, …/statuses#create-a-deployment-status)
 */
import { errorMessage } from '../lib/errors.js';
import type { GitHubClient } from '../github/rest.js';
import { RELEASE_TASK } from './record.js';
import type { RollbackProgress } from './rollback-run.js';

/** The same shape as the release JSON (so require-deployment and a later rollback read it), plus `rollback`. */
export function rollbackJson(progress: RollbackProgress): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const entry of progress.services) {
    const back = entry.outcome === 'returned' || entry.outcome === 'already-live';
    services[entry.name] = {
      provider: entry.provider,
      'deployment-id': entry.live?.id ?? null,
      'previous-deployment-id': entry.before?.id ?? null,
      url: entry.live?.url ?? null,
      status: back ? 'success' : entry.outcome === 'held' ? 'not-deployed' : 'failed',
      smoke: entry.smoke ?? null,
      'rolled-back-to': back ? entry.target : null,
    };
  }
  return {
    version: progress.to,
    environment: progress.environment,
    status: progress.status === 'rolled-back' ? 'success' : 'failed',
    rollback: { to: progress.to, 'release-deployment': progress.record.id },
    services,
  };
}

export async function recordRollback(
  client: GitHubClient,
  target: { repository: string; logUrl?: string },
  progress: RollbackProgress,
  url: string | undefined,
  warn: (message: string) => void,
): Promise<number | undefined> {
  let id: number | undefined;
  const ok = progress.status === 'rolled-back';
  const status = async (state: string, description: string, environmentUrl?: string) => {
    await client.request('POST', `/repos/${target.repository}/deployments/${id}/statuses`, {
      state,
      description: description.slice(0, 140),
      ...(environmentUrl ? { environment_url: environmentUrl } : {}),
      ...(target.logUrl ? { log_url: target.logUrl } : {}),
      auto_inactive: ok,
    });
  };
  try {
    const created = await client.request<{ id: number }>('POST', `/repos/${target.repository}/deployments`, {
      ref: progress.record.sha,
      task: RELEASE_TASK,
      environment: progress.environment,
      description: `rollback to release ${progress.to}: ${progress.services.map((s) => s.name).join(', ')}`.slice(
        0,
        140,
      ),
      payload: rollbackJson(progress),
      auto_merge: false,
      required_contexts: [],
      production_environment: /^prod/i.test(progress.environment),
    });
    id = created.data.id;
    await status('in_progress', `rolling back to release ${progress.to}`);
    if (ok) await status('success', `rolled back: release ${progress.to} is live again`, url);
    else await status('failure', progress.problems[0] ?? `the rollback to ${progress.to} did not complete`);
    return id;
  } catch (error) {
    warn(`Could not record the rollback as a GitHub Deployment${id ? ` (${id})` : ''}: ${errorMessage(error)}`);
    return id;
  }
}
