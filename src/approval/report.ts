/**
 * `mode: report` — at the end of the production job: post the outcome on the release
 * issue, close it, and record the same on the GitHub Deployment the approval created.
 */
import { formatDuration } from '../lib/duration.js';
import { KitError } from '../lib/errors.js';
import { type GitHubClient, type IssueJson, type Repo, repoPath } from './github.js';
import { type ReleaseRecord, parseMarker, withRecord } from './release.js';

export interface ReportOptions {
  issueNumber: number;
  /** The production job's status: success, failure or cancelled. */
  outcome: 'success' | 'failure' | 'cancelled';
  environmentUrl?: string;
  rolledBack: boolean;
  /** Why it failed / what was rolled back to, in the user's words. */
  details?: string;
  runUrl?: string;
  now?: () => Date;
}

export interface ReportResult {
  state: ReleaseRecord['state'];
  deploymentId?: number;
  durationMs?: number;
}

export async function reportOutcome(
  github: GitHubClient,
  repo: Repo,
  options: ReportOptions,
  log: (line: string) => void = () => undefined,
): Promise<ReportResult> {
  const issue = (await github.request<IssueJson>('GET', repoPath(repo, `/issues/${options.issueNumber}`))).data;
  const record = parseMarker(issue.body);
  if (!record) throw new KitError(`Issue #${options.issueNumber} is not a release issue deploy-kit opened.`);
  if (record.state !== 'approved')
    throw new KitError(
      `Release issue #${options.issueNumber} is ${record.state}, not approved: there is no deployment to report on.`,
    );

  const now = (options.now ?? (() => new Date()))();
  const approvedAt = record.decidedAt ? Date.parse(record.decidedAt) : NaN;
  const durationMs = Number.isNaN(approvedAt) ? undefined : now.getTime() - approvedAt;
  const deployed = options.outcome === 'success';
  const final: ReleaseRecord = { ...record, state: deployed ? 'deployed' : 'failed' };

  if (record.deploymentId !== undefined) {
    await github.request('POST', repoPath(repo, `/deployments/${record.deploymentId}/statuses`), {
      state: deployed ? 'success' : 'failure',
      description: deployed ? `${record.tag} deployed` : `${record.tag} ${options.outcome}`.slice(0, 140),
      ...(options.environmentUrl ? { environment_url: options.environmentUrl } : {}),
      ...(options.runUrl ? { log_url: options.runUrl } : {}),
      auto_inactive: deployed,
    });
  }

  const took = durationMs === undefined ? '' : ` ${formatDuration(durationMs)} after the approval`;
  const lines = deployed
    ? [
        `Deployed ${record.tag} (${record.sha.slice(0, 7)}) to ${record.environment}${took}.`,
        options.environmentUrl ? `Live at ${options.environmentUrl}.` : '',
      ]
    : [
        `The deployment of ${record.tag} (${record.sha.slice(0, 7)}) to ${record.environment} ${options.outcome === 'cancelled' ? 'was cancelled' : 'failed'}${took}.`,
        options.rolledBack
          ? `It was rolled back: ${record.environment} runs the previous release again.`
          : 'Nothing was rolled back.',
        options.details ? `Details: ${options.details}` : '',
      ];
  if (options.runUrl) lines.push(`[The run](${options.runUrl}).`);
  await github.request('POST', repoPath(repo, `/issues/${options.issueNumber}/comments`), {
    body: lines.filter(Boolean).join(' '),
  });
  await github.request('PATCH', repoPath(repo, `/issues/${options.issueNumber}`), {
    body: withRecord(issue.body ?? '', final),
    state: 'closed',
    state_reason: deployed ? 'completed' : 'not_planned',
  });
  log(`Release issue #${options.issueNumber}: ${final.state}.`);
  return { state: final.state, deploymentId: record.deploymentId, durationMs };
}
