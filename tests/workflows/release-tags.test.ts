import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decideMajorTag, moveMajorTag, gitIn, parseVersion } from '../../scripts/release-tags.js';

describe('decideMajorTag', () => {
  it('moves vX to the newest vX release only', () => {
    expect(decideMajorTag('v1.3.0', ['v1', 'v1.2.0', 'v1.2.1', 'v2.0.0'])).toEqual({
      majorTag: 'v1',
      move: true,
      reason: 'v1 now points at v1.3.0',
    });
    expect(decideMajorTag('v1.2.2', ['v1', 'v1.2.1', 'v1.3.0'])).toMatchObject({
      move: false,
      reason: 'v1 stays: v1.3.0 is newer than v1.2.2',
    });
    expect(decideMajorTag('v1.10.0', ['v1.9.9'])).toMatchObject({ move: true }); // numeric, not text, order
    expect(decideMajorTag('v2.0.0', ['v1.9.9'])).toMatchObject({ majorTag: 'v2', move: true });
  });

  it('refuses what is not vMAJOR.MINOR.PATCH', () => {
    expect(parseVersion('v1.2')).toBeUndefined();
    expect(parseVersion('v01.2.3')).toBeUndefined();
    expect(() => decideMajorTag('v1.2.3-rc.1', [])).toThrow('expected vMAJOR.MINOR.PATCH');
  });
});

describe('moveMajorTag against a real git remote', () => {
  let dir: string;
  let clone: string;
  let other: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  const commit = (cwd: string, name: string) => {
    writeFileSync(path.join(cwd, name), name);
    git(cwd, 'add', name);
    git(cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', name);
    return git(cwd, 'rev-parse', 'HEAD');
  };
  const remoteTag = (tag: string) =>
    git(path.join(dir, 'remote.git'), 'rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'release-tags-'));
    git(dir, 'init', '-q', '--bare', 'remote.git');
    clone = path.join(dir, 'clone');
    other = path.join(dir, 'other');
    git(dir, 'clone', '-q', 'remote.git', 'clone');
    git(dir, 'clone', '-q', 'remote.git', 'other');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates v1, moves it forward, leaves it on a patch to an older line', () => {
    const first = commit(clone, 'a');
    git(clone, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'tag', '-a', '-m', 'v1.0.0', 'v1.0.0'); // annotated, like most release tags
    git(clone, 'push', '-q', 'origin', 'HEAD:refs/heads/main', 'v1.0.0');
    expect(moveMajorTag('v1.0.0', gitIn(clone)).reason).toBe('v1 now points at v1.0.0');
    expect(remoteTag('v1')).toBe(first); // the commit, not the annotated tag object

    const second = commit(clone, 'b');
    git(clone, 'tag', 'v1.1.0');
    git(clone, 'push', '-q', 'origin', 'v1.1.0');
    moveMajorTag('v1.1.0', gitIn(clone));
    expect(remoteTag('v1')).toBe(second);

    git(clone, 'checkout', '-q', first);
    commit(clone, 'patch');
    git(clone, 'tag', 'v1.0.1');
    git(clone, 'push', '-q', 'origin', 'v1.0.1');
    expect(moveMajorTag('v1.0.1', gitIn(clone))).toMatchObject({ move: false });
    expect(remoteTag('v1')).toBe(second);
    expect(moveMajorTag('v1.1.0', gitIn(clone)).reason).toBe('v1 already points at v1.1.0');
  });

  it('refuses to overwrite a v1 that another release moved after it looked (compare-and-swap)', () => {
    commit(clone, 'a');
    git(clone, 'tag', 'v1.0.0');
    git(clone, 'push', '-q', 'origin', 'HEAD:refs/heads/main', 'v1.0.0');
    moveMajorTag('v1.0.0', gitIn(clone));

    // Between this release's look at the remote and its push, another release moves v1.
    git(other, 'fetch', '-q', 'origin', '--tags');
    const theirs = commit(other, 'theirs');
    let raced = false;
    const racingGit = (args: string[]) => {
      if (args[0] === 'push' && !raced) {
        raced = true;
        git(other, 'push', '-q', '--force', 'origin', `${theirs}:refs/tags/v1`);
      }
      return gitIn(clone)(args);
    };
    commit(clone, 'b');
    git(clone, 'tag', 'v1.1.0');
    git(clone, 'push', '-q', 'origin', 'v1.1.0');
    expect(() => moveMajorTag('v1.1.0', racingGit)).toThrow();
    expect(remoteTag('v1')).toBe(theirs);
  });
});
