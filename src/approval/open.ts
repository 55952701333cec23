/**
 * `mode: open` — after the gate passed on a version tag: open (or update) the one release
 * issue for that tag, saying what will be deployed, who may approve and how. Then the
 * workflow ends; no runner waits for the approval.
 */
import { type GitHubClient, type IssueJson, type Repo, orNotFound, repoPath } from './github.js';
import {
  type Approver,
  type ChangedFile,
  type CommitLine,
  COMPARE_FILES_CAP,
  type LiveRelease,
  type ReleaseRecord,
  approverName,
  commitsBetween,
  lastSuccessfulDeployment,
  parseMarker,
  withRecord,
} from './release.js';
import { releaseTitle } from './verify.js';

export interface OpenOptions {
  tag: string;
  sha: string;
  environment: string;
  approvers: Approver[];
  /** Markdown of the pending migrations (migrate's dry-run `plan` output); '' when unknown. */
  plan: string;
  /** How long the commit has been live on staging (require-deployment's soak message), for the approver. */
  soak?: string;
  /**
   * Without a plan: the migrations folder, whose files changed between what runs in the
   * environment and this commit are listed instead — read from the repository, so the job
   * that opens the issue (before any approval) never needs the database's secret.
   */
  migrationsDirectory?: string;
  label: string;
  /** The login that opens release issues: issues by anyone else with the label are not ours. */
  issueAuthor?: string;
  /** Link to the run that opened the issue. */
  runUrl?: string;
  /** That run's id (GITHUB_RUN_ID): the check confirms the gate passed in it. */
  runId?: number;
  serverUrl: string;
}

export interface OpenResult {
  issueNumber: number;
  issueUrl: string;
  /** created: a new issue; updated: the pending issue for this tag was refreshed; decided: left alone. */
  action: 'created' | 'updated' | 'decided';
  state: ReleaseRecord['state'];
  commitCount?: number;
}

const LIST_CAP = 50;

export async function openReleaseIssue(
  github: GitHubClient,
  repo: Repo,
  options: OpenOptions,
  log: (line: string) => void = () => undefined,
): Promise<OpenResult> {
  await ensureLabel(github, repo, options.label);
  const existing = await findReleaseIssue(
    github,
    repo,
    options.label,
    options.tag,
    options.environment,
    options.issueAuthor,
  );
  if (existing && existing.record.state !== 'pending') {
    log(`Release issue #${existing.number} for ${options.tag} was already ${existing.record.state}; leaving it.`);
    return {
      issueNumber: existing.number,
      issueUrl: existing.url,
      action: 'decided',
      state: existing.record.state,
    };
  }

  const live = await lastSuccessfulDeployment(github, repo, options.environment);
  const changes =
    live && live.sha !== options.sha ? await commitsBetween(github, repo, live.sha, options.sha) : undefined;
  const record: ReleaseRecord = {
    tag: options.tag,
    sha: options.sha,
    environment: options.environment,
    state: 'pending',
    ...(options.runId ? { run: options.runId } : {}),
  };
  const shown = shownMigrations(options, live, changes);
  if (shown) record.migrations = shown;
  const body = withRecord(renderBody(repo, options, live, changes), record);
  const title = releaseTitle(options);

  if (existing) {
    await github.request('PATCH', repoPath(repo, `/issues/${existing.number}`), { title, body });
    if (existing.record.sha !== options.sha) {
      await github.request('POST', repoPath(repo, `/issues/${existing.number}/comments`), {
        body: `The tag \`${options.tag}\` now points at ${options.sha.slice(0, 7)} (it was ${existing.record.sha.slice(0, 7)}). The issue above describes the new commit; an \`/approve\` now deploys that one.`,
      });
    }
    log(`Updated release issue #${existing.number}: ${existing.url}`);
    return {
      issueNumber: existing.number,
      issueUrl: existing.url,
      action: 'updated',
      state: 'pending',
      commitCount: changes?.total,
    };
  }
  const created = await github.request<IssueJson>('POST', repoPath(repo, '/issues'), {
    title,
    body,
    labels: [options.label],
  });
  log(`Opened release issue #${created.data.number}: ${created.data.html_url}`);
  return {
    issueNumber: created.data.number,
    issueUrl: created.data.html_url,
    action: 'created',
    state: 'pending',
    commitCount: changes?.total,
  };
}

/** The label exists before an issue uses it, so the issue list can be filtered by it. */
async function ensureLabel(github: GitHubClient, repo: Repo, name: string): Promise<void> {
  const label = await orNotFound(github.request('GET', repoPath(repo, `/labels/${encodeURIComponent(name)}`)));
  if (label) return;
  await github.request('POST', repoPath(repo, '/labels'), {
    name,
    color: '0e8a16',
    description: 'A release waiting for /approve (deploy-kit)',
  });
}

export interface FoundIssue {
  number: number;
  url: string;
  record: ReleaseRecord;
}

/** The release issue for a tag and environment, open or closed, among issues with the label. */
export async function findReleaseIssue(
  github: GitHubClient,
  repo: Repo,
  label: string,
  tag: string,
  environment: string,
  /** Only issues this login opened: anyone can open an issue, label it and copy the marker into it. */
  author?: string,
): Promise<FoundIssue | undefined> {
  const query = new URLSearchParams({ labels: label, state: 'all', per_page: '100' });
  for await (const page of github.pages<IssueJson>(repoPath(repo, `/issues?${query}`), 10)) {
    for (const issue of page) {
      if (issue.pull_request) continue;
      if (author && issue.user?.login.toLowerCase() !== author.toLowerCase()) continue;
      const record = parseMarker(issue.body);
      if (record && record.tag === tag && record.environment === environment)
        return { number: issue.number, url: issue.html_url, record };
    }
  }
  return undefined;
}

