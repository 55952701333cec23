/**
 * The `vercel` CLI as the shared installer (../cli.ts) sees it. Vercel ships it as an npm
 * package, not a release archive, so a pinned version is installed with npm into a
 * folder that then goes to the tool cache like any other CLI. It publishes no checksum
 * list to check a cached copy against, so it never comes from the Actions cache.
 */
import * as io from '@actions/io';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';
import type { CliTool } from '../cli.js';

/** The version deploy-kit's tests run against (package.json devDependencies). */
export const DEFAULT_VERCEL_VERSION = '58.10.0';

export const vercelCli: CliTool = {
  name: 'vercel',
  commands: ['vercel'],
  defaultVersion: DEFAULT_VERCEL_VERSION,
  versionArgs: ['--version'],
  // `vercel --version` prints "Vercel CLI 58.10.0" on stderr and "58.10.0" on stdout.
  parseVersion: (output) => /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output)?.[1],
  asset: () => ({ path: '', binary: path.join('node_modules', '.bin', 'vercel') }),
  install: async (version, log) => {
    const npm = await io.which('npm', false);
    if (!npm)
      throw new KitError('Installing the vercel CLI needs npm on the runner: add actions/setup-node before this step.');
    const dir = mkdtempSync(path.join(process.env.RUNNER_TEMP || tmpdir(), 'vercel-cli-'));
    log(`npm install vercel@${version}`);
    const result = await runCommand(
      npm,
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error', `vercel@${version}`],
      { timeoutMs: 10 * 60_000 },
    );
    if (result.exitCode !== 0)
      throw new KitError(
        `npm could not install vercel@${version} (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}). Check that cli-version names a published version.\n${result.stderr.slice(-2000)}`,
      );
    return dir;
  },
};
