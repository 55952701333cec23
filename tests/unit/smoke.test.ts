import { describe, it, expect } from '@jest/globals';
import { Fail } from '../../src/lib/schemas.js';
import {
  evaluate,
  parseJsonExpectations,
  parseJsonPath,
  parseStatusPattern,
  parseTextMatcher,
  versionMatches,
  type Expectations,
} from '../../src/smoke/expectations.js';
import { joinUrl } from '../../src/smoke/checks.js';
import { percentile, waitUntilHealthy, type SmokeDeps } from '../../src/smoke/smoke-test.js';
import { judge } from '../../src/smoke/judge.js';

describe('expectations', () => {
  it('parses status patterns', () => {
    expect(parseStatusPattern('200')).toEqual([{ min: 200, max: 200 }]);
    expect(parseStatusPattern('200-299, 304')).toEqual([
      { min: 200, max: 299 },
      { min: 304, max: 304 },
    ]);
    expect(parseStatusPattern('2xx')).toEqual([{ min: 200, max: 299 }]);
    for (const bad of ['', 'abc', '299-200', '20', '700']) expect(parseStatusPattern(bad)).toBeInstanceOf(Fail);
  });

  it('parses JSON paths and expectations', () => {
    expect(parseJsonPath('$.data.items[0].id')).toEqual(['data', 'items', 0, 'id']);
    expect(parseJsonPath('checks["db"].ok')).toEqual(['checks', 'db', 'ok']);
    expect(parseJsonPath('a..b')).toBeInstanceOf(Fail);
    expect(parseJsonExpectations(['ok = true', 'count = 3', 'name = web'])).toMatchObject([
      { expected: true },
      { expected: 3 },
      { expected: 'web' },
    ]);
    expect(parseJsonExpectations(['no equals'])).toBeInstanceOf(Fail);
    expect(parseTextMatcher('/[/')).toBeInstanceOf(Fail);
  });

  it('matches versions exactly, with or without v, and SHAs by prefix', () => {
    expect(versionMatches('v1.2.3', '1.2.3')).toBe(true);
    expect(versionMatches('1.2.3', '1.2.30')).toBe(false);
    expect(versionMatches('0123456789abcdef', '0123456')).toBe(true);
    expect(versionMatches('0123456789abcdef', '012345')).toBe(false);
  });

  it('evaluates every expectation and says what is wrong', () => {
    const expectations: Expectations = {
      status: [{ min: 200, max: 200 }],
      body: { kind: 'substring', text: 'healthy' },
      json: parseJsonExpectations(['db.ok = true']) as Expectations['json'],
      headers: [{ name: 'X-Version', matcher: { kind: 'substring', text: '1' } }],
      version: '1.0.0',
    };
    const problems = evaluate(
      { status: 500, body: '{"db":{"ok":false},"version":"0.9.0"}', headers: {} },
      expectations,
    );
    expect(problems).toEqual([
      'status 500, expected 200',
      'body does not contain "healthy"',
      'db.ok is false, expected true',
      'header X-Version is missing',
      'reports version 0.9.0, expected 1.0.0 (an older release is still answering)',
    ]);
  });
});

describe('joinUrl', () => {
  it('joins base paths and keeps queries', () => {
    expect(joinUrl(new URL('https://a.example/app/'), '/health?full=1').href).toBe(
      'https://a.example/app/health?full=1',
    );
    expect(joinUrl(new URL('https://a.example'), '/').href).toBe('https://a.example/');
  });
});

describe('polling', () => {
  it('percentile uses nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)]).toEqual([50, 95, 99]);
    expect(percentile([], 95)).toBe(0);
  });

  it('stops at the deadline on a fake clock, never sleeping past it', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const deps: SmokeDeps = {
      request: async () => ({
        status: 503,
        headers: {},
        body: '',
        latencyMs: 1,
        redirects: [],
        finalUrl: new URL('http://x'),
      }),
      log: () => undefined,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      now: () => now,
    };
    const check = {
      name: '/',
      url: new URL('http://x/'),
      method: 'GET',
      headers: {},
      expect: { status: [{ min: 200, max: 200 }], json: [], headers: [] },
    };
    const result = await waitUntilHealthy(
      {
        checks: [check],
        timeoutMs: 10_000,
        intervalMs: 3000,
        requestTimeoutMs: 1000,
        consecutiveSuccesses: 1,
        requests: 0,
        insecure: false,
        maxRedirects: 5,
      },
      deps,
    );
    expect(result.healthy).toBe(false);
    expect(sleeps).toEqual([3000, 3000, 3000, 1000]);
    expect(result.attempts).toHaveLength(5);
  });

  it('judge reports latency and error-rate limits only once healthy', () => {
    const latency = { count: 10, errors: 1, errorRate: 0.1, p50: 5, p95: 40, p99: 50 };
    expect(judge({ healthy: true, attempts: [], redirects: [], latency }, 30, 0, 1000)).toEqual([
      'p95 latency 40 ms is above max-p95-ms 30 ms.',
      'error rate 10.0% (1 of 10 requests) is above max-error-rate 0.',
    ]);
    expect(judge({ healthy: true, attempts: [], redirects: [], latency }, 50, 0.1, 1000)).toEqual([]);
  });
});
