/**
 * The demo's timings (npm run bench -- demo): the whole `deploy-kit demo` run, each
 * step, and the kit's own overhead — everything but PostgreSQL's start and the example
 * app's starts (measured here on their own: start server.js, poll /health until 200).
 */
import { spawn } from 'node:child_process';
import { freePort } from '../src/lib/net.js';
import path from 'node:path';
import { ROOT } from '../src/cli/local-runner.js';
import { demo } from '../src/demo/demo.js';
import { formatDuration } from '../src/lib/duration.js';
import type { BenchTable } from './run.js';

/** Cold start of the example app until /health answers 200, in ms. */
async function appStartMs(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'examples/app/server.js')], {
    env: { ...process.env, APP_PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (performance.now() - started > 30_000) throw new Error('the example app did not start in 30 s');
    }
  } finally {
    child.kill();
  }
}

export default async function bench(): Promise<BenchTable[]> {
  const report = await demo({ quiet: true, out: () => undefined });
  if (!report.ok) throw new Error(`the demo failed: ${report.problems.join(' ')}`);
  const starts = [await appStartMs(), await appStartMs(), await appStartMs()].sort((a, b) => a - b);
  const appStart = starts[1] as number;
  // Two services (api, web): v1 and v2 each start both, and the rollback starts both again.
  const APP_STARTS = 6;
  const appStartsMs = APP_STARTS * appStart;
  const overhead = report.totalMs - report.postgresStartMs - appStartsMs;
  return [
    {
      title: 'deploy-kit demo: each step (the compiled action through the runner contract)',
      rows: report.steps.map((step, i) => ({
        '#': i + 1,
        step: step.title,
        action: step.action,
        expected: step.expect,
        result: step.result ?? '',
        time: formatDuration(step.ms),
      })),
    },
    {
      title: 'deploy-kit demo: total and the kit’s own overhead',
      rows: [
        {
          part: `total (workspace, PostgreSQL, ${report.steps.length} steps, cleanup)`,
          time: formatDuration(report.totalMs),
        },
        { part: 'PostgreSQL start (initdb + server up + database)', time: formatDuration(report.postgresStartMs) },
        {
          part: `example app starts (${APP_STARTS} × ${Math.round(appStart)} ms, median of 3 cold starts)`,
          time: formatDuration(appStartsMs),
        },
        { part: 'kit overhead (total minus the two above)', time: formatDuration(overhead) },
        {
          part: 'of which the failing release v2 (web’s smoke test polls to its deadline, then both roll back)',
          time: formatDuration(report.steps.find((s) => s.expect === 'fail')?.ms ?? 0),
        },
      ],
      notes: [
        'Each step is a fresh node process running a dist bundle (as on a runner): its start-up is part of the overhead.',
        'test-gate includes the app’s own `npm test` run.',
      ],
    },
  ];
}