/** The folder as the compare names paths (no leading ./, no trailing /), and its changed files. */
function changedMigrations(directory: string, files: ChangedFile[]): { dir: string; files: ChangedFile[] } {
  const dir = directory.replace(/^\.\/+/, '').replace(/\/+$/, '');
  return { dir, files: files.filter((f) => f.filename.startsWith(`${dir}/`)) };
}

/**
 * The migration files the issue lists for the approver, when that list is complete: a
 * folder was given, something was live to compare with, and the compare was not capped.
 * Removed files are not migrations to apply. Undefined: nothing to hold the plan to.
 */
export function shownMigrations(
  options: Pick<OpenOptions, 'plan' | 'migrationsDirectory'>,
  live: LiveRelease | undefined,
  changes: { files: ChangedFile[] } | undefined,
): string[] | undefined {
  if (options.plan.trim() || !options.migrationsDirectory || !live || !changes) return undefined;
  if (changes.files.length >= COMPARE_FILES_CAP) return undefined;
  return changedMigrations(options.migrationsDirectory, changes.files)
    .files.filter((f) => f.status !== 'removed')
    .map((f) => f.filename);
}

/** The migration files this release adds or changes, from the compare of the live commit and this one. */
export function migrationFiles(
  directory: string,
  environment: string,
  live: LiveRelease | undefined,
  changes: { files: ChangedFile[] } | undefined,
): string {
  const { dir, files } = changedMigrations(directory, changes?.files ?? []);
  const where = `\`${inert(dir)}/\``;
  if (!live)
    return `Every migration in ${where} that the database has not applied yet: nothing was deployed to ${environment} by the kit before, so there is nothing to compare with. The production job lists and applies them after the approval.`;
  if (!changes) return `None: ${environment} already runs this commit.`;
  const capped = changes.files.length >= COMPARE_FILES_CAP;
  // Only a complete list is recorded for the production job to hold the plan to (shownMigrations).
  const note =
    `Files in ${where} changed since the commit ${environment} runs (read from the repository).` +
    (capped
      ? ''
      : " After the approval the production job compares them with the database's plan and refuses to apply any migration not listed here.");
  const cap = capped
    ? `\n\nThe comparison lists only the first ${COMPARE_FILES_CAP} changed files: there may be more.`
    : '';
  if (!files.length) return `No migration file changed in ${where}.${cap}`;
  return `${note}\n\n${files.map((f) => `- \`${inert(f.filename)}\` (${f.status})`).join('\n')}${cap}`;
}

/** Untrusted text (commit titles, file names) cannot open HTML comments or mention people. */
export function inert(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@/g, '@\u200b');
}

function renderBody(
  repo: Repo,
  options: OpenOptions,
  live: LiveRelease | undefined,
  changes: { total: number; commits: CommitLine[]; files: ChangedFile[] } | undefined,
): string {
  const base = `${options.serverUrl}/${repo.owner}/${repo.repo}`;
  const short = options.sha.slice(0, 7);
  const lines = [
    `## Release \`${inert(options.tag)}\` to ${options.environment}`,
    '',
    '| | |',
    '| --- | --- |',
    `| tag | [\`${inert(options.tag)}\`](${base}/releases/tag/${encodeURIComponent(options.tag)}) |`,
    `| commit | [\`${short}\`](${base}/commit/${options.sha}) |`,
    `| in ${options.environment} now | ${live ? `[\`${live.sha.slice(0, 7)}\`](${base}/commit/${live.sha}) (deployed ${live.at})` : 'nothing yet: this is the first release the kit deploys there'} |`,
  ];
  if (options.soak) lines.push(`| soak time | ${inert(options.soak.replace(/\s+/g, ' ')).replace(/\|/g, '\\|')} |`);
  if (options.runUrl) lines.push(`| gate | [passed](${options.runUrl}) |`);
  lines.push('');
  if (live && changes) {
    lines.push(`### Changes since the release in ${options.environment} (${changes.total} commits)`, '');
    for (const c of changes.commits.slice(-LIST_CAP).reverse())
      lines.push(`- [\`${c.sha.slice(0, 7)}\`](${base}/commit/${c.sha}) ${inert(c.title)} — ${inert(c.author)}`);
    if (changes.total > LIST_CAP)
      lines.push(
        `- … and ${changes.total - LIST_CAP} more: [compare](${base}/compare/${live.sha.slice(0, 12)}...${short})`,
      );
  } else if (live) {
    lines.push(`### Changes`, '', `None: ${options.environment} already runs this commit.`);
  }
  lines.push('', '### Pending migrations', '');
  lines.push(
    options.plan.trim()
      ? inert(options.plan.trim())
      : options.migrationsDirectory
        ? migrationFiles(options.migrationsDirectory, options.environment, live, changes)
        : 'No migration plan was given to the release check.',
  );
  lines.push(
    '',
    '### How to approve',
    '',
    `Comment \`/approve\` to deploy this commit to ${options.environment}, or \`/deny <reason>\` to refuse it.`,
    `Who may approve: ${options.approvers.map(approverName).join(', ')} — and only with write (or higher) permission on this repository.`,
    `The approval is for commit \`${short}\`: if \`${inert(options.tag)}\` is moved to another commit, this issue no longer deploys it. Edited comments are not read.`,
  );
  return lines.join('\n');
}
