/**
 * lint: the SQL that will run is checked with the real squawk (squawk-cli, pinned in
 * devDependencies: its linux-x64 binary package), through dist/migrate against PostgreSQL 15.
 */
import { describe, expect, test } from '@jest/globals';
import { errors, migrateIn, project, rows, tables, usePostgres15, warnings } from './helpers.js';

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
