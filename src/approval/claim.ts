/**
 * `mode: claim` — the first step of the production job: an approval is used ONCE (issue 16).
 * "Re-run failed jobs" re-runs the production job with the first attempt's approval
 * outputs; without this, a failed deploy could be retried (or a later attempt run after a
 * /deny) without anyone approving again. The approval's Deployment is `queued` until a
 * production job claims it by moving it to `in_progress`; anything else stops the job.
 * Runs are serialised by the production job's concurrency group, so two attempts never
 * claim at the same moment.
 */
import { KitError } from '../lib/errors.js';
import { type DeploymentStatusJson, type GitHubClient, type IssueJson, type Repo, repoPath } from './github.js';
import { parseMarker } from './release.js';

export interface ClaimOptions {
  issueNumber: number;
  runUrl?: string;
  /** GITHUB_RUN_ATTEMPT, for the message. */
  attempt?: number;
}

export async function claimApproval(
  github: GitHubClient,
  repo: Repo,
  options: ClaimOptions,
  log: (line: string) => void = () => undefined,
): Promise<{ deploymentId: number; tag: string; sha: string; migrations?: string[] }> {
  const issue = (await github.request<IssueJson>('GET', repoPath(repo, `/issues/${options.issueNumber}`))).data;
  const record = parseMarker(issue.body);
  if (!record || record.state !== 'approved' || record.deploymentId === undefined)
    throw new KitError(
      `Release issue #${options.issueNumber} holds no approval to use (${record ? record.state : 'no release record'}): comment /approve for a new one.`,
    );
  const { data: statuses } = await github.request<DeploymentStatusJson[]>(
    'GET',
    repoPath(repo, `/deployments/${record.deploymentId}/statuses?per_page=1`),
  );
  const latest = statuses[0]?.state;
  if (latest !== 'queued')
    throw new KitError(
      `The approval of ${record.tag} (deployment ${record.deploymentId}) was already used or withdrawn (it is ${latest ?? 'without status'}): an approval deploys once. Re-running the job needs a new /approve on #${options.issueNumber}.`,
    );
  await github.request('POST', repoPath(repo, `/deployments/${record.deploymentId}/statuses`), {
    state: 'in_progress',
    description: `Deploying ${record.tag}${options.attempt ? ` (run attempt ${options.attempt})` : ''}`.slice(0, 140),
    ...(options.runUrl ? { log_url: options.runUrl } : {}),
  });
  log(`Claimed the approval of ${record.tag}: deployment ${record.deploymentId} is in progress.`);
  return {
    deploymentId: record.deploymentId,
    tag: record.tag,
    sha: record.sha,
    ...(record.migrations ? { migrations: record.migrations } : {}),
  };
}

/** /deny after (or at the same moment as) an /approve: the approval's queued Deployment is withdrawn. */
export async function withdrawQueued(
  github: GitHubClient,
  repo: Repo,
  deploymentIds: number[],
  by: string,
): Promise<number[]> {
  const withdrawn: number[] = [];
  for (const id of deploymentIds) {
    const { data } = await github.request<DeploymentStatusJson[]>(
      'GET',
      repoPath(repo, `/deployments/${id}/statuses?per_page=1`),
    );
    if (data[0]?.state !== 'queued') continue;
    await github.request('POST', repoPath(repo, `/deployments/${id}/statuses`), {
      state: 'error',
      description: `Withdrawn: denied by @${by}`.slice(0, 140),
    });
    withdrawn.push(id);
  }
  return withdrawn;
}
