/**
 * A file that runs in a transaction reaches PostgreSQL as one query string with its record
 * and COMMIT (src/migrate/batch.ts, issue 13). Through dist/migrate against a real
 * PostgreSQL 15: the failing statement is still the one named, timeout still bounds every
 * statement, a file's SET still ends with it, and the files it cannot take still run.
 */
import { describe, expect, test } from '@jest/globals';
import { buildBatch, locate } from '../../src/migrate/batch.js';
import { sqlLiteral } from '../../src/migrate/queryable.js';
import { splitSql } from '../../src/migrate/split-sql.js';
import { dbName, errors, migrateIn, project, rows, tables, usePostgres15 } from './helpers.js';

const server = usePostgres15();
const failure = (run: Awaited<ReturnType<typeof migrateIn>>) =>
  run.annotations.find((a) => a.properties.title === 'Migration failed');

describe('the failing statement of a batched file', () => {
  test('an error without a position in statement 3: statement 3 and its line, the files applied before it', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({
        '001_ok.sql': 'CREATE TABLE ok (id int);\n',
        '002_bad.sql':
          'CREATE TABLE u (id int PRIMARY KEY);\nINSERT INTO u VALUES (1);\n\n-- the third statement\nINSERT INTO u\n  VALUES (1);\nINSERT INTO u VALUES (2);\n',
        '003_later.sql': 'CREATE TABLE later (id int);\n',
      }),
      url,
    );
    expect(run.exitCode).toBe(1);
    const annotation = failure(run);
    expect(annotation?.properties.file).toBe('migrations/002_bad.sql');
    expect(annotation?.properties.line).toBe('5');
    expect(annotation?.properties.col).toBeUndefined();
    expect(annotation?.message).toMatch(/^002_bad\.sql failed at line 5: duplicate key value .*\(SQLSTATE 23505\)/);
    expect(annotation?.message).toContain('Detail: Key (id)=(1) already exists.');
    expect(annotation?.message).toContain('Nothing from this file was applied');
    expect(annotation?.message).toContain('Applied before it: 001_ok.');
    expect(run.outputs.applied).toBe('1');
    expect(await tables(server.pg, url)).toEqual(['ok', 'schema_migrations']);
    const recorded = await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations');
    expect(recorded.map((r) => r.version)).toEqual(['001_ok']);
  });

  test('an error with a position in statement 3: its line and column, after characters JavaScript counts twice', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({ '001_bad.sql': "SELECT '😀 é 😀';\nCREATE TABLE t (id int);\nSELECT id, nope\n  FROM t;\n" }),
      url,
    );
    expect(run.exitCode).toBe(1);
    const annotation = failure(run);
    expect(annotation?.properties.line).toBe('3');
    expect(annotation?.properties.col).toBe('12');
    expect(annotation?.message).toContain('column "nope" does not exist');
    expect(annotation?.message).toContain('at position 12 of the statement starting on line 3');
    expect(await tables(server.pg, url)).toEqual(['schema_migrations']);
  });

  test('a syntax error in a later statement: nothing of the file ran, and the line is that statement', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(project({ '001_bad.sql': 'CREATE TABLE t (id int);\nSELEC 1;\n' }), url);
    expect(failure(run)?.properties.line).toBe('2');
    expect(failure(run)?.message).toContain('syntax error at or near "SELEC"');
    expect(await tables(server.pg, url)).toEqual(['schema_migrations']);
  });

  test('a record that fails (the file recorded itself): rolled back, and said so', async () => {
    const url = await server.pg.createDatabase();
    const run = await migrateIn(
      project({
        '001_self.sql': "CREATE TABLE t (id int);\nINSERT INTO schema_migrations (version) VALUES ('001_self');\n",
      }),
      url,
    );
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toContain('001_self.sql ran, but recording it in "public"."schema_migrations" failed');
    expect(errors(run)).toContain('Its transaction was rolled back');
    expect(await tables(server.pg, url)).toEqual(['schema_migrations']);
  });
});

