/**
 * smoke-test: cold start of the compiled action versus the floor for the same work (a
 * bare node script making the same two requests with node:http), and how soon a service
 * that turns healthy is detected, against the targets in issue 2.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inputVariable, ROOT } from '../src/cli/local-runner.js';
import { startHttpServer } from '../tests/support/http-server.js';
import type { BenchTable } from './run.js';
import { size as scaled } from './scale.js';
import { FLOOR, median, runnerEnv, timeProcess } from './measure.js';

export default async function bench(): Promise<BenchTable[]> {
  const server = await startHttpServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok","version":"1.0.0"}');
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-bench-'));
  const floorScript = path.join(dir, 'floor.mjs');
  writeFileSync(floorScript, FLOOR);
  // Only what the runner hands an action (no NODE_EXTRA_CA_CERTS or other machine settings,
  // which cost every node start tens of ms and would flatter the ratio).
  const actionEnv = {
    ...runnerEnv(),
    [inputVariable('url')]: server.url,
    [inputVariable('requests')]: '1',
    [inputVariable('expect-version')]: '1.0.0',
  };
  const runs = scaled(15, 1);
  const action: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const a = await timeProcess([path.join(ROOT, 'dist/smoke-test/index.js')], actionEnv);
    const f = await timeProcess([floorScript], { ...runnerEnv(), TARGET: server.url });
    if (a.code !== 0 || f.code !== 0) throw new Error(`a run failed (action ${a.code}, floor ${f.code})`);
    if (i >= 2) {
      action.push(a.ms);
      floor.push(f.ms);
    }
  }
  const ratio = median(action) / median(floor);

  // Detection: the service turns healthy at a random moment; how long until the action's
  // first passing request arrives? Target: within one interval.
  const intervalMs = 1000;
  const detections: number[] = [];
  for (let i = 0; i < scaled(5, 1); i++) {
    let healthyAt = Infinity;
    let detectedAt = 0;
    server.setHandler((_req, res) => {
      const healthy = Date.now() >= healthyAt;
      if (healthy && !detectedAt) detectedAt = Date.now();
      res.statusCode = healthy ? 200 : 503;
      res.end();
    });
    const run = timeProcess([path.join(ROOT, 'dist/smoke-test/index.js')], {
      ...actionEnv,
      [inputVariable('interval')]: '1s',
      [inputVariable('expect-version')]: '',
      [inputVariable('requests')]: '0',
    });
    setTimeout(() => (healthyAt = Date.now()), 1500 + Math.random() * 1000);
    await run;
    detections.push(detectedAt - healthyAt);
  }
  await server.close();
  const worst = Math.max(...detections);
  const row = (what: string, xs: number[]) => ({
    what,
    'median ms': median(xs).toFixed(1),
    'min ms': Math.min(...xs).toFixed(1),
    'max ms': Math.max(...xs).toFixed(1),
  });
  return [
    {
      title: 'smoke-test cold start (spawn to exit, requests: 1, median of 15)',
      rows: [
        row('compiled action (dist/smoke-test)', action),
        row('floor: bare node:http script, same 2 requests', floor),
        { what: 'ratio of medians', 'median ms': ratio.toFixed(2) },
      ],
      notes: [`target: within 1.5x of the floor — ${ratio <= 1.5 ? 'met' : 'NOT met'}`],
    },
    {
      title: `smoke-test time to detect healthy (interval ${intervalMs} ms, 5 runs)`,
      rows: detections.map((d, i) => ({ run: i + 1, 'ms from healthy to detected': Math.round(d) })),
      notes: [
        `worst ${Math.round(worst)} ms; target: within one interval (${intervalMs} ms) — ${worst <= intervalMs ? 'met' : 'NOT met'}`,
      ],
    },
  ];
}
