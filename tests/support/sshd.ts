/**
 * A real OpenSSH server for tests: Debian's /usr/sbin/sshd with its own config, host key
 * and authorized key in a temp dir, on a free 127.0.0.1 port, logging in as the user the
 * tests run as. sshd must be started by absolute path and, as root, needs its
 * privilege-separation directory /run/sshd. Non-root it can still serve its own user.
 *
 *   const sshd = await startSshd();
 *   sshd.knownHosts   // "[127.0.0.1]:<port> ssh-ed25519 AAAA…"
 *   sshd.privateKey   // the user's key (OpenSSH format)
 *   await sshd.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../src/lib/net.js';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export interface Sshd {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  knownHosts: string;
  /** A known_hosts line for this address with some other host's key: must be refused. */
  wrongKnownHosts: string;
  stop(): Promise<void>;
}

function keygen(file: string, comment: string): void {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-sshd-'));
  const user = userInfo().username;
  keygen(path.join(dir, 'host_key'), 'test-host');
  keygen(path.join(dir, 'other_host_key'), 'other-host');
  keygen(path.join(dir, 'user_key'), 'test-user');
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'user_key.pub')), { mode: 0o600 });
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  for (let tries = 1; ; tries++) {
    const port = await freePort();
    const config = path.join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path.join(dir, 'host_key')}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        `AllowUsers ${user}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        // the temp dir is not owned the way StrictModes wants; PAM would need the system's setup
        'StrictModes no',
        'UsePAM no',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const hostPub = readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const otherPub = readFileSync(path.join(dir, 'other_host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const sshd: Sshd = {
      host: '127.0.0.1',
      port,
      user,
      privateKey: readFileSync(path.join(dir, 'user_key'), 'utf8'),
      knownHosts: `[127.0.0.1]:${port} ${hostPub}\n`,
      wrongKnownHosts: `[127.0.0.1]:${port} ${otherPub}\n`,
      stop: async () => {
        await kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    const kill = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    };
    writeFileSync(path.join(dir, 'probe_known_hosts'), sshd.knownHosts);
    // Ready when a real login works.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const probe = spawnSync(
        'ssh',
        [
          '-F',
          '/dev/null',
          '-o',
          'BatchMode=yes',
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          `UserKnownHostsFile=${path.join(dir, 'probe_known_hosts')}`,
          '-o',
          'ConnectTimeout=2',
          '-i',
          path.join(dir, 'user_key'),
          '-p',
          String(port),
          `${user}@127.0.0.1`,
          'true',
        ],
        { encoding: 'utf8', input: '' },
      );
      if (probe.status === 0) return sshd;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await kill();
    if (tries >= 3) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${stderr}`);
    }
  }
}
