/**
 * How deploy-kit calls `railway up`: its argv and environment in one place, and how its
 * `--json` output is read.
 */
import type { Target } from './target.js';

/** `railway up --detach --json` to the target; the commit (GITHUB_SHA) in the deployment's message when known. */
export function upArgs(target: Pick<Target, 'serviceId' | 'environmentId' | 'projectId'>, sha?: string): string[] {
  const args = [
    'up',
    '--detach',
    '--json',
    '--service',
    target.serviceId,
    '--environment',
    target.environmentId,
    '--project',
    target.projectId,
  ];
  if (sha) args.push('--message', `deploy-kit ${sha.slice(0, 12)}`);
  return args;
}

/** The CLI's environment: only our token, in the variable for its kind. */
export function upEnv(base: NodeJS.ProcessEnv, kind: Target['kind'], token: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CI: 'true' };
  // RAILWAY_TOKEN is sent as Project-Access-Token, RAILWAY_API_TOKEN as a Bearer (src/config.rs, src/client.rs).
  delete env.RAILWAY_TOKEN;
  delete env.RAILWAY_API_TOKEN;
  env[kind === 'project' ? 'RAILWAY_TOKEN' : 'RAILWAY_API_TOKEN'] = token;
  return env;
}

export interface UpOutput {
  deploymentId?: string;
  logsUrl?: string;
  error?: string;
}

/**
 * `railway up --detach --json` prints one line {"deploymentId","logsUrl"} (up.rs); with
 * --json an error is one line {"error","code","hint"} on stdout (src/util/reporter.rs).
 * Anything else (warnings, stray text) is skipped.
 */
export function parseUpOutput(stdout: string): UpOutput {
  const result: UpOutput = {};
  for (const line of stdout.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const value = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof value.deploymentId === 'string' && value.deploymentId) result.deploymentId = value.deploymentId;
      if (typeof value.logsUrl === 'string') result.logsUrl = value.logsUrl;
      if (typeof value.error === 'string') result.error = value.error;
    } catch {
      // not a JSON line
    }
  }
  return result;
}
