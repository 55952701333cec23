/**
 * The gate's commands: parsed from the `commands` input, then run one by one through the
 * user's shell, as a workflow's `run:` step would run them.
 */
import { Fail } from '../lib/schemas.js';
import type { RunOptions, RunResult } from '../lib/exec.js';
import { inheritedEnv, tail } from '../lib/exec.js';

export interface GateCommand {
  name: string;
  /** The user's own script, passed to the shell as one argument, never edited. */
  script: string;
}

/** A top-level `name: command` line; names are words, spaces, dots, dashes, slashes. */
const MAP_ENTRY = /^[A-Za-z0-9_][\w .\-/()]*:(\s|$)/;

/**
 * `commands` is a YAML map `name: command` when every top-level line has that form
 * (indented lines belong to a block scalar such as `test: |`); otherwise it is one
 * command per line, named by its own text. Blank lines and `#` comments are ignored.
 * Async because the YAML parser is loaded only for the map form: loading it cost every
 * gate ~25 ms of start-up (bench/test-gate.bench.ts).
 */
export async function parseCommands(raw: string): Promise<GateCommand[] | Fail> {
  const meaningful = raw.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (meaningful.length === 0) return [];
  const topLevel = meaningful.filter((line) => !/^\s/.test(line));
  if (topLevel.length > 0 && topLevel.every((line) => MAP_ENTRY.test(line)))
    return parseMap(raw, (await import('yaml')).parse);
  return meaningful.map((line) => ({ name: line.trim(), script: line.trim() }));
}

function parseMap(raw: string, parseYaml: (text: string) => unknown): GateCommand[] | Fail {
  let document: unknown;
  try {
    document = parseYaml(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return new Fail(`reads as a YAML map of name: command but is not valid YAML (${reason})`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    return new Fail('expected one command per line, or a YAML map of name: command');
  const commands: GateCommand[] = [];
  for (const [name, value] of Object.entries(document as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number')
      return new Fail(`the command named "${name}" is not text; write it as name: command`);
    const script = String(value).trim();
    if (script === '') return new Fail(`the command named "${name}" is empty`);
    commands.push({ name, script });
  }
  return commands;
}

/** The argv that runs a script in a shell, as GitHub documents for `shell: bash` / `sh`. */
export function shellArgv(shell: 'bash' | 'sh', script: string): [string, string[]] {
  if (shell === 'sh') return ['sh', ['-e', '-c', script]];
  return ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script]];
}

export type CommandResult = 'passed' | 'failed' | 'timed out' | 'skipped';

export interface CommandOutcome {
  name: string;
  result: CommandResult;
  exitCode?: number | null;
  durationMs: number;
  /** The last lines of output, kept for failures. */
  tail?: string;
  /** Why it failed, in a sentence. */
  reason?: string;
}

export interface CommandDeps {
  run: (command: string, args: string[], options: RunOptions) => Promise<RunResult>;
  group: <T>(title: string, fn: () => Promise<T>) => Promise<T>;
  write: (chunk: string, stream: 'stdout' | 'stderr') => void;
  log: (line: string) => void;
}

export interface CommandOptions {
  shell: 'bash' | 'sh';
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  failFast: boolean;
  tailLines: number;
  /** A "still running" line after this long without output. */
  heartbeatMs: number;
}

/**
 * Runs the commands in order, each in its own log group with its wall time. With
 * failFast the first failure skips the rest; otherwise all run and every failure is
 * reported.
 */
export async function runCommands(
  commands: GateCommand[],
  options: CommandOptions,
  deps: CommandDeps,
): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = [];
  for (const command of commands) {
    if (options.failFast && outcomes.some((o) => o.result === 'failed' || o.result === 'timed out')) {
      outcomes.push({ name: command.name, result: 'skipped', durationMs: 0 });
      continue;
    }
    outcomes.push(await deps.group(`▶ ${command.name}`, () => runOne(command, options, deps)));
  }
  return outcomes;
}

async function runOne(command: GateCommand, options: CommandOptions, deps: CommandDeps): Promise<CommandOutcome> {
  const [program, args] = shellArgv(options.shell, command.script);
  // Both streams together, as the log shows them; only the tail is kept.
  let combined = '';
  const keep = (chunk: string) => {
    combined += chunk;
    if (combined.length > 64 * 1024) combined = combined.slice(-32 * 1024);
  };
  // A silent command still shows it is alive (the kit's rule: a progress line every 15 s).
  let lastOutput = Date.now();
  const started = lastOutput;
  const heartbeat = setInterval(() => {
    if (Date.now() - lastOutput < options.heartbeatMs) return;
    lastOutput = Date.now();
    deps.log(`… ${command.name} still running (${Math.round((Date.now() - started) / 1000)} s)`);
  }, options.heartbeatMs);
  let result: RunResult;
  try {
    result = await deps.run(program, args, {
      cwd: options.cwd,
      env: options.env,
      timeoutMs: options.timeoutMs,
      maxBuffer: 16 * 1024,
      onStdout: (chunk) => {
        lastOutput = Date.now();
        keep(chunk);
        deps.write(chunk, 'stdout');
      },
      onStderr: (chunk) => {
        lastOutput = Date.now();
        keep(chunk);
        deps.write(chunk, 'stderr');
      },
    });
  } catch (error) {
    const reason = `could not start ${program}: ${error instanceof Error ? error.message : String(error)}`;
    deps.log(reason);
    return { name: command.name, result: 'failed', durationMs: 0, reason };
  } finally {
    clearInterval(heartbeat);
  }
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.timedOut) {
    const reason = `still running after the timeout of ${Math.round(options.timeoutMs / 1000)} s; stopped`;
    deps.log(`✖ ${command.name}: ${reason}`);
    return {
      name: command.name,
      result: 'timed out',
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      tail: tail(combined, options.tailLines),
      reason,
    };
  }
  if (result.exitCode !== 0) {
    const reason = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    deps.log(`✖ ${command.name}: ${reason} after ${seconds} s`);
    return {
      name: command.name,
      result: 'failed',
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      tail: tail(combined, options.tailLines),
      reason,
    };
  }
  deps.log(`✔ ${command.name} passed in ${seconds} s`);
  return { name: command.name, result: 'passed', exitCode: 0, durationMs: result.durationMs };
}

/**
 * The runner's service credentials, given to JavaScript actions but not to `run:` steps:
 * with them a test could write the Actions cache (a later deploy job restores its CLI
 * from there), upload artifacts, or mint an OIDC token for a cloud role.
 */
const RUNNER_SERVICE_VARIABLES = [
  /^ACTIONS_RUNTIME_/, // ACTIONS_RUNTIME_TOKEN, ACTIONS_RUNTIME_URL
  /^ACTIONS_CACHE_/, // ACTIONS_CACHE_URL, ACTIONS_CACHE_SERVICE_V2
  /^ACTIONS_RESULTS_/, // ACTIONS_RESULTS_URL (cache v2, artifacts v4)
  /^ACTIONS_ID_TOKEN_REQUEST_/, // ACTIONS_ID_TOKEN_REQUEST_TOKEN and _URL (OIDC)
  /^ACTIONS_ORCHESTRATION_ID$/,
];

/**
 * The environment a `run:` step sees: the job's, without this action's inputs and state
 * and without the runner's service credentials.
 */
export function commandEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result = inheritedEnv(env);
  for (const key of Object.keys(result))
    if (RUNNER_SERVICE_VARIABLES.some((pattern) => pattern.test(key.toUpperCase()))) delete result[key];
  return result;
}