describe('timeout in a batched file', () => {
  test('bounds the statements together, not each on its own: the second is cancelled at the deadline', async () => {
    const url = await server.pg.createDatabase();
    const started = Date.now();
    // Each sleep fits in 4 s; both do not.
    const run = await migrateIn(
      project({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(2.5);\nSELECT pg_sleep(2.5);\n' }),
      url,
      { timeout: '4s' },
    );
    expect(run.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(errors(run)).toContain('001_slow.sql failed at line 3: did not finish within timeout (4.0 s)');
    expect(await tables(server.pg, url)).toEqual(['schema_migrations']);
  });
});

describe("a batched file's settings end with it", () => {
  test('SET search_path and SET ROLE: the next file and the record are where and whose they would be', async () => {
    const url = await server.pg.createDatabase();
    const db = dbName(url);
    await server.pg.query(
      `DROP ROLE IF EXISTS dk_batch; CREATE ROLE dk_batch;
       CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
         type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
         installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
       GRANT ALL ON flyway_schema_history TO dk_batch; GRANT CREATE ON SCHEMA public TO dk_batch;`,
      [],
      db,
    );
    const run = await migrateIn(
      project({
        'V1__other.sql':
          'CREATE SCHEMA other;\nSET search_path = other;\nCREATE TABLE a (id int);\nSET ROLE dk_batch;\n',
        'V2__public.sql': 'CREATE TABLE b (id int);\nSELECT current_user;\n',
      }),
      url,
    );
    expect(errors(run)).toBe('');
    expect(await tables(server.pg, url, 'other')).toEqual(['a']);
    expect(await tables(server.pg, url)).toEqual(['b', 'flyway_schema_history']);
    const owner = await rows(server.pg, url, "SELECT tableowner FROM pg_tables WHERE tablename = 'b'");
    expect(owner).toEqual([{ tableowner: 'postgres' }]);
    const recorded = await rows(
      server.pg,
      url,
      'SELECT script, installed_by, execution_time >= 0 AS timed FROM flyway_schema_history ORDER BY installed_rank',
    );
    expect(recorded).toEqual([
      { script: 'V1__other.sql', installed_by: 'postgres', timed: true },
      { script: 'V2__public.sql', installed_by: 'postgres', timed: true },
    ]);
  });
});

describe('what is not batched', () => {
  test('psql meta-commands are refused before any statement of the file runs, in a transaction or not', async () => {
    for (const header of ['', '-- deploy-kit: no-transaction\n']) {
      const url = await server.pg.createDatabase();
      const run = await migrateIn(
        project({ '001_meta.sql': `${header}CREATE TABLE x (id int);\n\\i other.sql\n` }),
        url,
      );
      expect(run.exitCode).toBe(1);
      expect(failure(run)?.properties.line).toBe(String(header ? 3 : 2));
      expect(errors(run)).toContain('psql meta-commands');
      if (header) expect(errors(run)).toContain('nothing from it was applied');
      expect(await tables(server.pg, url)).not.toContain('x');
    }
  });

  test('a file with its own BEGIN and COMMIT, and one ending inside a string, run statement by statement', async () => {
    const url = await server.pg.createDatabase();
    const own = await migrateIn(project({ '001_own.sql': 'BEGIN;\nCREATE TABLE own (id int);\nCOMMIT;\n' }), url);
    expect(errors(own)).toBe('');
    expect(own.outputs.applied).toBe('1');
    expect(await tables(server.pg, url)).toEqual(['own', 'schema_migrations']);

    const open = await migrateIn(
      project({
        '001_own.sql': 'BEGIN;\nCREATE TABLE own (id int);\nCOMMIT;\n',
        '002_open.sql': "SELECT 1;\nSELECT 'oops;\n",
      }),
      url,
    );
    expect(open.exitCode).toBe(1);
    expect(failure(open)?.properties.line).toBe('2');
    expect(errors(open)).toContain('unterminated quoted string');
    const recorded = await rows<{ version: string }>(server.pg, url, 'SELECT version FROM schema_migrations');
    expect(recorded.map((r) => r.version)).toEqual(['001_own']);
  });
});

describe('the pieces, without a server', () => {
  test('splitSql marks a text that ends inside a string, comment or body as open; a trailing -- comment is not', () => {
    expect(splitSql("SELECT 1;\nSELECT 'x;\n").at(-1)?.open).toBe(true);
    expect(splitSql('SELECT 1;\nSELECT 2 /* a\n').at(-1)?.open).toBe(true);
    expect(splitSql('SELECT $b$ x;\n').at(-1)?.open).toBe(true);
    expect(splitSql('CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n').at(-1)?.open).toBe(true);
    expect(splitSql("SELECT 'a'; SELECT 2 -- done").at(-1)?.open).toBeUndefined();
  });

  test('sqlLiteral doubles quotes, and writes E-strings for backslashes', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('a\\b')).toBe(" E'a\\\\b'");
  });

  test('locate: by position (counting characters, not UTF-16 units), else by completed statements', () => {
    const statements = splitSql("SELECT '😀';\nSELECT 2 -- no semicolon");
    const batch = buildBatch([{ prefix: ['BEGIN'], statements, record: ['INSERT x'] }], 1000);
    expect(batch.text).toContain("SELECT '😀';\nSELECT pg_catalog.set_config('statement_timeout'");
    expect(batch.text).toContain('SELECT 2 -- no semicolon\n;\nINSERT x\n;\nCOMMIT\n;\n');
    // "2" in the second statement: its offset in the text, counted in characters, 1-based.
    const at = [...batch.text.slice(0, batch.text.indexOf('2 -- no'))].length + 1;
    expect(locate(batch, { message: 'x', position: String(at) }, 0)).toMatchObject({
      statement: statements[1],
      index: 1,
      error: { position: '8' },
    });
    // BEGIN, the first statement, the timeout done: the second failed.
    expect(locate(batch, { message: 'x' }, 3)).toMatchObject({
      statement: statements[1],
      error: { position: undefined },
    });
    // A failing timeout part counts as the statement it prepares; the record parts as the record.
    expect(locate(batch, { message: 'x' }, 2)).toMatchObject({ statement: statements[1] });
    expect(locate(batch, { message: 'x' }, 4)).toEqual({ file: 0, record: true });
  });
});
