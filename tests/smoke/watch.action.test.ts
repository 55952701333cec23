/** smoke-test's watch window through the runner contract (dist/smoke-test) against real servers on 127.0.0.1. */
import { describe, it, expect, afterEach } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runAction } from '../harness/runner.js';
import { startHttpServer, json, type TestServer } from '../support/http-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Parameters<typeof startHttpServer>[0]) {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}
const fast = { interval: '200ms', timeout: '5s', requests: '2' };

describe('smoke-test watch window (compiled action)', () => {
  it('watches a steady service for the whole window: outputs, report, summary timeline and chart', async () => {
    const server = await serve((_req, res) => json(res, 200, { status: 'ok' }));
    const run = await runAction('smoke-test', { inputs: { url: server.url, ...fast, watch: '2s' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(Number(run.outputs['watched-ms'])).toBeGreaterThanOrEqual(2000);
    expect(Number(run.outputs['watched-ms'])).toBeLessThan(3000);
    // 10 slots of 200 ms; a slot a slow round overran is skipped, never made up in a burst.
    const samples = Number(run.outputs.samples);
    expect(samples).toBeGreaterThanOrEqual(9);
    expect(samples).toBeLessThanOrEqual(10);
    // 1 attempt + 2 sample requests + the window's.
    expect(server.requests).toHaveLength(3 + samples);
    const watched = server.requests.slice(3);
    const span = (watched.at(-1)?.at ?? 0) - (watched[0]?.at ?? 0);
    expect(span / (watched.length - 1)).toBeGreaterThanOrEqual(180);
    expect(run.log).toContain('::group::Watch window: 2.0 s');
    expect(run.log).toMatch(/watching for 2\.0 s: 10 rounds, one every 200 ms/);
    expect(run.summary).toContain('watch timeline');
    expect(run.summary).toContain('```mermaid\nxychart-beta');
    const report = JSON.parse(readFileSync(run.outputs.report as string, 'utf8'));
    expect(report.watch).toMatchObject({ samples, failures: 0 });
    expect(report.watch.timeline).toHaveLength(samples);
  });

  it('fails when the service degrades after going live: 3 failed checks in a row, early', async () => {
    let brokenAt = 0;
    const server = await serve((_req, res, i) => {
      if (i === 3) brokenAt = Date.now();
      json(res, brokenAt ? 503 : 200, {});
    });
    const run = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, watch: '5s', 'max-error-rate': '0.5' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs.samples).toBe('3');
    expect(Number(run.outputs['watched-ms'])).toBeLessThan(2000);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /The watch window failed after [\d.]+ (s|ms): \/ failed 3 checks in a row in the watch window \(max-consecutive-failures 3\); last: status 503, expected 200\./,
    );
    expect(run.log).toMatch(/watch [\d.]+ (s|ms): GET http:\/\/127\.0\.0\.1:\d+\/ → 503/);
    expect(run.summary).toContain('first failure');
    expect(run.summary).toContain('✗');
  });

  it('fails on the window error rate and on the window p95', async () => {
    const flaky = await serve((_req, res, i) => json(res, i > 3 && i % 2 === 0 ? 500 : 200, {}));
    const errors = await runAction('smoke-test', {
      inputs: { url: flaky.url, ...fast, watch: '2s', 'max-error-rate': '0.2' },
    });
    expect(errors.exitCode).toBe(1);
    expect(errors.annotations[0]?.message).toMatch(/error rate in the watch window: 3 of \d samples failed/);

    const slow = await serve((_req, res, i) => void setTimeout(() => json(res, 200, {}), i > 3 ? 400 : 0));
    const latency = await runAction('smoke-test', {
      inputs: { url: slow.url, ...fast, watch: '2s', 'max-p95-ms': '250' },
    });
    expect(latency.exitCode).toBe(1);
    expect(latency.annotations[0]?.message).toMatch(/p95 latency in the watch window is above max-p95-ms 250 ms/);
  });

  it('a failed smoke test is not watched; a watch shorter than the interval fails before any request', async () => {
    const down = await serve((_req, res) => json(res, 503, {}));
    const failed = await runAction('smoke-test', { inputs: { url: down.url, ...fast, timeout: '500ms', watch: '2s' } });
    expect(failed.exitCode).toBe(1);
    expect(failed.log).not.toContain('Watch window');
    expect(failed.outputs['watched-ms']).toBe('0');

    const server = await serve((_req, res) => json(res, 200, {}));
    const bad = await runAction('smoke-test', { inputs: { url: server.url, interval: '5s', watch: '2s' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.annotations[0]?.message).toMatch(
      /^Input "watch" is 2\.0 s, shorter than the interval between checks \(5\.0 s\)/,
    );
    expect(server.requests).toHaveLength(0);
  });
});
