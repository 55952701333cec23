/**
 * What a release issue records about itself, and the facts about a release that the
 * approval logic reads from GitHub (what a tag points at, what production runs now).
 *
 * The record is a hidden HTML comment at the very END of the issue body. Only the kit
 * (the issue's author) and people with write access can edit that body, and the check also
 * requires the issue's author to be the kit's identity, so someone opening an issue with a
 * copied marker gets nothing.
 */
import {
  type DeploymentJson,
  type DeploymentStatusJson,
  type GitHubClient,
  type Repo,
  orNotFound,
  repoPath,
} from './github.js';

/** A git reference's or tag object's target (schemas "git-ref", "git-tag"). */
interface GitObject {
  object: { type: string; sha: string };
}

export type ReleaseState = 'pending' | 'approved' | 'denied' | 'deployed' | 'failed';

export interface ReleaseRecord {
  tag: string;
  sha: string;
  environment: string;
  state: ReleaseState;
  /** Who approved or denied, and when (ISO time). */
  decidedBy?: string;
  decidedAt?: string;
  deploymentId?: number;
  /** The workflow run that opened the issue (the gate's run on the tag push). */
  run?: number;
  /**
   * The migration files the issue listed for the approver (paths from the repository root),
   * when it listed them all; the production job refuses to apply any other (issue 16).
   */
  migrations?: string[];
}

const MARKER = 'deploy-kit:release';
const STATES: readonly ReleaseState[] = ['pending', 'approved', 'denied', 'deployed', 'failed'];

