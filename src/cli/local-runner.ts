/**
 * Runs a compiled action exactly as the GitHub runner does: a node child process (never
 * through /bin/sh, which drops variables with dashes such as INPUT_EXPECT-STATUS) with
 * INPUT_* variables and the GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE / GITHUB_PATH /
 * GITHUB_STEP_SUMMARY files, then reads back what the action wrote.
 *
 * The one implementation of the runner contract: `deploy-kit run`, the demo and the
 * tests (tests/harness/runner.ts) all go through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file is src/cli/local-runner.ts, or bundled into dist/cli/index.js. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  exitCode: number | null;
  /** Set when the process was ended by a signal (a timeout, or the user's Ctrl-C). */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  outputs: Record<string, string>;
  env: Record<string, string>;
  state: Record<string, string>;
  path: string[];
  summary: string;
  annotations: Annotation[];
  /** Values registered with ::add-mask::. */
  masks: string[];
  /** stdout and stderr interleaved as received. */
  log: string;
  durationMs: number;
  /** The runner's working files; pass to a post run. */
  workspace: RunnerFiles;
}

export interface RunnerFiles {
  dir: string;
  runnerTemp: string;
  output: string;
  env: string;
  state: string;
  path: string;
  summary: string;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Killed after this long (default 120 s; 0 waits without a deadline). */
  timeoutMs?: number;
  /** Run the post phase: STATE_* from this earlier run's saved state, as the runner does. */
  postOf?: ActionRun;
  /** Leave out the GITHUB_* files, as when the action runs outside GitHub. */
  noRunnerFiles?: boolean;
  /** Path of the bundle; defaults to dist/<name>/index.js. */
  entry?: string;
  /** Each chunk of stdout/stderr as it arrives (for live progress). */
  onOutput?: (chunk: string) => void;
  /** The started process, e.g. to forward a Ctrl-C to it. */
  onSpawn?: (child: ChildProcess) => void;
}

/** The runner's transformation: upper case, spaces to underscores, dashes kept. */
export const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

export function makeRunnerFiles(): RunnerFiles {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-runner-'));
  const runnerTemp = path.join(dir, 'temp');
  mkdirSync(runnerTemp);
  const files = {
    dir,
    runnerTemp,
    output: path.join(dir, 'output'),
    env: path.join(dir, 'env'),
    state: path.join(dir, 'state'),
    path: path.join(dir, 'path'),
    summary: path.join(dir, 'summary.md'),
  };
  for (const file of [files.output, files.env, files.state, files.path, files.summary]) writeFileSync(file, '');
  return files;
}

/** Reads a GITHUB_OUTPUT-style file: `name=value` lines and the `name<<DELIM` multi-line form. */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] as string);
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delimiter} in command file`);
      result[name] = value.join('\n');
    } else {
      const at = line.indexOf('=');
      if (at === -1) throw new Error(`malformed command file line: ${line}`);
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
}

/** One log line as a workflow command (`::name props::data`), or undefined for plain text. */
export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line.replace(/\r$/, ''));
  if (!match) return undefined;
  const [, command = '', props = '', data = ''] = match;
  const properties: Record<string, string> = {};
  for (const pair of props.split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
  }
  return { command, properties, data: unescapeData(data) };
}

export function parseWorkflowCommands(log: string): {
  annotations: Annotation[];
  masks: string[];
  outputs: Record<string, string>;
} {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  const outputs: Record<string, string> = {};
  for (const line of log.split('\n')) {
    const parsed = parseWorkflowCommand(line);
    if (!parsed) continue;
    const { command, properties, data } = parsed;
    if (command === 'error' || command === 'warning' || command === 'notice')
      annotations.push({ level: command, message: data, properties });
    else if (command === 'add-mask') masks.push(data);
    else if (command === 'set-output' && properties.name) outputs[properties.name] = data;
  }
  return { annotations, masks, outputs };
}

/** Where an action's bundle is: dist/<name>/index.js under the package root. */
export const actionEntry = (name: string): string => path.join(ROOT, 'dist', name, 'index.js');

export async function runAction(name: string, options: RunOptions = {}): Promise<ActionRun> {
  const entry = options.entry ?? actionEntry(name);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run npm run build`);
  const files = options.postOf?.workspace ?? makeRunnerFiles();
  if (options.postOf) writeFileSync(files.output, '');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('INPUT_') && !key.startsWith('GITHUB_') && !key.startsWith('STATE_'))
      env[key] = value;
  }
  Object.assign(env, {
    RUNNER_TEMP: files.runnerTemp,
    RUNNER_OS: 'Linux',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? files.dir,
  });
  if (!options.noRunnerFiles) {
    Object.assign(env, {
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_STATE: files.state,
      GITHUB_PATH: files.path,
      GITHUB_STEP_SUMMARY: files.summary,
    });
  }
  if (options.postOf) for (const [key, value] of Object.entries(options.postOf.state)) env[`STATE_${key}`] = value;
  for (const [key, value] of Object.entries(options.inputs ?? {})) env[inputVariable(key)] = value;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const started = Date.now();
  let log = '';
  let timedOut = false;
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [entry], {
        cwd: options.cwd ?? files.dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      options.onSpawn?.(child);
      const timeoutMs = options.timeoutMs ?? 120_000;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, timeoutMs)
          : undefined;
      const collect = (chunk: string) => {
        log += chunk;
        options.onOutput?.(chunk);
      };
      child.stdout.setEncoding('utf8').on('data', collect);
      child.stderr.setEncoding('utf8').on('data', collect);
      child.on('error', reject);
      child.on('close', (code, sig) => {
        if (timer) clearTimeout(timer);
        resolve({ exitCode: code, signal: sig });
      });
    },
  );
  const commands = parseWorkflowCommands(log);
  const read = (file: string) => readFileSync(file, 'utf8');
  return {
    exitCode,
    signal,
    timedOut,
    outputs: { ...commands.outputs, ...(options.noRunnerFiles ? {} : parseCommandFile(read(files.output))) },
    env: options.noRunnerFiles ? {} : parseCommandFile(read(files.env)),
    state: options.noRunnerFiles ? {} : parseCommandFile(read(files.state)),
    path: options.noRunnerFiles ? [] : read(files.path).split('\n').filter(Boolean),
    summary: options.noRunnerFiles ? '' : read(files.summary),
    annotations: commands.annotations,
    masks: commands.masks,
    log,
    durationMs: Date.now() - started,
    workspace: files,
  };
}
