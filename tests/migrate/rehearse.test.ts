/**
 * rehearse-url: the pending migrations run on a scratch copy of production first; when they
 * fail there, production is not touched. Real PostgreSQL 15, the copy made with
 * CREATE DATABASE … TEMPLATE (what a restored backup gives), through dist/migrate.
 */
import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectSecretKept } from '../harness/runner.js';
import { dbName, errors, migrateIn, project, rows, usePostgres15 } from './helpers.js';

const server = usePostgres15();

async function productionAndCopy(): Promise<[string, string]> {
  const production = await server.pg.createDatabase();
  await server.pg.query(
    `CREATE TABLE users (email text);
     INSERT INTO users VALUES ('a@example.com'), ('a@example.com');`,
    [],
    dbName(production),
  );
  const copy = `${dbName(production)}_copy`;
  await server.pg.query(`CREATE DATABASE ${copy} TEMPLATE ${dbName(production)}`);
  const url = new URL(production);
  url.pathname = `/${copy}`;
  return [production, url.toString()];
}

const versions = async (url: string) =>
  (
    await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations ORDER BY 1').catch(() => [])
  ).map((r) => r.version);

describe('rehearse-url', () => {
  test('a migration that fails on the copy (real data: duplicates) leaves production untouched', async () => {
    const [production, copy] = await productionAndCopy();
    const cwd = project({ '001_unique.sql': 'ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);\n' });
    const run = await migrateIn(cwd, production, { 'rehearse-url': copy });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain(
      `The rehearsal on the scratch copy 127.0.0.1:${server.pg.port}/${dbName(copy)} failed, so`,
    );
    expect(errors(run)).toContain('was not touched');
    expect(errors(run)).toContain('could not create unique index "users_email"');
    expect(await versions(production)).toEqual([]);
    expect(await rows(server.pg, production, "SELECT to_regclass('schema_migrations') AS t")).toEqual([{ t: null }]);
    expectSecretKept(run, server.pg.password);
  });

  test('when the rehearsal passes, production is migrated after it', async () => {
    const [production, copy] = await productionAndCopy();
    const cwd = project({ '001_index.sql': 'CREATE INDEX users_email ON users (email);\n' });
    writeFileSync(path.join(cwd, 'migrations', '002_col.sql'), 'ALTER TABLE users ADD COLUMN name text;\n');
    const run = await migrateIn(cwd, production, { 'rehearse-url': copy });
    expect(errors(run)).toBe('');
    expect(run.log).toMatch(/Rehearsal passed on .*_copy; migrating /);
    expect(await versions(copy)).toEqual(['001_index', '002_col']);
    expect(await versions(production)).toEqual(['001_index', '002_col']);
  });

  test('the same database as database-url is refused before anything runs', async () => {
    const [production] = await productionAndCopy();
    const run = await migrateIn(project({ '001.sql': 'SELECT 1;\n' }), production, { 'rehearse-url': production });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('Input "rehearse-url" is invalid: it names the same database as database-url');
    expect(await versions(production)).toEqual([]);
  });
});
