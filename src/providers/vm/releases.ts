/**
 * Kamal-style releases on a host: every deploy lands in <app-dir>/releases/<id>, is
 * started and health-checked there, and only then does <app-dir>/current (a symlink)
 * switch to it, atomically (a new symlink renamed over the old one). Each release keeps
 * its state in releases/<id>/.deploy-kit-status (started, healthy, failed) and the
 * start command's output in .deploy-kit-start.log.
 *
 * Every step is an argv array run on a Target (the runner itself, or a host over SSH);
 * user-given paths are only ever arguments, never part of a script's text.
 */
import { createReadStream } from 'node:fs';
import { KitError } from '../../lib/errors.js';
import { tail, type RunResult } from '../../lib/exec.js';
import { streamDirectory, type Target } from './remote.js';

export const STATUS_FILE = '.deploy-kit-status';
export const START_LOG = '.deploy-kit-start.log';
export type ReleaseStatus = 'started' | 'healthy' | 'failed' | 'unknown';

/** Release ids: UTC time (to the millisecond) then the commit, so name order is deploy order. */
export const RELEASE_ID = /^\d{8}-\d{6}\.\d{3}-[A-Za-z0-9]+(?:-\d+)?$/;

export function releaseId(sha: string | undefined, now: Date): string {
  // 2026-11-27T10:45:12.345Z → 20261127-104512.345
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 19);
  const commit = (sha ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 7) || 'local';
  return `${stamp}-${commit}`;
}

export interface Release {
  id: string;
  status: ReleaseStatus;
}

export interface HostLayout {
  target: Target;
  appDir: string;
  timeoutMs: number;
}

const releaseDir = (layout: HostLayout, id: string) => `${layout.appDir}/releases/${id}`;

async function must(layout: HostLayout, argv: string[], what: string, options = {}): Promise<RunResult> {
  const result = await layout.target.run(argv, { timeoutMs: layout.timeoutMs, ...options });
  if (result.exitCode !== 0)
    throw new KitError(
      `Could not ${what} on ${layout.target.where}: ${tail(result.stderr || result.stdout, 5) || `exit ${result.exitCode}`}`,
    );
  return result;
}

/** The release `current` points at; undefined before the first deploy. */
export async function liveRelease(layout: HostLayout): Promise<string | undefined> {
  const result = await layout.target.run(['readlink', '--', `${layout.appDir}/current`], {
    timeoutMs: layout.timeoutMs,
  });
  if (result.exitCode !== 0) return undefined;
  const id = result.stdout.trim().split('/').pop() ?? '';
  return RELEASE_ID.test(id) ? id : undefined;
}

/**
 * Every release folder with its status, oldest first. The script is fixed text; the
 * app folder is its argument ($1).
 */
