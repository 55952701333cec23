/**
 * The watch window in the job summary: a few measures, a one-line text timeline (readable in
 * the log too) and a mermaid bar chart of latency over time, which GitHub renders.
 */
import { formatDuration } from '../lib/duration.js';
import type { WatchReport, WatchSample } from './watch.js';

export interface Bucket {
  /** The slice is (to - size, to]: the window's first sample comes one interval in. */
  to: number;
  samples: number;
  failures: number;
  maxLatencyMs: number;
}

/** The window cut into at most `count` equal slices of time. */
export function buckets(report: Pick<WatchReport, 'timeline' | 'watchedMs'>, windowMs: number, count = 20): Bucket[] {
  const span = Math.max(windowMs, report.watchedMs, 1);
  const size = Math.max(1, Math.ceil(span / count));
  const result: Bucket[] = [];
  for (let to = size; to - size < span; to += size) result.push({ to, samples: 0, failures: 0, maxLatencyMs: 0 });
  for (const sample of report.timeline) {
    const index = Math.min(result.length - 1, Math.max(0, Math.ceil(sample.at / size) - 1));
    const bucket = result[index] as Bucket;
    bucket.samples++;
    if (!sample.ok) bucket.failures++;
    bucket.maxLatencyMs = Math.max(bucket.maxLatencyMs, Math.round(sample.latencyMs));
  }
  return result;
}

const BARS = '▁▂▃▄▅▆▇█';

/** `▁▁▂▁✗✗·` — latency per slice, ✗ where a check failed, · where the window had stopped. */
export function sparkline(slices: Bucket[]): string {
  const top = Math.max(1, ...slices.map((b) => b.maxLatencyMs));
  return slices
    .map((b) => {
      if (!b.samples) return '·';
      if (b.failures) return '✗';
      return BARS[Math.min(BARS.length - 1, Math.floor((b.maxLatencyMs / top) * (BARS.length - 1)))] as string;
    })
    .join('');
}

export function mermaidChart(slices: Bucket[]): string {
  const size = slices[0]?.to;
  const labels = slices.map((b) => `"${formatDuration(b.to)}"`).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Watch window: slowest answer per ${formatDuration(size ?? 0)} (ms)"`,
    `  x-axis [${labels}]`,
    '  y-axis "ms"',
    `  bar [${slices.map((b) => b.maxLatencyMs).join(', ')}]`,
    '```',
  ].join('\n');
}

/** measure/value rows for the smoke test's summary table. */
export function watchRows(report: WatchReport, windowMs: number): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['watched', `${formatDuration(report.watchedMs)} of ${formatDuration(windowMs)}`],
    ['watch samples', `${report.samples} (${report.failures} failed, ${(report.errorRate * 100).toFixed(1)}%)`],
    ['watch p95', `${report.p95} ms`],
    ['watch timeline', sparkline(buckets(report, windowMs))],
  ];
  const firstFailure: WatchSample | undefined = report.timeline.find((s) => !s.ok);
  if (firstFailure)
    rows.push(['first failure', `${formatDuration(firstFailure.at)}: ${firstFailure.check}: ${firstFailure.problem}`]);
  return rows;
}
