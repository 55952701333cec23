/**
 * `deploy-kit rollback` options. The GitHub token comes from the environment (GITHUB_TOKEN
 * or GH_TOKEN), never from the command line: other users on the machine see argv in `ps`.
 */
import { parseDuration } from '../lib/duration.js';
import { UsageError, splitOption } from './args.js';

export const ROLLBACK_HELP = `Usage: deploy-kit rollback --to <version> [--environment production] [--manifest deploy-kit.yml]

Rolls an environment back to an earlier release, from your machine: finds that release's
record among the environment's GitHub Deployments (the release action writes one per
release), returns every service of deploy-kit.yml to the deployment it made live — in
reverse needs order, each confirmed live by its platform and smoke-tested — and records the
rollback as a release. A version never released there, a service the manifest no longer
has, or a deployment the platform removed stops it before anything changes. The same as
the rollback.yml workflow, without its environment approval: use it when you are the
approver (an incident at night), and prefer the workflow otherwise.

  --to <version>          The release to return to, as it was released (e.g. v1.4.2).
  --environment <name>    The environment (default production): the GitHub environment the
                          records are in, and the manifest's environments key.
  --manifest <file>       The manifest (default deploy-kit.yml, in this folder).
  --timeout <duration>    Deadline for returning the services (default 1h; 30m, 3600).

The environment of this shell provides:
  GITHUB_TOKEN (or GH_TOKEN)  a token with deployments: write on the repository
                              (e.g. export GITHUB_TOKEN=$(gh auth token))
  GITHUB_REPOSITORY           owner/name of the repository the releases are recorded in
  GITHUB_API_URL              GitHub Enterprise Server's API (default https://api.github.com)
  RAILWAY_TOKEN, VERCEL_TOKEN, FLY_API_TOKEN, RENDER_API_KEY, SSH_KEY, or the manifest's
  token-env names: the platforms' tokens, as the release workflow has them.

Exit status: 0 every service is back on the release and passed its smoke test; 1 refused
(nothing changed) or not complete (the output names each service and what it serves);
2 wrong usage.`;

export interface RollbackCommand {
  kind: 'rollback';
  to: string;
  environment: string;
  manifest: string;
  timeout: string;
}

const VALUE_OPTIONS = ['--to', '--environment', '--manifest', '--timeout'];

export function parseRollbackArgs(args: string[]): RollbackCommand | { kind: 'rollback-help' } {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'rollback-help' };
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = splitOption(arg);
    if (flag === '--token' || flag === '--github-token')
      throw new UsageError(
        'rollback does not take the token on the command line (other users can read it with ps): export it as GITHUB_TOKEN, e.g. export GITHUB_TOKEN=$(gh auth token)',
      );
    if (!VALUE_OPTIONS.includes(flag))
      throw new UsageError(`rollback does not know "${arg}"; see deploy-kit rollback --help`);
    const value = inline ?? args[++i];
    if (value === undefined || value.trim() === '' || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value; see deploy-kit rollback --help`);
    values[flag] = value.trim();
  }
  const to = values['--to'];
  if (!to) throw new UsageError('rollback needs --to <version>, the release to return to (e.g. --to v1.4.2)');
  const timeout = values['--timeout'] ?? '1h';
  if (!parseDuration(timeout))
    throw new UsageError(`--timeout "${timeout}" is not a duration; expected e.g. 30m, 1h or 3600`);
  return {
    kind: 'rollback',
    to,
    environment: values['--environment'] ?? 'production',
    manifest: values['--manifest'] ?? 'deploy-kit.yml',
    timeout,
  };
}
