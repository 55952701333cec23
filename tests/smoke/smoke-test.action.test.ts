/** smoke-test through the runner contract: dist/smoke-test/index.js against real servers on 127.0.0.1. */
import { describe, it, expect, afterEach } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runAction, expectSecretKept } from '../harness/runner.js';
import { startHttpServer, startHttpsServer, closedPort, json, type TestServer } from '../support/http-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Parameters<typeof startHttpServer>[0]) {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}
const fast = { interval: '100ms', timeout: '5s', requests: '3' };

describe('smoke-test (compiled action, runner contract)', () => {
  it('passes a healthy endpoint reporting the expected version, with outputs, summary and report', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { status: 'ok', version: '1.4.2' }, { 'x-release': 'blue' }),
    );
    const run = await runAction('smoke-test', {
      inputs: {
        url: server.url,
        path: '/health',
        'expect-version': 'v1.4.2',
        'expect-json': 'status = ok',
        'expect-header': 'content-type: /json/',
        requests: '10',
        interval: '1s',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs.attempts).toBe('1');
    expect(Number(run.outputs['p95-ms'])).toBeGreaterThan(0);
    expect(Number(run.outputs['p50-ms'])).toBeLessThanOrEqual(Number(run.outputs['p99-ms']));
    expect(run.outputs['error-rate']).toBe('0');
    expect(server.requests.map((r) => r.url)).toEqual(Array(11).fill('/health'));
    expect(run.summary).toContain('Smoke test passed');
    expect(run.summary).toContain('p50 / p95 / p99');
    const report = JSON.parse(readFileSync(run.outputs.report as string, 'utf8'));
    expect(report.passed).toBe(true);
    expect(report.latency.count).toBe(10);
    expect(report.attempts).toHaveLength(1);
  });

  it('keeps polling through a slow start and logs every attempt', async () => {
    let readyAt = 0;
    const server = await serve((_req, res, i) => {
      if (i === 0) readyAt = Date.now() + 1000;
      if (Date.now() < readyAt) json(res, 503, { status: 'starting' });
      else json(res, 200, { status: 'ok' });
    });
    const run = await runAction('smoke-test', { inputs: { url: server.url, ...fast, interval: '200ms' } });
    expect(run.exitCode).toBe(0);
    expect(Number(run.outputs.attempts)).toBeGreaterThan(3);
    expect(Number(run.outputs['time-to-healthy-ms'])).toBeGreaterThanOrEqual(1000);
    expect(run.log).toMatch(/attempt 1: GET http:\/\/127\.0\.0\.1:\d+\/ → 503 in \d+ ms: status 503, expected 200/);
  });

  it('consecutive-successes guards against a flapping service', async () => {
    const server = await serve((_req, res, i) => json(res, i % 2 === 0 ? 200 : 500, {}));
    const strict = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, timeout: '2s', 'consecutive-successes': '2' },
    });
    expect(strict.exitCode).toBe(1);
    expect(strict.outputs.passed).toBe('false');
    expect(strict.log).toMatch(/Not healthy within 2\.0 s/);
    server.setHandler((_req, res) => json(res, 200, {}));
    const steady = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, 'consecutive-successes': '3' },
    });
    expect(steady.exitCode).toBe(0);
    expect(steady.outputs.attempts).toBe('3');
  });

  it('an old release that still answers 200 fails expect-version', async () => {
    const server = await serve((_req, res) => json(res, 200, { sha: 'aaaaaaa' }));
    const run = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, timeout: '1s', 'expect-version': 'bbbbbbbcccc' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /reports version aaaaaaa, expected bbbbbbbcccc \(an older release is still answering\)/,
    );
    const header = await serve((_req, res) => {
      res.setHeader('x-version', 'bbbbbbb');
      res.end('ok');
    });
    const ok = await runAction('smoke-test', { inputs: { url: header.url, ...fast, 'expect-version': 'bbbbbbbcccc' } });
    expect(ok.exitCode).toBe(0);
  });

  it('fails on slow responses over max-p95-ms, and times a request out with a plain message', async () => {
    const server = await serve((_req, res) => void setTimeout(() => json(res, 200, {}), 150));
    const slow = await runAction('smoke-test', { inputs: { url: server.url, ...fast, 'max-p95-ms': '50' } });
    expect(slow.exitCode).toBe(1);
    expect(slow.annotations[0]?.message).toMatch(/p95 latency [\d.]+ ms is above max-p95-ms 50 ms/);
    expect(Number(slow.outputs['p95-ms'])).toBeGreaterThanOrEqual(150);
    const timeout = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, timeout: '1s', 'request-timeout': '50ms' },
    });
    expect(timeout.exitCode).toBe(1);
    expect(timeout.log).toMatch(/no response from http:\/\/127\.0\.0\.1:\d+\/ within 50 ms/);
  });

  it('counts 5xx in the latency sample against max-error-rate', async () => {
    const server = await serve((_req, res, i) => json(res, i === 0 || i % 2 === 0 ? 200 : 502, {}));
    const run = await runAction('smoke-test', { inputs: { url: server.url, ...fast, requests: '10' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['error-rate']).toBe('0.5');
    expect(run.annotations.map((a) => a.message).join('\n')).toMatch(
      /error rate 50\.0% \(5 of 10 requests\) is above max-error-rate 0/,
    );
    server.requests.length = 0;
    const tolerant = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, requests: '10', 'max-error-rate': '0.5' },
    });
    expect(tolerant.exitCode).toBe(0);
  });

  it('says plainly when nothing listens, and when the host does not resolve', async () => {
    const port = await closedPort();
    const refused = await runAction('smoke-test', {
      inputs: { url: `http://127.0.0.1:${port}`, ...fast, timeout: '500ms' },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.log).toContain(`connection refused: nothing is listening on 127.0.0.1:${port}`);
    const dns = await runAction('smoke-test', {
      inputs: { url: 'http://no-such-host.invalid', ...fast, timeout: '500ms' },
    });
    expect(dns.exitCode).toBe(1);
    expect(dns.log).toContain('DNS lookup failed: the host name no-such-host.invalid does not resolve');
  });

  it('follows redirects up to the limit and reports them', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/old') return void res.writeHead(301, { location: '/health' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      json(res, 200, { status: 'ok' });
    });
    const run = await runAction('smoke-test', { inputs: { url: server.url, path: '/old', ...fast } });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain(`301 ${server.url}/old → ${server.url}/health`);
    const loop = await runAction('smoke-test', {
      inputs: { url: server.url, path: '/loop', ...fast, timeout: '300ms', 'max-redirects': '3' },
    });
    expect(loop.exitCode).toBe(1);
    expect(loop.log).toContain('more than 3 redirects');
  });

  it('rejects a self-signed certificate unless insecure: true', async () => {
    const server = await startHttpsServer((_req, res) => json(res, 200, { status: 'ok' }));
    servers.push(server);
    const strict = await runAction('smoke-test', { inputs: { url: server.url, ...fast, timeout: '500ms' } });
    expect(strict.exitCode).toBe(1);
    expect(strict.log).toMatch(/TLS verification failed for 127\.0\.0\.1:\d+: the certificate is self-signed/);
    const insecure = await runAction('smoke-test', { inputs: { url: server.url, ...fast, insecure: 'true' } });
    expect(insecure.exitCode).toBe(0);
  });

  it.each([
    ['expect-status', 'abc', /Input "expect-status" is invalid: "abc" is not a status pattern/],
    ['timeout', '5x', /Input "timeout" is invalid: "5x" is not a duration/],
    ['expect-json', 'a..b = 1', /Input "expect-json" is invalid: "a\.\.b" is not a JSON path/],
    ['headers', 'Authorization Bearer x', /Input "headers" is invalid: line 1 has no ":"/],
    ['url', 'ftp://example.com', /Input "url" is invalid: the scheme ftp: is not supported/],
    ['consecutive-successes', '0', /Input "consecutive-successes" is invalid: 0 is out of range/],
    ['insecure', 'yes', /Input "insecure" is invalid: "yes" is not a boolean/],
    ['checks', '- path: /a\n  expect-status: nope', /Input "checks" is invalid: checks\[0\]\.expect-status/],
  ])('bad input %s=%j fails before any request, naming the input', async (name, value, message) => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const run = await runAction('smoke-test', { inputs: { url: server.url, ...fast, [name]: value } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it('masks header values: never in the log, summary, outputs or report', async () => {
    const secret = 'tok_9f8e7d6c5b4a';
    const server = await serve((req, res) =>
      json(res, req.headers.authorization === `Bearer ${secret}` ? 200 : 401, {}),
    );
    const run = await runAction('smoke-test', {
      inputs: { url: server.url, ...fast, headers: `Authorization: Bearer ${secret}\nX-Team: web` },
    });
    expect(run.exitCode).toBe(0);
    expectSecretKept(run, `Bearer ${secret}`);
    expect(readFileSync(run.outputs.report as string, 'utf8')).not.toContain(secret);
  });

  it('drops custom headers when a redirect leaves the origin', async () => {
    const other = await serve((req, res) => json(res, 200, { sawAuth: Boolean(req.headers.authorization) }));
    const server = await serve(
      (_req, res) => void res.writeHead(302, { location: `${other.url.replace('127.0.0.1', 'localhost')}/x` }).end(),
    );
    const run = await runAction('smoke-test', {
      inputs: {
        url: server.url,
        ...fast,
        requests: '0',
        headers: 'Authorization: Bearer abc',
        'expect-json': 'sawAuth = false',
      },
    });
    expect(run.exitCode).toBe(0);
  });

  it('runs several checks from a YAML list, failing on the one that does not match', async () => {
    const server = await serve((req, res) =>
      req.url === '/api/db' ? json(res, 200, { db: { ok: false } }) : json(res, 200, { status: 'ok' }),
    );
    const checks = '- name: web\n  path: /\n- name: database\n  path: /api/db\n  expect-json:\n    db.ok: true\n';
    const run = await runAction('smoke-test', { inputs: { url: server.url, ...fast, timeout: '500ms', checks } });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('database: db.ok is false, expected true');
    expect(run.summary).toMatch(/<td>web<\/td><td>[^<]+<\/td><td>ok<\/td>/);
  });

  it('works outside GitHub: no runner files, the summary goes to the log', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const run = await runAction('smoke-test', { inputs: { url: server.url, ...fast }, noRunnerFiles: true });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.log).toContain('Smoke test passed');
  });
});
