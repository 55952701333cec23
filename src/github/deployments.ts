/**
 * Did this commit reach an environment successfully? Asked of GitHub's Deployments API,
 * where every job with `environment:` records a deployment (sha, ref, environment) and its
 * statuses (in_progress → success / failure; later `inactive` when a newer deployment to
 * the same environment succeeds).
 *   GET /repos/{owner}/{repo}/deployments?sha=&environment=   (newest first)
 *   GET /repos/{owner}/{repo}/deployments/{id}/statuses
 * (docs.github.com/en/rest/deployments/deployments#list-deployments,
 *  docs.github.com/en/rest/deployments/statuses#list-deployment-statuses)
 */
import type { GitHubClient } from './rest.js';

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
}

export interface DeploymentStatusRecord {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';
  environment_url?: string;
  created_at: string;
}

export interface Examined {
  deployment: DeploymentRecord;
  /** Latest state first. */
  states: DeploymentStatusRecord['state'][];
  verdict: 'succeeded' | 'failed' | 'not finished';
}

export interface DeploymentSearch {
  found?: { deployment: DeploymentRecord; success: DeploymentStatusRecord };
  examined: Examined[];
}

/**
 * A deployment counts once it reported `success` with no `failure` or `error` after it
 * (`inactive` afterwards only means a newer deployment replaced it, which is fine).
 */
export function verdictOf(statuses: DeploymentStatusRecord[]): {
  verdict: Examined['verdict'];
  success?: DeploymentStatusRecord;
} {
  const ordered = [...statuses].sort((a, b) => b.id - a.id);
  const lastSuccess = ordered.findIndex((s) => s.state === 'success');
  if (lastSuccess === -1)
    return { verdict: ordered.some((s) => s.state === 'failure' || s.state === 'error') ? 'failed' : 'not finished' };
  const after = ordered.slice(0, lastSuccess);
  if (after.some((s) => s.state === 'failure' || s.state === 'error')) return { verdict: 'failed' };
  return { verdict: 'succeeded', success: ordered[lastSuccess] };
}

export async function findSuccessfulDeployment(
  client: GitHubClient,
  query: { repository: string; sha: string; environment: string; maxDeployments?: number },
): Promise<DeploymentSearch> {
  const params = new URLSearchParams({ sha: query.sha, environment: query.environment, per_page: '100' });
  const deployments = await client.paginate<DeploymentRecord>(
    `/repos/${query.repository}/deployments?${params}`,
    query.maxDeployments ?? 300,
  );
  const examined: Examined[] = [];
  // Newest first; the filter is exact on GitHub's side, checked again here.
  for (const deployment of deployments.filter((d) => d.sha === query.sha)) {
    const statuses = await client.paginate<DeploymentStatusRecord>(
      `/repos/${query.repository}/deployments/${deployment.id}/statuses?per_page=100`,
    );
    const { verdict, success } = verdictOf(statuses);
    examined.push({ deployment, states: [...statuses].sort((a, b) => b.id - a.id).map((s) => s.state), verdict });
    if (success) return { found: { deployment, success }, examined };
  }
  return { examined };
}
