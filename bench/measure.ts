/** What the process benches (smoke, startup, watch) share: a median, the runner's env, a timed node process, and the floor. */
import { spawn } from 'node:child_process';
import { makeRunnerFiles } from '../src/cli/local-runner.js';

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The machine's variables a runner hands an action, besides its own. */
const MACHINE_VARIABLES = ['PATH', 'HOME'];

/** What the runner hands an action: its own variables and the machine's PATH and HOME, nothing else. */
export function runnerEnv(): NodeJS.ProcessEnv {
  const files = makeRunnerFiles();
  return {
    ...Object.fromEntries(MACHINE_VARIABLES.map((name) => [name, process.env[name]])),
    RUNNER_TEMP: files.runnerTemp,
    RUNNER_OS: 'Linux',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: files.dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
  };
}

/**
 * For runAction's `env`: drops every variable of the bench's own process but PATH and HOME, so
 * the action starts with what a runner gives it (npm's ~60 variables cost node ~45 ms).
 */
export function bareEnv(): Record<string, undefined> {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => !MACHINE_VARIABLES.includes(k))
      .map((k) => [k, undefined]),
  );
}

/** node with `args`, from spawn to exit; killed after `timeoutMs` when one is given. */
export function timeProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 0,
): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ ms: performance.now() - started, code });
    });
  });
}

/** The floor: a bare node:http script making smoke-test's two requests to TARGET. */
export const FLOOR = `
import http from 'node:http';
const get = (url) => new Promise((resolve, reject) => http.get(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject));
const url = process.env.TARGET;
if ((await get(url)) !== 200) process.exit(1);
await get(url);
`;
