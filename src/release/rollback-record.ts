/**
 * A rollback to a named release is itself recorded as a release: one GitHub Deployment in the
 * environment (task `deploy:release`, ref the returned release's commit) whose payload is the
 * release JSON with `rollback` saying which release it returned to, statuses in_progress →
 * success (the release is live again; earlier deployments go inactive) or failure. Recording
 * never fails the rollback: a problem with the API is a warning.
 *   POST /repos/{owner}/{repo}/deployments, POST …/deployments/{id}/statuses
 * (docs.github.com/en/rest/deployments/deployments#create-a-deployment, …/statuses#create-a-deployment-status)
 */
import type { GitHubClient } from '../github/rest.js';
import { recordDeployment } from './record.js';
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

export function recordRollback(
  client: GitHubClient,
  target: { repository: string; logUrl?: string },
  progress: RollbackProgress,
  url: string | undefined,
  warn: (message: string) => void,
): Promise<number | undefined> {
  const ok = progress.status === 'rolled-back';
  const { to } = progress;
  return recordDeployment(
    client,
    target,
    {
      what: 'rollback',
      ref: progress.record.sha,
      environment: progress.environment,
      description: `rollback to release ${to}: ${progress.services.map((s) => s.name).join(', ')}`,
      payload: rollbackJson(progress),
      statuses: [
        { state: 'in_progress', description: `rolling back to release ${to}` },
        ok
          ? { state: 'success', description: `rolled back: release ${to} is live again`, environmentUrl: url }
          : { state: 'failure', description: progress.problems[0] ?? `the rollback to ${to} did not complete` },
      ],
      live: ok,
    },
    warn,
  );
}
