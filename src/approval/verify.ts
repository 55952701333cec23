/**
 * What `/approve` deploys must be what the approver saw and what the gate passed (issue 16).
 * The record at the end of the release issue is text anyone with write access can edit, so
 * before it is trusted the check confirms it against state a writer cannot forge:
 *   - the issue was last edited by the kit (GraphQL Issue.editor: GitHub records who made
 *     the last edit), and its title is the one the kit wrote;
 *   - the record names the run that opened it, and that run (GET …/actions/runs/{id}) is
 *     of THIS workflow file (the one the comment runs: GITHUB_WORKFLOW_REF), was a push of
 *     the record's tag at the record's commit, and succeeded — so the gate passed on
 *     exactly that commit, and an issue the same bot opened from another workflow is not
 *     a release issue;
 *   - whoever pushed the tag (the run's actor) does not approve their own release, unless
 *     the caller allows it (like an environment's "prevent self-review").
 */
import { type GitHubClient, type Repo, httpStatus, repoPath } from './github.js';
import type { Comparison } from './release.js';
import type { ReleaseRecord } from './release.js';

export interface VerifyOptions {
  /** The login that opens release issues. */
  issueAuthor: string;
  /** `.github/workflows/<file>.yml` of the running workflow (from GITHUB_WORKFLOW_REF). */
  workflowPath: string;
  allowSelfApproval: boolean;
}

export const releaseTitle = (record: Pick<ReleaseRecord, 'tag' | 'environment'>) =>
  `Release ${record.tag} to ${record.environment}`;

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` → `.github/workflows/release.yml`. */
export function workflowPathOf(workflowRef: string | undefined): string | undefined {
  const match = /^[^/]+\/[^/]+\/(.+?)@/.exec(workflowRef ?? '');
  return match?.[1];
}

const EDITOR_QUERY = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { issue(number: $number) { lastEditedAt editor { login } } }
}`;

/** undefined when the record can be trusted, else why not (a sentence for the issue). */
export async function verifyRecord(
  github: GitHubClient,
  repo: Repo,
  issue: { number: number; title: string },
  record: ReleaseRecord,
  login: string,
  options: VerifyOptions,
): Promise<string | undefined> {
  const rerun = `Re-run the release workflow for ${record.tag} to rewrite the issue, then approve again.`;
  if (issue.title !== releaseTitle(record))
    return `the issue's title was changed from "${releaseTitle(record)}": what it shows may not be what would deploy. ${rerun}`;
  const edited = await github.graphql<{
    repository: { issue: { lastEditedAt: string | null; editor: { login: string } | null } | null };
  }>(EDITOR_QUERY, { owner: repo.owner, repo: repo.repo, number: issue.number });
  const editor = edited.repository.issue?.editor?.login;
  if (edited.repository.issue?.lastEditedAt && editor?.toLowerCase() !== options.issueAuthor.toLowerCase())
    return `the issue was edited by ${editor ? `@${editor}` : 'someone else'} after deploy-kit wrote it, so it no longer proves what would deploy. ${rerun}`;

  if (!record.run) return `the issue names no release run (it was opened by an older deploy-kit). ${rerun}`;
  let run: {
    path: string;
    event: string;
    head_branch: string | null;
    head_sha: string;
    status: string | null;
    conclusion: string | null;
    actor?: { login: string } | null;
  };
  try {
    run = (await github.request<typeof run>('GET', repoPath(repo, `/actions/runs/${record.run}`))).data;
  } catch (error) {
    if (httpStatus(error) === 404) return `the release run ${record.run} the issue names does not exist.`;
    if (httpStatus(error) === 403)
      return `the token cannot read the release run ${record.run}, so the check cannot confirm the gate passed: give the approval job \`actions: read\` permission.`;
    throw error;
  }
  if (run.path.replace(/@.*$/, '') !== options.workflowPath)
    return `the issue was opened by another workflow (${run.path}), not by this one (${options.workflowPath}).`;
  if (run.event !== 'push' || run.head_branch !== record.tag || run.head_sha !== record.sha)
    return `the release run ${record.run} was not the push of ${record.tag} at ${record.sha.slice(0, 7)}.`;
  if (run.status !== 'completed')
    return `the release run ${record.run} of ${record.tag} has not finished yet: comment /approve again when it has.`;
  if (run.conclusion !== 'success')
    return `the release run ${record.run} of ${record.tag} did not pass (${run.conclusion}): the gate must pass before a release is approved.`;
  const pusher = run.actor?.login;
  if (!options.allowSelfApproval && pusher && pusher.toLowerCase() === login.toLowerCase())
    return `@${login} pushed ${record.tag} and cannot approve their own release: another approver must (allow-self-approval: true allows it).`;
  return undefined;
}

/**
 * Why an approval would move the environment BACK (an old release issue approved after a
 * newer release went live), or undefined. Going back on purpose is a rollback, not this.
 */
export async function olderThanLive(
  github: GitHubClient,
  repo: Repo,
  record: ReleaseRecord,
  live: { sha: string } | undefined,
): Promise<string | undefined> {
  if (!live || live.sha === record.sha) return undefined;
  const { data } = await github.request<Comparison>('GET', repoPath(repo, `/compare/${live.sha}...${record.sha}`));
  if (data.status !== 'behind') return undefined;
  return `${record.environment} already runs ${live.sha.slice(0, 7)}, which is newer than ${record.tag} (${record.sha.slice(0, 7)}): approving this old release would roll ${record.environment} back. To go back on purpose, use a rollback.`;
}
