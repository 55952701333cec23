/**
 * The watch window (docs/design.md "After the deploy"): once the deployment is healthy, keep
 * probing every check each `interval` for `watch`, and stop as soon as the window has
 * failed — a check failing `max-consecutive-failures` times in a row, or the error rate or
 * p95 past what the rest of the window could still bring back under the limit. Plain
 * functions over SmokeDeps, so tests drive them with a fake clock.
 */
import { ConfigurationError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import type { Check } from './checks.js';
import { type SmokeDeps, describeResult, percentile, probe } from './smoke-test.js';

export interface WatchOptions {
  checks: Check[];
  watchMs: number;
  intervalMs: number;
  requestTimeoutMs: number;
  maxConsecutiveFailures: number;
  maxErrorRate: number;
  maxP95Ms?: number;
  /** A progress line at least this often (DESIGN: every 15 s at most apart). */
  progressEveryMs?: number;
}

export interface WatchSample {
  /** Milliseconds since the window started. */
  at: number;
  check: string;
  ok: boolean;
  status?: number;
  latencyMs: number;
  problem?: string;
}

export interface WatchReport {
  watchedMs: number;
  samples: number;
  failures: number;
  errorRate: number;
  p95: number;
  timeline: WatchSample[];
  /** Why the window failed; undefined when it passed. */
  failure?: string;
}

/** A watch needs at least one sample: it must not be shorter than the interval. */
export function validateWatch(watchMs: number, intervalMs: number, prefix = ''): void {
  if (watchMs > 0 && watchMs < intervalMs)
    throw new ConfigurationError(
      `Input "${prefix}watch" is ${formatDuration(watchMs)}, shorter than the interval between checks (${formatDuration(intervalMs)}): the window would take no sample. Make it several intervals long, e.g. 10m (or 0 for no watch).`,
    );
}

/** Fewest values above a limit that put the nearest-rank p95 of `n` values above it. */
export function slowNeededForP95(n: number): number {
  return n - Math.ceil(0.95 * n) + 1;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function windowStats(timeline: WatchSample[]): Pick<WatchReport, 'samples' | 'failures' | 'errorRate' | 'p95'> {
  const samples = timeline.length;
  const failures = timeline.filter((s) => !s.ok).length;
  const sorted = timeline.map((s) => s.latencyMs).sort((a, b) => a - b);
  return { samples, failures, errorRate: samples ? failures / samples : 0, p95: round1(percentile(sorted, 95)) };
}

/**
 * Has the window already failed? `maxSamples` is the most the whole window can take, so a
 * limit is declared broken only once no later sample could repair it.
 */
export function verdict(
  timeline: WatchSample[],
  streaks: Map<string, number>,
  options: WatchOptions,
  maxSamples: number,
): string | undefined {
  for (const [check, streak] of streaks) {
    if (streak < options.maxConsecutiveFailures) continue;
    const last = timeline.filter((s) => s.check === check).at(-1);
    return `${check} failed ${streak} checks in a row in the watch window (max-consecutive-failures ${options.maxConsecutiveFailures}); last: ${last?.problem ?? 'failed'}.`;
  }
  const { samples, failures } = windowStats(timeline);
  if (failures > options.maxErrorRate * maxSamples)
    return `error rate in the watch window: ${failures} of ${samples} samples failed (${pct(failures / samples)}), more than max-error-rate ${options.maxErrorRate} allows in a window of ${maxSamples} samples.`;
  if (options.maxP95Ms !== undefined) {
    const slow = timeline.filter((s) => s.latencyMs > (options.maxP95Ms as number)).length;
    if (slow >= slowNeededForP95(maxSamples))
      return `p95 latency in the watch window is above max-p95-ms ${options.maxP95Ms} ms: ${slow} of ${samples} samples were slower, more than 5% of a window of ${maxSamples} samples.`;
  }
  return undefined;
}

/** The limits on the samples the window actually took (fewer than planned when requests ran late). */
function finalVerdict(timeline: WatchSample[], options: WatchOptions): string | undefined {
  const stats = windowStats(timeline);
  if (stats.errorRate > options.maxErrorRate)
    return `error rate in the watch window ${pct(stats.errorRate)} (${stats.failures} of ${stats.samples} samples) is above max-error-rate ${options.maxErrorRate}.`;
  if (options.maxP95Ms !== undefined && stats.p95 > options.maxP95Ms)
    return `p95 latency in the watch window ${stats.p95} ms is above max-p95-ms ${options.maxP95Ms} ms.`;
  return undefined;
}

export async function watchWindow(options: WatchOptions, deps: SmokeDeps): Promise<WatchReport> {
  const started = deps.now();
  const every = options.progressEveryMs ?? 15_000;
  const maxRounds = Math.floor(options.watchMs / options.intervalMs);
  const maxSamples = maxRounds * options.checks.length;
  const timeline: WatchSample[] = [];
  const streaks = new Map(options.checks.map((c) => [c.name, 0]));
  let nextProgress = started + every;
  const progress = () => {
    const stats = windowStats(timeline);
    deps.log(
      `watching ${formatDuration(deps.now() - started)} of ${formatDuration(options.watchMs)}: ${stats.samples} samples, ${stats.failures} failed, p95 ${stats.p95} ms`,
    );
    nextProgress = deps.now() + every;
  };
  const report = (failure?: string): WatchReport => ({
    watchedMs: deps.now() - started,
    ...windowStats(timeline),
    timeline,
    failure,
  });

  deps.log(
    `watching for ${formatDuration(options.watchMs)}: ${maxRounds} rounds, one every ${formatDuration(options.intervalMs)}`,
  );
  for (let roundNo = 1; roundNo <= maxRounds;) {
    const target = started + roundNo * options.intervalMs;
    while (deps.now() < target) {
      await deps.sleep(Math.max(1, Math.min(target, nextProgress) - deps.now()));
      if (deps.now() >= nextProgress) progress();
    }
    for (const check of options.checks) {
      const at = deps.now() - started;
      const result = await probe(check, options.requestTimeoutMs, deps);
      timeline.push({
        at,
        check: check.name,
        ok: result.ok,
        status: result.status,
        latencyMs: result.latencyMs,
        problem: result.ok ? undefined : result.problems.join('; '),
      });
      streaks.set(check.name, result.ok ? 0 : (streaks.get(check.name) ?? 0) + 1);
      if (!result.ok) deps.log(`watch ${formatDuration(at)}: ${describeResult(result, check.method)}`);
      const failed = verdict(timeline, streaks, options, maxSamples);
      if (failed) return report(failed);
    }
    if (deps.now() >= nextProgress) progress();
    // A round that ran past later slots skips them rather than bursting to catch up.
    roundNo = Math.max(roundNo + 1, Math.ceil((deps.now() - started) / options.intervalMs));
  }
  return report(finalVerdict(timeline, options));
}

export interface WatchSettings {
  watchMs: number;
  maxConsecutiveFailures: number;
  maxErrorRate: number;
  maxP95Ms?: number;
}
