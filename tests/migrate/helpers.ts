/** Shared by the migrate tests: a PostgreSQL 15 for the file, projects, runs, and reads. */
import { afterAll, beforeAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ActionRun, runAction } from '../harness/runner.js';
import { type Postgres, startPostgres } from '../support/postgres.js';

export function usePostgres15(): { pg: Postgres } {
  const server = {} as { pg: Postgres };
  beforeAll(async () => {
    server.pg = await startPostgres({ major: 15 });
  }, 120_000);
  afterAll(async () => {
    await server.pg?.stop();
  });
  return server;
}

/** A workspace with migrations/<name> files. */
export function project(files: Record<string, string>, folder = 'migrations'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-migrate-'));
  mkdirSync(path.join(dir, folder), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, folder, name), content);
  return dir;
}

export const migrateIn = (
  cwd: string,
  url: string,
  inputs: Record<string, string> = {},
  env?: Record<string, string>,
) => runAction('migrate', { cwd, inputs: { 'database-url': url, tool: 'sql', ...inputs }, env });

export const dbName = (url: string) => new URL(url).pathname.slice(1);

export async function tables(pg: Postgres, url: string, schema = 'public'): Promise<string[]> {
  const result = await pg.query<{ t: string }>(
    'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
    [schema],
    dbName(url),
  );
  return result.rows.map((r) => r.t);
}

export async function rows<R extends Record<string, unknown>>(pg: Postgres, url: string, sql: string): Promise<R[]> {
  return (await pg.query<R>(sql, [], dbName(url))).rows;
}

export function errors(run: ActionRun): string {
  return run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
}

export function warnings(run: ActionRun): string {
  return run.annotations
    .filter((a) => a.level === 'warning')
    .map((a) => a.message)
    .join('\n');
}

/** pg_dump of one table (definition and rows): to prove a refusal left it byte for byte as it was. */
export function dumpTable(pg: Postgres, url: string, table: string): string {
  const u = new URL(url);
  const result = spawnSync(
    path.join(pg.bin, 'pg_dump'),
    [
      '-h',
      u.hostname,
      '-p',
      u.port,
      '-U',
      decodeURIComponent(u.username),
      '-d',
      dbName(url),
      '-t',
      table,
      '--no-owner',
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: pg.password } },
  );
  if (result.status !== 0) throw new Error(`pg_dump failed: ${result.stderr}`);
  // pg_dump ≥ 15.14 brackets its output with \restrict <random key>: not part of the table.
  return result.stdout.replace(/^\\(un)?restrict .*$/gm, '');
}
