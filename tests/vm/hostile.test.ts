/**
 * deploy-vm's secrets on the way out (issue 16), through dist/deploy-vm: the password in
 * `health-url` is never printed, and the SSH private key's temp folder is removed when the
 * job is cancelled (SIGTERM / SIGINT) in the middle of a deploy, not only at a normal end.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../src/lib/net.js';
import { ROOT, runAction } from '../harness/runner.js';
import { startSshd, type Sshd } from '../support/sshd.js';

jest.setTimeout(120_000);
const PASSWORD = 'hunter2-health-9d1e';

function workspaceWithApp(): string {
  const workspace = mkdtempSync(path.join(tmpdir(), 'dk-vm-hostile-'));
  cpSync(path.join(ROOT, 'examples/app'), path.join(workspace, 'app'), { recursive: true });
  return workspace;
}

describe('deploy-vm keeps its secrets', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  test('the health-url password is in no log line, summary, output or error', async () => {
    const workspace = workspaceWithApp();
    const port = await freePort(); // nothing listens: the health check fails, with its URL in the messages
    const run = await runAction('deploy-vm', {
      cwd: workspace,
      inputs: {
        host: 'local',
        'app-dir': path.join(workspace, 'host-app'),
        source: 'app',
        'start-command': 'true',
        'health-url': `http://deploy:${PASSWORD}@127.0.0.1:${port}/health`,
        'health-timeout': '1s',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`http://127.0.0.1:${port}/health`);
    for (const [place, text] of Object.entries({
      log: run.log,
      summary: run.summary,
      outputs: JSON.stringify(run.outputs),
      annotations: JSON.stringify(run.annotations),
    }))
      expect(`${place}: ${text}`).not.toContain(PASSWORD);
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('the SSH key folder is removed on %s mid-deploy', async (signal) => {
    const workspace = workspaceWithApp();
    const temp = path.join(workspace, 'tmp');
    mkdirSync(temp);
    const keyFolders = () => readdirSync(temp).filter((name) => name.startsWith('dk-ssh-'));
    let child: ChildProcess | undefined;
    let sent = false;
    const run = await runAction('deploy-vm', {
      cwd: workspace,
      env: { TMPDIR: temp },
      inputs: {
        host: sshd.host,
        port: String(sshd.port),
        user: sshd.user,
        'ssh-key': sshd.privateKey,
        'known-hosts': sshd.knownHosts,
        'app-dir': path.join(mkdtempSync(path.join(tmpdir(), 'dk-vm-host-')), 'app'),
        source: 'app',
        'start-command': 'echo starting-slowly; sleep 30',
      },
      onSpawn: (c) => (child = c),
      onOutput: (chunk) => {
        if (!sent && chunk.includes('starting-slowly')) {
          sent = true;
          expect(keyFolders()).toHaveLength(1); // the key is on disk while ssh runs
          child?.kill(signal);
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.exitCode).not.toBe(0);
    expect(keyFolders()).toEqual([]);
    expect(existsSync(temp)).toBe(true);
  });
});
