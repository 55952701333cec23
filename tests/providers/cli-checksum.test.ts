/**
 * flyctl's archive is checked against the checksum file its releases publish before it is
 * extracted: a match installs it, another sum, a missing line or no checksum file at all
 * refuses it. installCli with its real extract (tar) and a download that serves files from a
 * folder, as a mirror of the release paths would.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CliTool, type InstallDeps, installCli } from '../../src/providers/cli.js';
import { flyCli } from '../../src/providers/fly/install.js';

const VERSION = '0.4.115';
const DIR = `/superfly/flyctl/releases/download/v${VERSION}`;
const ARCHIVE = `flyctl_${VERSION}_Linux_x86_64.tar.gz`;
let root: string;
let served: Record<string, Buffer | string>;
let requested: string[];
let logs: string[];

function flyArchive(): Buffer {
  const dir = mkdtempSync(path.join(root, 'src-'));
  writeFileSync(
    path.join(dir, 'flyctl'),
    `#!/bin/sh\necho "flyctl v${VERSION} linux/amd64 Commit: abc BuildDate: 2026-08-01"\n`,
  );
  chmodSync(path.join(dir, 'flyctl'), 0o755);
  const file = path.join(root, ARCHIVE);
  execFileSync('tar', ['-czf', file, '-C', dir, 'flyctl']);
  return readFileSync(file);
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function deps(): InstallDeps {
  return {
    which: async () => undefined,
    version: async (binary) => execFileSync(binary, ['version'], { encoding: 'utf8' }),
    find: () => '',
    download: async (url) => {
      const at = new URL(url).pathname;
      requested.push(at);
      const body = served[at];
      if (body === undefined) throw new Error('Unexpected HTTP response: 404');
      const file = path.join(mkdtempSync(path.join(root, 'dl-')), 'file');
      writeFileSync(file, body);
      return file;
    },
    readText: async (url) => {
      const at = new URL(url).pathname;
      requested.push(at);
      const body = served[at];
      if (body === undefined) throw new Error('Unexpected HTTP response: 404');
      return body.toString();
    },
    extract: async (archive) => {
      const out = mkdtempSync(path.join(root, 'x-'));
      execFileSync('tar', ['-xzf', archive, '-C', out]);
      return out;
    },
    cacheDir: async (dir) => dir,
    env: { RUNNER_TOOL_CACHE: path.join(root, 'cache'), DEPLOY_KIT_CLI_MIRROR: 'http://127.0.0.1:9' },
    log: (line) => logs.push(line),
    platform: 'linux',
    arch: 'x64',
  };
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dk-fly-sum-'));
  mkdirSync(path.join(root, 'cache'));
  requested = [];
  logs = [];
  const archive = flyArchive();
  served = {
    [`${DIR}/${ARCHIVE}`]: archive,
    // goreleaser's format: "<sha256>  <file>" per asset
    [`${DIR}/flyctl_${VERSION}_checksums.txt`]: `${sha(Buffer.from('other'))}  flyctl_${VERSION}_macOS_arm64.tar.gz\n${sha(archive)}  ${ARCHIVE}\n`,
  };
});

describe('flyctl download, verified against the release checksums', () => {
  it('installs an archive whose sha256 matches the published one', async () => {
    const installed = await installCli(flyCli, VERSION, deps());
    expect(installed).toMatchObject({ version: VERSION, source: 'download' });
    expect(requested).toEqual([`${DIR}/flyctl_${VERSION}_checksums.txt`, `${DIR}/${ARCHIVE}`]);
    expect(logs.join('\n')).toContain(
      `${ARCHIVE} is published with sha256 ${sha(served[`${DIR}/${ARCHIVE}`] as Buffer)}`,
    );
  });

  it('falls back to checksums.txt, the name the older goreleaser config used', async () => {
    served[`${DIR}/checksums.txt`] = served[`${DIR}/flyctl_${VERSION}_checksums.txt`]!;
    delete served[`${DIR}/flyctl_${VERSION}_checksums.txt`];
    await expect(installCli(flyCli, VERSION, deps())).resolves.toMatchObject({ version: VERSION });
  });

  it('refuses an archive whose sha256 differs, before extracting it', async () => {
    served[`${DIR}/${ARCHIVE}`] = Buffer.concat([served[`${DIR}/${ARCHIVE}`] as Buffer, Buffer.from('x')]);
    await expect(installCli(flyCli, VERSION, deps())).rejects.toThrow(
      /The flyctl 0\.4\.115 downloaded from \S+ has sha256 [0-9a-f]{64}, not the published [0-9a-f]{64}: refusing to run it\./,
    );
  });

  it('refuses when the checksum file has no line for the archive', async () => {
    served[`${DIR}/flyctl_${VERSION}_checksums.txt`] =
      `${sha(Buffer.from('x'))}  flyctl_${VERSION}_Windows_x86_64.zip\n`;
    await expect(installCli(flyCli, VERSION, deps())).rejects.toThrow(`list no sha256 for ${ARCHIVE}`);
  });

  it('refuses when no checksum file can be read', async () => {
    delete served[`${DIR}/flyctl_${VERSION}_checksums.txt`];
    await expect(installCli(flyCli, VERSION, deps())).rejects.toThrow(
      /Could not read the checksums flyctl 0\.4\.115 publishes \(tried .*flyctl_0\.4\.115_checksums\.txt.*checksums\.txt/,
    );
  });
});

/**
 * A CLI installed as a folder (npm's `.bin/<name>` launcher running files beside it, as
 * squawk and vercel do): the tool-cache copy runs only while every file in it is as recorded.
 */
