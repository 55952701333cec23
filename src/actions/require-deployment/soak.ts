/**
 * The soak gate (`min-age`): the commit's successful deployment must have been live in the
 * environment at least that long, with no failed deployment or rollback there while it was.
 * Its live period starts at its `success` status and ends now, or when a deployment of
 * another commit succeeded there (which replaced it). Read from the same Deployments API as
 * the search (GET …/deployments?environment=, GET …/deployments/{id}/statuses; newest first).
 */
import type { GitHubClient } from '../../github/rest.js';
import type { DeploymentRecord, DeploymentStatusRecord } from '../../github/deployments.js';

export interface Incident {
  deployment: DeploymentRecord & { payload?: unknown };
  state: 'failure' | 'error';
  at: string;
  description?: string;
  rolledBack: boolean;
}

export interface Soak {
  liveSince: string;
  liveMs: number;
  /** The deployment that replaced the commit's, when one did. */
  replacedBy?: { deployment: DeploymentRecord; at: string };
  incidents: Incident[];
  ok: boolean;
  /** "live on staging for 26 h, no incident", or why the soak is not over. */
  message: string;
}

type Status = DeploymentStatusRecord & { description?: string };

/** 26 h, 3 h 12 min, 42 min, 15 s: coarse, as a person would say it. */
export function humanDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  return hours >= 10 || !rest ? `${hours} h` : `${hours} h ${rest} min`;
}

const time = (iso: string) => Date.parse(iso);

function rolledBack(deployment: { payload?: unknown }, statuses: Status[], failedAt: number): boolean {
  const payload = deployment.payload as { status?: string } | undefined;
  if (payload && typeof payload === 'object' && payload.status === 'rolled-back') return true;
  return statuses.some((s) => s.state === 'inactive' && time(s.created_at) >= failedAt);
}

export async function checkSoak(
  client: GitHubClient,
  query: {
    repository: string;
    environment: string;
    found: { deployment: DeploymentRecord; success: DeploymentStatusRecord };
    minAgeMs: number;
    now: number;
  },
): Promise<Soak> {
  const { found, environment } = query;
  const since = time(found.success.created_at);
  const params = new URLSearchParams({ environment, per_page: '100' });
  const all = await client.paginate<DeploymentRecord & { payload?: unknown }>(
    `/repos/${query.repository}/deployments?${params}`,
  );
  // Only deployments created after the commit's can have replaced it or failed during its live period.
  const later = all.filter((d) => d.id > found.deployment.id);
  let end = query.now;
  let replacedBy: Soak['replacedBy'];
  const failures: Array<Omit<Incident, 'rolledBack'> & { statuses: Status[] }> = [];
  for (const deployment of [...later].reverse()) {
    const statuses = await client.paginate<Status>(
      `/repos/${query.repository}/deployments/${deployment.id}/statuses?per_page=100`,
    );
    for (const status of statuses) {
      const at = time(status.created_at);
      if (at < since) continue;
      if (status.state === 'failure' || status.state === 'error')
        failures.push({
          deployment,
          state: status.state,
          at: status.created_at,
          description: status.description,
          statuses,
        });
      if (status.state === 'success' && deployment.sha !== found.deployment.sha && at < end) {
        end = at;
        replacedBy = { deployment, at: status.created_at };
      }
    }
  }
  const incidents = failures
    .filter((f) => time(f.at) <= end)
    .sort((a, b) => time(a.at) - time(b.at))
    .map(({ statuses, ...f }) => ({ ...f, rolledBack: rolledBack(f.deployment, statuses, time(f.at)) }));
  const liveMs = Math.max(0, end - since);
  const live = `live on ${environment} for ${humanDuration(liveMs)}`;
  const min = humanDuration(query.minAgeMs);
  let message: string;
  if (incidents.length) {
    const first = incidents[0] as Incident;
    const what = `deployment ${first.deployment.id} (${first.deployment.sha.slice(0, 7)}) ${first.state === 'error' ? 'errored' : 'failed'}${first.rolledBack ? ' and was rolled back' : ''} there at ${first.at}${first.description ? `: "${first.description}"` : ''}`;
    message = `${live}, but ${what}${incidents.length > 1 ? ` (and ${incidents.length - 1} more)` : ''}; min-age ${min} needs no failed deployment or rollback since it went live`;
  } else if (replacedBy && liveMs < query.minAgeMs)
    message = `${live} until deployment ${replacedBy.deployment.id} (${replacedBy.deployment.sha.slice(0, 7)}) replaced it at ${replacedBy.at}; min-age is ${min}`;
  else if (liveMs < query.minAgeMs)
    message = `${live} since ${found.success.created_at}; min-age is ${min} (another ${humanDuration(query.minAgeMs - liveMs)})`;
  else message = `${live}, no incident`;
  return {
    liveSince: found.success.created_at,
    liveMs,
    replacedBy,
    incidents,
    ok: !incidents.length && liveMs >= query.minAgeMs,
    message,
  };
}
