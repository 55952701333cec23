/**
 * lint: the SQL that will run is checked with the real squawk (squawk-cli, pinned in
 * devDependencies: its linux-x64 binary package), through dist/migrate against PostgreSQL 15.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction } from '../harness/runner.js';
import { dbName, errors, migrateIn, project, rows, tables, usePostgres15, warnings } from './helpers.js';

const server = usePostgres15();

const BASE = { '001_t.sql': 'CREATE TABLE t (id bigint PRIMARY KEY);\n' };
const RISKY = '-- add a required column\nALTER TABLE t ADD COLUMN x bigint NOT NULL;\n';

describe('lint with squawk', () => {
  test('warn (default): findings are file:line annotations and a table in the plan; nothing else changes', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project({ ...BASE, '002_risky.sql': RISKY }), url, { 'dry-run': 'true' });
    expect(errors(run)).toBe('');
    const finding = run.annotations.find((a) => a.properties.title === 'squawk: adding-required-field');
    expect(finding?.level).toBe('warning');
    expect(finding?.properties.file).toBe('migrations/002_risky.sql');
    expect(finding?.properties.line).toBe('2');
    expect(run.outputs.plan).toMatch(/Lint \(squawk 2\.66\.0\): \d+ finding\(s\)/);
    expect(run.outputs.plan).toContain('| migrations/002_risky.sql:2 | [adding-required-field](');
    expect(run.summary).toContain('adding-required-field');
    expect(await tables(server.pg, url)).toEqual([]);
  });

  test('error: refuses before any change; a squawk-ignore comment acknowledges the finding', async () => {
    const url = await server.pg.createDatabase();
    await migrateIn(project(BASE), url, { lint: 'off' });
    const refused = await migrateIn(project({ ...BASE, '002_risky.sql': RISKY }), url, { lint: 'error' });
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)).toContain(
      'lint: error — squawk found 1 problem(s) in the pending migrations (adding-required-field)',
    );
    expect(
      await rows(server.pg, url, "SELECT column_name FROM information_schema.columns WHERE table_name = 't'"),
    ).toEqual([{ column_name: 'id' }]);

    const acknowledged = `-- squawk-ignore adding-required-field\n${RISKY.split('\n')[1]}\n`;
    const run = await migrateIn(project({ ...BASE, '002_risky.sql': acknowledged }), url, { lint: 'error' });
    expect(errors(run)).toBe('');
    expect(run.outputs.applied).toBe('1');
    expect(run.summary).toContain('Lint (squawk 2.66.0): no findings.');
  });

  test('only what runs is linted: a dbmate down section and a .down.sql file are not', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({
        '20240101000000_t.sql':
          '-- migrate:up\nCREATE TABLE t (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE t;\n',
        '20240102000000_u.up.sql': 'CREATE TABLE u (id bigint PRIMARY KEY);\n',
        '20240102000000_u.down.sql': 'DROP TABLE u;\n',
      }),
      url,
      { 'dry-run': 'true' },
    );
    expect(errors(run)).toBe('');
    expect(warnings(run)).not.toContain('ban-drop-table');
    expect(run.outputs.plan).toContain('no findings');
  });
});

/** A project folder with these files (paths relative to it). */
function files(tree: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dk-lint-tool-'));
  for (const [name, content] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

const REQUIRED = 'ALTER TABLE "User" ADD COLUMN "x" BIGINT NOT NULL;\n';

describe('lint of what prisma and supabase will run', () => {
  test('prisma: only migrations _prisma_migrations does not record as finished; lint: error refuses before prisma runs', async () => {
    const url = await server.pg.createDatabase();
    // The table prisma migrate creates on PostgreSQL.
    await server.pg.query(
      `CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL,
         "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
         "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);
       INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES ('1', 'x', now(), '20240101000000_init', 1);`,
      [],
      dbName(url),
    );
    const cwd = files({
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      'prisma/migrations/20240101000000_init/migration.sql': REQUIRED,
      'prisma/migrations/20240102000000_add/migration.sql': `-- AlterTable\n${REQUIRED}`,
    });
    const run = await runAction('migrate', { cwd, inputs: { 'database-url': url, lint: 'error' } });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain(
      'lint: error — squawk found 1 problem(s) in the pending migrations (adding-required-field)',
    );
    const finding = run.annotations.find((a) => a.properties.title === 'squawk: adding-required-field');
    expect(finding?.properties.file).toBe('prisma/migrations/20240102000000_add/migration.sql');
    expect(finding?.properties.line).toBe('2');
    expect(run.log).not.toContain('npx --no-install prisma migrate deploy');
  });

  test('supabase: only files whose version supabase_migrations.schema_migrations lacks', async () => {
    const url = await server.pg.createDatabase();
    // supabase CLI pkg/migration/history.go.
    await server.pg.query(
      `CREATE SCHEMA IF NOT EXISTS supabase_migrations;
       CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
       ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
       ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
       INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES ('20240101000000', 'init');`,
      [],
      dbName(url),
    );
    const cwd = files({
      'supabase/config.toml': 'project_id = "test"\n',
      'supabase/migrations/20240101000000_init.sql': REQUIRED,
      'supabase/migrations/20240102000000_add.sql': REQUIRED,
    });
    const run = await runAction('migrate', { cwd, inputs: { 'database-url': url, lint: 'error' } });
    expect(run.exitCode).toBe(1);
    const found = run.annotations.filter((a) => a.properties.title === 'squawk: adding-required-field');
    expect(found.map((a) => a.properties.file)).toEqual(['supabase/migrations/20240102000000_add.sql']);
  });
});
