/**
 * A platform CLI restored from a cache runs with the platform token, so it must be the
 * one its publisher released (issue 16). A flyctl planted in the Actions cache (as a test
 * holding the runner's runtime token could) or in the tool cache is refused; the archive
 * is downloaded and checked against flyctl's published checksums file, and only such a
 * verified archive is cached for the next job. Through deploy-fly's dist/, with the real
 * @actions/cache client against the fake cache service and a mirror of GitHub releases
 * on 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT, runAction } from '../harness/runner.js';
import { initialFlyState, readFly } from '../fakes/fly-state.js';
import { type FakeCacheService, startFakeCacheService } from '../test-gate/fake-cache-service.js';
import { type Sandbox, makeSandbox } from './fake-bin.js';

const VERSION = '0.4.115';
const ASSET = `flyctl_${VERSION}_Linux_x86_64.tar.gz`;
const RELEASE = `/superfly/flyctl/releases/download/v${VERSION}`;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let sandbox: Sandbox;
let service: FakeCacheService;
let mirror: Server;
let mirrorUrl = '';
let genuine: Buffer;
const requests: string[] = [];
const assets: Record<string, Buffer> = {};
let runnerTemp = '';
let pwned = '';

/** A tar.gz holding `flyctl` with this script body. */
function tarball(name: string, script: string): Buffer {
  const dir = mkdtempSync(path.join(sandbox.dir, `${name}-`));
  writeFileSync(path.join(dir, 'flyctl'), script);
  chmodSync(path.join(dir, 'flyctl'), 0o755);
  const file = path.join(sandbox.dir, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', dir, 'flyctl']);
  return readFileSync(file);
}

const realFlyctl = () => `#!/bin/sh\nexec node ${path.join(ROOT, 'tests/fakes/fly-cli.mjs')} "$@"\n`;
// What an attacker's test would plant: it copies the token out, then behaves like flyctl.
const plantedFlyctl = () => `#!/bin/sh\nprintenv FLY_API_TOKEN > ${pwned}\n${realFlyctl().split('\n')[1]}\n`;

/** Saves paths under key with the real @actions/cache client, as code holding the runtime token can. */
async function plantInActionsCache(paths: string[], key: string) {
  const bundle = path.join(ROOT, 'dist/runner-cache/index.js');
  // Not execFileSync: the fake cache service answers from this process's event loop.
  await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const c = await import(${JSON.stringify(bundle)}); await c.saveCache(${JSON.stringify(paths)}, ${JSON.stringify(key)});`,
    ],
    // The cache stores paths relative to the workspace: the same one the deploy restores into
    // (from the repository's folder instead, the restore lands elsewhere unless both happen to
    // be as deep).
    {
      cwd: sandbox.workspace,
      env: {
        ...process.env,
        ...cacheEnv(),
        GITHUB_WORKSPACE: sandbox.workspace,
        RUNNER_TOOL_CACHE: sandbox.env.RUNNER_TOOL_CACHE,
      },
    },
  );
}

const cacheEnv = () => ({
  ACTIONS_CACHE_URL: service.url,
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  RUNNER_TEMP: runnerTemp,
});

const deploy = () =>
  runAction('deploy-fly', {
    inputs: { token: readFly(sandbox.statePath).token, app: 'shop-api', 'cli-version': VERSION },
    env: { ...sandbox.env, ...cacheEnv(), DEPLOY_KIT_CLI_MIRROR: mirrorUrl },
    cwd: sandbox.workspace,
    timeoutMs: 90_000,
  });

/** A fresh machine: empty tool cache and temp folder. */
function freshMachine() {
  rmSync(sandbox.env.RUNNER_TOOL_CACHE!, { recursive: true, force: true });
  rmSync(runnerTemp, { recursive: true, force: true });
  mkdirSync(runnerTemp, { recursive: true });
}

beforeAll(async () => {
  sandbox = makeSandbox({}, initialFlyState(), 'FAKE_FLY_STATE');
  runnerTemp = path.join(sandbox.dir, 'runner-temp');
  pwned = path.join(sandbox.dir, 'token-stolen.txt');
  genuine = tarball('genuine', realFlyctl());
  assets[`${RELEASE}/${ASSET}`] = genuine;
  assets[`${RELEASE}/flyctl_${VERSION}_checksums.txt`] = Buffer.from(
    `${'0'.repeat(64)}  flyctl_${VERSION}_Linux_arm64.tar.gz\n${sha256(genuine)}  ${ASSET}\n`,
  );
  // 0.4.116: the mirror serves an archive that is not the one the checksums list names.
  assets['/superfly/flyctl/releases/download/v0.4.116/flyctl_0.4.116_Linux_x86_64.tar.gz'] = tarball(
    'tampered',
    plantedFlyctl(),
  );
  assets['/superfly/flyctl/releases/download/v0.4.116/flyctl_0.4.116_checksums.txt'] = Buffer.from(
    `${sha256(genuine)}  flyctl_0.4.116_Linux_x86_64.tar.gz\n`,
  );
  mirror = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = assets[req.url ?? ''];
    res.writeHead(body ? 200 : 404);
    res.end(body ?? 'Not Found');
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await service?.close();
  await new Promise<void>((resolve) => mirror.close(() => resolve()));
});

beforeEach(async () => {
  await service?.close();
  service = await startFakeCacheService();
  requests.length = 0;
  rmSync(pwned, { force: true });
  freshMachine();
});

describe('a cached flyctl runs only when it is the published one', () => {
  it('refuses a flyctl planted in the Actions cache, under the old key and under the new one', async () => {
    if (process.arch !== 'x64') return;
    const planted = tarball('planted', plantedFlyctl());
    // The key and folders deploy-kit used before: the tool-cache folder itself.
    const toolDir = path.join(sandbox.env.RUNNER_TOOL_CACHE!, 'flyctl', VERSION, 'x64');
    mkdirSync(toolDir, { recursive: true });
    execFileSync('tar', ['-xzf', '-', '-C', toolDir], { input: planted });
    writeFileSync(`${toolDir}.complete`, '');
    await plantInActionsCache([toolDir, `${toolDir}.complete`], `deploy-kit-flyctl-${VERSION}-linux-x64`);
    // The key now used names the published sha256, which the attacker can read too.
    const archive = path.join(runnerTemp, 'deploy-kit-cli', ASSET);
    mkdirSync(path.dirname(archive), { recursive: true });
    writeFileSync(archive, planted);
    await plantInActionsCache([archive], `deploy-kit-flyctl-${VERSION}-linux-x64-sha256-${sha256(genuine)}`);
    expect(service.entries()).toHaveLength(2);
    freshMachine();

    const run = await deploy();
    expect(existsSync(pwned)).toBe(false);
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain(
      `Refused the flyctl ${VERSION} archive from the Actions cache: its sha256 ${sha256(planted)} is not the published ${sha256(genuine)}. Downloading instead.`,
    );
    expect(requests).toEqual([`${RELEASE}/flyctl_${VERSION}_checksums.txt`, `${RELEASE}/${ASSET}`]);
    expect(run.summary).toContain(`${VERSION} from download`);
  });

  it('caches the verified archive, and a fresh machine restores and runs it without downloading it', async () => {
    if (process.arch !== 'x64') return;
    const first = await deploy();
    expect(first.exitCode).toBe(0);
    expect(service.entries().map((e) => e.key)).toEqual([
      `deploy-kit-flyctl-${VERSION}-linux-x64-sha256-${sha256(genuine)}`,
    ]);
    freshMachine();
    requests.length = 0;
    const second = await deploy();
    expect(second.exitCode).toBe(0);
    expect(second.summary).toContain(`${VERSION} from Actions cache`);
    expect(requests).toEqual([`${RELEASE}/flyctl_${VERSION}_checksums.txt`]);
    // The same machine again: the tool cache, whose sha256 matches the record.
    const third = await deploy();
    expect(third.summary).toContain(`${VERSION} from tool cache`);
  });

  it('refuses a flyctl planted in the tool cache without the sha256 recorded at install', async () => {
    if (process.arch !== 'x64') return;
    const toolDir = path.join(sandbox.env.RUNNER_TOOL_CACHE!, 'flyctl', VERSION, 'x64');
    mkdirSync(toolDir, { recursive: true });
    execFileSync('tar', ['-xzf', '-', '-C', toolDir], { input: tarball('planted-local', plantedFlyctl()) });
    writeFileSync(`${toolDir}.complete`, '');
    const run = await deploy();
    expect(existsSync(pwned)).toBe(false);
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain(
      `Refused the flyctl ${VERSION} in the tool cache at ${toolDir}: no sha256 was recorded at install.`,
    );
    expect(run.summary).toContain(`${VERSION} from download`);
  });

  it('refuses a download that does not match the published checksums, before running it', async () => {
    if (process.arch !== 'x64') return;
    const run = await runAction('deploy-fly', {
      inputs: { token: readFly(sandbox.statePath).token, app: 'shop-api', 'cli-version': '0.4.116' },
      env: { ...sandbox.env, ...cacheEnv(), DEPLOY_KIT_CLI_MIRROR: mirrorUrl },
      cwd: sandbox.workspace,
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      /The flyctl 0\.4\.116 downloaded from \S+ has sha256 [0-9a-f]{64}, not the published [0-9a-f]{64}: refusing to run it\./,
    );
    expect(existsSync(pwned)).toBe(false);
    expect(service.entries()).toEqual([]);
  });
});
