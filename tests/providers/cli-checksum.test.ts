/**
 * flyctl's archive is checked against the checksum file its releases publish before it is
 * extracted: a match installs it, another sum, a missing line or no checksum file at all
 * refuses it. installCli with its real extract (tar) and a download that serves files from a
 * folder, as a mirror of the release paths would.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type InstallDeps, installCli } from '../../src/providers/cli.js';
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
