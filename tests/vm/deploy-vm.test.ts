/**
 * deploy-vm against a real OpenSSH server (tests/support/sshd.ts) and with host: local:
 * the compiled action (dist/deploy-vm) through the runner contract, deploying the
 * example app (examples/app) into an app folder whose name is hostile to shells.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { freePort } from '../../src/lib/net.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, expectSecretKept, runAction } from '../harness/runner.js';
import { startSshd, type Sshd } from '../support/sshd.js';
import { readInputs } from '../../src/lib/action-spec.js';
import { spec } from '../../src/actions/deploy-vm/spec.js';
import { vm } from '../../src/providers/vm/index.js';
import { rollbackFlow } from '../../src/providers/rollback.js';
import { runnerDeps } from '../../src/providers/runner-deps.js';
import type { ProviderInputs } from '../../src/providers/provider.js';

// Several deploys per test, each a few seconds of SSH round trips (more on a busy machine).
jest.setTimeout(180_000);

// A file and a folder name that break anything that pastes them into a shell.
const HOSTILE_FILE = `it's a "file" $(touch PWNED) ; rm -rf x \`id\`.txt`;
const HOSTILE_DIR = `app dir 'q' $(touch PWNED) "dq"`;

async function health(port: number): Promise<{ status: number; version?: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: response.status, version: ((await response.json()) as { version?: string }).version };
  } catch {
    return { status: 0 };
  }
}

/** A copy of the example app with its own VERSION (and UNHEALTHY switch). */
function appCopy(workspace: string, name: string, version: string, unhealthy = false): string {
  const dir = path.join(workspace, name);
  cpSync(path.join(ROOT, 'examples/app'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'VERSION'), version);
  writeFileSync(path.join(dir, HOSTILE_FILE), 'still here');
  if (unhealthy) writeFileSync(path.join(dir, 'UNHEALTHY'), '');
  return name;
}

function stopApp(appDir: string) {
  const pidfile = path.join(appDir, 'app.pid');
  if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
}

const releases = (appDir: string) => readdirSync(path.join(appDir, 'releases')).sort();
const live = (appDir: string) => path.basename(readlinkSync(path.join(appDir, 'current')));

