/**
 * Deploy overhead (npm run bench -- deploy): what deploy-kit adds to a deploy beyond the
 * platform CLI's own time, through dist/ exactly as the runner runs it, with the fake
 * flyctl and railway (tests/fakes/) so the CLI's time is small and known.
 *   overhead = step wall time − the `deploy` CLI call's own time
 * It covers the node start and bundle load, reading inputs, recording what is live
 * (one `fly releases` / two GraphQL calls), verifying with the platform afterwards, the
 * summary, and installing the CLI: from PATH, a warm tool cache, or cold (download
 * from a release mirror on 127.0.0.1 + extract + cache). A real platform adds its API
 * latency to the record/verify calls; this measures the kit's own share.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT, runAction } from '../tests/harness/runner.js';
import { initialFlyState, writeFly } from '../tests/fakes/fly-state.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../tests/fakes/railway-api.js';
import { makeSandbox } from '../tests/providers/fake-bin.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';

const RUNS = scaled(5, 1);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** "CLI result</td><td>exit 0 after 483 ms" and "CLI</td><td>… (512 ms)" from the summary. */
function timesFrom(summary: string): { cliMs: number; installMs: number } {
  const ms = (text: string | undefined) => {
    if (!text) return NaN;
    const [, n, unit] = /([\d.]+) (ms|s)/.exec(text) ?? [];
    return Number(n) * (unit === 's' ? 1000 : 1);
  };
  return {
    cliMs: ms(/CLI result<\/td><td>[^<]*after ([^<]+)</.exec(summary)?.[1]),
    installMs: ms(/<td>CLI<\/td><td>[^<]*\(([^)]+)\)/.exec(summary)?.[1]),
  };
}

export default async function bench(): Promise<BenchTable[]> {
  const rows: Array<Record<string, string | number>> = [];

  // Fly: one CLI call for the deploy; the kit adds two `fly releases` calls (record, verify).
  const fly = makeSandbox({}, initialFlyState(), 'FAKE_FLY_STATE');
  const flyOnPath = path.join(fly.dir, 'path-bin');
  mkdirSync(flyOnPath);
  const wrapper = (dir: string, version: string) => {
    const file = path.join(dir, 'flyctl');
    writeFileSync(
      file,
      `#!/bin/sh\nFAKE_FLY_VERSION=${version} exec node ${path.join(ROOT, 'tests/fakes/fly-cli.mjs')} "$@"\n`,
    );
    chmodSync(file, 0o755);
    return file;
  };
  wrapper(flyOnPath, '0.4.115');
  const archiveDir = path.join(fly.dir, 'archive');
  mkdirSync(archiveDir);
  wrapper(archiveDir, '0.4.115');
  const tarball = path.join(fly.dir, 'flyctl.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', archiveDir, 'flyctl']);
  const asset = readFileSync(tarball);
  // The release's checksums file, as flyctl's releases publish it: the kit verifies the archive against it.
  const checksums = `${createHash('sha256').update(asset).digest('hex')}  flyctl_0.4.115_Linux_x86_64.tar.gz\n`;
  const mirror = createServer((req, res) => {
    const isChecksums = /checksums\.txt$/.test(req.url ?? '');
    res.writeHead(200, { 'content-type': isChecksums ? 'text/plain' : 'application/gzip' });
    res.end(isChecksums ? checksums : asset);
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;

  const cases: Array<{ name: string; inputs: Record<string, string>; path: string; before?: () => void }> = [
    { name: 'CLI on PATH', inputs: {}, path: `${flyOnPath}:${fly.env.PATH}` },
    { name: 'warm tool cache (cli-version set)', inputs: { 'cli-version': '0.4.115' }, path: fly.env.PATH! },
    {
      name: 'cold tool cache (download + extract)',
      inputs: { 'cli-version': '0.4.115' },
      path: fly.env.PATH!,
      before: () => rmSync(fly.env.RUNNER_TOOL_CACHE!, { recursive: true, force: true }),
    },
  ];
  // Fill the tool cache once so the "warm" case is warm.
  await runAction('deploy-fly', {
    inputs: { token: initialFlyState().token, app: 'shop-api', 'cli-version': '0.4.115' },
    env: { ...fly.env, DEPLOY_KIT_CLI_MIRROR: mirrorUrl },
    cwd: fly.workspace,
  });
  for (const c of cases) {
    const totals: number[] = [];
    const clis: number[] = [];
    const installs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      writeFly(fly.statePath, initialFlyState());
      c.before?.();
      const run = await runAction('deploy-fly', {
        inputs: { token: initialFlyState().token, app: 'shop-api', ...c.inputs },
        env: { ...fly.env, PATH: c.path, DEPLOY_KIT_CLI_MIRROR: mirrorUrl },
        cwd: fly.workspace,
      });
      if (run.exitCode !== 0) throw new Error(`deploy-fly failed in the bench: ${run.log}`);
      const times = timesFrom(run.summary);
      totals.push(run.durationMs);
      clis.push(times.cliMs);
      installs.push(times.installMs);
    }
    rows.push({
      provider: 'fly',
      CLI: c.name,
      'step (median ms)': Math.round(median(totals)),
      '`fly deploy` itself (ms)': Math.round(median(clis)),
      'of which CLI lookup/install (ms)': Math.round(median(installs)),
      'kit overhead (ms)': Math.round(median(totals) - median(clis)),
    });
  }
  await new Promise<void>((resolve) => mirror.close(() => resolve()));

  // Railway: `railway up --detach` returns after the upload; the kit then follows the
  // deployment through the API. The platform's build time (the fake moves one status
  // per request) is waiting, not overhead: shown apart.
  const railway = makeSandbox({ railway: 'railway-cli.mjs' }, initialRailwayState(), 'FAKE_RAILWAY_STATE');
  const api = new FakeRailwayApi(railway.statePath);
  await api.start();
  const totals: number[] = [];
  const clis: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    api.save(
      initialRailwayState({
        deployments: [existingDeployment('dep-0001-live', 'SUCCESS', '2026-11-01T10:00:00.000Z')],
      }),
    );
    const run = await runAction('deploy-railway', {
      inputs: { token: initialRailwayState().projectToken, service: 'api', 'api-url': api.url },
      env: railway.env,
      cwd: railway.workspace,
    });
    if (run.exitCode !== 0) throw new Error(`deploy-railway failed in the bench: ${run.log}`);
    totals.push(run.durationMs);
    clis.push(timesFrom(run.summary).cliMs);
  }
  await api.stop();
  rows.push({
    provider: 'railway',
    CLI: 'CLI on PATH',
    'step (median ms)': Math.round(median(totals)),
    '`fly deploy` itself (ms)': '—',
    'of which CLI lookup/install (ms)': '—',
    'kit overhead (ms)': Math.round(median(totals) - median(clis)),
  });

  return [
    {
      title: `Deploy overhead beyond the CLI's own time (median of ${RUNS} runs through dist/)`,
      rows,
      notes: [
        'step = spawning node on dist/<action>/index.js until it exits, as the runner does.',
        'Cold = empty tool cache: download of the release archive from a local mirror, extract, cache, `flyctl version` check.',
        "Railway: the CLI time is `railway up --detach --json` plus the kit's wait for the deployment to settle (the fake takes four status reads), reported together as the attempt; the overhead is the rest.",
      ],
    },
  ];
}
