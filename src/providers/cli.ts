/**
 * Installs a platform CLI at a pinned version, once: the runner's tool cache first, then
 * the Actions cache (across jobs, when the service is available), then a download of the
 * platform's own release archive. With no version asked for, a CLI already on PATH is
 * used as it is and its version reported.
 */
import * as cache from '@actions/cache';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError, errorMessage } from '../lib/errors.js';
import { runCommand } from '../lib/exec.js';

export interface CliAsset {
  /** Path of the release archive below the download base (https://github.com by default). */
  path: string;
  /** The executable inside the extracted archive. */
  binary: string;
  /**
   * Checksum files the release publishes beside the archive (paths below the same base),
   * tried in order: the archive must match the sha256 listed for its file name there.
   */
  checksums?: string[];
}

export interface CliTool {
  /** Name in the tool cache and in messages: railway, flyctl. */
  name: string;
  /** Executables to look for on PATH, in order. */
  commands: string[];
  defaultVersion: string;
  versionArgs: string[];
  parseVersion(output: string): string | undefined;
  /** The release archive for this version and machine; undefined when the platform ships none. */
  asset(version: string, platform: NodeJS.Platform, arch: string): CliAsset | undefined;
  /**
   * For a CLI not shipped as a release archive (vercel is an npm package): installs this
   * version into a new folder and returns it; `asset().binary` is then the path inside it.
   * Default: download and extract `asset().path`.
   */
  install?(version: string, log: (line: string) => void): Promise<string>;
}

export interface InstalledCli {
  path: string;
  version: string;
  source: 'PATH' | 'tool cache' | 'Actions cache' | 'download';
  durationMs: number;
}

/** Where release archives come from; DEPLOY_KIT_CLI_MIRROR points at a mirror of the same paths. */
export const DEFAULT_DOWNLOAD_BASE = 'https://github.com';

export interface InstallDeps {
  which(command: string): Promise<string | undefined>;
  version(binary: string, args: string[]): Promise<string>;
  find(tool: string, version: string): string;
  download(url: string): Promise<string>;
  extract(archive: string): Promise<string>;
  cacheDir(dir: string, tool: string, version: string): Promise<string>;
  actionsCache?: {
    restore(paths: string[], key: string): Promise<string | undefined>;
    save(paths: string[], key: string): Promise<void>;
  };
  env: NodeJS.ProcessEnv;
  log(line: string): void;
  platform: NodeJS.Platform;
  arch: string;
}

export async function installCli(
  tool: CliTool,
  requested: string | undefined,
  deps: InstallDeps,
): Promise<InstalledCli> {
  const started = Date.now();
  const done = (found: string, version: string, source: InstalledCli['source']): InstalledCli => ({
    path: found,
    version,
    source,
    durationMs: Date.now() - started,
  });

  if (!requested) {
    for (const command of tool.commands) {
      const onPath = await deps.which(command);
      if (!onPath) continue;
      const version = tool.parseVersion(await deps.version(onPath, tool.versionArgs)) ?? 'unknown version';
      deps.log(`Using ${command} ${version} found on PATH at ${onPath}.`);
      return done(onPath, version, 'PATH');
    }
  }
  const version = requested ?? tool.defaultVersion;
  const asset = tool.asset(version, deps.platform, deps.arch);
  if (!asset)
    throw new KitError(
      `${tool.name} publishes no release for ${deps.platform}/${deps.arch}: install ${tool.name} yourself before this step and leave cli-version empty.`,
    );
  const binaryIn = (dir: string) => path.join(dir, asset.binary);

  const cached = deps.find(tool.name, version);
  if (cached && existsSync(binaryIn(cached))) return done(binaryIn(cached), version, 'tool cache');

  const key = `deploy-kit-${tool.name}-${version}-${deps.platform}-${deps.arch}`;
  const toolDir = path.join(deps.env.RUNNER_TOOL_CACHE ?? '', tool.name, version, deps.arch);
  const cachePaths = [toolDir, `${toolDir}.complete`];
  if (deps.actionsCache) {
    try {
      if (await deps.actionsCache.restore(cachePaths, key)) {
        const restored = deps.find(tool.name, version);
        if (restored && existsSync(binaryIn(restored))) return done(binaryIn(restored), version, 'Actions cache');
      }
    } catch (error) {
      deps.log(`The Actions cache could not be read (${errorMessage(error)}); downloading instead.`);
    }
  }

  const base = (deps.env.DEPLOY_KIT_CLI_MIRROR || DEFAULT_DOWNLOAD_BASE).replace(/\/+$/, '');
  const url = tool.install ? `the ${tool.name} package` : `${base}${asset.path}`;
  deps.log(`Installing ${tool.name} ${version} from ${url}`);
  let extracted: string;
  if (tool.install) {
    extracted = await tool.install(version, deps.log);
  } else {
    let archive: string;
    try {
      // tool-cache's downloadTool retries transient failures (5xx, 408, 429) itself.
      archive = await deps.download(url);
    } catch (error) {
      throw new KitError(
        `Could not download ${tool.name} ${version} from ${url}: ${errorMessage(error)}. Check that cli-version names a published release.`,
      );
    }
    if (asset.checksums) await verifyChecksum(tool, version, asset, archive, base, deps);
    extracted = await deps.extract(archive);
  }
  if (!existsSync(binaryIn(extracted)))
    throw new KitError(`The ${tool.name} ${version} from ${url} has no ${asset.binary} in it.`);
  chmodSync(binaryIn(extracted), 0o755);
  const installed = await deps.cacheDir(extracted, tool.name, version);
  const binary = binaryIn(installed);
  const reported = tool.parseVersion(await deps.version(binary, tool.versionArgs));
  if (reported && reported !== version)
    throw new KitError(`The downloaded ${tool.name} says it is version ${reported}, not ${version}.`);
  if (deps.actionsCache) {
    try {
      await deps.actionsCache.save(cachePaths, key);
    } catch (error) {
      deps.log(`The Actions cache could not be written (${errorMessage(error)}); the next job downloads again.`);
    }
  }
  return done(binary, version, 'download');
}

