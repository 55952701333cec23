/**
 * `mode: check` — on an issue_comment event: decide whether a comment approves a release.
 * Nothing in the event is trusted beyond "this comment was created": the issue, the
 * commenter's permission, team membership and the tag are all read from the API.
 * Every refusal of a command is answered on the issue, so nobody waits for a deploy
 * that will not come.
 */
import {
  type DeploymentJson,
  type GitHubClient,
  type IssueJson,
  type Repo,
  httpStatus,
  orNotFound,
  repoPath,
} from './github.js';
import {
  type Approver,
  type ReleaseRecord,
  approverName,
  kitIssueOf,
  lastSuccessfulDeployment,
  parseMarker,
  resolveTag,
  withRecord,
} from './release.js';
import { type VerifyOptions, olderThanLive, verifyRecord } from './verify.js';
import { withdrawQueued } from './claim.js';

/** The parts of the issue_comment webhook payload the check reads. */
export interface CommentEvent {
  action?: string;
  comment?: { id?: number; body?: string; html_url?: string; user?: { login?: string; type?: string } };
  issue?: { number?: number; pull_request?: unknown };
}

export interface CheckOptions {
  approvers: Approver[];
  /** The login that opens release issues (github-actions[bot] with GITHUB_TOKEN). */
  issueAuthor: string;
  environment: string;
  runUrl?: string;
  /** How the record is confirmed before an approval counts (verify.ts). */
  verify: Omit<VerifyOptions, 'issueAuthor'>;
}

export type Decision =
  /** Not a command, or the kit's own comment: nothing to say. */
  | { decision: 'ignored'; reason: string }
  /** A command that does not count; the reason was posted on the issue. */
  | { decision: 'refused'; reason: string; issueNumber?: number; record?: ReleaseRecord }
  | { decision: 'denied'; reason: string; issueNumber: number; record: ReleaseRecord; by: string }
  | {
      decision: 'approved';
      reason: string;
      issueNumber: number;
      record: ReleaseRecord;
      by: string;
      deploymentId: number;
    };

export type Command = { kind: 'approve' } | { kind: 'deny'; reason: string };

/** `/approve` or `/deny reason` as the first word of the comment; anything else is not a command. */
export function parseCommand(body: string | undefined): Command | undefined {
  const text = (body ?? '').trim();
  const match = /^\/(approve|deny)(?=\s|$)([\s\S]*)$/i.exec(text);
  if (!match) return undefined;
  if ((match[1] as string).toLowerCase() === 'approve') return { kind: 'approve' };
  return { kind: 'deny', reason: (match[2] as string).trim() };
}

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

