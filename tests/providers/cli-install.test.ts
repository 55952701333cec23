/**
 * Installing the platform CLI at a pinned version, through deploy-railway's dist/: a cold
 * tool cache downloads the release archive (from a mirror on 127.0.0.1 serving the same
 * paths as GitHub releases), a warm one reuses it, and a CLI on PATH is used when no
 * version is asked for. Railway publishes no checksums (its release workflow uploads only the
 * archives), so `cli-sha256` verifies the archive before it runs, and without it the summary
 * says the CLI is unverified.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT, runAction } from '../harness/runner.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

let sandbox: Sandbox;
let api: FakeRailwayApi;
let mirror: Server;
let mirrorUrl = '';
const requests: string[] = [];
const PINNED = '/railwayapp/cli/releases/download/v5.42.1/railway-v5.42.1-x86_64-unknown-linux-musl.tar.gz';
let pinnedSha = '';

/** A release archive like railwayapp/cli's: the `railway` executable at its root. */
function archive(version: string): Buffer {
  const dir = path.join(sandbox.dir, `archive-${version}`);
  mkdirSync(dir, { recursive: true });
  const script = path.join(dir, 'railway');
  writeFileSync(
    script,
    `#!/bin/sh\nFAKE_RAILWAY_VERSION=${version} exec node ${path.join(ROOT, 'tests/fakes/railway-cli.mjs')} "$@"\n`,
  );
  chmodSync(script, 0o755);
  const file = path.join(sandbox.dir, `railway-${version}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, 'railway']);
  return readFileSync(file);
}

beforeAll(async () => {
  sandbox = makeSandbox(
    {},
    initialRailwayState({ deployments: [existingDeployment('dep-0001-live', 'SUCCESS', '2026-11-01T10:00:00.000Z')] }),
    'FAKE_RAILWAY_STATE',
  );
  api = new FakeRailwayApi(sandbox.statePath);
  await api.start();
  const assets: Record<string, Buffer> = {
    [PINNED]: archive('5.42.1'),
    // An archive whose binary reports another version than its name says.
    '/railwayapp/cli/releases/download/v9.9.9/railway-v9.9.9-x86_64-unknown-linux-musl.tar.gz': archive('5.0.0'),
  };
  pinnedSha = createHash('sha256').update(assets[PINNED]!).digest('hex');
  mirror = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = assets[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/gzip' });
    res.end(body ?? 'Not Found');
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await api.stop();
  await new Promise<void>((resolve) => mirror.close(() => resolve()));
});

const deploy = (inputs: Record<string, string>) =>
  runAction('deploy-railway', {
    inputs: { token: api.load().projectToken, service: 'api', 'api-url': api.url, ...inputs },
    env: { ...sandbox.env, DEPLOY_KIT_CLI_MIRROR: mirrorUrl },
    cwd: sandbox.workspace,
  });

describe('CLI install', () => {
  it.each([process.arch])('downloads the pinned version into a cold tool cache, then reuses it (%s)', async () => {
    if (process.arch !== 'x64') return;
    rmSync(sandbox.env.RUNNER_TOOL_CACHE!, { recursive: true, force: true });
    const cold = await deploy({ 'cli-version': '5.42.1' });
    expect(cold.exitCode).toBe(0);
    expect(cold.summary).toMatch(/5\.42\.1 from download at \S+tool-cache\/railway\/5\.42\.1\/x64\/railway/);
    expect(requests).toEqual([
      '/railwayapp/cli/releases/download/v5.42.1/railway-v5.42.1-x86_64-unknown-linux-musl.tar.gz',
    ]);
    const warm = await deploy({ 'cli-version': 'v5.42.1' });
    expect(warm.exitCode).toBe(0);
    expect(warm.summary).toContain('5.42.1 from tool cache');
    expect(requests).toHaveLength(1);
  });

  it('with no cli-version and no CLI on PATH, installs the version deploy-kit pins', async () => {
    if (process.arch !== 'x64') return;
    rmSync(sandbox.env.RUNNER_TOOL_CACHE!, { recursive: true, force: true });
    const run = await deploy({});
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('5.42.1 from download');
  });

  it('refuses a download whose binary reports another version', async () => {
    if (process.arch !== 'x64') return;
    const run = await deploy({ 'cli-version': '9.9.9' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('The downloaded railway says it is version 5.0.0, not 9.9.9.');
  });

  it('names the version when the release does not exist', async () => {
    const run = await deploy({ 'cli-version': '1.2.3' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      /Could not download railway 1\.2\.3 from http:\/\/127\.0\.0\.1:\d+\/railwayapp\/cli\/releases\/download\/v1\.2\.3\//,
    );
  });

  it('rejects a cli-version that is not a version, before anything runs', async () => {
    const run = await deploy({ 'cli-version': 'latest' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Input "cli-version" is invalid: "latest" is not a version');
  });
});

describe('cli-sha256: Railway publishes no checksums', () => {
  const deploymentCount = () => api.load().deployments.length;
  const cold = () => {
    rmSync(sandbox.env.RUNNER_TOOL_CACHE!, { recursive: true, force: true });
    requests.length = 0;
  };

  it('without it, installs the archive and says in the log and summary that it is unverified', async () => {
    if (process.arch !== 'x64') return;
    cold();
    const run = await deploy({ 'cli-version': '5.42.1' });
    expect(run.exitCode).toBe(0);
    const unverified =
      "unverified: Railway publishes no checksums for its releases (set cli-sha256 to the archive's sha256 to verify it)";
    expect(run.summary).toContain(unverified);
    expect(run.log).toContain(`railway 5.42.1 is ${unverified}.`);
    // The next job's tool-cache copy is still reported unverified.
    const warm = await deploy({ 'cli-version': '5.42.1' });
    expect(warm.summary).toContain('5.42.1 from tool cache');
    expect(warm.summary).toContain(unverified);
  });

  it('with the archive sha256, verifies the download before it runs (upper case accepted)', async () => {
    if (process.arch !== 'x64') return;
    cold();
    const run = await deploy({ 'cli-version': '5.42.1', 'cli-sha256': pinnedSha.toUpperCase() });
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain('Verified railway 5.42.1: the archive has the sha256 given in cli-sha256.');
    expect(run.summary).toContain(`archive sha256 ${pinnedSha} (cli-sha256)`);
    expect(requests).toEqual([PINNED]);
    // The tool-cache copy remembers the archive it came from, so the next job trusts it.
    const warm = await deploy({ 'cli-sha256': pinnedSha });
    expect(warm.exitCode).toBe(0);
    expect(warm.summary).toContain('5.42.1 from tool cache');
    expect(warm.summary).toContain(`archive sha256 ${pinnedSha}, checked at install`);
    expect(requests).toHaveLength(1);
  });

  it('refuses an archive with another sha256, before the CLI ever runs', async () => {
    if (process.arch !== 'x64') return;
    cold();
    const before = deploymentCount();
    const wrong = 'ab'.repeat(32);
    const run = await deploy({ 'cli-sha256': wrong });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(
      `The railway 5.42.1 downloaded from ${mirrorUrl}${PINNED} has sha256 ${pinnedSha}, not the cli-sha256 ${wrong}: refusing to run it.`,
    );
    expect(deploymentCount()).toBe(before);
    expect(existsSync(path.join(sandbox.env.RUNNER_TOOL_CACHE!, 'railway'))).toBe(false);
  });

  it('does not trust a tool-cache copy installed without it: installs and checks again', async () => {
    if (process.arch !== 'x64') return;
    cold();
    expect((await deploy({})).exitCode).toBe(0);
    const run = await deploy({ 'cli-sha256': pinnedSha });
    expect(run.exitCode).toBe(0);
    expect(run.log).toMatch(
      new RegExp(
        `Refused the railway 5\\.42\\.1 in the tool cache at \\S+: it was not installed from an archive with the cli-sha256 ${pinnedSha}\\. Installing again\\.`,
      ),
    );
    expect(run.summary).toContain(`archive sha256 ${pinnedSha} (cli-sha256)`);
    expect(requests).toEqual([PINNED, PINNED]);
  });

  it('rejects a value that is not a sha256, before anything runs', async () => {
    requests.length = 0;
    const run = await deploy({ 'cli-sha256': 'deadbeef' });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('Input "cli-sha256" is invalid: "deadbeef" is not a sha256 (64 hexadecimal digits)');
    expect(requests).toEqual([]);
  });
});
