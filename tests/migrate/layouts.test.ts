/**
 * Down files and down sections never run forward (issue 13): golang-migrate's .up.sql/.down.sql
 * pairs, dbmate's `-- migrate:up`/`-- migrate:down` and node-pg-migrate's `-- Up Migration`/
 * `-- Down Migration` files, through dist/migrate against a real PostgreSQL 15.
 */
import { describe, expect, test } from '@jest/globals';
import { expectSecretKept } from '../harness/runner.js';
import { errors, migrateIn, project, rows, tables, usePostgres15 } from './helpers.js';

const server = usePostgres15();

describe('migrate tool: sql with other runners’ file layouts', () => {
  test('golang-migrate: an .up.sql/.down.sql pair is one migration and the down file never runs', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({
      '000001_init.up.sql': 'CREATE TABLE users (id int);\nINSERT INTO users VALUES (1), (2);\n',
      '000001_init.down.sql': 'DROP TABLE users;\n',
      '000002_posts.up.sql': 'CREATE TABLE posts (id int);\n',
      '000002_posts.down.sql': 'DROP TABLE posts;\nDROP TABLE users;\n',
    });
    const run = await migrateIn(cwd, url);
    expect(errors(run)).toBe('');
    expect(JSON.parse(run.outputs['applied-versions'] as string)).toEqual(['000001_init', '000002_posts']);
    expect(run.log).toContain('Applying 000001_init.up.sql (000001_init.down.sql is its down migration: not run)');
    expect(await tables(server.pg, url)).toEqual(['posts', 'schema_migrations', 'users']);
    expect(await rows(server.pg, url, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 2 }]);
    expectSecretKept(run, server.pg.password);

    const again = await migrateIn(cwd, url);
    expect(again.outputs.applied).toBe('0');
    expect(await tables(server.pg, url)).toEqual(['posts', 'schema_migrations', 'users']);
  });

  test('a .down.sql with no .up.sql is refused before anything runs', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project({ '000001_init.down.sql': 'DROP TABLE users;\n' }), url);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('000001_init.down.sql has no matching .up.sql file');
    expect(await tables(server.pg, url)).toEqual([]);
  });

  test('dbmate: only the -- migrate:up section runs; transaction:false runs outside a transaction', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({
      '20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n',
      '20240102000000_index.sql':
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY users_id;\n',
      '20240103000000_bad.sql':
        '-- migrate:up\nCREATE TABLE later (id int);\nSELECT nope;\n-- migrate:down\nDROP TABLE users;\n',
    });
    const run = await migrateIn(cwd, url);
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.outputs['applied-versions'] as string)).toEqual([
      '20240101000000_users',
      '20240102000000_index',
    ]);
    expect(run.log).toContain('Applying 20240102000000_index.sql (outside a transaction)');
    // The error points into the file as written: line 3 of 20240103000000_bad.sql.
    const annotation = run.annotations.find((a) => a.properties.title === 'Migration failed');
    expect(annotation?.properties.file).toBe('migrations/20240103000000_bad.sql');
    expect(annotation?.properties.line).toBe('3');
    expect(await tables(server.pg, url)).toEqual(['schema_migrations', 'users']);
    const valid = await rows(server.pg, url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_id'::regclass");
    expect(valid).toEqual([{ indisvalid: true }]);
  });

  test('node-pg-migrate: only the -- Up Migration section runs', async () => {
    const url = await server.pg.createDatabase();
    const cwd = project({
      '1700000000000_users.sql':
        '-- Up Migration\nCREATE TABLE users (id int);\n-- Down Migration\nDROP TABLE users;\n',
      '1700000000001_seed.sql':
        '-- Up Migration\nINSERT INTO users VALUES (7);\n\n-- Down Migration\nDELETE FROM users;\nDROP TABLE users;\n',
    });
    const run = await migrateIn(cwd, url);
    expect(errors(run)).toBe('');
    expect(run.outputs.applied).toBe('2');
    expect(await rows(server.pg, url, 'SELECT id FROM users')).toEqual([{ id: 7 }]);
  });

  test('numbered files run in number order (2 before 10), Flyway versions too (V2 before V10, V1_1 after V1)', async () => {
    const url = await server.pg.createDatabase();
    const log = "INSERT INTO log VALUES ('%s');\n";
    const cwd = project({
      '1_log.sql': 'CREATE TABLE log (name text, at timestamptz DEFAULT clock_timestamp());\n',
      '2_b.sql': log.replace('%s', '2'),
      '10_c.sql': log.replace('%s', '10'),
      '9_a.sql': log.replace('%s', '9'),
    });
    const run = await migrateIn(cwd, url);
    expect(errors(run)).toBe('');
    expect(JSON.parse(run.outputs['applied-versions'] as string)).toEqual(['1_log', '2_b', '9_a', '10_c']);
    expect(await rows(server.pg, url, 'SELECT name FROM log ORDER BY at')).toEqual([
      { name: '2' },
      { name: '9' },
      { name: '10' },
    ]);

    const flyway = await server.pg.createDatabase();
    const plan = await migrateIn(
      project({
        'V10__c.sql': 'SELECT 1;\n',
        'V1__a.sql': 'SELECT 1;\n',
        'V2__b.sql': 'SELECT 1;\n',
        'V1_1__x.sql': 'SELECT 1;\n',
      }),
      flyway,
      { 'dry-run': 'true' },
    );
    const order = (plan.outputs.plan as string)
      .split('\n')
      .slice(2)
      .map((line) => line.split(' | ')[1]);
    expect(order).toEqual(['V1__a.sql', 'V1_1__x.sql', 'V2__b.sql', 'V10__c.sql']);
  });
});
