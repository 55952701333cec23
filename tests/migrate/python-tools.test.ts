/**
 * migrate with the real alembic and Django (Debian's python3-alembic, python3-django,
 * python3-psycopg2), through dist/migrate against a real PostgreSQL 15: the plan starts at
 * the database's revision, a failure names its migration and what was applied before it,
 * and DATABASE_URL reaches the documented env.py/settings.py as postgresql:// with a
 * password full of `%`, `@` and `/`.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { dbName, errors, rows, tables, usePostgres15 } from './helpers.js';
import {
  addFiles,
  alembicProject,
  alembicRevision,
  djangoMigration,
  djangoProject,
  pythonBin,
} from './python-projects.js';

const server = usePostgres15();
const PASSWORD = 'p%40ss w@rd%/x:y';

/** A database owned by a role whose password needs percent-encoding; its postgres:// URL. */
async function appDatabase(): Promise<string> {
  const url = new URL(await server.pg.createDatabase());
  const role = `app_${dbName(url.toString())}`;
  await server.pg.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
  await server.pg.query(`ALTER DATABASE ${dbName(url.toString())} OWNER TO ${role}`);
  url.username = role;
  url.password = encodeURIComponent(PASSWORD);
  return url.toString();
}

const bin = pythonBin();
const migrate = (cwd: string, url: string, inputs: Record<string, string> = {}) =>
  runAction('migrate', { cwd, inputs: { 'database-url': url, ...inputs }, env: { PATH: bin } });

describe('alembic', () => {
  test('plan from the current revision, apply, and a failure that names its migration and what was committed', async () => {
    const url = await appDatabase();
    expect(url.startsWith('postgres://')).toBe(true);
    const cwd = alembicProject();

    const fresh = await migrate(cwd, url, { 'dry-run': 'true' });
    expect(errors(fresh)).toBe('');
    expect(fresh.log).toContain('tool: auto → alembic (found alembic.ini');
    expect(fresh.log).toContain('alembic: the database is at no revision yet.');
    expect(fresh.outputs.plan).toContain('CREATE TABLE users');
    expect(fresh.outputs.plan).toContain('CREATE TABLE posts');
    expect(await tables(server.pg, url)).toEqual([]);

    const run = await migrate(cwd, url);
    expect(errors(run)).toBe('');
    expect(run.log).toContain('Running upgrade 0001 -> 0002, posts');
    expect(await rows(server.pg, url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: '0002' }]);
    expectSecretKept(run, PASSWORD);
    expectSecretKept(run, encodeURIComponent(PASSWORD));

    const upToDate = await migrate(cwd, url, { 'dry-run': 'true' });
    expect(upToDate.log).toContain('alembic: the database is at revision 0002.');
    expect(upToDate.outputs.plan).not.toContain('CREATE TABLE');

    addFiles(cwd, alembicRevision('0003_tags', '0002', 'tags', 'CREATE TABLE tags (id int)'));
    const next = await migrate(cwd, url, { 'dry-run': 'true' });
    expect(next.outputs.plan).toContain('CREATE TABLE tags');
    expect(next.outputs.plan).not.toContain('CREATE TABLE users'); // not the whole history

    addFiles(cwd, alembicRevision('0004_bad', '0003', 'bad column', 'SELECT no_such_column FROM tags'));
    const bad = await migrate(cwd, url);
    expect(bad.exitCode).toBe(1);
    const annotation = bad.annotations.find((a) => a.properties.title === 'Migration failed');
    expect(annotation?.message).toContain('Failed in migration **0004 (bad column)**.');
    expect(annotation?.message).toContain('Applied before it (committed): 0003 (tags).');
    expect(annotation?.properties.file).toBe('migrations/versions/0004_bad.py');
    expect(bad.summary).toContain('Failed in migration **0004 (bad column)**');
    expect(errors(bad)).toContain('failed in migration 0004 (bad column) with exit code 1');
    expect(await rows(server.pg, url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: '0003' }]);
    expectSecretKept(bad, PASSWORD);
  });
});

describe('alembic with lint', () => {
  test("the plan's SQL is linted per revision; lint: error refuses before alembic runs", async () => {
    const url = await appDatabase();
    const cwd = alembicProject();
    const withSquawk = pythonBin(true);
    const run = (inputs: Record<string, string>) =>
      runAction('migrate', { cwd, inputs: { 'database-url': url, ...inputs }, env: { PATH: withSquawk } });
    expect(errors(await run({}))).toBe('');
    addFiles(
      cwd,
      alembicRevision('0003_required', '0002', 'required', 'ALTER TABLE posts ADD COLUMN x bigint NOT NULL'),
    );

    const plan = await run({ 'dry-run': 'true' });
    expect(errors(plan)).toBe('');
    const finding = plan.annotations.find((a) => a.properties.title === 'squawk: adding-required-field');
    expect(finding?.message).toContain('In alembic revision 0003, line');
    expect(plan.outputs.plan).toContain('| alembic revision 0003:');
    expect(plan.annotations.filter((a) => /alembic_version/.test(a.message))).toEqual([]);

    const refused = await run({ lint: 'error' });
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)).toContain('lint: error — squawk found');
    expect(await rows(server.pg, url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: '0002' }]);
  });
});

