/** The watch window's logic with a fake clock: every rule, the cadence and the progress lines. */
import { describe, it, expect } from '@jest/globals';
import { ConfigurationError } from '../../src/lib/errors.js';
import type { Check } from '../../src/smoke/checks.js';
import type { SmokeDeps } from '../../src/smoke/smoke-test.js';
import { type WatchOptions, slowNeededForP95, validateWatch, watchWindow, windowStats } from '../../src/smoke/watch.js';
import { buckets, mermaidChart, sparkline, watchRows } from '../../src/smoke/watch-summary.js';

const check = (name: string): Check => ({
  name,
  url: new URL(`http://127.0.0.1:9/${name}`),
  method: 'GET',
  headers: {},
  expect: { status: [{ min: 200, max: 200 }], json: [], headers: [] },
});

/** A clock that only moves when the code sleeps or a request takes time; `answer(n, t)` scripts the service. */
function fakeDeps(answer: (n: number, t: number, check: Check) => { status: number; latencyMs: number }) {
  let clock = 1_000_000;
  let n = 0;
  const lines: string[] = [];
  const sleeps: number[] = [];
  const deps: SmokeDeps = {
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    log: (line) => lines.push(line),
    request: async (c) => {
      const { status, latencyMs } = answer(n++, clock - 1_000_000, c);
      clock += latencyMs;
      return { status, latencyMs, headers: {}, body: '', redirects: [], finalUrl: c.url };
    },
  };
  return { deps, lines, sleeps, requests: () => n };
}

const base: WatchOptions = {
  checks: [check('a')],
  watchMs: 60_000,
  intervalMs: 5_000,
  requestTimeoutMs: 1_000,
  maxConsecutiveFailures: 3,
  maxErrorRate: 0.2,
};

