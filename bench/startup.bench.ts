/**
 * Every action's cold start as the runner starts it: a node process on dist/<action>/index.js
 * with only the variables the runner sets (no NODE_EXTRA_CA_CERTS or other machine settings,
 * which cost every node start tens of ms here and are not there on GitHub's runners),
 * interleaved round by round with the floor: a bare node:http script making smoke-test's
 * two requests, and the marketplace peer's approach (bench/peer/url-check.ts: node,
 * @actions/core and @actions/exec running curl, as Jtalk/url-health-check-action does).
 * smoke-test does its real work (url, requests: 1); every other action starts, reads its
 * inputs, refuses the missing required one and exits — the start-up every step pays before
 * its own work. Targets (issue 17): smoke-test ≤ 1.5× the floor and faster than the peer,
 * none above 2×.
 *
 * Last runs (2026-12-03, four interleaved runs of 11, loaded 2-core machine; floor 39-106 ms),
 * after issue 17's zod-free input parsers (src/lib/schemas.ts) and the release manifest's zod
 * loaded only when a manifest is read (src/release/plan.ts):
 *   smoke-test           1.31-1.40× floor  0.60-0.82× peer   (was 1.74-1.95×: ≤ 1.5× now met)
 *   release              1.35-1.36×  (was 1.55-1.98×; 1.47-1.65× with zod still loaded at start)
 *   deploy               1.04-1.74×  (was 1.33-1.93×)
 *   rollback-on-failure  1.11-1.42×  (was 1.80-1.95×)
 *   deploy-vm            0.97-1.47×  (was 1.30-1.85×)
 *   every other action   0.72-1.40×  (was 0.94-1.91×)
 * zod was 160 KB of smoke-test's 210 KB bundle (now 50 KB) and ~21 ms of its CPU; every
 * action's bundle is ~160 KB smaller.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, inputVariable } from '../src/cli/local-runner.js';
import { startHttpServer } from '../tests/support/http-server.js';
import type { BenchTable } from './run.js';
import { FLOOR, median, runnerEnv, timeProcess } from './measure.js';
import { QUICK, size as scaled } from './scale.js';

const ROUNDS = scaled(11, 1);
const WARMUP = scaled(2, 0);

/**
 * bench/peer/url-check.ts bundled with ncc --minify into a temporary folder, or why not:
 * the peer runs curl, and --quick (npm test) skips the ~15 s build.
 */
function buildPeer(dir: string): string | { skipped: string } {
  if (QUICK) return { skipped: 'not built with --quick' };
  if (spawnSync('curl', ['--version'], { stdio: 'ignore' }).status !== 0) return { skipped: 'no curl on PATH' };
  const out = path.join(dir, 'peer');
  const ncc = path.join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  const args = [
    'build',
    path.join(ROOT, 'bench/peer/url-check.ts'),
    '-o',
    out,
    '--target',
    'es2022',
    '--minify',
    '--quiet',
  ];
  const built = spawnSync(process.execPath, [ncc, ...args], { cwd: ROOT, stdio: 'inherit' });
  return built.status === 0 ? path.join(out, 'index.js') : { skipped: `its ncc build failed (exit ${built.status})` };
}

export default async function bench(): Promise<BenchTable> {
  const server = await startHttpServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok","version":"1.0.0"}');
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-bench-start-'));
  const floorScript = path.join(dir, 'floor.mjs');
  writeFileSync(floorScript, FLOOR);
  const peer = buildPeer(dir);
  const actions = readdirSync(path.join(ROOT, 'actions'))
    .filter((name) => existsSync(path.join(ROOT, 'dist', name, 'index.js')))
    .concat(existsSync(path.join(ROOT, 'dist/deploy/index.js')) ? ['deploy'] : [])
    .sort();
  const times: Record<string, number[]> = { floor: [], peer: [] };
  const codes: Record<string, number | null> = {};
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const floor = await timeProcess([floorScript], { ...runnerEnv(), TARGET: server.url }, 20_000);
      if (floor.code !== 0) throw new Error(`the floor script failed (exit ${floor.code})`);
      if (round >= WARMUP) times.floor!.push(floor.ms);
      if (typeof peer === 'string') {
        const check = await timeProcess([peer], { ...runnerEnv(), [inputVariable('url')]: server.url }, 20_000);
        if (check.code !== 0) throw new Error(`the peer's check failed (exit ${check.code})`);
        if (round >= WARMUP) times.peer!.push(check.ms);
      }
      for (const action of actions) {
        const env = runnerEnv();
        if (action === 'smoke-test')
          Object.assign(env, { [inputVariable('url')]: server.url, [inputVariable('requests')]: '1' });
        const run = await timeProcess([path.join(ROOT, 'dist', action, 'index.js')], env, 20_000);
        codes[action] = run.code;
        if (round >= WARMUP) (times[action] ??= []).push(run.ms);
      }
    }
  } finally {
    await server.close();
  }
  const floorMs = median(times.floor!);
  const peerMs = typeof peer === 'string' ? median(times.peer!) : undefined;
  const rows = actions.map((action) => {
    const ms = median(times[action]!);
    const ratio = ms / floorMs;
    const target = action === 'smoke-test' ? 1.5 : 2;
    const fasterThanPeer =
      action === 'smoke-test' && peerMs !== undefined
        ? ms < peerMs
          ? '; faster than the peer'
          : '; NOT faster than the peer'
        : '';
    return {
      action,
      'median ms': ms.toFixed(1),
      'ratio to floor': ratio.toFixed(2),
      'ratio to peer': peerMs === undefined ? '' : (ms / peerMs).toFixed(2),
      target: `≤ ${target}× ${ratio <= target ? 'met' : 'NOT met'}${fasterThanPeer}`,
      exit: action === 'smoke-test' ? `${codes[action]} (real check)` : `${codes[action]} (input refused)`,
    };
  });
  const peerRow = {
    action: 'peer: url-health-check approach (node + @actions/core + @actions/exec → curl, 1 request)',
    'median ms': peerMs === undefined ? `not measured: ${(peer as { skipped: string }).skipped}` : peerMs.toFixed(1),
    'ratio to floor': peerMs === undefined ? '' : (peerMs / floorMs).toFixed(2),
  };
  return {
    title: `Cold start of every action with the runner's variables only (median of ${ROUNDS}, interleaved with the floor)`,
    rows: [{ action: 'floor: bare node:http, 2 requests', 'median ms': floorMs.toFixed(1) }, peerRow, ...rows],
    notes: [
      'Each row spawns node on dist/<action>/index.js as the runner does; smoke-test makes its real requests against a server on 127.0.0.1.',
      'The other actions are started without their required input: they load, parse inputs, refuse, write the error and exit — the part of every step that is start-up.',
      "The peer is bench/peer/url-check.ts, Jtalk/url-health-check-action's approach written from its description and bundled like ours; it checks the same local URL once with curl.",
    ],
  };
}
