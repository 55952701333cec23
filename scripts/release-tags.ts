/**
 * Moves the major tag (v1) to a new release (v1.2.3), as release.yml does after the
 * release is published. `v1` is a plain, movable tag; `vX.Y.Z` never moves.
 *
 * - v1 only moves to the HIGHEST v1.*.* release: a patch to an older line (v1.2.4 after
 *   v1.3.0) is released but leaves v1 where it is.
 * - The move is one compare-and-swap ref update (`git push --force-with-lease=<ref>:<old>`):
 *   if another release moved v1 in between, the push is refused instead of overwriting it.
 *
 * Usage: tsx scripts/release-tags.ts v1.2.3   (in a clone whose `origin` may be pushed to)
 */
import { execFileSync } from 'node:child_process';

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(tag: string): Version | undefined {
  const match = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(tag);
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) } : undefined;
}

const compare = (a: Version, b: Version) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

export interface MajorTagDecision {
  majorTag: string;
  move: boolean;
  reason: string;
}

/** Whether `tag` should become what `v<major>` points at, given every tag in the repository. */
export function decideMajorTag(tag: string, tags: string[]): MajorTagDecision {
  const version = parseVersion(tag);
  if (!version) throw new Error(`"${tag}" is not a release tag: expected vMAJOR.MINOR.PATCH, e.g. v1.2.3`);
  const majorTag = `v${version.major}`;
  const newer = tags
    .map((t) => [t, parseVersion(t)] as const)
    .filter(([, v]) => v && v.major === version.major && compare(v, version) > 0)
    .map(([t]) => t);
  if (newer.length)
    return { majorTag, move: false, reason: `${majorTag} stays: ${newer.sort().join(', ')} is newer than ${tag}` };
  return { majorTag, move: true, reason: `${majorTag} now points at ${tag}` };
}

export type Git = (args: string[]) => string;

export const gitIn =
  (cwd: string): Git =>
  (args) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Moves the major tag on `remote`; returns what it decided. Throws if the remote moved it meanwhile. */
export function moveMajorTag(tag: string, git: Git, remote = 'origin'): MajorTagDecision {
  git(['fetch', '--quiet', '--force', '--tags', remote]);
  const decision = decideMajorTag(tag, git(['tag', '--list', 'v*']).split('\n').filter(Boolean));
  if (!decision.move) return decision;
  const commit = git(['rev-list', '-n', '1', `refs/tags/${tag}`]);
  const ref = `refs/tags/${decision.majorTag}`;
  // What the REMOTE has now (empty when the tag does not exist yet): the lease.
  const current = git(['ls-remote', remote, ref]).split(/\s+/)[0] ?? '';
  if (current === commit) return { ...decision, reason: `${decision.majorTag} already points at ${tag}` };
  git(['push', '--atomic', `--force-with-lease=${ref}:${current}`, remote, `${commit}:${ref}`]);
  return decision;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tag = process.argv[2] ?? '';
  try {
    console.log(moveMajorTag(tag, gitIn(process.cwd())).reason);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    console.error(`::error title=release::${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
    process.exit(1);
  }
}
