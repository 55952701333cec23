/**
 * The smoke test inside the umbrella deploy action: smoke-test's own inputs under a
 * `smoke-` prefix (declared once, in src/actions/smoke-test/spec.ts) and its logic
 * (src/smoke), run against the URL the deploy produced or `smoke-url`.
 */
import * as core from '@actions/core';
import type { InputSpec } from '../lib/action-spec.js';
import { optional } from '../lib/schemas.js';
import { table, writeSummary } from '../lib/summary.js';
import { formatDuration } from '../lib/duration.js';
import { buildChecks } from '../smoke/checks.js';
import { type SmokeOptions, type SmokeReport, httpSmokeDeps, runSmokeTest } from '../smoke/smoke-test.js';
import { type WatchReport, validateWatch, watchWindow } from '../smoke/watch.js';
import { buckets, mermaidChart, watchRows } from '../smoke/watch-summary.js';
import { judge } from '../smoke/judge.js';
import { spec as smokeSpec } from '../actions/smoke-test/spec.js';

/** smoke-test's inputs, prefixed, all optional (its `url` becomes `smoke-url`). */
export function smokeInputs(): Record<string, InputSpec> {
  const inputs: Record<string, InputSpec> = {};
  for (const [name, input] of Object.entries(smokeSpec.inputs as Record<string, InputSpec>)) {
    const description =
      name === 'url'
        ? 'Smoke-test this base URL after the deploy (empty: no smoke test). Often the same as the deploy output `url`.'
        : `Smoke test: ${input.description}`;
    // smoke-test requires `url`; here an empty smoke-url means "no smoke test".
    const parse = name === 'url' ? optional(input.parse as Parameters<typeof optional>[0]) : input.parse;
    inputs[`smoke-${name}`] = { ...input, required: false, description, parse };
  }
  return inputs;
}

/** What runSmokeTest takes, plus the limits judge() applies to its latency sample and the watch window. */
export interface SmokeSettings extends SmokeOptions {
  maxP95Ms?: number;
  maxErrorRate: number;
  watchMs: number;
  maxConsecutiveFailures: number;
}

/** Builds the checks from the parsed (camelCased) umbrella inputs, before any side effect. */
export async function smokeSettings(inputs: Record<string, unknown>): Promise<SmokeSettings | undefined> {
  const get = <T>(name: string) => inputs[`smoke${name}`] as T;
  const url = get<URL | undefined>('Url');
  if (!url) return undefined;
  validateWatch(get('Watch'), get('Interval'), 'smoke-');
  const checks = await buildChecks(
    {
      url,
      path: get('Path'),
      method: get('Method'),
      headers: get('Headers'),
      expectStatus: get('ExpectStatus'),
      expectBody: get('ExpectBody'),
      expectJson: get('ExpectJson'),
      expectHeader: get('ExpectHeader'),
      expectVersion: get('ExpectVersion'),
    },
    get('Checks'),
    core.setSecret,
  );
  return {
    checks,
    timeoutMs: get('Timeout'),
    intervalMs: get('Interval'),
    requestTimeoutMs: get('RequestTimeout'),
    consecutiveSuccesses: get('ConsecutiveSuccesses'),
    requests: get('Requests'),
    insecure: get('Insecure'),
    maxRedirects: get('MaxRedirects'),
    maxP95Ms: get('MaxP95Ms'),
    maxErrorRate: get('MaxErrorRate'),
    watchMs: get('Watch'),
    maxConsecutiveFailures: get('MaxConsecutiveFailures'),
  };
}

export async function runSmokeStep(
  settings: SmokeSettings,
): Promise<{ report: SmokeReport; failures: string[]; watch?: WatchReport }> {
  const deps = httpSmokeDeps(settings, core.info);
  const report = await core.group(
    `Smoke test: ${settings.checks.map((c) => c.url.origin + c.url.pathname).join(', ')}`,
    () => runSmokeTest(settings, deps),
  );
  const failures = judge(report, settings.maxP95Ms, settings.maxErrorRate, settings.timeoutMs);
  // A failed watch is a failed smoke test: the caller rolls back the same way.
  const watch =
    settings.watchMs > 0 && !failures.length
      ? await core.group(`Watch window: ${formatDuration(settings.watchMs)}`, () => watchWindow(settings, deps))
      : undefined;
  if (watch?.failure)
    failures.push(`The watch window failed after ${formatDuration(watch.watchedMs)}: ${watch.failure}`);
  await writeSummary((summary) => {
    summary.addHeading(`Smoke test ${failures.length ? 'failed ❌' : 'passed ✅'}`, 3);
    const rows: Array<[string, string]> = [
      ['checks', settings.checks.map((c) => `${c.method} ${c.url.origin}${c.url.pathname}`).join(', ')],
      ['attempts', String(report.attempts.length)],
      [
        'time to healthy',
        report.timeToHealthyMs === undefined ? 'not healthy' : formatDuration(report.timeToHealthyMs),
      ],
    ];
    if (report.latency)
      rows.push(['p50 / p95 / p99', `${report.latency.p50} / ${report.latency.p95} / ${report.latency.p99} ms`]);
    if (watch) rows.push(...watchRows(watch, settings.watchMs));
    for (const failure of failures) rows.push(['failure', failure]);
    summary.addTable(table(['smoke test', 'result'], rows));
    if (watch?.samples) summary.addRaw(`\n${mermaidChart(buckets(watch, settings.watchMs))}\n`);
  });
  return { report, failures, watch };
}