describe('watch window', () => {
  it('samples every interval for the whole window and passes a steady service, with progress every 15 s', async () => {
    const { deps, lines, requests } = fakeDeps(() => ({ status: 200, latencyMs: 20 }));
    const report = await watchWindow(base, deps);
    expect(report.failure).toBeUndefined();
    expect(requests()).toBe(12);
    expect(report.samples).toBe(12);
    expect(report.timeline.map((s) => s.at)).toEqual(
      [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60].map((s) => s * 1000),
    );
    expect(report.watchedMs).toBe(60_020);
    expect(report).toMatchObject({ failures: 0, errorRate: 0, p95: 20 });
    const progress = lines.filter((l) => l.startsWith('watching ') && l.includes(' of '));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[0]).toMatch(/^watching 15\.0 s of 1m 0s: \d samples, 0 failed, p95 20 ms$/);
  });

  it('an interval longer than 15 s still logs progress while it waits', async () => {
    const { deps, lines, sleeps } = fakeDeps(() => ({ status: 200, latencyMs: 5 }));
    await watchWindow({ ...base, watchMs: 120_000, intervalMs: 60_000 }, deps);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(15_000);
    expect(lines.filter((l) => /^watching [\d.]+ s of|^watching \dm/.test(l)).length).toBeGreaterThanOrEqual(7);
  });

  it('fails on max-consecutive-failures in a row, as soon as it happens', async () => {
    // Healthy for 20 s, then the service goes down.
    const { deps, requests } = fakeDeps((_n, t) => ({ status: t > 20_000 ? 503 : 200, latencyMs: 10 }));
    const report = await watchWindow({ ...base, maxErrorRate: 1 }, deps);
    expect(report.failure).toMatch(
      /^a failed 3 checks in a row in the watch window \(max-consecutive-failures 3\); last: status 503, expected 200\.$/,
    );
    expect(requests()).toBe(7);
    expect(report.watchedMs).toBeLessThan(40_000);
  });

  it('isolated failures do not trip the streak, but too many fail the error rate once the window cannot recover', async () => {
    // Every other check fails: never 2 in a row, but 50% > 20%; 12 samples allow 2 failures.
    const { deps } = fakeDeps((n) => ({ status: n % 2 ? 500 : 200, latencyMs: 10 }));
    const report = await watchWindow(base, deps);
    expect(report.failure).toMatch(
      /^error rate in the watch window: 3 of 6 samples failed \(50\.0%\), more than max-error-rate 0\.2 allows in a window of 12 samples\.$/,
    );
    const tolerated = fakeDeps((n) => ({ status: n === 4 ? 500 : 200, latencyMs: 10 }));
    expect((await watchWindow(base, tolerated.deps)).failure).toBeUndefined();
  });

  it('with max-error-rate 0 the first failed check fails the window', async () => {
    const { deps } = fakeDeps((n) => ({ status: n === 2 ? 500 : 200, latencyMs: 10 }));
    const report = await watchWindow({ ...base, maxErrorRate: 0 }, deps);
    expect(report.failure).toMatch(/1 of 3 samples failed/);
  });

  it('fails on p95 once enough samples were slow that the window cannot get under max-p95-ms', async () => {
    expect(slowNeededForP95(12)).toBe(1);
    expect(slowNeededForP95(20)).toBe(2);
    expect(slowNeededForP95(120)).toBe(7);
    const { deps } = fakeDeps((n) => ({ status: 200, latencyMs: n >= 8 ? 900 : 30 }));
    const report = await watchWindow({ ...base, watchMs: 100_000, maxP95Ms: 500 }, deps);
    expect(report.failure).toMatch(
      /^p95 latency in the watch window is above max-p95-ms 500 ms: 2 of 10 samples were slower/,
    );
    const fine = fakeDeps((n) => ({ status: 200, latencyMs: n === 3 ? 900 : 30 }));
    expect((await watchWindow({ ...base, watchMs: 100_000, maxP95Ms: 500 }, fine.deps)).failure).toBeUndefined();
  });

  it('counts each check separately for streaks, and skips slots a slow round overran', async () => {
    const { deps } = fakeDeps((_n, _t, c) => ({ status: c.name === 'b' ? 500 : 200, latencyMs: 10 }));
    const report = await watchWindow({ ...base, checks: [check('a'), check('b')], maxErrorRate: 1 }, deps);
    expect(report.failure).toMatch(/^b failed 3 checks in a row/);
    expect(report.samples).toBe(6);

    const slow = fakeDeps(() => ({ status: 200, latencyMs: 12_000 }));
    const late = await watchWindow({ ...base, requestTimeoutMs: 20_000 }, slow.deps);
    expect(late.timeline.map((s) => s.at)).toEqual([5_000, 20_000, 35_000, 50_000]);
  });

  it('a watch shorter than the interval is a ConfigurationError naming the input', () => {
    expect(() => validateWatch(2_000, 5_000)).toThrow(ConfigurationError);
    expect(() => validateWatch(2_000, 5_000)).toThrow(
      /^Input "watch" is 2\.0 s, shorter than the interval between checks \(5\.0 s\)/,
    );
    expect(() => validateWatch(2_000, 5_000, 'smoke-')).toThrow(/^Input "smoke-watch"/);
    expect(() => validateWatch(0, 5_000)).not.toThrow();
    expect(() => validateWatch(5_000, 5_000)).not.toThrow();
  });
});

describe('watch summary', () => {
  it('draws latency over time, marks failures and where the window stopped', async () => {
    const { deps } = fakeDeps((_n, t) => ({ status: t > 30_000 ? 503 : 200, latencyMs: t > 20_000 ? 80 : 10 }));
    const report = await watchWindow({ ...base, maxErrorRate: 1 }, deps);
    const slices = buckets(report, 60_000, 12);
    expect(slices).toHaveLength(12);
    expect(sparkline(slices)).toBe('▁▁▁▁██✗✗✗···');
    const chart = mermaidChart(slices);
    expect(chart).toMatch(/^```mermaid\nxychart-beta\n/);
    expect(chart).toContain('bar [10, 10, 10, 10, 80, 80, 80, 80, 80, 0, 0, 0]');
    const rows = Object.fromEntries(watchRows(report, 60_000));
    expect(rows['watch samples']).toBe('9 (3 failed, 33.3%)');
    expect(rows['first failure']).toMatch(/^35\.\d s: a: status 503, expected 200$/);
    expect(chart).toContain('x-axis ["5.0 s", "10.0 s"');
    expect(windowStats([])).toEqual({ samples: 0, failures: 0, errorRate: 0, p95: 0 });
  });
});
