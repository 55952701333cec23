/**
 * The real runner's dependencies of the CLI installer (./cli.ts): @actions/io,
 * @actions/tool-cache, @actions/cache. The last two are loaded when a CLI is installed, not
 * at the top: imported statically they cost every start of the 7 actions that can install
 * one ~300 ms (issue 17). tool-cache is a lazy chunk of the action's bundle, read when this
 * is called. @actions/cache is the shared dist/runner-cache bundle, read only when an
 * archive goes through the Actions cache: a CLI found on PATH or in the tool cache, or one
 * installed by npm (no archive key), never needs it, and reading it cost ~90 ms CPU
 * (issue 13: migrate's lint found squawk in ~190 ms, most of it this bundle).
 */
import * as io from '@actions/io';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../lib/exec.js';
import { type RunnerCache, loadRunnerCache } from '../lib/runner-bundles.js';
import type { InstallDeps } from './cli.js';

export async function runnerInstallDeps(
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InstallDeps> {
  // tool-cache asserts these; outside a runner (a local run) keep the tools in the temp dir.
  env.RUNNER_TEMP ||= tmpdir();
  env.RUNNER_TOOL_CACHE ||= path.join(env.RUNNER_TEMP, 'deploy-kit-tools');
  const tc = await import('@actions/tool-cache');
  let runnerCache: Promise<RunnerCache> | undefined;
  /** The cache service's client, or undefined when this job has no cache service. */
  const cache = async () => {
    const loaded = await (runnerCache ??= loadRunnerCache());
    return loaded.isFeatureAvailable() ? loaded : undefined;
  };
  return {
    which: async (command) => (await io.which(command, false)) || undefined,
    version: async (binary, args) => {
      const result = await runCommand(binary, args, { timeoutMs: 30_000 });
      return `${result.stdout}\n${result.stderr}`;
    },
    find: (tool, version) => {
      try {
        return tc.find(tool, version);
      } catch {
        return '';
      }
    },
    download: (url) => tc.downloadTool(url),
    readText: async (url) => readFileSync(await tc.downloadTool(url), 'utf8'),
    extract: (archive) => tc.extractTar(archive),
    cacheDir: (dir, tool, version) => tc.cacheDir(dir, tool, version),
    // Without a cache service, restore finds nothing and save keeps nothing, as if there were none.
    actionsCache: {
      restore: async (paths, key) => (await cache())?.restoreCache(paths, key),
      save: async (paths, key) => {
        await (await cache())?.saveCache(paths, key);
      },
    },
    env,
    log,
    platform: process.platform,
    arch: process.arch,
  };
}