/**
 * The archive's sha256 against the release's checksum file (`<sha256>  <file name>` lines,
 * as goreleaser writes them). No checksum file, no line for the archive, or another sum:
 * the CLI is not installed.
 */
async function verifyChecksum(
  tool: CliTool,
  version: string,
  asset: CliAsset,
  archive: string,
  base: string,
  deps: InstallDeps,
): Promise<void> {
  const name = path.posix.basename(asset.path);
  const tried: string[] = [];
  for (const candidate of asset.checksums ?? []) {
    const url = `${base}${candidate}`;
    let text: string;
    try {
      text = readFileSync(await deps.download(url), 'utf8');
    } catch (error) {
      tried.push(`${url} (${errorMessage(error)})`);
      continue;
    }
    const line = text.split(/\r?\n/).find((l) => l.trim().split(/\s+\*?/)[1] === name);
    const expected = line?.trim().split(/\s+/)[0]?.toLowerCase();
    if (!expected || !/^[0-9a-f]{64}$/.test(expected))
      throw new KitError(`${url} lists no sha256 for ${name}: not installing an unverified ${tool.name} ${version}.`);
    const actual = createHash('sha256').update(readFileSync(archive)).digest('hex');
    if (actual !== expected)
      throw new KitError(
        `The downloaded ${name} does not match the sha256 ${tool.name} published in ${url} (expected ${expected}, got ${actual}): the download is corrupt or was tampered with, so it was not installed.`,
      );
    deps.log(`Verified ${name}: its sha256 matches ${url}.`);
    return;
  }
  throw new KitError(
    `Could not read the checksums ${tool.name} ${version} publishes (tried ${tried.join('; ')}): not installing an unverified CLI.`,
  );
}

/** The real runner's dependencies: @actions/io, @actions/tool-cache, @actions/cache. */
export function runnerInstallDeps(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): InstallDeps {
  // tool-cache asserts these; outside a runner (a local run) keep the tools in the temp dir.
  env.RUNNER_TEMP ||= tmpdir();
  env.RUNNER_TOOL_CACHE ||= path.join(env.RUNNER_TEMP, 'deploy-kit-tools');
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
    extract: (archive) => tc.extractTar(archive),
    cacheDir: (dir, tool, version) => tc.cacheDir(dir, tool, version),
    actionsCache: cache.isFeatureAvailable()
      ? {
          restore: (paths, key) => cache.restoreCache(paths, key),
          save: async (paths, key) => {
            await cache.saveCache(paths, key);
          },
        }
      : undefined,
    env,
    log,
    platform: process.platform,
    arch: process.arch,
  };
}
