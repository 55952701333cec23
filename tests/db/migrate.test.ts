/**
 * migrate, run from dist/ like the runner runs it, against real PostgreSQL servers
 * (Debian's 15 and the embedded 17) started for this file.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ActionRun, expectSecretKept, runAction } from '../harness/runner.js';
import { type Postgres, usePostgres15And17 } from '../support/postgres.js';

const servers = usePostgres15And17();

/** A workspace with migrations/<name> files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-migrate-'));
  mkdirSync(path.join(dir, 'migrations'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, 'migrations', name), content);
  return dir;
}

const migrateIn = (cwd: string, url: string, inputs: Record<string, string> = {}) =>
  runAction('migrate', { cwd, inputs: { 'database-url': url, ...inputs } });

const dbName = (url: string) => new URL(url).pathname.slice(1);

async function tables(pg: Postgres, url: string): Promise<string[]> {
  const result = await pg.query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    [],
    dbName(url),
  );
  return result.rows.map((r) => r.t);
}

function failed(run: ActionRun): string {
  return run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
}

const THREE = {
  '001_users.sql': 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n',
  '002_posts.sql':
    "CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users);\nINSERT INTO users (email) VALUES ('a;b@example.com');\n",
  '003_tags.sql':
    '-- tags; with a semicolon in a comment\nCREATE TABLE tags (name text);\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n',
};

describe('migrate tool: sql', () => {
  test('a fresh database gets every file in order, recorded with checksum and duration; a second run applies nothing', async () => {
    const url = await servers.pg15.createDatabase();
    const cwd = project(THREE);
    const run = await migrateIn(cwd, url, { tool: 'sql' });
    expect(failed(run)).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.applied).toBe('3');
    expect(run.outputs.pending).toBe('0');
    expect(JSON.parse(run.outputs['applied-versions'] as string)).toEqual(['001_users', '002_posts', '003_tags']);
    expect(await tables(servers.pg15, url)).toEqual(['posts', 'schema_migrations', 'tags', 'users']);
    const rows = await servers.pg15.query<{ version: string; checksum: string; duration_ms: number; applied_at: Date }>(
      'SELECT version, checksum, duration_ms, applied_at FROM schema_migrations ORDER BY version',
      [],
      dbName(url),
    );
    expect(rows.rows.map((r) => r.version)).toEqual(['001_users', '002_posts', '003_tags']);
    for (const row of rows.rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.duration_ms).toBeGreaterThanOrEqual(0);
      expect(row.applied_at).toBeInstanceOf(Date);
    }
    expect(run.summary).toContain('001_users.sql');
    expectSecretKept(run, servers.pg15.password);

    const again = await migrateIn(cwd, url, { tool: 'sql' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.applied).toBe('0');
    expect(again.summary).toContain('3 already applied');
  });

  test('works on PostgreSQL 17 too', async () => {
    const url = await servers.pg17.createDatabase();
    const run = await migrateIn(project(THREE), url, { tool: 'sql' });
    expect(failed(run)).toBe('');
    expect(run.outputs.applied).toBe('3');
    expect(await tables(servers.pg17, url)).toEqual(['posts', 'schema_migrations', 'tags', 'users']);
  });

  test('an existing hand-made schema_migrations(version, applied_at) is kept and completed', async () => {
    const url = await servers.pg15.createDatabase();
    const db = dbName(url);
    await servers.pg15.query(
      `CREATE TABLE schema_migrations (version varchar PRIMARY KEY, applied_at timestamp);
       CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
       INSERT INTO schema_migrations VALUES ('001_users', '2024-01-02 03:04:05');`,
      [],
      db,
    );
    const run = await migrateIn(project(THREE), url, { tool: 'sql' });
    expect(failed(run)).toBe('');
    expect(JSON.parse(run.outputs['applied-versions'] as string)).toEqual(['002_posts', '003_tags']);
    const rows = await servers.pg15.query<{ version: string; applied_at: Date; checksum: string | null }>(
      'SELECT version, applied_at, checksum FROM schema_migrations ORDER BY version',
      [],
      db,
    );
    expect(rows.rows.map((r) => r.version)).toEqual(['001_users', '002_posts', '003_tags']);
    expect(rows.rows[0]?.applied_at.getFullYear()).toBe(2024); // the old row is untouched...
    expect(rows.rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/); // ...and now has its checksum
  });

  test('two runs started at once never interleave: the second waits for the lock', async () => {
    const url = await servers.pg15.createDatabase();
    const cwd = project({
      '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(2);\n',
      '002_next.sql': 'CREATE TABLE next (id int);\n',
    });
    const [a, b] = await Promise.all([migrateIn(cwd, url, { tool: 'sql' }), migrateIn(cwd, url, { tool: 'sql' })]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const counts = [a.outputs.applied, b.outputs.applied].sort();
    expect(counts).toEqual(['0', '2']); // one applied both, the other found nothing left
    const waiter = a.outputs.applied === '0' ? a : b;
    expect(waiter.log).toContain('Waiting for another migration run to finish');
    const rows = await servers.pg15.query('SELECT version FROM schema_migrations', [], dbName(url));
    expect(rows.rowCount).toBe(2);
  });

  test('a run that cannot get the lock within timeout fails clearly and applies nothing', async () => {
    const url = await servers.pg15.createDatabase();
    const holder = await import('pg').then((m) => new m.default.Client({ connectionString: url }));
    await holder.connect();
    try {
      // The key is the resolved table name: this one lock is what `schema_migrations` means too.
      await holder.query(
        `SELECT pg_advisory_lock(hashtext('deploy-kit migrate'), hashtext('public.schema_migrations'))`,
      );
      const run = await migrateIn(project(THREE), url, { tool: 'sql', timeout: '2s' });
      expect(run.exitCode).toBe(1);
      expect(failed(run)).toMatch(
        /Another migration run holds the lock .*did not finish within timeout \(2\.0 s\)\. Nothing was applied/s,
      );
      expect(await tables(servers.pg15, url)).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  test('a failing middle migration: annotated at its file and line; earlier ones stay, it leaves nothing, later ones do not run', async () => {
    const url = await servers.pg15.createDatabase();
    const cwd = project({
      '001_ok.sql': 'CREATE TABLE ok (id int);\n',
      '002_bad.sql': 'CREATE TABLE half (id int);\n\nSELECT 1;\nINSERT INTO ok (id, nope)\n  VALUES (1, 2);\n',
      '003_later.sql': 'CREATE TABLE later (id int);\n',
    });
    const run = await migrateIn(cwd, url, { tool: 'sql' });
    expect(run.exitCode).toBe(1);
    const annotation = run.annotations.find((a) => a.properties.title === 'Migration failed');
    expect(annotation?.properties.file).toBe('migrations/002_bad.sql');
    expect(annotation?.properties.line).toBe('4');
    expect(annotation?.properties.col).toBe('21');
    expect(annotation?.message).toContain('column "nope" of relation "ok" does not exist');
    expect(annotation?.message).toContain('position 21 of the statement starting on line 4');
    expect(run.outputs.applied).toBe('1');
    expect(await tables(servers.pg15, url)).toEqual(['ok', 'schema_migrations']);
    const rows = await servers.pg15.query<{ version: string }>(
      'SELECT version FROM schema_migrations',
      [],
      dbName(url),
    );
    expect(rows.rows.map((r) => r.version)).toEqual(['001_ok']);
    expect(run.summary).toContain('failed at line 4');
    expectSecretKept(run, servers.pg15.password);
  });

  test("an error with no position (a constraint) still names the statement's line", async () => {
    const url = await servers.pg15.createDatabase();
    const run = await migrateIn(
      project({
        '001.sql': 'CREATE TABLE u (id int PRIMARY KEY);\nINSERT INTO u VALUES (1);\n\nINSERT INTO u VALUES (1);\n',
      }),
      url,
      { tool: 'sql' },
    );
    expect(run.exitCode).toBe(1);
    const annotation = run.annotations.find((a) => a.properties.title === 'Migration failed');
    expect(annotation?.properties.line).toBe('4');
    expect(annotation?.message).toMatch(/duplicate key value violates unique constraint.*SQLSTATE 23505/s);
    expect(annotation?.message).toContain('Detail: Key (id)=(1) already exists.');
    expect(await tables(servers.pg15, url)).toEqual(['schema_migrations']);
  });

  test('refuses to run when an applied file was changed, naming it with both checksums', async () => {
    const url = await servers.pg15.createDatabase();
    const cwd = project({ '001_users.sql': THREE['001_users.sql'] });
    expect((await migrateIn(cwd, url, { tool: 'sql' })).exitCode).toBe(0);
    writeFileSync(path.join(cwd, 'migrations/001_users.sql'), 'CREATE TABLE users (id bigserial PRIMARY KEY);\n');
    writeFileSync(path.join(cwd, 'migrations/002_more.sql'), 'CREATE TABLE more (id int);\n');
    const run = await migrateIn(cwd, url, { tool: 'sql' });
    expect(run.exitCode).toBe(1);
    expect(failed(run)).toMatch(
      /001_users\.sql was changed after it was applied \(recorded sha256 [0-9a-f]{64}, file now [0-9a-f]{64}\)/,
    );
    expect(await tables(servers.pg15, url)).toEqual(['schema_migrations', 'users']); // 002 was not applied
  });

  test('a no-transaction file can CREATE INDEX CONCURRENTLY; without the marker PostgreSQL refuses', async () => {
    const url = await servers.pg15.createDatabase();
    const base = { '001_t.sql': 'CREATE TABLE t (id int);\nINSERT INTO t SELECT generate_series(1, 1000);\n' };
    const without = await migrateIn(
      project({ ...base, '002_idx.sql': 'CREATE INDEX CONCURRENTLY t_id ON t (id);\n' }),
      url,
      { tool: 'sql' },
    );
    expect(without.exitCode).toBe(1);
    expect(failed(without)).toContain('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');

    const run = await migrateIn(
      project({
        ...base,
        '002_idx.sql':
          '-- deploy-kit: no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nCREATE INDEX CONCURRENTLY t_id2 ON t (id);\n',
      }),
      url,
      { tool: 'sql' },
    );
    expect(failed(run)).toBe('');
    expect(run.outputs.applied).toBe('1');
    expect(run.log).toContain('Applying 002_idx.sql (outside a transaction)');
    const valid = await servers.pg15.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('t_id', 't_id2') AND i.indisvalid",
      [],
      dbName(url),
    );
    expect(valid.rows[0]?.n).toBe('2');
  });

  test('dry-run lists the pending files in order with sizes and changes nothing', async () => {
    const url = await servers.pg15.createDatabase();
    const run = await migrateIn(project(THREE), url, { tool: 'sql', 'dry-run': 'true' });
    expect(failed(run)).toBe('');
    expect(run.outputs.pending).toBe('3');
    expect(run.outputs.applied).toBe('0');
    const plan = run.outputs.plan as string;
    expect(plan.indexOf('001_users.sql')).toBeLessThan(plan.indexOf('002_posts.sql'));
    expect(plan).toContain(`| 1 | 001_users.sql | ${Buffer.byteLength(THREE['001_users.sql'])} B | yes |`);
    expect(run.summary).toContain('dry run: nothing changed');
    expect(run.summary).toContain('003_tags.sql');
    expect(await tables(servers.pg15, url)).toEqual([]); // not even the migrations table
  });

  test('a wrong password fails with a clear message and the password is never shown', async () => {
    const url = new URL(await servers.pg15.createDatabase());
    const wrong = 'Wr0ng-pass-' + Date.now();
    url.password = wrong;
    const run = await migrateIn(project(THREE), url.toString(), { tool: 'sql' });
    expect(run.exitCode).toBe(1);
    expect(failed(run)).toMatch(
      /Could not log in to 127\.0\.0\.1:\d+\/db_\w+ as "postgres": password authentication failed/,
    );
    expectSecretKept(run, wrong);
  });
});

describe('migrate with other tools', () => {
  test('tool: auto picks the sql engine for migrations/*.sql and says why', async () => {
    const url = await servers.pg15.createDatabase();
    const run = await migrateIn(project(THREE), url);
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain('tool: auto → sql (found 3 *.sql file(s) in migrations/ in .)');
  });

  test('tool: auto with nothing recognisable fails before connecting, saying what it looked for', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dk-migrate-'));
    const run = await migrateIn(cwd, 'postgres://u:p@127.0.0.1:1/db');
    expect(run.exitCode).toBe(1);
    expect(failed(run)).toContain('looked for alembic.ini, manage.py, prisma/schema.prisma, knexfile.*');
  });

  test('tool: command runs the command with DATABASE_URL set and fails with its exit code', async () => {
    const url = await servers.pg15.createDatabase();
    const cwd = mkdtempSync(path.join(tmpdir(), 'dk-migrate-'));
    writeFileSync(
      path.join(cwd, 'migrate.mjs'),
      `import pg from ${JSON.stringify(path.resolve('node_modules/pg/lib/index.js'))};
       const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
       await c.connect(); await c.query('CREATE TABLE from_command (id int)'); await c.end();
       console.log('migrated with', process.env.DATABASE_URL);
       console.log('inputs seen:', Object.keys(process.env).filter((k) => k.startsWith('INPUT_')).length);
       process.exit(Number(process.argv[2] ?? 0));`,
    );
    const ok = await migrateIn(cwd, url, { tool: 'command', command: 'node migrate.mjs 0' });
    expect(failed(ok)).toBe('');
    expect(ok.log).toContain('migrated with postgresql://postgres@127.0.0.1'); // as postgresql://, shown without its password
    // The action's inputs (INPUT_DATABASE-URL holds the password) do not reach the command.
    expect(ok.log).toContain('inputs seen: 0');
    expect(await tables(servers.pg15, url)).toEqual(['from_command']);
    expectSecretKept(ok, servers.pg15.password);

    const url2 = await servers.pg15.createDatabase();
    const bad = await migrateIn(cwd, url2, { tool: 'command', command: "node 'migrate.mjs' 3" });
    expect(bad.exitCode).toBe(1);
    expect(failed(bad)).toContain('node migrate.mjs 3 failed with exit code 3');
  });

  test('tool: auto finds a knexfile and runs the real knex migrate:latest with DATABASE_URL', async () => {
    const url = await servers.pg15.createDatabase();
    const cwd = mkdtempSync(path.join(tmpdir(), 'dk-migrate-knex-'));
    // The project's own knex and pg, as after `npm ci` (npx --no-install finds node_modules/.bin/knex).
    symlinkSync(path.resolve('node_modules'), path.join(cwd, 'node_modules'));
    writeFileSync(
      path.join(cwd, 'knexfile.js'),
      "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './db/migrations' } };\n",
    );
    mkdirSync(path.join(cwd, 'db/migrations'), { recursive: true });
    writeFileSync(
      path.join(cwd, 'db/migrations/20240101000000_widgets.js'),
      "exports.up = (knex) => knex.schema.createTable('widgets', (t) => { t.increments('id'); t.string('name'); });\n" +
        "exports.down = (knex) => knex.schema.dropTable('widgets');\n",
    );
    const plan = await migrateIn(cwd, url, { 'dry-run': 'true' });
    expect(failed(plan)).toBe('');
    expect(plan.log).toContain('tool: auto → knex (found knexfile.js in .)');
    expect(plan.outputs.plan).toContain('20240101000000_widgets.js'); // knex migrate:list shows it pending
    expect(await tables(servers.pg15, url)).not.toContain('widgets');

    const run = await migrateIn(cwd, url);
    expect(failed(run)).toBe('');
    expect(run.log).toContain('npx --no-install knex migrate:latest');
    expect(run.log).toMatch(/Batch 1 run: 1 migrations/);
    expect(await tables(servers.pg15, url)).toEqual(expect.arrayContaining(['knex_migrations', 'widgets']));
    expectSecretKept(run, servers.pg15.password);

    writeFileSync(
      path.join(cwd, 'db/migrations/20240102000000_bad.js'),
      "exports.up = (knex) => knex.raw('SELEC 1');\nexports.down = () => {};\n",
    );
    const bad = await migrateIn(cwd, url);
    expect(bad.exitCode).toBe(1);
    expect(failed(bad)).toMatch(
      /npx --no-install knex migrate:latest failed with exit code 1:.*syntax error at or near "SELEC"/s,
    );
  });

  test('bad input fails before anything happens, naming the input', async () => {
    const cwd = project(THREE);
    const badTool = await migrateIn(cwd, 'postgres://u:p@127.0.0.1:1/db', { tool: 'flyway' });
    expect(failed(badTool)).toContain('Input "tool" is invalid: "flyway" is not one of auto, sql, alembic');
    const badUrl = await migrateIn(cwd, 'mysql://u:secretpw@h/db');
    expect(failed(badUrl)).toContain('Input "database-url" is invalid: the scheme mysql: is not PostgreSQL');
    expectSecretKept(badUrl, 'secretpw');
    const noCommand = await migrateIn(cwd, 'postgres://u:p@127.0.0.1:1/db', { tool: 'command' });
    expect(failed(noCommand)).toContain('Input "command" is required with tool: command');
    const shell = await migrateIn(cwd, 'postgres://u:p@127.0.0.1:1/db', { tool: 'command', command: 'a | b' });
    expect(failed(shell)).toContain('Input "command" is invalid: the command has the shell character "|"');
  });
});
