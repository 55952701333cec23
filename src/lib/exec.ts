import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (the whole process group) after this long; timedOut is then true. */
  timeoutMs?: number;
  input?: string;
  /** Piped to the program's stdin instead of `input` (e.g. a tar stream). */
  stdin?: NodeJS.ReadableStream;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Keep at most this many characters of each stream (the tail). */
  maxBuffer?: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/**
 * The runner's environment for a child program, without the action's own inputs and saved
 * state (INPUT_*, STATE_*): an input may hold a token or a database URL with its password,
 * and a child is given only what it needs, by name (PGPASSWORD, DATABASE_URL, a CLI's token).
 */
export function inheritedEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base))
    if (!key.startsWith('INPUT_') && !key.startsWith('STATE_')) env[key] = value;
  return env;
}

/**
 * Runs a program with an argv array, never through a shell. @actions/exec has no
 * timeout and cannot kill a hung CLI's children, which deploy CLIs need, hence this.
 * Rejects only when the program cannot be started (ENOENT, EACCES). Without `env`, the
 * program gets inheritedEnv().
 */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const maxBuffer = options.maxBuffer ?? 4 * 1024 * 1024;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? inheritedEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (buffer: string, chunk: string) => {
      const next = buffer + chunk;
      return next.length > maxBuffer ? next.slice(next.length - maxBuffer) : next;
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keep(stdout, chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keep(stderr, chunk);
      options.onStderr?.(chunk);
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup('SIGTERM');
            hardKill = setTimeout(() => killGroup('SIGKILL'), 5000);
          }, options.timeoutMs);
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      resolve({ exitCode, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
    });
    child.stdin.on('error', () => undefined);
    if (options.stdin) options.stdin.pipe(child.stdin);
    else child.stdin.end(options.input ?? '');
  });
}

/** The last n lines of a command's output, for summaries and error messages. */
export function tail(text: string, lineCount = 20): string {
  const all = text.replace(/\s+$/, '').split(/\r?\n/);
  return all.slice(-lineCount).join('\n');
}
