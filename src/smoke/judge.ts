/**
 * The verdict on a smoke test's report: not healthy in time, or healthy but over a latency
 * or error-rate limit. Shared by the smoke-test action and every deploy/release step that
 * runs a smoke test (src/providers/smoke-step.ts), so both judge alike.
 */
import { formatDuration } from '../lib/duration.js';
import type { SmokeReport } from './smoke-test.js';

/** The failures, each a sentence; empty when the report passes. */
export function judge(
  report: SmokeReport,
  maxP95Ms: number | undefined,
  maxErrorRate: number,
  timeoutMs: number,
): string[] {
  if (!report.healthy) {
    const last = report.attempts.at(-1);
    const reasons = last?.results.filter((r) => !r.ok).map((r) => `${r.check}: ${r.problems.join('; ')}`) ?? [];
    return [
      `Not healthy within ${formatDuration(timeoutMs)} (${report.attempts.length} attempts). Last attempt: ${reasons.join(' | ')}`,
    ];
  }
  const failures: string[] = [];
  const latency = report.latency;
  if (latency && maxP95Ms !== undefined && latency.p95 > maxP95Ms)
    failures.push(`p95 latency ${latency.p95} ms is above max-p95-ms ${maxP95Ms} ms.`);
  if (latency && latency.errorRate > maxErrorRate)
    failures.push(
      `error rate ${(latency.errorRate * 100).toFixed(1)}% (${latency.errors} of ${latency.count} requests) is above max-error-rate ${maxErrorRate}.`,
    );
  return failures;
}