export async function listReleases(layout: HostLayout): Promise<Release[]> {
  const script =
    'for d in "$1"/releases/*/; do [ -d "$d" ] || continue; ' +
    `s=$(cat "$d${STATUS_FILE}" 2>/dev/null || echo unknown); ` +
    'printf "%s %s\\n" "$(basename "$d")" "$s"; done';
  const result = await must(layout, ['sh', '-c', script, 'sh', layout.appDir], 'list the releases');
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter(([id]) => id && RELEASE_ID.test(id))
    .map(([id, status]) => ({
      id: id as string,
      status: (['started', 'healthy', 'failed'].includes(status ?? '') ? status : 'unknown') as ReleaseStatus,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function releaseStatus(layout: HostLayout, id: string): Promise<ReleaseStatus | undefined> {
  if (!RELEASE_ID.test(id)) return undefined;
  const dir = await layout.target.run(['test', '-d', releaseDir(layout, id)], { timeoutMs: layout.timeoutMs });
  if (dir.exitCode !== 0) return undefined;
  const result = await layout.target.run(['cat', '--', `${releaseDir(layout, id)}/${STATUS_FILE}`], {
    timeoutMs: layout.timeoutMs,
  });
  const status = result.stdout.trim();
  return (['started', 'healthy', 'failed'].includes(status) ? status : 'unknown') as ReleaseStatus;
}

export async function setStatus(layout: HostLayout, id: string, status: ReleaseStatus): Promise<void> {
  await must(
    layout,
    ['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', status, `${releaseDir(layout, id)}/${STATUS_FILE}`],
    'record the release status',
  );
}

/** Creates releases/<id> (a new name if a deploy in the same second took it) and ships the source into it. */
export async function createRelease(layout: HostLayout, baseId: string, source: Source): Promise<string> {
  await must(layout, ['mkdir', '-p', '--', `${layout.appDir}/releases`], 'create the releases folder');
  let id = baseId;
  for (let n = 2; ; n++) {
    const made = await layout.target.run(['mkdir', '--', releaseDir(layout, id)], { timeoutMs: layout.timeoutMs });
    if (made.exitCode === 0) break;
    if (n > 20) throw new KitError(`Could not create ${releaseDir(layout, id)}: ${tail(made.stderr, 3)}`);
    id = `${baseId}-${n}`;
  }
  const extract = [
    'tar',
    '-C',
    releaseDir(layout, id),
    '--no-same-owner',
    source.kind === 'tar.gz' ? '-xzf' : '-xf',
    '-',
  ];
  const result =
    source.kind === 'directory'
      ? await streamDirectory(layout.target, source.path, extract, layout.timeoutMs)
      : await layout.target.run(extract, { stdin: createReadStream(source.path), timeoutMs: layout.timeoutMs });
  if (result.exitCode !== 0)
    throw new KitError(
      `Could not unpack the source into ${releaseDir(layout, id)} on ${layout.target.where}: ${tail(result.stderr, 5)}`,
    );
  return id;
}

export type Source = { kind: 'directory' | 'tar' | 'tar.gz'; path: string };

/**
 * Runs the start command in the release's folder, with DEPLOY_KIT_RELEASE,
 * DEPLOY_KIT_RELEASE_DIR and DEPLOY_KIT_APP_DIR set; its output is kept in the release.
 * The command is the workflow author's own command line (like a `run:` step), so it is
 * run by sh; everything else is passed to it as data.
 */
export async function startRelease(
  layout: HostLayout,
  id: string,
  startCommand: string,
  log: (line: string) => void,
): Promise<RunResult> {
  const dir = releaseDir(layout, id);
  const result = await layout.target.run(
    [
      'env',
      `DEPLOY_KIT_RELEASE=${id}`,
      `DEPLOY_KIT_RELEASE_DIR=${dir}`,
      `DEPLOY_KIT_APP_DIR=${layout.appDir}`,
      'sh',
      '-c',
      'cd -- "$DEPLOY_KIT_RELEASE_DIR" && eval "$1"',
      'sh',
      startCommand,
    ],
    { timeoutMs: layout.timeoutMs, onStdout: (c) => logLines(c, log), onStderr: (c) => logLines(c, log) },
  );
  const output = `${result.stdout}${result.stderr}`;
  await layout.target
    .run(['sh', '-c', 'cat > "$1"', 'sh', `${dir}/${START_LOG}`], { input: output, timeoutMs: layout.timeoutMs })
    .catch(() => undefined);
  return result;
}

function logLines(chunk: string, log: (line: string) => void) {
  for (const line of chunk.replace(/\n$/, '').split('\n')) log(`  | ${line}`);
}

/** Points `current` at the release: a fresh symlink renamed over the old one, so there is no moment without one. */
export async function switchCurrent(layout: HostLayout, id: string): Promise<void> {
  const next = `${layout.appDir}/.current-${id}`;
  await must(layout, ['ln', '-sfn', '--', `releases/${id}`, next], 'create the new current link');
  await must(layout, ['mv', '-T', '--', next, `${layout.appDir}/current`], 'switch current');
}

/**
 * Removes the oldest releases beyond `keep`, never the live one nor the newest healthy
 * one before it (the rollback target).
 */
export async function prune(layout: HostLayout, keep: number, live: string): Promise<string[]> {
  const releases = await listReleases(layout);
  const rollbackTarget = releases.filter((r) => r.id < live && r.status === 'healthy').at(-1)?.id;
  const excess = releases.slice(0, Math.max(0, releases.length - keep));
  const removed = excess.filter((r) => r.id !== live && r.id !== rollbackTarget).map((r) => r.id);
  if (removed.length)
    await must(layout, ['rm', '-rf', '--', ...removed.map((id) => releaseDir(layout, id))], 'remove old releases');
  return removed;
}

export async function startLog(layout: HostLayout, id: string): Promise<string | undefined> {
  const result = await layout.target.run(['tail', '-n', '40', '--', `${releaseDir(layout, id)}/${START_LOG}`], {
    timeoutMs: layout.timeoutMs,
  });
  return result.exitCode === 0 ? result.stdout : undefined;
}
