/** The one place deploy-vm builds a command string: quoting for the remote shell, checked by a real sh. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { hostPattern, knownHostsFile, remoteCommand, shellQuote, sshFailure } from '../../src/providers/vm/remote.js';
import { releaseId, RELEASE_ID } from '../../src/providers/vm/releases.js';

const HOSTILE = [
  '',
  ' ',
  "it's",
  '"dq"',
  '$(touch PWNED)',
  '`id`',
  'a;b&&c||d|e',
  '-rf',
  '--',
  'new\nline',
  'tab\there',
  '$HOME ${PATH} \\ \\\\',
  '*?[a-z]',
  '~root',
  '#comment',
  "'; rm -rf / #",
  'ünïcødé ✅',
];

describe('remote quoting', () => {
  test('every argument reaches the remote program exactly as given (sh prints its argv back)', () => {
    const command = remoteCommand(['printf', '%s\\0', ...HOSTILE]);
    const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', cwd: '/tmp' });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });
  test('plain words stay readable; a leading dash is quoted', () => {
    expect(shellQuote('/srv/app/releases/20261127-101500.123-abc1234')).toBe(
      '/srv/app/releases/20261127-101500.123-abc1234',
    );
    expect(shellQuote('-x')).toBe("'-x'");
  });
});

describe('known hosts', () => {
  test('a bare key is pinned to the host (and port); full lines are kept', () => {
    expect(knownHostsFile('ssh-ed25519 AAAAkey\n# c\n\nexample.com ssh-rsa BBBB\n', 'h.example', 2222)).toBe(
      '[h.example]:2222 ssh-ed25519 AAAAkey\nexample.com ssh-rsa BBBB\n',
    );
    expect(hostPattern('h', 22)).toBe('h');
  });
  test('ssh failures say what to do', () => {
    expect(sshFailure('u@h:22', 'Host key verification failed.')).toMatch(/`known-hosts` input/);
    expect(sshFailure('u@h:22', 'u@h: Permission denied (publickey).')).toMatch(/authorized_keys/);
  });
});

test('release ids sort by time and name the commit', () => {
  const a = releaseId('a1b2c3d4e5', new Date('2026-11-27T10:15:00.123Z'));
  const b = releaseId('0000000000', new Date('2026-11-27T10:15:00.124Z'));
  expect(a).toBe('20261127-101500.123-a1b2c3d');
  expect(a < b).toBe(true);
  expect(RELEASE_ID.test(a) && RELEASE_ID.test(b)).toBe(true);
  expect(releaseId(undefined, new Date(0))).toBe('19700101-000000.000-local');
});
