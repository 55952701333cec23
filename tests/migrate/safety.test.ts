/**
 * The sql engine's safety rails (issue 13), through dist/migrate against a real PostgreSQL 15:
 * a clean session per file, CREATE INDEX CONCURRENTLY leftovers, timeout and lock-timeout,
 * one lock per table however it is spelled, out-of-order files.
 */
import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dbName, errors, migrateIn, project, rows, tables, usePostgres15, warnings } from './helpers.js';

const server = usePostgres15();
const applied = (run: { outputs: Record<string, string | undefined> }) =>
  JSON.parse(run.outputs['applied-versions'] as string) as string[];

describe('each file starts from a clean session', () => {
  test('SET search_path, SET ROLE and temp tables in one file do not reach the next', async () => {
    const url = await server.pg.createDatabase();
    await server.pg.query('DROP ROLE IF EXISTS dk_reader; CREATE ROLE dk_reader', [], dbName(url));
    const run = await migrateIn(
      project({
        '001_other.sql':
          'CREATE SCHEMA other;\nSET search_path = other;\nCREATE TABLE a (id int);\nCREATE TEMP TABLE scratch (id int);\nSET ROLE dk_reader;\n',
        '002_public.sql': 'CREATE TABLE b (id int);\nCREATE TEMP TABLE scratch (id int);\n',
      }),
      url,
    );
    expect(errors(run)).toBe('');
    expect(await tables(server.pg, url, 'other')).toEqual(['a']);
    expect(await tables(server.pg, url)).toEqual(['b', 'schema_migrations']);
    const owner = await rows(server.pg, url, "SELECT tableowner FROM pg_tables WHERE tablename = 'b'");
    expect(owner).toEqual([{ tableowner: 'postgres' }]);
  });
});

describe('CREATE INDEX CONCURRENTLY that fails', () => {
  test('names the INVALID index left behind, never records the file while it is invalid, says how to clean up', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({
      '001_t.sql': 'CREATE TABLE t (v int);\nINSERT INTO t VALUES (1), (1), (2);\n',
      '002_unique.sql': '-- deploy-kit: no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_v ON t (v);\n',
    });
    const first = await migrateIn(cwd, url);
    expect(first.exitCode).toBe(1);
    expect(errors(first)).toContain('could not create unique index "t_v"');
    expect(errors(first)).toContain('PostgreSQL left this index behind, INVALID');
    expect(errors(first)).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.t_v;');
    expect(errors(first)).not.toContain('nothing from it was applied');
    expect(first.summary).toContain('Clean up what PostgreSQL left behind');
    expect(first.summary).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.t_v;');

    // The duplicates are gone, but IF NOT EXISTS now skips the invalid index: still not recorded.
    await server.pg.query('DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t WHERE v = 1)', [], dbName(url));
    const second = await migrateIn(cwd, url);
    expect(second.exitCode).toBe(1);
    expect(errors(second)).toContain('public.t_v is INVALID');
    expect(errors(second)).toContain('not recorded as applied');
    const recorded = await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations');
    expect(recorded.map((r) => r.version)).toEqual(['001_t']);

    await server.pg.query('DROP INDEX CONCURRENTLY public.t_v', [], dbName(url));
    const third = await migrateIn(cwd, url);
    expect(errors(third)).toBe('');
    expect(applied(third)).toEqual(['002_unique']);
    expect(await rows(server.pg, url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v'::regclass")).toEqual([
      { indisvalid: true },
    ]);
  });
});

