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
 * again. A download is checked against the published checksums too. Where a platform
 * publishes none (Railway), the user's own sha256 (`cli-sha256`) takes their place; without
 * it the install says, in the log and the summary, that the CLI is unverified.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { KitError, errorMessage } from '../lib/errors.js';
import {
  ARCHIVE_RECORD_FILE,
  publishedSha256,
  readRecord,
  recordInstall,
  sha256File,
  sha256Tree,
} from './cli-verify.js';

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
  /**
   * For a CLI whose releases publish no checksums: who ships it (for the "unverified"
   * notice) and the input that takes the archive's sha256 instead.
   */
  noChecksums?: { publisher: string; input: string };
}

export interface InstalledCli {
  path: string;
  version: string;
  source: 'PATH' | 'tool cache' | 'Actions cache' | 'download';
  /** How its integrity was checked, for the summary: the sha256 it matched, or why none. */
  verification: string;
  durationMs: number;
}

/** What the user asked for: a version (else the pin) and, for a CLI without checksums, the archive's sha256. */
export interface CliRequest {
  version?: string;
  sha256?: string;
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

/**
 * The CLI on PATH, used as it is, when neither a version nor a sha256 is asked for (with one,
 * the archive is installed instead); undefined when none of `tool.commands` is on PATH.
 */
export async function cliOnPath(
  tool: CliTool,
  request: CliRequest | string | undefined,
  deps: Pick<InstallDeps, 'which'>,
): Promise<{ command: string; path: string } | undefined> {
  const { version, sha256 } = typeof request === 'string' ? { version: request } : (request ?? {});
  if (version || sha256) return undefined;
  for (const command of tool.commands) {
    const found = await deps.which(command);
    if (found) return { command, path: found };
  }
  return undefined;
}

/** What a CLI found on PATH says its version is (`tool.versionArgs`). */
export const pathVersion = async (tool: CliTool, binary: string, deps: Pick<InstallDeps, 'version'>) =>
  tool.parseVersion(await deps.version(binary, tool.versionArgs)) ?? 'unknown version';

export async function installCli(
  tool: CliTool,
  request: CliRequest | string | undefined,
  deps: InstallDeps,
): Promise<InstalledCli> {
  const started = Date.now();
  const { version: requested, sha256 } = typeof request === 'string' ? { version: request } : (request ?? {});
  const pinned = sha256?.toLowerCase();
  const sha256Input = tool.noChecksums?.input ?? 'cli-sha256';
  const done = (
    found: string,
    version: string,
    source: InstalledCli['source'],
    verification: string,
  ): InstalledCli => ({ path: found, version, source, verification, durationMs: Date.now() - started });

  const onPath = await cliOnPath(tool, request, deps);
  if (onPath) {
    const version = await pathVersion(tool, onPath.path, deps);
    deps.log(`Using ${onPath.command} ${version} found on PATH at ${onPath.path}.`);
    return done(onPath.path, version, 'PATH', 'not checked (the CLI found on PATH)');
  }
  const version = requested ?? tool.defaultVersion;
  const asset = tool.asset(version, deps.platform, deps.arch);
  if (!asset)
    throw new KitError(
      `${tool.name} publishes no release for ${deps.platform}/${deps.arch}: install ${tool.name} yourself before this step and leave cli-version empty.`,
    );
  const binaryIn = (dir: string) => path.join(dir, asset.binary);
  const unverified = tool.noChecksums
    ? `unverified: ${tool.noChecksums.publisher} publishes no checksums for its releases (set ${sha256Input} to the archive's sha256 to verify it)`
    : 'unverified: no checksums were available';

  const cached = deps.find(tool.name, version);
  if (cached && existsSync(binaryIn(cached))) {
    const record = readRecord(cached);
    const archiveRecord = readRecord(cached, ARCHIVE_RECORD_FILE);
    const actual = await sha256Tree(cached);
    const problem =
      record !== actual
        ? record
          ? `its files' sha256 ${actual} is not the ${record} recorded at install`
          : 'no sha256 was recorded at install'
        : pinned && archiveRecord !== pinned
          ? `it was not installed from an archive with the ${sha256Input} ${pinned}`
          : undefined;
    if (!problem) {
      const verification = archiveRecord ? `archive sha256 ${archiveRecord}, checked at install` : unverified;
      if (!archiveRecord) deps.log(`The ${tool.name} ${version} in the tool cache is ${unverified}.`);
      return done(binaryIn(cached), version, 'tool cache', verification);
    }
    deps.log(`Refused the ${tool.name} ${version} in the tool cache at ${cached}: ${problem}. Installing again.`);
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
  if (published && pinned && published !== pinned)
    throw new KitError(
      `${sha256Input} ${pinned} is not the sha256 ${tool.name} ${version} publishes for ${path.posix.basename(asset.path)} (${published}): refusing to install it.`,
    );
  // The sha256 the archive must have, and where it comes from.
  const expected = pinned ?? published;
  const expectedFrom = pinned ? `${sha256Input} ` : 'published ';

  // Only an archive with a known sha256 goes through the Actions cache (see the top).
  const archiveFile = path.join(deps.env.RUNNER_TEMP ?? '', 'deploy-kit-cli', path.posix.basename(asset.path));
  const key = expected && `deploy-kit-${tool.name}-${version}-${deps.platform}-${deps.arch}-sha256-${expected}`;
  let archive: string | undefined;
  if (key && deps.actionsCache) {
    try {
      if (await deps.actionsCache.restore([archiveFile], key)) {
        const actual = await sha256File(archiveFile);
        if (actual === expected) archive = archiveFile;
        else {
          deps.log(
            `Refused the ${tool.name} ${version} archive from the Actions cache: its sha256 ${actual} is not the ${expectedFrom}${expected}. Downloading instead.`,
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
      if (expected && actual !== expected)
        throw new KitError(
          `The ${tool.name} ${version} downloaded from ${url} has sha256 ${actual}, not the ${expectedFrom}${expected}: refusing to run it.`,
        );
      if (pinned) deps.log(`Verified ${tool.name} ${version}: the archive has the sha256 given in ${sha256Input}.`);
    }
    extracted = await deps.extract(archive);
  }
  if (!existsSync(binaryIn(extracted)))
    throw new KitError(`The ${tool.name} ${version} from ${url} has no ${asset.binary} in it.`);
  chmodSync(binaryIn(extracted), 0o755);
  await recordInstall(extracted, tool.install ? undefined : expected);
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
  const verification = tool.install
    ? `installed by npm (${tool.name} ${version})`
    : expected
      ? `archive sha256 ${expected} (${pinned ? sha256Input : 'published with the release'})`
      : unverified;
  if (!tool.install && !expected) deps.log(`${tool.name} ${version} is ${unverified}.`);
  return done(binary, version, source, verification);
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
