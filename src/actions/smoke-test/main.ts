import * as core from '@actions/core';
import { writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { table, writeSummary } from '../../lib/summary.js';
import { buildChecks } from '../../smoke/checks.js';
import { type SmokeReport, httpSmokeDeps, runSmokeTest } from '../../smoke/smoke-test.js';
import { type WatchReport, validateWatch, watchWindow } from '../../smoke/watch.js';
import { buckets, mermaidChart, watchRows } from '../../smoke/watch-summary.js';
import { judge } from '../../smoke/judge.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  validateWatch(inputs.watch, inputs.interval);
  const checks = await buildChecks(
    {
      url: inputs.url,
      path: inputs.path,
      method: inputs.method,
      headers: inputs.headers,
      expectStatus: inputs.expectStatus,
      expectBody: inputs.expectBody,
      expectJson: inputs.expectJson,
      expectHeader: inputs.expectHeader,
      expectVersion: inputs.expectVersion,
    },
    inputs.checks,
    core.setSecret,
  );
  const options = {
    checks,
    timeoutMs: inputs.timeout,
    intervalMs: inputs.interval,
    requestTimeoutMs: inputs.requestTimeout,
    consecutiveSuccesses: inputs.consecutiveSuccesses,
    requests: inputs.requests,
    insecure: inputs.insecure,
    maxRedirects: inputs.maxRedirects,
  };
  const deps = httpSmokeDeps(options, core.info);
  const report = await core.group(`Smoke test: ${checks.map((c) => c.name).join(', ')}`, () =>
    runSmokeTest(options, deps),
  );

  const failures = judge(report, inputs.maxP95Ms, inputs.maxErrorRate, inputs.timeout);
  const watch =
    inputs.watch > 0 && !failures.length
      ? await core.group(`Watch window: ${formatDuration(inputs.watch)}`, () =>
          watchWindow(
            {
              checks,
              watchMs: inputs.watch,
              intervalMs: inputs.interval,
              requestTimeoutMs: inputs.requestTimeout,
              maxConsecutiveFailures: inputs.maxConsecutiveFailures,
              maxErrorRate: inputs.maxErrorRate,
              maxP95Ms: inputs.maxP95Ms,
            },
            deps,
          ),
        )
      : undefined;
  if (watch?.failure)
    failures.push(`The watch window failed after ${formatDuration(watch.watchedMs)}: ${watch.failure}`);
  const reportPath = path.join(process.env.RUNNER_TEMP || tmpdir(), `smoke-test-${Date.now()}.json`);
  mkdirSync(path.dirname(reportPath), { recursive: true });
  writeFileSync(
    reportPath,
    JSON.stringify(
      {
        passed: failures.length === 0,
        failures,
        checks: checks.map((c) => ({ name: c.name, method: c.method, url: c.url.origin + c.url.pathname })),
        ...report,
        watch,
      },
      null,
      2,
    ),
  );
  setOutputs(spec, {
    passed: failures.length === 0,
    attempts: report.attempts.length,
    'time-to-healthy-ms': report.timeToHealthyMs,
    'p50-ms': report.latency?.p50,
    'p95-ms': report.latency?.p95,
    'p99-ms': report.latency?.p99,
    'error-rate': report.latency?.errorRate,
    'watched-ms': watch?.watchedMs ?? 0,
    samples: watch?.samples ?? 0,
    report: reportPath,
  });
  await summarize(report, failures, watch, inputs.watch);
  if (failures.length) {
    throw new KitError(`Smoke test failed: ${failures.join(' ')}`);
  }
  core.info(`Smoke test passed: healthy after ${formatDuration(report.timeToHealthyMs ?? 0)}.`);
}

async function summarize(
  report: SmokeReport,
  failures: string[],
  watch: WatchReport | undefined,
  watchMs: number,
): Promise<void> {
  const last = report.attempts.at(-1);
  await writeSummary((summary) => {
    summary.addHeading(`Smoke test ${failures.length ? 'failed ❌' : 'passed ✅'}`, 3);
    summary.addTable(
      table(
        ['check', 'URL', 'result', 'status', 'latency'],
        (last?.results ?? []).map((r) => [
          r.check,
          r.url,
          r.ok ? 'ok' : r.problems.join('; '),
          r.status ?? '—',
          `${Math.round(r.latencyMs)} ms`,
        ]),
      ),
    );
    const rows: Array<[string, string]> = [
      ['attempts', String(report.attempts.length)],
      [
        'time to healthy',
        report.timeToHealthyMs === undefined ? 'not healthy' : formatDuration(report.timeToHealthyMs),
      ],
    ];
    if (report.latency) {
      rows.push(
        ['sample', `${report.latency.count} requests`],
        ['p50 / p95 / p99', `${report.latency.p50} / ${report.latency.p95} / ${report.latency.p99} ms`],
        ['error rate', `${(report.latency.errorRate * 100).toFixed(1)}%`],
      );
    }
    for (const hop of report.redirects) rows.push(['redirect', hop]);
    if (watch) rows.push(...watchRows(watch, watchMs));
    summary.addTable(table(['measure', 'value'], rows));
    if (watch?.samples) summary.addRaw(`\n${mermaidChart(buckets(watch, watchMs))}\n`);
    for (const failure of failures) summary.addRaw(`\n> ${failure}\n`);
  });
}
