/**
 * `deploy-kit rollback`: the release action with `rollback-to`, run on this machine through
 * the same runner contract as GitHub (`deploy-kit run`), so an operator gets the very checks,
 * rollback and record the rollback.yml workflow would make. The token reaches the action as
 * its `github-token` input through the environment, never argv.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY } from '../github/rest.js';
import { UsageError } from './args.js';
import type { RollbackCommand } from './rollback-args.js';
import { runLocally } from './run.js';

export async function runRollback(
  command: RollbackCommand,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; out?: (line: string) => void } = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const token = (env.GITHUB_TOKEN || env.GH_TOKEN || '').trim();
  if (!token)
    throw new UsageError(
      'GITHUB_TOKEN is not set: export a token that may write deployments on the repository, e.g. export GITHUB_TOKEN=$(gh auth token)',
    );
  const repository = (env.GITHUB_REPOSITORY ?? '').trim();
  if (!REPOSITORY.test(repository))
    throw new UsageError(
      `GITHUB_REPOSITORY ${repository ? `"${repository}" is not owner/name` : 'is not set'}: export the repository the releases are recorded in, e.g. export GITHUB_REPOSITORY=acme/shop`,
    );
  if (!existsSync(path.resolve(cwd, command.manifest)))
    throw new UsageError(
      `--manifest ${command.manifest} does not exist in ${cwd}: run deploy-kit rollback in your repository's checkout, or name the file`,
    );
  out(`Rolling ${command.environment} of ${repository} back to release ${command.to}.`);
  const { exitCode } = await runLocally('release', {
    inputs: {
      manifest: command.manifest,
      environment: command.environment,
      'rollback-to': command.to,
      timeout: command.timeout,
      'github-token': token,
    },
    env: {
      GITHUB_REPOSITORY: repository,
      GITHUB_API_URL: env.GITHUB_API_URL || 'https://api.github.com',
      ...(env.GITHUB_SERVER_URL ? { GITHUB_SERVER_URL: env.GITHUB_SERVER_URL } : {}),
    },
    cwd,
    out,
    debug: env.RUNNER_DEBUG === '1',
  });
  return exitCode;
}
