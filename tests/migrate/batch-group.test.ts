/**
 * Consecutive files that run in a transaction share one query string (src/migrate/batch.ts,
 * issue 13's bench): each still its own transaction, record and duration. Through dist/migrate
 * against a real PostgreSQL 15. A file proves which string it ran in by storing
 * statement_timestamp(), the time PostgreSQL received the string.
 */
import { describe, expect, test } from '@jest/globals';
import { errors, migrateIn, project, rows, tables, usePostgres15 } from './helpers.js';

const server = usePostgres15();
const SEEN = 'CREATE TABLE IF NOT EXISTS seen (file text, received timestamptz);\n';
const seen = (name: string) => `INSERT INTO seen VALUES ('${name}', statement_timestamp());\n`;
const logged = (log: string, word: string) => log.split('\n').filter((line) => line.startsWith(word));

describe('files in one query string', () => {
  test('150 files: two strings (at most 100 files each), every file recorded, logged once each, in order', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 150; i++) {
      const name = String(i).padStart(3, '0');
      files[`${name}_t.sql`] = `${i === 1 ? SEEN : ''}CREATE TABLE t${i} (id int);\n${seen(name)}`;
    }
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project(files), url, { lint: 'off' });
    expect(errors(run)).toBe('');
    expect(run.outputs.applied).toBe('150');
    const strings = await rows<{ files: string }>(
      server.pg,
      url,
      'SELECT count(*)::text AS files FROM seen GROUP BY received ORDER BY min(file)',
    );
    expect(strings.map((s) => s.files)).toEqual(['100', '50']);
    const recorded = await rows<{ n: string }>(server.pg, url, 'SELECT count(*)::text AS n FROM schema_migrations');
    expect(recorded[0]?.n).toBe('150');
    const applying = logged(run.log, 'Applying ');
    expect(applying).toHaveLength(150);
    expect(applying[0]).toBe('Applying 001_t.sql');
    expect(applying[149]).toBe('Applying 150_t.sql');
    expect(run.log.split('\n').filter((line) => /^Applied \d{3}_t\.sql in /.test(line))).toHaveLength(150);
  });

  test("each file's recorded duration is its own, not the string's so far", async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({
        '001_a.sql': `${SEEN}${seen('a')}SELECT pg_sleep(0.4);\n`,
        '002_b.sql': `${seen('b')}SELECT pg_sleep(0.1);\n`,
        '003_c.sql': `${seen('c')}SELECT pg_sleep(0.25);\n`,
      }),
      url,
      { lint: 'off' },
    );
    expect(errors(run)).toBe('');
    const strings = await rows(server.pg, url, 'SELECT DISTINCT received FROM seen');
    expect(strings).toHaveLength(1);
    const recorded = await rows<{ version: string; duration_ms: number }>(
      server.pg,
      url,
      'SELECT version, duration_ms FROM schema_migrations ORDER BY version',
    );
    const ms = Object.fromEntries(recorded.map((r) => [r.version, r.duration_ms]));
    expect(ms['001_a']).toBeGreaterThanOrEqual(400);
    expect(ms['001_a']).toBeLessThan(550);
    expect(ms['002_b']).toBeGreaterThanOrEqual(100);
    expect(ms['002_b']).toBeLessThan(250);
    expect(ms['003_c']).toBeGreaterThanOrEqual(250);
    expect(ms['003_c']).toBeLessThan(400);
  });
});

describe('a failure in one query string', () => {
  test('a syntax error in the third of four files: the two before it are applied, the fourth is not', async () => {
    // PostgreSQL parses a whole string before running it: the files before run again without it.
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({
        '001_a.sql': 'CREATE TABLE a (id int);\n',
        '002_b.sql': 'CREATE TABLE b (id int);\n',
        '003_bad.sql': 'CREATE TABLE c (id int);\n\nSELEC 1;\n',
        '004_d.sql': 'CREATE TABLE d (id int);\n',
      }),
      url,
      { lint: 'off' },
    );
    expect(run.exitCode).toBe(1);
    const failed = run.annotations.find((a) => a.properties.title === 'Migration failed');
    expect(failed?.properties.file).toBe('migrations/003_bad.sql');
    expect(failed?.properties.line).toBe('3');
    expect(failed?.message).toContain('syntax error at or near "SELEC"');
    expect(failed?.message).toContain('Applied before it: 001_a, 002_b.');
    expect(run.outputs.applied).toBe('2');
    expect(await tables(server.pg, url)).toEqual(['a', 'b', 'schema_migrations']);
    expect(logged(run.log, 'Applying ')).toEqual(['Applying 001_a.sql', 'Applying 002_b.sql', 'Applying 003_bad.sql']);
  });

  test('a deferred constraint that fails at COMMIT of the second file: said so; the first stays, the third never runs', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({
        '001_parent.sql': 'CREATE TABLE parent (id int PRIMARY KEY);\n',
        '002_child.sql':
          'CREATE TABLE child (parent int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO child VALUES (7);\n',
        '003_later.sql': 'CREATE TABLE later (id int);\n',
      }),
      url,
      { lint: 'off' },
    );
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain(
      '002_child.sql failed at line 2: insert or update on table "child" violates foreign key',
    );
    expect(errors(run)).toContain('at COMMIT (deferred constraints and triggers are checked then)');
    expect(errors(run)).toContain('Nothing from this file was applied');
    expect(errors(run)).toContain('Applied before it: 001_parent.');
    expect(await tables(server.pg, url)).toEqual(['parent', 'schema_migrations']);
    const recorded = await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations');
    expect(recorded.map((r) => r.version)).toEqual(['001_parent']);
  });
});
