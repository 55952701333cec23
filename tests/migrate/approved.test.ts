/**
 * approved-migrations (issue 16): with `approval: comment` the release issue lists the migration
 * files changed since production's commit; the production job's migrate gets that list from the
 * claim and refuses, before anything changes, a pending file the approver was not shown.
 * Real PostgreSQL 15, through dist/migrate.
 */
import { describe, expect, test } from '@jest/globals';
import { expectSecretKept } from '../harness/runner.js';
import { errors, migrateIn, project, rows, usePostgres15, warnings } from './helpers.js';

const server = usePostgres15();

const versions = async (url: string) =>
  (
    await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations ORDER BY 1').catch(() => [])
  ).map((r) => r.version);

const files = {
  '001_users.sql': 'CREATE TABLE users (id int);\n',
  '002_orders.sql': 'CREATE TABLE orders (id int);\n',
};

describe('approved-migrations', () => {
  test('a pending file the release issue did not list is refused, and nothing is migrated', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project(files);
    const run = await migrateIn(cwd, url, { 'approved-migrations': JSON.stringify(['migrations/002_orders.sql']) });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain(
      "The database's plan applies `migrations/001_users.sql`, which the release issue did not show the approver (it listed `migrations/002_orders.sql`). Nothing was migrated.",
    );
    expect(await versions(url)).toEqual([]);
    expect(await rows(server.pg, url, "SELECT to_regclass('orders') AS t")).toEqual([{ t: null }]);
    expectSecretKept(run, server.pg.password);
  });

  test('an issue that listed no migration file: any pending one is refused', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project(files), url, { 'approved-migrations': '[]' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('(it listed no migration file)');
    expect(await versions(url)).toEqual([]);
  });

  test('the plan the approver saw is applied; files already applied need not be listed', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({ '001_users.sql': files['001_users.sql'] });
    expect((await migrateIn(cwd, url)).exitCode).toBe(0);
    const next = project(files);
    const run = await migrateIn(next, url, { 'approved-migrations': JSON.stringify(['./migrations/002_orders.sql']) });
    expect(errors(run)).toBe('');
    expect(await versions(url)).toEqual(['001_users', '002_orders']);
  });

  test('working-directory: paths compare from the repository root', async () => {
    const url = await server.pg.createDatabase();
    const root = project(files, 'api/migrations');
    const run = await migrateIn(root, url, {
      'working-directory': 'api',
      'approved-migrations': JSON.stringify(['api/migrations/001_users.sql', 'api/migrations/002_orders.sql']),
    });
    expect(errors(run)).toBe('');
    expect(warnings(run)).not.toContain('approved-migrations');
    expect(await versions(url)).toEqual(['001_users', '002_orders']);
  });

  test('a value that is not a JSON array of paths fails naming the input, before connecting', async () => {
    const run = await migrateIn(project(files), 'postgres://u:p@127.0.0.1:1/db', { 'approved-migrations': 'a.sql' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('approved-migrations');
    expect(errors(run)).toContain("expected a JSON array of file paths: release-approval's approved-migrations output");
  });
});
