/**
 * Installs a platform CLI at a pinned version, once: the runner's tool cache first, then
 * the Actions cache (across jobs, when the service is available), then a download of the
 * platform's own release archive. With no version asked for, a CLI already on PATH is
 * used as it is and its version reported.
 *
 * The deploy job runs this CLI with the platform token, so nothing restored is trusted as
 * it is (issue 16): a tool-cache copy must match the sha256 recorded when it was
 * installed, and the Actions cache, which other jobs of the repository can write (a test
 * with the runtime token could plant a binary there), is used only for a tool that
 * publishes checksums. It holds the release archive itself, under a key naming the
 * published sha256, and an archive that does not hash to it is refused and downloaded
 * again. A download is checked against the published checksums too.
 */
import * as cache from '@actions/cache';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError, errorMessage } from '../lib/errors.js';
import { runCommand } from '../lib/exec.js';
import { publishedSha256, readRecord, recordInstall, sha256File } from './cli-verify.js';

export interface CliAsset {
  /** Path of the release archive below the download base (https://github.com by default). */
  path: string;
  /** The executable inside the extracted archive. */
  binary: string;
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
  /**
   * Paths (below the download base) where the release's published sha256 list may be, in
   * `sha256sum` format (`<hex>  <file name>`), tried in order; absent when the platform
   * publishes none.
   */
  checksums?(version: string): string[];
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
  /** A small text file (the published checksums). */
  readText(url: string): Promise<string>;
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
  if (cached && existsSync(binaryIn(cached))) {
    const record = readRecord(cached);
    const actual = await sha256File(binaryIn(cached));
    if (record === actual) return done(binaryIn(cached), version, 'tool cache');
    deps.log(
      `Refused the ${tool.name} ${version} in the tool cache at ${cached}: ${record ? `its sha256 ${actual} is not the ${record} recorded at install` : 'no sha256 was recorded at install'}. Installing again.`,
    );
    rmSync(cached, { recursive: true, force: true });
  }

  const base = (deps.env.DEPLOY_KIT_CLI_MIRROR || DEFAULT_DOWNLOAD_BASE).replace(/\/+$/, '');
  const url = tool.install ? `the ${tool.name} package` : `${base}${asset.path}`;
  const published =
    tool.checksums && !tool.install
      ? await publishedSha256(
          `${tool.name} ${version}`,
          tool.checksums(version).map((candidate) => `${base}${candidate}`),
          path.posix.basename(asset.path),
          deps,
        )
      : undefined;

  // Only an archive with a published sha256 goes through the Actions cache (see the top).
  const archiveFile = path.join(deps.env.RUNNER_TEMP ?? '', 'deploy-kit-cli', path.posix.basename(asset.path));
  const key = published && `deploy-kit-${tool.name}-${version}-${deps.platform}-${deps.arch}-sha256-${published}`;
  let archive: string | undefined;
  if (key && deps.actionsCache) {
    try {
      if (await deps.actionsCache.restore([archiveFile], key)) {
        const actual = await sha256File(archiveFile);
        if (actual === published) archive = archiveFile;
        else {
          deps.log(
            `Refused the ${tool.name} ${version} archive from the Actions cache: its sha256 ${actual} is not the published ${published}. Downloading instead.`,
          );
          rmSync(archiveFile, { force: true });
        }
      }
    } catch (error) {
      deps.log(`The Actions cache could not be read (${errorMessage(error)}); downloading instead.`);
    }
  }
  const source: InstalledCli['source'] = archive ? 'Actions cache' : 'download';

  let extracted: string;
  if (tool.install) {
    deps.log(`Installing ${tool.name} ${version} from ${url}`);
    extracted = await tool.install(version, deps.log);
  } else {
    if (!archive) {
      deps.log(`Installing ${tool.name} ${version} from ${url}`);
      archive = await download(tool, version, url, deps);
      const actual = await sha256File(archive);
      if (published && actual !== published)
        throw new KitError(
          `The ${tool.name} ${version} downloaded from ${url} has sha256 ${actual}, not the published ${published}: refusing to run it.`,
        );
    }
    extracted = await deps.extract(archive);
  }
  if (!existsSync(binaryIn(extracted)))
    throw new KitError(`The ${tool.name} ${version} from ${url} has no ${asset.binary} in it.`);
  chmodSync(binaryIn(extracted), 0o755);
  await recordInstall(extracted, binaryIn(extracted));
  const installed = await deps.cacheDir(extracted, tool.name, version);
  const binary = binaryIn(installed);
  const reported = tool.parseVersion(await deps.version(binary, tool.versionArgs));
  if (reported && reported !== version)
    throw new KitError(`The downloaded ${tool.name} says it is version ${reported}, not ${version}.`);
  if (key && deps.actionsCache && source === 'download' && archive) {
    try {
      mkdirSync(path.dirname(archiveFile), { recursive: true });
      if (archive !== archiveFile) copyFileSync(archive, archiveFile);
      await deps.actionsCache.save([archiveFile], key);
    } catch (error) {
      deps.log(`The Actions cache could not be written (${errorMessage(error)}); the next job downloads again.`);
    }
  }
  return done(binary, version, source);
}

async function download(tool: CliTool, version: string, url: string, deps: InstallDeps): Promise<string> {
  try {
    // tool-cache's downloadTool retries transient failures (5xx, 408, 429) itself.
    return await deps.download(url);
  } catch (error) {
    throw new KitError(
      `Could not download ${tool.name} ${version} from ${url}: ${errorMessage(error)}. Check that cli-version names a published release.`,
    );
  }
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
    readText: async (url) => readFileSync(await tc.downloadTool(url), 'utf8'),
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
