/**
 * Finds or installs the `vercel` CLI. Vercel ships it as an npm package (not a release
 * archive), so a pinned version is installed with npm into the runner's tool cache once
 * and found there by later steps of the job (and later jobs on a self-hosted runner).
 * With no version asked for, a `vercel` already on PATH is used as it is.
 */
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';

/** The version deploy-kit's tests run against (package.json devDependencies). */
export const DEFAULT_VERCEL_VERSION = '58.10.0';

export interface InstalledVercel {
  path: string;
  version: string;
  source: 'PATH' | 'tool cache' | 'npm';
  durationMs: number;
}

const binIn = (dir: string) => path.join(dir, 'node_modules', '.bin', 'vercel');

export async function vercelVersion(binary: string): Promise<string | undefined> {
  const result = await runCommand(binary, ['--version'], {
    timeoutMs: 60_000,
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', VERCEL_TELEMETRY_DISABLED: '1' },
  });
  return /(\d+\.\d+\.\d+)\s*$/.exec(result.stdout.trim())?.[1] ?? /(\d+\.\d+\.\d+)/.exec(result.stderr)?.[1];
}

export async function installVercel(
  requested: string | undefined,
  log: (line: string) => void,
): Promise<InstalledVercel> {
  const started = Date.now();
  const done = (found: string, version: string, source: InstalledVercel['source']): InstalledVercel => ({
    path: found,
    version,
    source,
    durationMs: Date.now() - started,
  });
  if (!requested) {
    const onPath = await io.which('vercel', false);
    if (onPath) {
      const version = (await vercelVersion(onPath)) ?? 'unknown version';
      log(`Using vercel ${version} found on PATH at ${onPath}.`);
      return done(onPath, version, 'PATH');
    }
  }
  const version = requested ?? DEFAULT_VERCEL_VERSION;
  // tool-cache needs these; outside a runner keep the tools in the temp folder.
  process.env.RUNNER_TEMP ||= tmpdir();
  process.env.RUNNER_TOOL_CACHE ||= path.join(process.env.RUNNER_TEMP, 'deploy-kit-tools');
  const cached = tc.find('vercel', version);
  if (cached && existsSync(binIn(cached))) {
    log(`Using vercel ${version} from the tool cache.`);
    return done(binIn(cached), version, 'tool cache');
  }
  const npm = await io.which('npm', false);
  if (!npm)
    throw new KitError('Installing the vercel CLI needs npm on the runner: add actions/setup-node before this step.');
  const dir = mkdtempSync(path.join(process.env.RUNNER_TEMP, 'vercel-cli-'));
  log(`Installing vercel ${version} with npm…`);
  const result = await runCommand(
    npm,
    ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error', `vercel@${version}`],
    { timeoutMs: 10 * 60_000 },
  );
  if (result.exitCode !== 0 || !existsSync(binIn(dir)))
    throw new KitError(
      `npm could not install vercel@${version} (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}). Check that cli-version names a published version.\n${result.stderr.slice(-2000)}`,
    );
  const installed = await tc.cacheDir(dir, 'vercel', version);
  return done(binIn(installed), version, 'npm');
}