export async function checkComment(
  github: GitHubClient,
  repo: Repo,
  event: CommentEvent,
  options: CheckOptions,
  log: (line: string) => void = () => undefined,
): Promise<Decision> {
  const command = parseCommand(event.comment?.body);
  if (!command) return { decision: 'ignored', reason: 'The comment is not /approve or /deny.' };
  const login = event.comment?.user?.login ?? '';
  if (event.comment?.user?.type === 'Bot' || login.toLowerCase() === options.issueAuthor.toLowerCase())
    return { decision: 'ignored', reason: `The comment is by a bot (${login}).` };
  const issueNumber = event.issue?.number;
  if (!issueNumber) return { decision: 'ignored', reason: 'The event has no issue.' };

  const refuse = async (reason: string, record?: ReleaseRecord): Promise<Decision> => {
    log(`Refused: ${reason}`);
    await github.request('POST', repoPath(repo, `/issues/${issueNumber}/comments`), {
      body: `@${login} nothing happened: ${reason}`,
    });
    return { decision: 'refused', reason, issueNumber, record };
  };

  if (event.action !== 'created')
    return refuse(`edited comments are not read (this one was ${event.action}). Post a new comment instead.`);
  if (event.issue?.pull_request) return refuse('this is a pull request, not a release issue deploy-kit opened.');

  const issue = (await github.request<IssueJson>('GET', repoPath(repo, `/issues/${issueNumber}`))).data;
  const record = parseMarker(issue.body);
  if (!record || issue.user?.login?.toLowerCase() !== options.issueAuthor.toLowerCase())
    return refuse('this is not a release issue deploy-kit opened.');
  if (record.environment !== options.environment)
    return refuse(`this release issue is for ${record.environment}, and this check is for ${options.environment}.`);
  if (record.state !== 'pending')
    return refuse(
      `release ${record.tag} was already ${record.state}${record.decidedBy ? ` by @${record.decidedBy}` : ''}.`,
      record,
    );
  if (issue.state !== 'open') return refuse(`this release issue is closed.`, record);

  const allowed = await isApprover(github, login, options.approvers);
  if (allowed !== true) return refuse(allowed, record);
  const permission = await orNotFound(
    github.request<{ permission: string; role_name?: string }>(
      'GET',
      repoPath(repo, `/collaborators/${encodeURIComponent(login)}/permission`),
    ),
  );
  const role = permission?.role_name ?? 'none';
  if (!permission || !(WRITE_ROLES.has(permission.permission) || WRITE_ROLES.has(role)))
    return refuse(
      `@${login} is in approvers but has ${permission?.permission ?? 'no'} permission on ${repo.owner}/${repo.repo}; approving needs write or higher.`,
      record,
    );

  const now = new Date().toISOString();
  if (command.kind === 'deny') {
    const denied: ReleaseRecord = { ...record, state: 'denied', decidedBy: login, decidedAt: now };
    const reason = command.reason || 'no reason given';
    await github.request('PATCH', repoPath(repo, `/issues/${issueNumber}`), {
      body: withRecord(issue.body ?? '', denied),
    });
    // An /approve checked at the same moment may have created its Deployment already: withdrawn,
    // the production job's claim step refuses it.
    const withdrawn = await withdrawQueued(
      github,
      repo,
      await kitDeployments(github, repo, record, issueNumber),
      login,
    );
    await github.request('POST', repoPath(repo, `/issues/${issueNumber}/comments`), {
      body: `Denied by @${login}: ${reason}. ${record.tag} will not be deployed to ${record.environment}${withdrawn.length ? ` (the approval in deployment ${withdrawn.join(', ')} was withdrawn)` : ''}; push a new tag for a new release.`,
    });
    await github.request('PATCH', repoPath(repo, `/issues/${issueNumber}`), {
      state: 'closed',
      state_reason: 'not_planned',
    });
    return { decision: 'denied', reason, issueNumber, record: denied, by: login };
  }

  const untrusted = await verifyRecord(github, repo, { number: issueNumber, title: issue.title }, record, login, {
    ...options.verify,
    issueAuthor: options.issueAuthor,
  });
  if (untrusted) return refuse(untrusted, record);
  const backwards = await olderThanLive(
    github,
    repo,
    record,
    await lastSuccessfulDeployment(github, repo, record.environment),
  );
  if (backwards) return refuse(backwards, record);
  const current = await resolveTag(github, repo, record.tag);
  if (current === undefined) return refuse(`the tag ${record.tag} no longer exists.`, record);
  if (current !== record.sha)
    return refuse(
      `the tag ${record.tag} now points at ${current.slice(0, 7)}, not at ${record.sha.slice(0, 7)} which this issue describes. Re-run the release workflow for the tag to refresh the issue, then approve again.`,
      record,
    );
  const earlier = await kitDeployments(github, repo, record, issueNumber);
  if (earlier.length)
    return refuse(`release ${record.tag} already has deployment ${earlier[0]} from an earlier approval.`, record);

  // The deployment and the record are written BEFORE the production job starts, so a
  // second /approve (serialised by the workflow's concurrency group) finds them.
  const deployment = await github.request<{ id?: number; message?: string }>('POST', repoPath(repo, '/deployments'), {
    ref: record.sha,
    environment: record.environment,
    auto_merge: false,
    required_contexts: [],
    description: `${record.tag} approved by @${login}`,
    payload: { tag: record.tag, issue: issueNumber, approvedBy: login },
  });
  if (!('id' in deployment.data))
    throw new Error(`GitHub did not create a deployment: ${JSON.stringify(deployment.data)}`);
  const deploymentId = Number(deployment.data.id);
  // Two approvals checked at the same moment both got here: the older deployment wins,
  // the other run stands down, so the release deploys once.
  const first = (await kitDeployments(github, repo, record, issueNumber))[0];
  if (first !== undefined && first < deploymentId) {
    await github.request('POST', repoPath(repo, `/deployments/${deploymentId}/statuses`), {
      state: 'error',
      description: `Duplicate approval: deployment ${first} deploys ${record.tag}`,
    });
    return refuse(
      `release ${record.tag} was approved at the same moment by another comment (deployment ${first}).`,
      record,
    );
  }
  await github.request('POST', repoPath(repo, `/deployments/${deploymentId}/statuses`), {
    state: 'queued',
    description: `Approved by @${login}`,
    ...(options.runUrl ? { log_url: options.runUrl } : {}),
  });
  const approved: ReleaseRecord = { ...record, state: 'approved', decidedBy: login, decidedAt: now, deploymentId };
  // A /deny checked at the same moment wins: it was written after this run read the issue.
  const meanwhile = parseMarker(
    (await github.request<IssueJson>('GET', repoPath(repo, `/issues/${issueNumber}`))).data.body,
  );
  if (meanwhile?.state === 'denied') {
    await withdrawQueued(github, repo, [deploymentId], meanwhile.decidedBy ?? 'someone');
    return refuse(`release ${record.tag} was denied by @${meanwhile.decidedBy} at the same moment.`, meanwhile);
  }
  await github.request('PATCH', repoPath(repo, `/issues/${issueNumber}`), {
    body: withRecord(issue.body ?? '', approved),
  });
  await github.request('POST', repoPath(repo, `/issues/${issueNumber}/comments`), {
    body: `Approved by @${login}: deploying ${record.tag} (${record.sha.slice(0, 7)}) to ${record.environment}${options.runUrl ? ` in [this run](${options.runUrl})` : ''}. The outcome will be posted here.`,
  });
  return {
    decision: 'approved',
    reason: `approved by @${login}`,
    issueNumber,
    record: approved,
    by: login,
    deploymentId,
  };
}