/** The marker line. `<` and `>` are escaped so no tag name can end the HTML comment early. */
export function formatMarker(record: ReleaseRecord): string {
  const json = JSON.stringify(record).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<!-- ${MARKER} ${json} -->`;
}

/** Reads the record from the last line of a body; undefined when there is none or it is malformed. */
export function parseMarker(body: string | null | undefined): ReleaseRecord | undefined {
  const last = (body ?? '').trimEnd().split('\n').at(-1) ?? '';
  const match = new RegExp(`^<!-- ${MARKER} (\\{.*\\}) -->$`).exec(last.trim());
  if (!match) return undefined;
  try {
    const value = JSON.parse(match[1] as string) as Partial<ReleaseRecord>;
    if (typeof value.tag !== 'string' || typeof value.sha !== 'string' || typeof value.environment !== 'string')
      return undefined;
    if (!STATES.includes(value.state as ReleaseState)) return undefined;
    if (value.run !== undefined && !Number.isSafeInteger(value.run)) return undefined;
    if (
      value.migrations !== undefined &&
      !(Array.isArray(value.migrations) && value.migrations.every((m) => typeof m === 'string'))
    )
      return undefined;
    return value as ReleaseRecord;
  } catch {
    return undefined;
  }
}

/** Replaces the record at the end of a body, keeping everything above it. */
export function withRecord(body: string, record: ReleaseRecord): string {
  const lines = body.trimEnd().split('\n');
  if (parseMarker(lines.at(-1))) lines.pop();
  return `${lines.join('\n').trimEnd()}\n\n${formatMarker(record)}\n`;
}

/** An approver: a user login, or an `org/team-slug`. */
export type Approver = { kind: 'user'; login: string } | { kind: 'team'; org: string; slug: string };

/** Parses `approvers` items (`alice`, `@alice`, `my-org/release-managers`); returns the bad item otherwise. */
export function parseApprover(item: string): Approver | string {
  const value = item.trim().replace(/^@/, '');
  const team = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9_.-]+)$/.exec(value);
  if (team) return { kind: 'team', org: team[1] as string, slug: (team[2] as string).toLowerCase() };
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(value)) return { kind: 'user', login: value };
  return item;
}

export const approverName = (a: Approver): string => (a.kind === 'user' ? `@${a.login}` : `@${a.org}/${a.slug}`);

/**
 * The commit a tag points at now, following an annotated tag object to its commit;
 * undefined when the tag does not exist.
 */
export async function resolveTag(github: GitHubClient, repo: Repo, tag: string): Promise<string | undefined> {
  const name = tag.split('/').map(encodeURIComponent).join('/');
  const ref = await orNotFound(github.request<GitObject>('GET', repoPath(repo, `/git/ref/tags/${name}`)));
  if (!ref) return undefined;
  let object = ref.object;
  // An annotated tag points at a tag object; a tag of a tag is legal, hence the loop.
  for (let depth = 0; object.type === 'tag' && depth < 5; depth++) {
    const tagObject = await github.request<GitObject>('GET', repoPath(repo, `/git/tags/${object.sha}`));
    object = tagObject.data.object;
  }
  return object.type === 'commit' ? object.sha : undefined;
}

export interface LiveRelease {
  sha: string;
  deploymentId: number;
  ref: string;
  at: string;
}

/**
 * The newest deployment to the environment whose latest status is `success`: what runs in
 * production now. Looks at the 30 newest deployments, which covers any real history of
 * failed attempts.
 */
export async function lastSuccessfulDeployment(
  github: GitHubClient,
  repo: Repo,
  environment: string,
): Promise<LiveRelease | undefined> {
  const query = new URLSearchParams({ environment, per_page: '30' });
  const { data } = await github.request<DeploymentJson[]>('GET', repoPath(repo, `/deployments?${query}`));
  // With comment approval, GitHub's own deployment for the job in the environment carries
  // the issue_comment run's commit (the default branch), not the release's: where the kit
  // recorded releases, only its records count.
  const kit = data.filter((d) => kitIssueOf(d.payload) !== undefined);
  for (const deployment of kit.length ? kit : data) {
    const statuses = await github.request<DeploymentStatusJson[]>(
      'GET',
      repoPath(repo, `/deployments/${deployment.id}/statuses?per_page=1`),
    );
    const latest = statuses.data[0];
    if (latest?.state === 'success')
      return { sha: deployment.sha, deploymentId: Number(deployment.id), ref: deployment.ref, at: latest.created_at };
  }
  return undefined;
}

export interface CommitLine {
  sha: string;
  title: string;
  author: string;
}

export interface ChangedFile {
  filename: string;
  /** added, removed, modified, renamed, copied, changed, unchanged */
  status: string;
}

/** The compare API lists at most 300 changed files (docs.github.com/rest/commits/commits#compare-two-commits). */
export const COMPARE_FILES_CAP = 300;

/** The fields of a comparison (schema "commit-comparison") the kit reads. */
export interface Comparison {
  status: string;
  total_commits: number;
  commits: Array<{
    sha: string;
    commit: { message: string; author: { name?: string } | null };
    author: { login: string } | null;
  }>;
  files?: ChangedFile[];
}

/** Commits in head that base does not have (at most the 250 the compare API returns), and the files they change. */
export async function commitsBetween(
  github: GitHubClient,
  repo: Repo,
  base: string,
  head: string,
): Promise<{ total: number; commits: CommitLine[]; files: ChangedFile[] }> {
  const { data } = await github.request<Comparison>('GET', repoPath(repo, `/compare/${base}...${head}`));
  return {
    total: data.total_commits,
    files: (data.files ?? []).map((f) => ({ filename: f.filename, status: f.status })),
    commits: data.commits.map((c) => ({
      sha: c.sha,
      title: (c.commit.message.split('\n')[0] ?? '').trim(),
      author: c.author?.login ? `@${c.author.login}` : (c.commit.author?.name ?? 'unknown'),
    })),
  };
}

/** The release issue a deployment was created for, from the payload the kit writes. */
export function kitIssueOf(payload: unknown): number | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const issue = (value as { issue?: unknown } | null | undefined)?.issue;
  return typeof issue === 'number' ? issue : undefined;
}