describe('Django', () => {
  test('plan, then a failure that names its migration and lists the ones applied before it', async () => {
    const url = await appDatabase();
    const cwd = djangoProject();
    const plan = await migrate(cwd, url, { 'dry-run': 'true' });
    expect(errors(plan)).toBe('');
    expect(plan.log).toContain('tool: auto → django (found manage.py');
    expect(plan.outputs.plan).toContain('shop.0001_initial');
    expect(plan.outputs.plan).toContain('shop.0003_bad');

    const run = await migrate(cwd, url);
    expect(run.exitCode).toBe(1);
    const annotation = run.annotations.find((a) => a.properties.title === 'Migration failed');
    expect(annotation?.message).toContain('Failed in migration **shop.0003_bad**.');
    expect(annotation?.message).toContain('Applied before it (committed): shop.0001_initial, shop.0002_seed.');
    expect(run.summary).toContain('Failed in migration **shop.0003_bad**');
    expect(await rows(server.pg, url, 'SELECT name FROM shop_item')).toEqual([{ name: 'first' }]);
    const recorded = await rows<{ name: string }>(
      server.pg,
      url,
      "SELECT name FROM django_migrations WHERE app = 'shop' ORDER BY id",
    );
    expect(recorded.map((r) => r.name)).toEqual(['0001_initial', '0002_seed']);
    expectSecretKept(run, PASSWORD);
  });
});

test('a missing tool says how to install it, whatever is installed on the machine', async () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'dk-migrate-'));
  writeFileSync(path.join(cwd, 'alembic.ini'), '[alembic]\n');
  const empty = mkdtempSync(path.join(tmpdir(), 'dk-empty-path-'));
  const run = await runAction('migrate', {
    cwd,
    inputs: { 'database-url': server.pg.url, 'dry-run': 'true' },
    env: { PATH: empty },
  });
  expect(errors(run)).toContain(
    'alembic was not found on PATH (tool: alembic). Install it in an earlier step: pip install alembic',
  );
});

describe('Django with lint', () => {
  test('sqlmigrate of each pending migration is linted; lint: error refuses before migrate runs', async () => {
    const url = await appDatabase();
    const cwd = djangoProject();
    addFiles(
      cwd,
      djangoMigration(
        '0003_bad',
        '0002_seed',
        'migrations.RunSQL("ALTER TABLE shop_item ADD COLUMN x bigint NOT NULL")',
      ),
    );
    const withSquawk = pythonBin(true);
    const run = (inputs: Record<string, string>) =>
      runAction('migrate', { cwd, inputs: { 'database-url': url, ...inputs }, env: { PATH: withSquawk } });
    const plan = await run({ 'dry-run': 'true' });
    expect(errors(plan)).toBe('');
    const finding = plan.annotations.find((a) => a.properties.title === 'squawk: adding-required-field');
    expect(finding?.message).toContain('In django migration shop.0003_bad, line');

    const refused = await run({ lint: 'error' });
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)).toContain('lint: error — squawk found');
    expect(await tables(server.pg, url)).toEqual([]);
  });
});

test("alembic: env.py's version_table and version_table_schema are where the kit reads the revision", async () => {
  const url = await server.pg.createDatabase();
  await server.pg.query('CREATE SCHEMA meta', [], dbName(url));
  const cwd = alembicProject();
  const env = path.join(cwd, 'migrations/env.py');
  const source = readFileSync(env, 'utf8').replace(
    /target_metadata=target_metadata,/g,
    "target_metadata=target_metadata, version_table='shop_versions', version_table_schema='meta',",
  );
  expect(source).toContain("version_table='shop_versions'");
  writeFileSync(env, source);
  // The plan from no revision is linted; alembic's own CREATE TABLE meta.shop_versions is not.
  const plan = await runAction('migrate', {
    cwd,
    inputs: { 'database-url': url, 'dry-run': 'true' },
    env: { PATH: pythonBin(true) },
  });
  expect(errors(plan)).toBe('');
  expect(plan.outputs.plan).toContain('CREATE TABLE meta.shop_versions');
  const squawk = plan.annotations.filter((a) => /^squawk:/.test(a.properties.title ?? ''));
  expect(squawk.length).toBeGreaterThan(0); // users/posts (id int): prefer-bigint-over-int
  expect(squawk.filter((a) => !/^In alembic revision 000[12],/.test(a.message))).toEqual([]);
  const run = await migrate(cwd, url);
  expect(errors(run)).toBe('');
  expect(await rows(server.pg, url, 'SELECT version_num FROM meta.shop_versions')).toEqual([{ version_num: '0002' }]);
  const upToDate = await migrate(cwd, url, { 'dry-run': 'true' });
  expect(upToDate.log).toContain('alembic: the database is at revision 0002.');
  expect(upToDate.outputs.plan).not.toContain('CREATE TABLE');
});