describe('a tool-cache copy is checked file by file, not only its launcher', () => {
  const installs: string[] = [];
  const folderCli: CliTool = {
    name: 'folder-cli',
    commands: ['folder-cli'],
    defaultVersion: '1.0.0',
    versionArgs: ['--version'],
    parseVersion: (output) => /folder-cli (\S+)/.exec(output)?.[1],
    asset: () => ({ path: '', binary: path.join('node_modules', '.bin', 'folder-cli') }),
    install: async () => {
      const dir = mkdtempSync(path.join(root, 'npm-'));
      mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
      mkdirSync(path.join(dir, 'node_modules', 'folder-cli'));
      writeFileSync(path.join(dir, 'node_modules', 'folder-cli', 'native'), 'echo "folder-cli 1.0.0"\n');
      const launcher = path.join(dir, 'node_modules', 'folder-cli', 'launcher');
      writeFileSync(launcher, '#!/bin/sh\nexec sh "$(dirname "$0")/../folder-cli/native"\n');
      chmodSync(launcher, 0o755);
      symlinkSync('../folder-cli/launcher', path.join(dir, 'node_modules', '.bin', 'folder-cli'));
      installs.push(dir);
      return dir;
    },
  };
  const withCache = (cached: string): InstallDeps => ({
    ...deps(),
    version: async (binary) => execFileSync(binary, ['--version'], { encoding: 'utf8' }),
    find: () => cached,
  });

  it('an untouched copy runs from the tool cache; one with a changed file is installed again', async () => {
    const first = await installCli(folderCli, '1.0.0', withCache(''));
    expect(first.source).toBe('download');
    const cached = installs[0] as string;
    await expect(installCli(folderCli, '1.0.0', withCache(cached))).resolves.toMatchObject({ source: 'tool cache' });
    expect(installs).toHaveLength(1);

    // The launcher is untouched; the file it runs is not.
    writeFileSync(path.join(cached, 'node_modules', 'folder-cli', 'native'), 'echo planted; echo "folder-cli 1.0.0"\n');
    const again = await installCli(folderCli, '1.0.0', withCache(cached));
    expect(again.source).toBe('download');
    expect(installs).toHaveLength(2);
    expect(logs.join('\n')).toMatch(
      new RegExp(
        `Refused the folder-cli 1\\.0\\.0 in the tool cache at ${cached}: its files' sha256 [0-9a-f]{64} is not the [0-9a-f]{64} recorded at install\\. Installing again\\.`,
      ),
    );
  });
});
