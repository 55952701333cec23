/**
 * Where deploy-vm's commands run: on the runner itself (`host: local`) or on a host over
 * OpenSSH. Both take argv arrays. Over SSH the remote side is a shell, so each argument
 * is single-quoted for it (the one place that builds a command string), host keys are
 * always verified against the `known-hosts` input, and the user's ~/.ssh/config is not
 * read (it could turn checking off).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunOptions, type RunResult, runCommand } from '../../lib/exec.js';
import { KitError } from '../../lib/errors.js';

export interface Target {
  /** For messages: "local" or user@host:port. */
  readonly where: string;
  run(
    argv: string[],
    options?: Pick<RunOptions, 'input' | 'stdin' | 'timeoutMs' | 'onStdout' | 'onStderr'>,
  ): Promise<RunResult>;
  close(): Promise<void>;
}

/** POSIX shell single-quoting: the argument arrives exactly as given, whatever it holds. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./=:@%+-]+$/.test(arg) && !arg.startsWith('-')) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const remoteCommand = (argv: string[]): string => argv.map(shellQuote).join(' ');

/** `env`: what commands inherit — the runner's environment without the action's inputs (secrets among them). */
export function localTarget(env: NodeJS.ProcessEnv): Target {
  return {
    where: 'local',
    run: (argv, options) => runCommand(argv[0] as string, argv.slice(1), { ...options, env }),
    close: async () => undefined,
  };
}

export interface SshOptions {
  host: string;
  port: number;
  user?: string;
  /** A private key (OpenSSH or PEM); empty: the runner's ssh-agent. */
  privateKey?: string;
  /** known_hosts lines for the host (required: there is no unverified mode). */
  knownHosts: string;
  connectTimeoutMs?: number;
  /** The environment ssh runs with (without the action's inputs). */
  env: NodeJS.ProcessEnv;
}

/** The `[host]:port` (or `host` on port 22) that known_hosts lines and ssh use for this host. */
export const hostPattern = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`);

/**
 * known_hosts lines as ssh reads them. A line that is only `type key` (as copied from a
 * host's /etc/ssh/ssh_host_*.pub) is given the host's name, so it pins that host only.
 */
export function knownHostsFile(text: string, host: string, port: number): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => (/^(ssh-|ecdsa-|sk-)/.test(line) ? `${hostPattern(host, port)} ${line}` : line))
      .join('\n') + '\n'
  );
}

/**
 * Removes `dir` (it holds the private key) when the process exits or is stopped by SIGTERM
 * or SIGINT (a cancelled job), not only when the deploy ends normally. A signal is then
 * passed on, so the process still ends as it would have without this listener.
 */
export function removeOnExit(dir: string): () => void {
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    off();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const off = () => {
    process.off('exit', remove).off('SIGTERM', onSignal).off('SIGINT', onSignal);
  };
  process.on('exit', remove).on('SIGTERM', onSignal).on('SIGINT', onSignal);
  return off;
}

export function sshTarget(options: SshOptions): Target {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-ssh-'));
  const stopWatching = removeOnExit(dir);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, knownHostsFile(options.knownHosts, options.host, options.port), { mode: 0o600 });
  const args = [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'UpdateHostKeys=no',
    '-o',
    `ConnectTimeout=${Math.ceil((options.connectTimeoutMs ?? 20_000) / 1000)}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'LogLevel=ERROR',
    // One connection for every command of the deploy: a handshake costs ~100 ms or more.
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${path.join(dir, 'cm')}`,
    '-o',
    'ControlPersist=30',
    '-p',
    String(options.port),
  ];
  if (options.privateKey) {
    const keyFile = path.join(dir, 'key');
    // OpenSSH rejects a key file without its final newline ("invalid format").
    writeFileSync(keyFile, options.privateKey.replace(/\r\n/g, '\n').trimEnd() + '\n', { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    args.push('-o', 'IdentitiesOnly=yes', '-i', keyFile);
  }
  const destination = options.user ? `${options.user}@${options.host}` : options.host;
  const where = `${destination}:${options.port}`;
  return {
    where,
    async run(argv, runOptions) {
      const result = await runCommand('ssh', [...args, '--', destination, remoteCommand(argv)], {
        ...runOptions,
        env: options.env,
      });
      // 255 is ssh's own failure (connection, authentication, host key), not the command's.
      if (result.exitCode === 255) throw new KitError(sshFailure(where, result.stderr));
      return result;
    },
    async close() {
      await runCommand('ssh', [...args, '-O', 'exit', '--', destination], {
        timeoutMs: 10_000,
        env: options.env,
      }).catch(() => undefined);
      stopWatching();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** ssh's stderr turned into what the user should do. */
export function sshFailure(where: string, stderr: string): string {
  const detail = stderr.trim().split('\n').slice(-3).join(' ');
  if (/host key verification failed|no .* host key is known|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr))
    return `The host key of ${where} is not in the \`known-hosts\` input, or does not match it, so deploy-kit refused to connect (ssh: ${detail}). Add the host's key (ssh-keyscan -p <port> <host>, checked out of band) to the secret passed as \`known-hosts\`.`;
  if (/permission denied/i.test(stderr))
    return `${where} refused the login (ssh: ${detail}). Check \`user\` and that the public half of \`ssh-key\` is in that user's ~/.ssh/authorized_keys.`;
  return `Could not run a command on ${where} over SSH (${detail || 'ssh exited with 255'}).`;
}

/** Streams a local directory (tar) into a command on the target, e.g. `tar -x` there. */
export async function streamDirectory(
  target: Target,
  directory: string,
  extractArgv: string[],
  timeoutMs: number,
): Promise<RunResult> {
  const tar = spawn('tar', ['-C', directory, '--exclude=./.git', '-cf', '-', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tarError = '';
  tar.stderr.setEncoding('utf8').on('data', (chunk: string) => (tarError += chunk));
  const tarExit = new Promise<number | null>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', resolve);
  });
  const result = await target.run(extractArgv, { stdin: tar.stdout, timeoutMs });
  const code = await tarExit;
  if (code !== 0) throw new KitError(`Could not read the source folder ${directory} (tar: ${tarError.trim()}).`);
  return result;
}