/**
 * An approver named in a reply without notifying them: any commenter can make the kit
 * reply, so a reply that @-mentioned every approver would let anyone page them at will.
 */
const quietName = (a: Approver): string => approverName(a).replace(/^@/, '@\u200b');

/** true, or why not. Users match by login (case-insensitive); teams through the API. */
async function isApprover(github: GitHubClient, login: string, approvers: Approver[]): Promise<true | string> {
  if (approvers.some((a) => a.kind === 'user' && a.login.toLowerCase() === login.toLowerCase())) return true;
  const unreadable: string[] = [];
  for (const approver of approvers) {
    if (approver.kind !== 'team') continue;
    try {
      const membership = await github.request<{ state: string }>(
        'GET',
        `/orgs/${encodeURIComponent(approver.org)}/teams/${encodeURIComponent(approver.slug)}/memberships/${encodeURIComponent(login)}`,
      );
      if (membership.data.state === 'active') return true;
    } catch (error) {
      const status = httpStatus(error);
      if (status === 404) continue; // not a member (or the team is invisible to the token)
      if (status === 401 || status === 403) unreadable.push(quietName(approver));
      else throw error;
    }
  }
  if (unreadable.length)
    return `@${login} is not listed in approvers, and the token cannot read the membership of ${unreadable.join(', ')} (team approvers need a token with the organization's members: read permission).`;
  return `@${login} is not in approvers (${approvers.map(quietName).join(', ')}).`;
}

/** Ids of the deployments the kit created for this issue, oldest first. */
async function kitDeployments(
  github: GitHubClient,
  repo: Repo,
  record: ReleaseRecord,
  issueNumber: number,
): Promise<number[]> {
  const query = new URLSearchParams({ sha: record.sha, environment: record.environment, per_page: '100' });
  const { data } = await github.request<DeploymentJson[]>('GET', repoPath(repo, `/deployments?${query}`));
  return data
    .filter((d) => kitIssueOf(d.payload) === issueNumber)
    .map((d) => Number(d.id))
    .sort((a, b) => a - b);
}