describe('deploy-vm over SSH', () => {
  let sshd: Sshd;
  let workspace: string;
  let appDir: string;
  let appPort: number;
  let base: Record<string, string>;
  const ids: string[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    workspace = mkdtempSync(path.join(tmpdir(), 'dk-vm-ws-'));
    appDir = path.join(mkdtempSync(path.join(tmpdir(), 'dk-vm-host-')), HOSTILE_DIR);
    appPort = await freePort();
    base = {
      host: sshd.host,
      port: String(sshd.port),
      user: sshd.user,
      'ssh-key': sshd.privateKey,
      'known-hosts': sshd.knownHosts,
      'app-dir': appDir,
      'start-command': `APP_PORT=${appPort} NODE='${process.execPath}' sh deploy/start.sh`,
      'health-url': `http://127.0.0.1:${appPort}/health`,
      'health-timeout': '15s',
    };
  });
  afterAll(async () => {
    stopApp(appDir);
    await sshd.stop();
  });

  const deploy = (inputs: Record<string, string>) =>
    runAction('deploy-vm', { inputs: { ...base, ...inputs }, cwd: workspace, env: { GITHUB_SHA: 'a1b2c3d4e5f6' } });

  test('first deploy: shipped intact, started, healthy, then current; secrets kept', async () => {
    const run = await deploy({ source: appCopy(workspace, 'v1', 'v1') });
    expect(run.log).toContain('current → releases/');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    expect(run.outputs['previous-deployment-id']).toBe('');
    const id = run.outputs['deployment-id'] as string;
    expect(id).toMatch(/^\d{8}-\d{6}\.\d{3}-a1b2c3d$/);
    ids.push(id);
    expect(live(appDir)).toBe(id);
    expect(readFileSync(path.join(appDir, 'releases', id, HOSTILE_FILE), 'utf8')).toBe('still here');
    expect(readFileSync(path.join(appDir, 'releases', id, '.deploy-kit-status'), 'utf8').trim()).toBe('healthy');
    expect(await health(appPort)).toEqual({ status: 200, version: 'v1' });
    expect(run.outputs.url).toBe(`http://127.0.0.1:${appPort}`);
    // the runner trims inputs: the key as the action got it
    expectSecretKept(run, sshd.privateKey.trim());
    // nothing ran the names: no PWNED anywhere the commands ran
    for (const dir of [
      workspace,
      path.dirname(appDir),
      appDir,
      path.join(appDir, 'releases', id),
      process.env.HOME ?? '/root',
    ])
      expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
  });

  test('a release that fails its health check is never switched to; the live one serves again', async () => {
    const run = await deploy({ source: appCopy(workspace, 'v2', 'v2', true), 'health-timeout': '2s' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs['previous-deployment-id']).toBe(ids[0]);
    expect(run.log).toMatch(/health check failed for 2\.0 s: .*answered 503/);
    const failed = run.outputs['deployment-id'] as string;
    expect(failed).not.toBe(ids[0]);
    ids.push(failed);
    expect(live(appDir)).toBe(ids[0]);
    expect(readFileSync(path.join(appDir, 'releases', failed, '.deploy-kit-status'), 'utf8').trim()).toBe('failed');
    expect(await health(appPort)).toEqual({ status: 200, version: 'v1' });
  });

  test('an unknown host key is refused before anything runs', async () => {
    const before = releases(appDir);
    const run = await deploy({ source: appCopy(workspace, 'v9', 'v9'), 'known-hosts': sshd.wrongKnownHosts });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message).join('\n')).toMatch(
      /host key of .*127\.0\.0\.1:\d+ is not in the `known-hosts` input, or does not match it/,
    );
    expect(releases(appDir)).toEqual(before);
    expect(await health(appPort)).toEqual({ status: 200, version: 'v1' });
  });

  test('known-hosts is required for SSH, checked before any side effect', async () => {
    const run = await deploy({ source: appCopy(workspace, 'v8', 'v8'), 'known-hosts': '' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toMatch(/^Input "known-hosts" is required to deploy to 127\.0\.0\.1/);
  });

  test('a second good deploy, then rollback with provider vm switches back, restarts and verifies', async () => {
    const run = await deploy({ source: appCopy(workspace, 'v3', 'v3') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['previous-deployment-id']).toBe(ids[0]);
    ids.push(run.outputs['deployment-id'] as string);
    expect(await health(appPort)).toEqual({ status: 200, version: 'v3' });

    const raw: Record<string, string> = { ...base, 'working-directory': workspace };
    const inputs = readInputs(spec, { getInput: (name) => raw[name] ?? '', setSecret: () => undefined });
    const lines: string[] = [];
    const provider = vm.create(
      inputs as ProviderInputs<typeof vm.inputs>,
      runnerDeps(undefined, undefined, (l) => lines.push(l)),
    );
    const report = await rollbackFlow(provider, {
      reason: 'smoke test failed',
      timeoutMs: 30_000,
      log: (l) => lines.push(l),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    expect(report.rolledBack).toBe(true);
    // the failed v2 is skipped: the last healthy release before v3 is v1
    expect(report.target?.id).toBe(ids[0]);
    expect(report.live?.id).toBe(ids[0]);
    expect(live(appDir)).toBe(ids[0]);
    expect(await health(appPort)).toEqual({ status: 200, version: 'v1' });
  });

  test('keep-releases prunes the oldest, never the live one or its rollback target', async () => {
    const a = await deploy({ source: appCopy(workspace, 'v4', 'v4'), 'keep-releases': '2' });
    expect(a.exitCode).toBe(0);
    const b = await deploy({ source: appCopy(workspace, 'v5', 'v5'), 'keep-releases': '2' });
    expect(b.exitCode).toBe(0);
    expect(b.log).toMatch(/Removed old releases \(keep-releases 2\)/);
    expect(releases(appDir)).toEqual([a.outputs['deployment-id'], b.outputs['deployment-id']]);
    expect(live(appDir)).toBe(b.outputs['deployment-id']);
    expect(await health(appPort)).toEqual({ status: 200, version: 'v5' });
  });
});

describe('deploy-vm with host: local', () => {
  let workspace: string;
  let appDir: string;
  let appPort: number;
  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dk-vm-local-'));
    appDir = path.join(workspace, 'srv', HOSTILE_DIR);
    appPort = await freePort();
  });
  afterAll(() => stopApp(appDir));
  const deploy = (source: string, extra: Record<string, string> = {}) =>
    runAction('deploy-vm', {
      cwd: workspace,
      inputs: {
        host: 'local',
        'app-dir': appDir,
        source,
        'start-command': `APP_PORT=${appPort} NODE='${process.execPath}' sh deploy/start.sh`,
        'health-url': `http://127.0.0.1:${appPort}/health`,
        'health-timeout': '2s',
        ...extra,
      },
    });

  test('the same steps without SSH; a failed health check leaves current alone', async () => {
    const first = await deploy(appCopy(workspace, 'l1', 'l1'), {
      token: 'tok-not-for-the-app',
      'start-command': `APP_PORT=${appPort} NODE='${process.execPath}' sh deploy/start.sh; echo "token=\${INPUT_TOKEN:-unset}"`,
    });
    expect(first.exitCode).toBe(0);
    // the start command does not inherit the action's inputs
    expect(first.log).toContain('token=unset');
    expect(live(appDir)).toBe(first.outputs['deployment-id']);
    const second = await deploy(appCopy(workspace, 'l2', 'l2', true));
    expect(second.exitCode).toBe(1);
    expect(second.outputs['previous-deployment-id']).toBe(first.outputs['deployment-id']);
    expect(live(appDir)).toBe(first.outputs['deployment-id']);
    expect(await health(appPort)).toEqual({ status: 200, version: 'l1' });
  });

  test('bad inputs fail before anything is created', async () => {
    const relative = await deploy('l1', { 'app-dir': 'srv/app' });
    expect(relative.exitCode).toBe(1);
    expect(relative.annotations[0]?.message).toMatch(/Input "app-dir" is invalid: srv\/app is not an absolute path/);
    const missing = await deploy('nope');
    expect(missing.annotations[0]?.message).toMatch(/Input "source" is invalid: nope does not exist/);
    const host = await deploy('l1', { host: '-oProxyCommand=touch PWNED' });
    expect(host.annotations[0]?.message).toMatch(
      /Input "host" is invalid: "-oProxyCommand=touch PWNED" is not a host name/,
    );
    expect(existsSync(path.join(workspace, 'PWNED'))).toBe(false);
  });
});
