/**
 * migrate `preflight: true`, run from dist/ like the runner runs it, before any checkout (an
 * empty workspace): a real PostgreSQL 15 answers; a closed port and a server that accepts the
 * connection and never answers fail fast, naming database-url's host and never its password.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { type Postgres, startPostgres } from '../support/postgres.js';

let pg15: Postgres;
let silent: Server;
let silentPort = 0;
const sockets = new Set<import('node:net').Socket>();
let closedPort = 0;

beforeAll(async () => {
  pg15 = await startPostgres({ major: 15 });
  // Accepts connections and never says a word: a firewall that drops, or a wrong service.
  silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
  // A port nothing listens on: taken, then released.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await pg15?.stop();
});

/** No checkout yet: an empty workspace, and the default working-directory does not matter. */
const preflight = (url: string, inputs: Record<string, string> = {}) =>
  runAction('migrate', {
    cwd: mkdtempSync(path.join(tmpdir(), 'dk-preflight-')),
    inputs: { 'database-url': url, preflight: 'true', 'working-directory': 'not-checked-out', ...inputs },
  });

const errors = (run: Awaited<ReturnType<typeof preflight>>) =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

describe('migrate preflight: true', () => {
  test('a reachable PostgreSQL 15: passes, says which server answered, changes nothing', async () => {
    const url = await pg15.createDatabase('preflight_ok');
    const before = await pg15.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
      [],
      'preflight_ok',
    );
    const run = await preflight(url);
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.log).toMatch(
      new RegExp(`Preflight: 127\\.0\\.0\\.1:${pg15.port}/preflight_ok answered \\(PostgreSQL 15\\.\\d+\\)`),
    );
    expect(run.summary).toContain(`Database preflight: 127.0.0.1:${pg15.port}/preflight_ok reachable`);
    const after = await pg15.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
      [],
      'preflight_ok',
    );
    expect(after.rows).toEqual(before.rows); // no schema_migrations table, nothing else
    expectSecretKept(run, pg15.password);
  });

  test('a closed port: fails at once, naming the host and port, never the password', async () => {
    const url = `postgres://postgres:${encodeURIComponent(pg15.password)}@127.0.0.1:${closedPort}/app`;
    const started = Date.now();
    const run = await preflight(url);
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toContain(
      `The database in database-url (127.0.0.1:${closedPort}/app) cannot be reached from this runner: Could not connect to 127.0.0.1:${closedPort}/app: connection refused.`,
    );
    expect(run.summary).toContain('Nothing was changed.');
    expect(Date.now() - started).toBeLessThan(15_000);
    expectSecretKept(run, pg15.password);
  });

  test('a server that never answers: stopped at the timeout (here 2s), naming the host', async () => {
    const url = `postgres://postgres:${encodeURIComponent(pg15.password)}@127.0.0.1:${silentPort}/app`;
    const started = Date.now();
    const run = await preflight(url, { timeout: '2s' });
    const took = Date.now() - started;
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toMatch(
      new RegExp(
        `The database in database-url \\(127\\.0\\.0\\.1:${silentPort}/app\\) cannot be reached from this runner: Could not connect to 127\\.0\\.0\\.1:${silentPort}/app: .*timeout`,
        'i',
      ),
    );
    expect(took).toBeGreaterThanOrEqual(2_000);
    expect(took).toBeLessThan(12_000);
    expectSecretKept(run, pg15.password);
  });

  test("Supabase's transaction pooler is refused before any connection, with the session pooler as the fix", async () => {
    const run = await preflight(
      `postgres://postgres.abcdefghijklmnop:${encodeURIComponent(pg15.password)}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres`,
    );
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toContain('Use the session pooler instead: the same URL with port 5432');
    expectSecretKept(run, pg15.password);
  });
});
