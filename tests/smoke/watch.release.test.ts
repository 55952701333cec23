/**
 * A failed watch rolls a release back (dist/release, provider vm with host: local): v2 of the
 * example app goes live healthy, passes its smoke test, then degrades while the manifest's
 * `smoke.watch` window runs → the release is rolled back to v1, which serves again; the same
 * through the umbrella deploy action's `smoke-watch`.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/lib/net.js';
import { ROOT, runAction } from '../harness/runner.js';

jest.setTimeout(120_000);

// The example app behind a switch: once the file DEGRADE_FILE names exists, / answers 500.
const DEGRADING_SERVER = `import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { handle } from './app.js';
createServer((req, res) => {
  if (req.url === '/' && existsSync(process.env.DEGRADE_FILE)) {
    res.writeHead(500, { 'content-type': 'application/json' });
    return res.end('{"error":"degraded after going live"}');
  }
  handle(req, res);
}).listen(Number(process.env.APP_PORT), '127.0.0.1');
`;

describe('release with a watch window (vm, host: local)', () => {
  let workspace: string;
  let port: number;
  let trigger: string;
  const appDir = () => path.join(workspace, 'srv', 'api');

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'dk-watch-release-'));
    trigger = path.join(workspace, 'DEGRADE');
    port = await freePort();
  });
  afterAll(() => {
    const pidfile = path.join(appDir(), 'app.pid');
    if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
  });

  function source(version: string, degrading: boolean): string {
    const dir = path.join(workspace, `api-${version}`);
    cpSync(path.join(ROOT, 'examples/app'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'VERSION'), version);
    if (degrading) {
      renameSync(path.join(dir, 'server.js'), path.join(dir, 'app.js'));
      writeFileSync(path.join(dir, 'server.js'), DEGRADING_SERVER);
    }
    return path.basename(dir);
  }

  function manifest(src: string, smoke: string): void {
    writeFileSync(
      path.join(workspace, 'deploy-kit.yml'),
      [
        'services:',
        '  api:',
        '    provider: vm',
        '    host: local',
        `    app-dir: ${JSON.stringify(appDir())}`,
        `    source: ${src}`,
        `    start-command: DEGRADE_FILE='${trigger}' APP_PORT=${port} NODE='${process.execPath}' sh deploy/start.sh`,
        `    health-url: http://127.0.0.1:${port}/health`,
        '    health-timeout: 5s',
        `    smoke: { path: /, expect-version: true, timeout: 3s, interval: 200ms, requests: 2, ${smoke} }`,
        '',
      ].join('\n'),
    );
  }

  const release = (version: string, extra: Parameters<typeof runAction>[1] = {}) =>
    runAction('release', {
      ...extra,
      cwd: workspace,
      inputs: { environment: 'production', version, timeout: '2m' },
      env: { GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'acme/shop', SSH_KEY: 'unused-by-host-local' },
    });
  const version = async () =>
    ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { version: string }).version;

  test('v2 degrades during the watch: rolled back to v1, which is live again', async () => {
    manifest(source('v1', false), 'watch: 1s');
    const first = await release('v1');
    expect(first.exitCode).toBe(0);
    expect(first.log).toMatch(/watching for 1\.0 s: 5 rounds/);

    manifest(source('v2', true), 'watch: 20s, max-error-rate: 0.5');
    const started = Date.now();
    const run = await release('v2', {
      onOutput: (chunk) => {
        // Live and smoke-tested: now it breaks.
        if (chunk.includes('watching for') && !existsSync(trigger)) writeFileSync(trigger, '');
      },
    });
    rmSync(trigger, { force: true });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api']);
    const record = JSON.parse(run.outputs.release as string);
    expect(record.services.api.smoke).toBe('failed');
    expect(run.annotations.map((a) => a.message).join('\n')).toMatch(
      /api's smoke test failed: The watch window failed after [\d.]+ (s|ms): \/ failed 3 checks in a row in the watch window \(max-consecutive-failures 3\); last: status 500, expected 200/,
    );
    // It stopped at the third failure, long before the 20 s window ended.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.summary).toContain('watch timeline');
    expect(await version()).toBe('v1');
  });

  test('the umbrella deploy (provider vm): a failed smoke-watch rolls back the same way', async () => {
    const started = Date.now();
    const run = await runAction('deploy', {
      cwd: workspace,
      inputs: {
        provider: 'vm',
        host: 'local',
        'app-dir': appDir(),
        source: source('v4', true),
        'start-command': `DEGRADE_FILE='${trigger}' APP_PORT=${port} NODE='${process.execPath}' sh deploy/start.sh`,
        'health-url': `http://127.0.0.1:${port}/health`,
        'health-timeout': '5s',
        'smoke-url': `http://127.0.0.1:${port}`,
        'smoke-expect-version': 'v4',
        'smoke-interval': '200ms',
        'smoke-requests': '2',
        'smoke-watch': '20s',
        'smoke-max-error-rate': '0.5',
        'rollback-on-failure': 'true',
      },
      onOutput: (chunk) => {
        if (chunk.includes('watching for') && !existsSync(trigger)) writeFileSync(trigger, '');
      },
    });
    rmSync(trigger, { force: true });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ 'smoke-passed': 'false', 'rolled-back': 'true' });
    expect(run.log).toMatch(/The smoke test of the new deployment failed: The watch window failed after/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await version()).toBe('v1');
  });

  test('a manifest watch shorter than its interval fails before anything is deployed', async () => {
    manifest(source('v3', false), 'watch: 100ms');
    const run = await release('v3');
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain(
      'service "api", key "smoke.watch" is 100 ms, shorter than the interval between checks (200 ms)',
    );
    expect(await version()).toBe('v1');
  });
});