describe('timeout and lock-timeout', () => {
  test('timeout stops a long statement (PostgreSQL cancels it) and nothing of that file stays', async () => {
    const url = await server.pg.createDatabase();
    const started = Date.now();
    const run = await migrateIn(
      project({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(12);\n' }),
      url,
      { timeout: '2s' },
    );
    expect(run.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(errors(run)).toContain('001_slow.sql failed at line 2: did not finish within timeout (2.0 s)');
    expect(await tables(server.pg, url)).toEqual(['schema_migrations']);
  });

  test('a statement waiting for a lock longer than lock-timeout fails, naming the session that holds it', async () => {
    const url = await server.pg.createDatabase();
    await server.pg.query('CREATE TABLE accounts (id int)', [], dbName(url));
    const reader = new pg.Client({ connectionString: url, application_name: 'long report' });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM accounts');
      const pid = (await reader.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, 'secret' AS s")).rows[0]?.pid;
      const started = Date.now();
      const run = await migrateIn(project({ '001_alter.sql': 'ALTER TABLE accounts ADD COLUMN note text;\n' }), url, {
        'lock-timeout': '1s',
      });
      expect(run.exitCode).toBe(1);
      expect(Date.now() - started).toBeLessThan(8000);
      const message = errors(run);
      expect(message).toContain('waited longer than lock-timeout (1.0 s) for a lock, held by server process');
      expect(message).toContain(`server process ${pid} ("long report", user postgres, idle in transaction`);
      expect(message).toContain("last query: SELECT pg_backend_pid() AS pid, '…' AS s"); // literals elided
      expect(message).not.toContain('secret');
      expect(message).toContain('SQLSTATE 55P03');
    } finally {
      await reader.end();
    }
    const cols = await rows(
      server.pg,
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'",
    );
    expect(cols).toEqual([{ column_name: 'id' }]);
  });
});

describe('one lock per table', () => {
  test('public.schema_migrations and schema_migrations are the same lock: the second run waits', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({
      '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(2);\n',
      '002_next.sql': 'CREATE TABLE next (id int);\n',
    });
    const [a, b] = await Promise.all([
      migrateIn(cwd, url, { table: 'public.schema_migrations' }),
      migrateIn(cwd, url, { table: 'schema_migrations' }),
    ]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect([a.outputs.applied, b.outputs.applied].sort()).toEqual(['0', '2']);
    const waiter = a.outputs.applied === '0' ? a : b;
    expect(waiter.log).toContain('Waiting for another migration run to finish');
  });
});

describe('out-of-order files', () => {
  test('warned about by default and applied; refused with out-of-order: error', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({ '001_a.sql': 'CREATE TABLE a (id int);\n', '003_c.sql': 'CREATE TABLE c (id int);\n' });
    expect((await migrateIn(cwd, url)).exitCode).toBe(0);
    writeFileSync(path.join(cwd, 'migrations/002_b.sql'), 'CREATE TABLE b (id int);\n');

    const refused = await migrateIn(cwd, url, { 'out-of-order': 'error' });
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)).toContain(
      'Refusing to migrate (out-of-order: error): 002_b.sql sorts before 003_c.sql, which is already applied',
    );
    expect(await tables(server.pg, url)).toEqual(['a', 'c', 'schema_migrations']);

    const warned = await migrateIn(cwd, url);
    expect(errors(warned)).toBe('');
    expect(applied(warned)).toEqual(['002_b']);
    expect(warnings(warned)).toContain('Out of order: 002_b.sql was applied after later files');
  });
});

describe('as a database owner that is not a superuser (a managed database)', () => {
  test('applies, resets its session between files, and records', async () => {
    const url = new URL(await server.pg.createDatabase());
    const db = dbName(url.toString());
    await server.pg.query(`CREATE ROLE owner_${db} LOGIN PASSWORD 'owner-pass'`);
    await server.pg.query(`ALTER DATABASE ${db} OWNER TO owner_${db}`);
    url.username = `owner_${db}`;
    url.password = 'owner-pass';
    const run = await migrateIn(
      project({
        '001_a.sql': 'CREATE SCHEMA other;\nSET search_path = other;\nCREATE TABLE a (id bigint);\n',
        '002_b.sql':
          '-- deploy-kit: no-transaction\nCREATE TABLE b (id bigint);\nCREATE INDEX CONCURRENTLY b_id ON b (id);\n',
      }),
      url.toString(),
    );
    expect(errors(run)).toBe('');
    expect(applied(run)).toEqual(['001_a', '002_b']);
    expect(await tables(server.pg, url.toString())).toEqual(['b', 'schema_migrations']);
  });
});
