/**
 * Release overhead (npm run bench -- release): a three-service release through dist/release
 * against the same three services released the single-service way, deploy-vm then
 * smoke-test per service, one after the other (six steps). Both do the same provider work
 * (vm with host: local, the example app) and the same smoke tests, so the ratio of their
 * wall times is the release action's own cost: one node start instead of six, the manifest,
 * the ordering, the progress saved to GITHUB_STATE and the summary. Target: ≤ 1.2×.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../src/lib/net.js';
import { ROOT, runAction } from '../tests/harness/runner.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';

const RUNS = scaled(3, 1);
const NAMES = ['api', 'worker', 'web'];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export default async function bench(): Promise<BenchTable> {
  const workspace = mkdtempSync(path.join(tmpdir(), 'dk-release-bench-'));
  const ports: Record<string, number> = {};
  for (const name of NAMES) ports[name] = await freePort();
  const appDir = (name: string) => path.join(workspace, 'srv', name);
  const source = (version: string) => {
    const dir = path.join(workspace, `app-${version}`);
    if (!existsSync(dir)) {
      cpSync(path.join(ROOT, 'examples/app'), dir, { recursive: true });
      writeFileSync(path.join(dir, 'VERSION'), version);
    }
    return path.basename(dir);
  };
  const inputs = (name: string, version: string) => ({
    host: 'local',
    'app-dir': appDir(name),
    source: source(version),
    'start-command': `APP_PORT=${ports[name]} NODE='${process.execPath}' sh deploy/start.sh`,
    'health-url': `http://127.0.0.1:${ports[name]}/health`,
    'health-timeout': '10s',
  });
  const smoke = { path: '/health', 'expect-version': '', timeout: '10s', interval: '100ms', requests: '5' };
  const env = { GITHUB_SHA: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2' };

  async function release(version: string): Promise<number> {
    const services = NAMES.map((name, i) => {
      const lines = Object.entries(inputs(name, version)).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
      const smokeLine = `    smoke: { path: /health, expect-version: true, timeout: 10s, interval: 100ms, requests: 5 }`;
      return [
        `  ${name}:`,
        '    provider: vm',
        ...lines,
        smokeLine,
        ...(i ? [`    needs: [${NAMES[i - 1]}]`] : []),
      ].join('\n');
    });
    writeFileSync(path.join(workspace, 'deploy-kit.yml'), `services:\n${services.join('\n')}\n`);
    const run = await runAction('release', { cwd: workspace, env, inputs: { environment: 'production', version } });
    if (run.exitCode !== 0) throw new Error(`release failed: ${run.annotations.map((a) => a.message).join('; ')}`);
    return run.durationMs;
  }

  async function singles(version: string): Promise<number> {
    let total = 0;
    for (const name of NAMES) {
      const deploy = await runAction('deploy-vm', { cwd: workspace, env, inputs: inputs(name, version) });
      if (deploy.exitCode !== 0) throw new Error(`deploy-vm failed: ${deploy.log.slice(-500)}`);
      const test = await runAction('smoke-test', {
        cwd: workspace,
        env,
        inputs: { ...smoke, url: deploy.outputs.url as string, 'expect-version': version },
      });
      if (test.exitCode !== 0) throw new Error(`smoke-test failed: ${test.log.slice(-500)}`);
      total += deploy.durationMs + test.durationMs;
    }
    return total;
  }

  const releaseMs: number[] = [];
  const singleMs: number[] = [];
  try {
    await singles('v0'); // warm-up: first deployments, page cache
    for (let i = 1; i <= RUNS; i++) {
      singleMs.push(await singles(`s${i}`));
      releaseMs.push(await release(`r${i}`));
    }
  } finally {
    for (const name of NAMES) {
      const pidfile = path.join(appDir(name), 'app.pid');
      if (existsSync(pidfile)) spawnSync('kill', [readFileSync(pidfile, 'utf8').trim()]);
    }
  }
  const ratio = median(releaseMs) / median(singleMs);
  return {
    title: `Release of three services vs three deploy-vm + smoke-test pairs (median of ${RUNS})`,
    rows: [
      { way: 'release (one step)', 'wall ms': Math.round(median(releaseMs)) },
      { way: '3 × (deploy-vm, smoke-test)', 'wall ms': Math.round(median(singleMs)) },
      { way: 'ratio', 'wall ms': ratio.toFixed(2), 'target ≤ 1.2×': ratio <= 1.2 ? 'met' : 'NOT met' },
    ],
    notes: ['Same provider work and smoke tests on both sides (vm, host: local, the example app).'],
  };
}
