/**
 * The smoke test itself: poll every check until all pass `consecutiveSuccesses` times in a
 * row or the deadline passes, then take a latency sample. Dependencies are passed in so
 * tests can drive it directly; the action wires in real HTTP and the runner's log.
 */
import { type HttpResponse, RequestFailed, displayUrl, httpRequest } from '../http/request.js';
import { sleep } from '../lib/retry.js';
import type { Check } from './checks.js';
import { evaluate } from './expectations.js';

export interface SmokeOptions {
  checks: Check[];
  timeoutMs: number;
  intervalMs: number;
  requestTimeoutMs: number;
  consecutiveSuccesses: number;
  requests: number;
  insecure: boolean;
  maxRedirects: number;
}

export interface SmokeDeps {
  request: (check: Check, timeoutMs: number) => Promise<HttpResponse>;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface CheckResult {
  check: string;
  url: string;
  ok: boolean;
  status?: number;
  latencyMs: number;
  problems: string[];
  redirects: string[];
}

export interface Attempt {
  number: number;
  at: number;
  ok: boolean;
  results: CheckResult[];
}

export interface LatencyStats {
  count: number;
  errors: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface SmokeReport {
  healthy: boolean;
  attempts: Attempt[];
  timeToHealthyMs?: number;
  latency?: LatencyStats;
  redirects: string[];
}

export async function probe(check: Check, timeoutMs: number, deps: SmokeDeps): Promise<CheckResult> {
  const url = displayUrl(check.url);
  try {
    const response = await deps.request(check, timeoutMs);
    const problems = evaluate(response, check.expect);
    return {
      check: check.name,
      url,
      ok: problems.length === 0,
      status: response.status,
      latencyMs: response.latencyMs,
      problems,
      redirects: response.redirects,
    };
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    return { check: check.name, url, ok: false, latencyMs: error.latencyMs, problems: [error.message], redirects: [] };
  }
}

export function describeResult(result: CheckResult, method: string): string {
  const status = result.status === undefined ? 'no response' : String(result.status);
  const line = `${method} ${result.url} → ${status} in ${Math.round(result.latencyMs)} ms`;
  return result.ok ? `${line}: ok` : `${line}: ${result.problems.join('; ')}`;
}

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export async function waitUntilHealthy(
  options: SmokeOptions,
  deps: SmokeDeps,
): Promise<Pick<SmokeReport, 'healthy' | 'attempts' | 'timeToHealthyMs'>> {
  const started = deps.now();
  const deadline = started + options.timeoutMs;
  const attempts: Attempt[] = [];
  let streak = 0;
  for (let number = 1; ; number++) {
    const at = deps.now();
    const results: CheckResult[] = [];
    for (const check of options.checks) {
      // The attempt made at the deadline still gets up to a second to answer.
      const remaining = Math.max(1000, deadline - deps.now());
      const result = await probe(check, Math.min(options.requestTimeoutMs, remaining), deps);
      results.push(result);
      deps.log(`attempt ${number}: ${describeResult(result, check.method)}`);
      for (const hop of result.redirects) deps.log(`  redirected: ${hop}`);
    }
    const ok = results.every((r) => r.ok);
    attempts.push({ number, at: at - started, ok, results });
    streak = ok ? streak + 1 : 0;
    if (streak >= options.consecutiveSuccesses)
      return { healthy: true, attempts, timeToHealthyMs: deps.now() - started };
    if (ok) deps.log(`  ${streak} of ${options.consecutiveSuccesses} consecutive successes`);
    const wait = Math.min(options.intervalMs, deadline - deps.now());
    if (wait <= 0) return { healthy: false, attempts };
    await deps.sleep(wait);
  }
}

/** How long the next sample request may take; 0 once the smoke test's deadline has passed. */
export function sampleBudget(options: SmokeOptions, deps: SmokeDeps, deadline: number): number {
  return Math.max(0, Math.min(options.requestTimeoutMs, deadline - deps.now()));
}

export async function sampleLatency(
  options: SmokeOptions,
  deps: SmokeDeps,
  deadline = Number.POSITIVE_INFINITY,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  sampling: for (let i = 0; i < options.requests; i++) {
    for (const check of options.checks) {
      // `timeout` bounds the whole smoke test, the sample included.
      const budget = sampleBudget(options, deps, deadline);
      // A request that could not finish in time would only count as an error.
      if (budget < Math.min(options.requestTimeoutMs, 1000)) {
        deps.log(`latency sample stopped at the timeout after ${latencies.length} requests`);
        break sampling;
      }
      const result = await probe(check, budget, deps);
      latencies.push(result.latencyMs);
      if (!result.ok) {
        errors++;
        deps.log(`sample ${i + 1}: ${describeResult(result, check.method)}`);
      }
    }
  }
  latencies.sort((a, b) => a - b);
  const count = latencies.length;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count,
    errors,
    errorRate: count ? errors / count : 0,
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
  };
}

export async function runSmokeTest(options: SmokeOptions, deps: SmokeDeps): Promise<SmokeReport> {
  const deadline = deps.now() + options.timeoutMs;
  const health = await waitUntilHealthy(options, deps);
  const redirects = [...new Set(health.attempts.flatMap((a) => a.results.flatMap((r) => r.redirects)))];
  if (!health.healthy || options.requests === 0) return { ...health, redirects };
  deps.log(`healthy after ${health.timeToHealthyMs} ms; sampling latency with ${options.requests} requests per check`);
  return { ...health, latency: await sampleLatency(options, deps, deadline), redirects };
}

/** The real dependencies: HTTP over the network, real time, `log` for the lines. */
export function httpSmokeDeps(options: SmokeOptions, log: (line: string) => void): SmokeDeps {
  return {
    request: (check, timeoutMs) =>
      httpRequest({
        url: check.url,
        method: check.method,
        headers: check.headers,
        timeoutMs,
        insecure: options.insecure,
        maxRedirects: options.maxRedirects,
      }),
    log,
    sleep,
    now: Date.now,
  };
}
