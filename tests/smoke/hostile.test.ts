/**
 * smoke-test against endpoints that misbehave on purpose (issue 16), through dist/: a
 * reported version cannot inject workflow commands, the latency sample stops at `timeout`,
 * and the top-level (secret) headers never reach a host other than `url`'s.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction } from '../harness/runner.js';
import { json, startHttpServer, type TestServer } from '../support/http-server.js';
import { inheritedHeaders } from '../../src/smoke/checks.js';
import { printable } from '../../src/smoke/expectations.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Parameters<typeof startHttpServer>[0]) {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}
const TOKEN = 'Bearer smoke-secret-7f3a9c';

describe('smoke-test with hostile endpoints', () => {
  it('a reported version cannot start a workflow command in the log', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { version: '1.0.0\n::add-mask::1.0.0\n::stop-commands::pwned\n::warning::injected' }),
    );
    const run = await runAction('smoke-test', {
      inputs: { url: server.url, 'expect-version': '2.0.0', timeout: '1s', interval: '200ms', requests: '0' },
    });
    expect(run.exitCode).toBe(1);
    for (const line of run.log.split('\n'))
      expect(line).not.toMatch(/^\s*::(add-mask|stop-commands|warning)::(1\.0\.0|pwned|injected)/);
    expect(run.masks).not.toContain('1.0.0');
    expect(run.annotations.some((a) => a.message === 'injected')).toBe(false);
    expect(run.log).toContain('reports version 1.0.0�:\u200b:add-mask:\u200b:1.0.0');
    expect(printable('a'.repeat(150))).toHaveLength(101);
  });

  it('the latency sample stops at the timeout (a slow endpoint, 50 requests, timeout 2s)', async () => {
    const server = await serve(async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      json(res, 200, { status: 'ok' });
    });
    const started = Date.now();
    const run = await runAction('smoke-test', {
      inputs: { url: server.url, timeout: '2s', interval: '100ms', requests: '50' },
    });
    const took = Date.now() - started;
    expect(run.exitCode).toBe(0);
    expect(run.log).toMatch(/latency sample stopped at the timeout after \d+ requests/);
    // 50 × 250 ms would be 12.5 s; node's start-up and the last request come on top of the 2 s.
    expect(took).toBeLessThan(5_000);
  });

  it('top-level headers go only to the url host: not to a check on another host, nor to an absolute path', async () => {
    const own = await serve((_req, res) => json(res, 200, { status: 'ok' }));
    const other = await serve((_req, res) => json(res, 200, { status: 'ok' }));
    const run = await runAction('smoke-test', {
      inputs: {
        url: own.url,
        headers: `Authorization: ${TOKEN}`,
        checks: [
          '- path: /health',
          `- url: ${other.url}`,
          `- path: ${other.url}/absolute`,
          `- url: ${other.url}`,
          '  path: /own-headers',
          '  headers: "X-Public: yes"',
        ].join('\n'),
        timeout: '3s',
        interval: '100ms',
        requests: '0',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(own.requests.map((r) => r.headers.authorization)).toEqual([TOKEN]);
    expect(other.requests.map((r) => r.url)).toEqual(['/', '/absolute', '/own-headers']);
    expect(other.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(other.requests[2]?.headers['x-public']).toBe('yes');
    const base = new URL(own.url);
    expect(inheritedHeaders(new URL('/x', base), { url: base, headers: [{ name: 'a', value: 'b' }] })).toHaveLength(1);
  });
});
