/**
 * Other runners' histories (issue 13): adopted, or refused before any change — checked with
 * pg_dump of the other tool's table, byte for byte. Each table is created with its tool's own
 * DDL (cited at each), against a real PostgreSQL 15, through dist/migrate.
 */
import { describe, expect, test } from '@jest/globals';
import { crc32 } from 'node:zlib';
import { dumpTable, errors, migrateIn, project, rows, tables, usePostgres15 } from './helpers.js';

const server = usePostgres15();

const setup = async (sql: string) => {
  const url = await server.pg.createDatabase();
  await server.pg.query(sql, [], new URL(url).pathname.slice(1));
  return url;
};
const applied = (run: { outputs: Record<string, string | undefined> }) =>
  JSON.parse(run.outputs['applied-versions'] as string) as string[];
const columns = async (url: string, table: string) =>
  (
    await rows<{ c: string }>(
      server.pg,
      url,
      `SELECT column_name AS c FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    )
  ).map((r) => r.c);

// golang-migrate database/postgres/postgres.go, ensureVersionTable.
const GOLANG_DDL =
  'CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null);';
// dbmate pkg/driver/postgres/postgres.go, CreateMigrationsTable.
const DBMATE_DDL = 'create table if not exists "public".schema_migrations (version varchar(255) primary key);';
// node-pg-migrate src/runner.ts, ensureMigrationsTable.
const NODE_PG_MIGRATE_DDL =
  'CREATE TABLE "public"."pgmigrations" (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);';
// Flyway flyway-core/.../database/postgresql/createMetaDataTable.sql.
const FLYWAY_DDL = `CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");`;

const SEED = "INSERT INTO users (email) VALUES ('seeded@example.com');\n";
const USERS = 'CREATE TABLE users (email text);\n';

describe('hand-written schema_migrations', () => {
  test.each([
    ['full file names', ['001_users.sql', '002_seed.sql'], '003_more.sql'],
    ['stems', ['001_users', '002_seed'], '003_more'],
    ['leading numbers', ['001', '002'], '003'],
  ])('recorded as %s: adopted, nothing re-runs, new rows recorded the same way', async (_, recorded, expected) => {
    const url = await setup(
      `CREATE TABLE schema_migrations (version varchar(255) PRIMARY KEY, applied_at timestamp DEFAULT now());
       ${USERS} ${SEED}
       INSERT INTO schema_migrations (version) VALUES ${recorded.map((v) => `('${v}')`).join(', ')};`,
    );
    const cwd = project({
      '001_users.sql': USERS,
      '002_seed.sql': SEED,
      '003_more.sql': 'CREATE TABLE more (id int);\n',
    });
    const run = await migrateIn(cwd, url);
    expect(errors(run)).toBe('');
    expect(applied(run)).toEqual(['003_more']);
    expect(await rows(server.pg, url, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 1 }]); // the seed did not run again
    const versions = await rows<{ version: string }>(
      server.pg,
      url,
      'SELECT version FROM schema_migrations ORDER BY 1',
    );
    expect(versions.map((r) => r.version)).toEqual([...recorded, expected]);
  });
});

describe('golang-migrate', () => {
  const files = {
    '000001_users.up.sql': USERS,
    '000001_users.down.sql': 'DROP TABLE users;\n',
    '000002_posts.up.sql': 'CREATE TABLE posts (id int);\n',
    '000002_posts.down.sql': 'DROP TABLE posts;\n',
  };

  test('adopted: files at or below its version are applied; it stays in its format at the new version', async () => {
    const url = await setup(`${GOLANG_DDL} ${USERS} INSERT INTO schema_migrations VALUES (1, false);`);
    const run = await migrateIn(project(files), url);
    expect(errors(run)).toBe('');
    expect(applied(run)).toEqual(['000002_posts']);
    expect(run.log).toContain("golang-migrate's table (version 1)");
    expect(await rows(server.pg, url, 'SELECT version::int, dirty FROM schema_migrations')).toEqual([
      { version: 2, dirty: false },
    ]);
    expect(await columns(url, 'schema_migrations')).toEqual(['version', 'dirty']);
    expect(await tables(server.pg, url)).toEqual(['posts', 'schema_migrations', 'users']);
  });

  test('dirty: refused, naming golang-migrate and `migrate force`; its table is byte-identical', async () => {
    const url = await setup(`${GOLANG_DDL} ${USERS} INSERT INTO schema_migrations VALUES (1, true);`);
    const before = dumpTable(server.pg, url, 'schema_migrations');
    const run = await migrateIn(project(files), url);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toMatch(/golang-migrate's table, and it says migration 1 failed half-way.*migrate force 1/s);
    expect(dumpTable(server.pg, url, 'schema_migrations')).toBe(before);
    expect(await tables(server.pg, url)).toEqual(['schema_migrations', 'users']);
  });
});

describe('dbmate', () => {
  test('adopted: its versions match the files; new rows in its format, no columns added', async () => {
    const url = await setup(`${DBMATE_DDL} ${USERS} INSERT INTO schema_migrations VALUES ('20240101000000');`);
    const cwd = project({
      '20240101000000_users.sql': `-- migrate:up\n${USERS}-- migrate:down\nDROP TABLE users;\n`,
      '20240102000000_posts.sql': '-- migrate:up\nCREATE TABLE posts (id int);\n-- migrate:down\nDROP TABLE posts;\n',
    });
    const run = await migrateIn(cwd, url);
    expect(errors(run)).toBe('');
    expect(applied(run)).toEqual(['20240102000000_posts']);
    expect(await rows(server.pg, url, 'SELECT version FROM schema_migrations ORDER BY 1')).toEqual([
      { version: '20240101000000' },
      { version: '20240102000000' },
    ]);
    expect(await columns(url, 'schema_migrations')).toEqual(['version']);
  });
});

describe('node-pg-migrate', () => {
  test('adopted: pgmigrations is continued (no schema_migrations is created)', async () => {
    const url = await setup(
      `${NODE_PG_MIGRATE_DDL} ${USERS} INSERT INTO pgmigrations (name, run_on) VALUES ('1700000000000_users', now());`,
    );
    const cwd = project({
      '1700000000000_users.sql': `-- Up Migration\n${USERS}-- Down Migration\nDROP TABLE users;\n`,
      '1700000000001_posts.sql':
        '-- Up Migration\nCREATE TABLE posts (id int);\n-- Down Migration\nDROP TABLE posts;\n',
    });
    const run = await migrateIn(cwd, url);
    expect(errors(run)).toBe('');
    expect(applied(run)).toEqual(['1700000000001_posts']);
    expect(run.log).toContain('History: "public"."pgmigrations" (node-pg-migrate).');
    expect(await rows(server.pg, url, 'SELECT id, name FROM pgmigrations ORDER BY id')).toEqual([
      { id: 1, name: '1700000000000_users' },
      { id: 2, name: '1700000000001_posts' },
    ]);
    expect(await tables(server.pg, url)).toEqual(['pgmigrations', 'posts', 'users']);
  });
});

describe('Flyway', () => {
  // Flyway's ChecksumCalculator: CRC32 of the lines without line breaks, as a signed int.
  const checksum = (text: string) => crc32(Buffer.from(text.replace(/\r?\n/g, ''))) | 0;
  const history = (rows: string) => `${FLYWAY_DDL} ${USERS}
    INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
    VALUES ${rows};`;
  const files = {
    'V1__users.sql': USERS,
    'V2__posts.sql': 'CREATE TABLE posts (id int);\n',
    'V10__tags.sql': 'CREATE TABLE tags (id int);\n',
  };

  test('adopted: V1 is not re-applied; V2 then V10 are recorded as Flyway records them', async () => {
    const url = await setup(history(`(1, '1', 'users', 'SQL', 'V1__users.sql', ${checksum(USERS)}, 'me', 5, true)`));
    const run = await migrateIn(project(files), url);
    expect(errors(run)).toBe('');
    expect(applied(run)).toEqual(['V2__posts', 'V10__tags']);
    const recorded = await rows(
      server.pg,
      url,
      'SELECT installed_rank, version, description, type, script, checksum, success FROM flyway_schema_history ORDER BY 1',
    );
    expect(recorded.slice(1)).toEqual([
      {
        installed_rank: 2,
        version: '2',
        description: 'posts',
        type: 'SQL',
        script: 'V2__posts.sql',
        checksum: checksum(files['V2__posts.sql']),
        success: true,
      },
      {
        installed_rank: 3,
        version: '10',
        description: 'tags',
        type: 'SQL',
        script: 'V10__tags.sql',
        checksum: checksum(files['V10__tags.sql']),
        success: true,
      },
    ]);
    expect(await tables(server.pg, url)).toEqual(['flyway_schema_history', 'posts', 'tags', 'users']);
  });

  test('a failed migration in its history: refused, naming Flyway and `flyway repair`; table byte-identical', async () => {
    const url = await setup(
      history(
        `(1, '1', 'users', 'SQL', 'V1__users.sql', ${checksum(USERS)}, 'me', 5, true), (2, '2', 'posts', 'SQL', 'V2__posts.sql', 1, 'me', 5, false)`,
      ),
    );
    const before = dumpTable(server.pg, url, 'flyway_schema_history');
    const run = await migrateIn(project(files), url);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toMatch(/Flyway's table, and it records a failed migration: V2__posts\.sql.*flyway repair/s);
    expect(dumpTable(server.pg, url, 'flyway_schema_history')).toBe(before);
    expect(await tables(server.pg, url)).toEqual(['flyway_schema_history', 'users']);
  });

  test('an applied file whose Flyway checksum changed is refused; table byte-identical', async () => {
    const url = await setup(history(`(1, '1', 'users', 'SQL', 'V1__users.sql', 12345, 'me', 5, true)`));
    const before = dumpTable(server.pg, url, 'flyway_schema_history');
    const run = await migrateIn(project(files), url);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('V1__users.sql was changed after Flyway applied it (recorded checksum 12345');
    expect(dumpTable(server.pg, url, 'flyway_schema_history')).toBe(before);
  });
});
