/**
 * Did this commit reach an environment successfully? Asked of GitHub's Deployments API,
 * where every job with `environment:` records a deployment (sha, ref, environment) and its
 * statuses (in_progress → success / failure; later `inactive` when a newer deployment to
 * the same environment succeeds).
 *   GET /repos/{owner}/{repo}/deployments?sha=&environment=   (newest first)
 *   GET /repos/{owner}/{repo}/deployments/{id}/statuses
 * (docs.github.com/en/rest/deployments/deployments#list-deployments,
 *  docs.github.com/en/rest/deployments/statuses#list-deployment-statuses)
 * With `provenance`, a success counts only from a record the expected workflow's own run
 * made (./provenance.ts): one created by hand through the API is refused, with the reason.
 */
import type { GitHubClient } from './rest.js';
import { type Actor, type Provenance, checkProvenance } from './provenance.js';

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  creator?: Actor | null;
}

export interface DeploymentStatusRecord {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';
  environment_url?: string;
  created_at: string;
  creator?: Actor | null;
  log_url?: string | null;
  target_url?: string | null;
}

export interface Examined {
  deployment: DeploymentRecord;
  /** Latest state first. */
  states: DeploymentStatusRecord['state'][];
  verdict: 'succeeded' | 'failed' | 'not finished' | 'refused';
  /** refused: why the record is not the expected workflow run's own. */
  reason?: string;
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
  query: {
    repository: string;
    sha: string;
    environment: string;
    maxDeployments?: number;
    /** Which workflow's runs may have made the record (see ./provenance.ts); unset: any record. */
    workflow?: string;
  },
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
    const states = [...statuses].sort((a, b) => b.id - a.id).map((s) => s.state);
    if (success && query.workflow !== undefined) {
      const expected: Provenance = { workflow: query.workflow, repository: query.repository, sha: query.sha };
      const provenance = await checkProvenance(client, expected, deployment, success);
      if (!provenance.ok) {
        examined.push({ deployment, states, verdict: 'refused', reason: provenance.reason });
        continue;
      }
    }
    examined.push({ deployment, states, verdict });
    if (success) return { found: { deployment, success }, examined };
  }
  return { examined };
}
