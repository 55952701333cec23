/**
 * The `vercel` CLI as the shared installer (../cli.ts) sees it. Vercel ships it as an npm
 * package, not a release archive, so a pinned version is installed with npm (../npm-install.ts)
 * into a folder that then goes to the tool cache like any other CLI. It publishes no checksum
 * list to check a cached copy against, so it never comes from the Actions cache.
 */
import path from 'node:path';
import type { CliTool } from '../cli.js';
import { npmInstall } from '../npm-install.js';

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
  install: (version, log) =>
    npmInstall(
      {
        pkg: 'vercel',
        version,
        noNpm: 'Installing the vercel CLI needs npm on the runner: add actions/setup-node before this step.',
        hint: 'Check that cli-version names a published version.',
        timeoutMs: 10 * 60_000,
      },
      log,
    ),
};
