/**
 * A pinned npm package installed into a fresh folder of its own (under RUNNER_TEMP), for
 * the CLIs that ship only through npm (vercel, squawk-cli). The folder then goes to the tool
 * cache like any other CLI (./cli.ts). The package and version are argv, never a shell string.
 */
import * as io from '@actions/io';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import { runCommand } from '../lib/exec.js';

export interface NpmInstall {
  pkg: string;
  version: string;
  /** The error when npm is not on the runner. */
  noNpm: string;
  /** Said after a failed install (e.g. which input names the version). */
  hint?: string;
  timeoutMs: number;
}

/** Installs `pkg@version` and returns the folder (its node_modules/.bin holds the commands). */
export async function npmInstall(what: NpmInstall, log: (line: string) => void): Promise<string> {
  const npm = await io.which('npm', false);
  if (!npm) throw new KitError(what.noNpm);
  const dir = mkdtempSync(path.join(process.env.RUNNER_TEMP || tmpdir(), `${what.pkg}-`));
  const spec = `${what.pkg}@${what.version}`;
  log(`npm install ${spec}`);
  const result = await runCommand(
    npm,
    ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error', spec],
    { timeoutMs: what.timeoutMs },
  );
  if (result.exitCode !== 0)
    throw new KitError(
      `npm could not install ${spec} (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}).${what.hint ? ` ${what.hint}` : ''}\n${result.stderr.slice(-2000)}`,
    );
  return dir;
}
