/**
 * smoke-test `watch`: what a 10-minute watch window costs the runner (issue 15, "sampling
 * costs the runner little"). The compiled action runs as the runner starts it (the runner's
 * variables only, INPUT_* and the GITHUB_* files) with `watch: 10m` and the default
 * interval against a server on 127.0.0.1; beside it, the floor: a bare node:http loop making
 * the same requests (readiness + latency sample back to back, then one per interval for the
 * same window). Both are node started with a small preload that writes
 * process.resourceUsage() (user + system CPU, peak RSS) to a file at exit, so the figures
 * are the child's own, not the bench's. The two run side by side (one core each) to keep
 * the full bench at 10 minutes. Quick mode watches 3 s at a 1 s interval (the default 5 s
 * would refuse a watch shorter than itself).
 *
 * Full run here (2 shared cores, load 5.4): 141 requests each; action 0.300 s CPU, 50.9 MB
 * peak, floor 0.228 s, 47.5 MB (ratio 1.32 CPU, 1.07 RSS); 2.5 ms per watch sample, 0.05% of
 * one core (hand measurement before: 0.41 s, 54 MB).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, inputVariable, parseCommandFile } from '../src/cli/local-runner.js';
import { startHttpServer, type TestServer } from '../tests/support/http-server.js';
import type { BenchTable } from './run.js';
import { QUICK, size as scaled } from './scale.js';
import { runnerEnv, timeProcess } from './measure.js';

const WATCH_MS = scaled(600_000, 3_000);
/** Unset in the full run: the action's default (5s). */
const INTERVAL = scaled(undefined, '1s');
const INTERVAL_MS = scaled(5_000, 1_000);
/** Requests before the window: the one readiness check that passes, then `requests` (default 20). */
const BEFORE_WATCH = 1 + 20;

/** The floor: BEFORE back-to-back GETs to TARGET, then one every INTERVAL_MS for WATCH_MS (same slots as the action). */
const FLOOR_LOOP = `
import http from 'node:http';
const get = (url) => new Promise((resolve, reject) => http.get(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject));
const [target, before, intervalMs, watchMs] = [process.env.TARGET, ...['BEFORE', 'INTERVAL_MS', 'WATCH_MS'].map((k) => Number(process.env[k]))];
for (let i = 0; i < before; i++) if ((await get(target)) !== 200) process.exit(1);
const started = Date.now();
for (let round = 1; round <= Math.floor(watchMs / intervalMs); round++) {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + round * intervalMs - Date.now())));
  if ((await get(target)) !== 200) process.exit(1);
}
`;

/** A preload that writes the process's own CPU and peak RSS to `file` when it exits. */
const preload = (file: string) => `
process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify({ userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKb: u.maxRSS }));
});
`;

interface Usage {
  wallMs: number;
  cpuS: number;
  peakMb: number;
  requests: number;
}

async function measure(dir: string, name: string, script: string, env: NodeJS.ProcessEnv, server: TestServer) {
  const usageFile = path.join(dir, `${name}.usage.json`);
  const preloadFile = path.join(dir, `${name}.preload.cjs`);
  writeFileSync(preloadFile, preload(usageFile));
  const run = await timeProcess(['--require', preloadFile, script], env, WATCH_MS + 120_000);
  if (run.code !== 0) throw new Error(`${name} exited ${run.code}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userUs: number; systemUs: number; maxRssKb: number };
  return {
    wallMs: run.ms,
    cpuS: (usage.userUs + usage.systemUs) / 1e6,
    peakMb: usage.maxRssKb / 1024,
    requests: server.requests.length,
  } satisfies Usage;
}

export default async function bench(): Promise<BenchTable> {
  const ok = (): Promise<TestServer> =>
    startHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok","version":"1.0.0"}');
    });
  const [actionServer, floorServer] = await Promise.all([ok(), ok()]);
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-bench-watch-'));
  const floorScript = path.join(dir, 'floor.mjs');
  writeFileSync(floorScript, FLOOR_LOOP);
  const env = runnerEnv();
  Object.assign(env, {
    [inputVariable('url')]: actionServer.url,
    [inputVariable('expect-version')]: '1.0.0',
    [inputVariable('watch')]: `${WATCH_MS / 1000}s`,
    ...(INTERVAL ? { [inputVariable('interval')]: INTERVAL } : {}),
  });
  let action: Usage, floor: Usage;
  try {
    [action, floor] = await Promise.all([
      measure(dir, 'action', path.join(ROOT, 'dist/smoke-test/index.js'), env, actionServer),
      measure(
        dir,
        'floor',
        floorScript,
        {
          ...runnerEnv(),
          TARGET: floorServer.url,
          BEFORE: String(BEFORE_WATCH),
          INTERVAL_MS: String(INTERVAL_MS),
          WATCH_MS: String(WATCH_MS),
        },
        floorServer,
      ),
    ]);
  } finally {
    await Promise.all([actionServer.close(), floorServer.close()]);
  }
  const outputs = parseCommandFile(readFileSync(env.GITHUB_OUTPUT as string, 'utf8'));
  const watchedMs = Number(outputs['watched-ms']);
  const samples = Number(outputs.samples);
  const per10min = (u: Usage) => (u.cpuS * 600_000) / WATCH_MS;
  const row = (what: string, u: Usage) => ({
    what,
    requests: u.requests,
    'wall s': (u.wallMs / 1000).toFixed(1),
    'CPU s (user+sys)': u.cpuS.toFixed(3),
    'CPU s per 10 min': per10min(u).toFixed(3),
    'CPU ms per request': ((u.cpuS * 1000) / u.requests).toFixed(2),
    'peak RSS MB': u.peakMb.toFixed(1),
  });
  const share = action.cpuS / (action.wallMs / 1000);
  return {
    title: `smoke-test watch: the step's CPU and memory over a ${WATCH_MS / 60_000 >= 1 ? `${WATCH_MS / 60_000}-minute` : `${WATCH_MS / 1000}-second`} window (interval ${INTERVAL_MS / 1000} s)`,
    rows: [
      row('compiled action (dist/smoke-test, watch)', action),
      row('floor: bare node:http loop, same requests and slots', floor),
      {
        what: 'ratio action / floor',
        'CPU s (user+sys)': (action.cpuS / floor.cpuS).toFixed(2),
        'peak RSS MB': (action.peakMb / floor.peakMb).toFixed(2),
      },
    ],
    notes: [
      `the action watched ${(watchedMs / 1000).toFixed(1)} s and took ${samples} samples (outputs watched-ms, samples); CPU per watch sample, start-up and latency sample included: ${((action.cpuS * 1000) / samples).toFixed(2)} ms`,
      `the step used ${(share * 100).toFixed(3)}% of one core over its run; target (issue 15, "costs the runner little"): under 1% — ${share < 0.01 ? 'met' : 'NOT met'}`,
      action.requests === floor.requests
        ? `same request count for both (${action.requests})`
        : `request counts differ (action ${action.requests}, floor ${floor.requests}): the floor assumes ${BEFORE_WATCH} requests before the window`,
      'CPU and peak RSS come from process.resourceUsage() in the child itself (a --require preload writing them at exit); the node start-up is in both rows.',
      ...(QUICK
        ? ['quick mode: a 3 s window at 1 s, so start-up dominates and the per-10-minute column is extrapolated']
        : []),
    ],
  };
}
