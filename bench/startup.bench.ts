/**
 * Every action's cold start as the runner starts it: a node process on dist/<action>/index.js
 * with only the variables the runner sets (no NODE_EXTRA_CA_CERTS or other machine settings,
 * which cost every node start tens of ms here and are not there on GitHub's runners),
 * interleaved round by round with the floor: a bare node:http script making smoke-test's
 * two requests. smoke-test does its real work (url, requests: 1); every other action starts,
 * reads its inputs, refuses the missing required one and exits — the start-up every step
 * pays before its own work. Targets (issue 17): smoke-test ≤ 1.5× the floor, none above 2×.
 * The marketplace peer (a curl-based URL check) is not measured here: its code cannot be
 * vendored and CI has no network.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, inputVariable } from '../src/cli/local-runner.js';
import { startHttpServer } from '../tests/support/http-server.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';
import { FLOOR, median, runnerEnv, timeProcess } from './measure.js';

const ROUNDS = scaled(11, 1);
const WARMUP = scaled(2, 0);

export default async function bench(): Promise<BenchTable> {
  const server = await startHttpServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok","version":"1.0.0"}');
  });
  const floorScript = path.join(mkdtempSync(path.join(tmpdir(), 'dk-bench-start-')), 'floor.mjs');
  writeFileSync(floorScript, FLOOR);
  const actions = readdirSync(path.join(ROOT, 'actions'))
    .filter((name) => existsSync(path.join(ROOT, 'dist', name, 'index.js')))
    .concat(existsSync(path.join(ROOT, 'dist/deploy/index.js')) ? ['deploy'] : [])
    .sort();
  const times: Record<string, number[]> = { floor: [] };
  const codes: Record<string, number | null> = {};
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const floor = await timeProcess([floorScript], { ...runnerEnv(), TARGET: server.url }, 20_000);
      if (floor.code !== 0) throw new Error(`the floor script failed (exit ${floor.code})`);
      if (round >= WARMUP) times.floor!.push(floor.ms);
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
  const rows = actions.map((action) => {
    const ms = median(times[action]!);
    const ratio = ms / floorMs;
    const target = action === 'smoke-test' ? 1.5 : 2;
    return {
      action,
      'median ms': ms.toFixed(1),
      'ratio to floor': ratio.toFixed(2),
      target: `≤ ${target}× ${ratio <= target ? 'met' : 'NOT met'}`,
      exit: action === 'smoke-test' ? `${codes[action]} (real check)` : `${codes[action]} (input refused)`,
    };
  });
  return {
    title: `Cold start of every action with the runner's variables only (median of ${ROUNDS}, interleaved with the floor)`,
    rows: [{ action: 'floor: bare node:http, 2 requests', 'median ms': floorMs.toFixed(1) }, ...rows],
    notes: [
      'Each row spawns node on dist/<action>/index.js as the runner does; smoke-test makes its real requests against a server on 127.0.0.1.',
      'The other actions are started without their required input: they load, parse inputs, refuse, write the error and exit — the part of every step that is start-up.',
      'Not measured: the curl-based marketplace peer (its code cannot be vendored; CI has no network).',
    ],
  };
}
