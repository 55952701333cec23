/**
 * After a rollback that follows applied migrations, the rollback summary lists what the old
 * release has not seen and squawk's verdict on each: dist/migrate (real squawk, PostgreSQL 15)
 * hands its `applied-verdicts` to dist/rollback-on-failure (fake Railway API + CLI, as in
 * tests/providers/rollback.test.ts). The same for alembic and Django (the real tools), prisma
 * and supabase (fake CLIs): one verdict per migration the run applied, named as the tool names it.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { runAction } from '../harness/runner.js';
import { FakeRailwayApi, existingDeployment, initialRailwayState } from '../fakes/railway-api.js';
import { type Sandbox, makeSandbox } from '../providers/fake-bin.js';
import { errors, migrateIn, project, usePostgres15, warnings } from './helpers.js';
import { type ToolProject, TOOL_PROJECTS, additiveVerdict } from './tool-projects.js';

const server = usePostgres15();
let sandbox: Sandbox;
let api: FakeRailwayApi | undefined;

afterEach(async () => {
  await api?.stop();
  api = undefined;
});

const BASE = { '001_t.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, legacy text, note text);\n' };
const RELEASE = {
  '002_add.sql': 'ALTER TABLE t ADD COLUMN extra text;\n',
  '003_drop.sql': '-- squawk-ignore ban-drop-column\nALTER TABLE t DROP COLUMN legacy;\n',
  '004_rename.sql': 'ALTER TABLE t RENAME COLUMN note TO remark;\n',
};

async function railway() {
  sandbox = makeSandbox(
    { railway: 'railway-cli.mjs' },
    initialRailwayState({ deployments: [existingDeployment('dep-0001-live', 'SUCCESS', '2026-11-01T10:00:00.000Z')] }),
    'FAKE_RAILWAY_STATE',
  );
  api = new FakeRailwayApi(sandbox.statePath);
  await api.start();
  const inputs = { provider: 'railway', token: api.load().projectToken, service: 'api', 'api-url': api.url };
  return (name: string, extra: Record<string, string> = {}, postOf?: Awaited<ReturnType<typeof runAction>>) =>
    runAction(name, { inputs: { ...inputs, ...extra }, env: sandbox.env, cwd: sandbox.workspace, postOf });
}

/** rollback-on-failure guards a Railway deploy, which then rolls back (its post step) with the verdicts. */
async function deployThenRollBack(applied: string) {
  const run = await railway();
  const guard = await run('rollback-on-failure', { 'migrations-applied': applied });
  expect(guard.exitCode).toBe(0);
  expect(await run('deploy-railway')).toMatchObject({ exitCode: 0 });
  return run('rollback-on-failure', { 'migrations-applied': applied, reason: 'smoke test failed' }, guard);
}

describe('rollback summary: the migrations the old release has not seen', () => {
  test('migrate gives a verdict per applied file; the rollback lists them and warns on destructive ones', async () => {
    const url = await server.pg.createDatabase();
    expect(errors(await migrateIn(project(BASE), url, { lint: 'off' }))).toBe('');
    const migrated = await migrateIn(project({ ...BASE, ...RELEASE }), url);
    expect(errors(migrated)).toBe('');
    const applied = migrated.outputs['applied-verdicts'] ?? '';
    const verdicts: unknown = JSON.parse(applied);
    expect(verdicts).toEqual([
      { version: '002_add', verdict: 'additive', rules: [] },
      { version: '003_drop', verdict: 'destructive', rules: ['ban-drop-column'], acknowledged: ['ban-drop-column'] },
      { version: '004_rename', verdict: 'destructive', rules: ['renaming-column'] },
    ]);

    const post = await deployThenRollBack(applied);
    expect(post.exitCode).toBe(0);
    expect(post.outputs['rolled-back']).toBe('true');
    expect(post.summary).toContain('Migrations the release rolled back to has not seen');
    expect(post.summary).toMatch(/002_add<\/td>\s*<td>additive ✅<\/td>\s*<td>no destructive finding/);
    expect(post.summary).toMatch(
      /003_drop<\/td>\s*<td>destructive ⚠️<\/td>\s*<td>ban-drop-column \(acknowledged with squawk-ignore\)/,
    );
    expect(post.summary).toMatch(/004_rename<\/td>\s*<td>destructive ⚠️<\/td>\s*<td>renaming-column/);
    expect(warnings(post)).toContain('003_drop (ban-drop-column), 004_rename (renaming-column) are destructive');
    expect(post.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        properties: expect.objectContaining({ title: 'The old release meets a destructive migration' }),
      }),
    );
  });

  test('additive only: the summary says the old release should run; no warning. lint: off → unknown', async () => {
    const url = await server.pg.createDatabase();
    await migrateIn(project(BASE), url, { lint: 'off' });
    const unlinted = await migrateIn(project({ ...BASE, '002_add.sql': RELEASE['002_add.sql'] }), url, { lint: 'off' });
    expect(JSON.parse(unlinted.outputs['applied-verdicts'] ?? '')).toEqual([
      { version: '002_add', verdict: 'unknown', rules: [], why: 'not linted (lint: off)' },
    ]);
    const run = await railway();
    const guard = await run('rollback-on-failure', {
      'migrations-applied': '[{"version":"002_add","verdict":"additive","rules":[]}]',
    });
    await run('deploy-railway');
    const post = await run(
      'rollback-on-failure',
      { 'migrations-applied': '[{"version":"002_add","verdict":"additive","rules":[]}]' },
      guard,
    );
    expect(post.outputs['rolled-back']).toBe('true');
    expect(post.summary).toContain(
      'squawk found nothing destructive in them: the old release should run on the new schema.',
    );
    expect(warnings(post)).not.toContain('destructive');
  });

  test('bad migrations-applied: a configuration error naming the input, before anything is recorded', async () => {
    const run = await railway();
    const guard = await run('rollback-on-failure', { 'migrations-applied': '{"version": 1}' });
    expect(guard.exitCode).toBe(1);
    expect(errors(guard)).toContain('migrations-applied');
    expect(errors(guard)).toContain("expected a JSON array: migrate's applied-verdicts output");
    expect(api!.load().calls).toEqual([]);
  });
});

describe('the other tools: a verdict per migration the run applied, listed after a rollback', () => {
  const migrateWith = (p: ToolProject, cwd: string, url: string, inputs: Record<string, string> = {}) =>
    runAction('migrate', { cwd, inputs: { 'database-url': url, tool: p.tool, ...inputs }, env: p.env() });

  test.each(TOOL_PROJECTS)('$tool: additive and destructive, then the rollback summary', async (p) => {
    const url = await server.pg.createDatabase();
    const cwd = p.base();
    const first = await migrateWith(p, cwd, url, { lint: 'off' });
    expect(errors(first)).toBe('');
    expect(JSON.parse(first.outputs['applied-versions'] ?? '')).toEqual(p.first);
    expect(JSON.parse(first.outputs['applied-verdicts'] ?? '')).toEqual(
      p.first.map((version) => ({ version, verdict: 'unknown', rules: [], why: 'not linted (lint: off)' })),
    );

    p.release(cwd);
    const migrated = await migrateWith(p, cwd, url);
    expect(errors(migrated)).toBe('');
    expect(migrated.outputs.applied).toBe('2');
    const applied = migrated.outputs['applied-verdicts'] ?? '';
    expect(JSON.parse(applied)).toEqual([
      additiveVerdict(p.additive),
      {
        version: p.destructive,
        verdict: 'destructive',
        rules: [p.rule],
        ...(p.acknowledged ? { acknowledged: [p.rule] } : {}),
      },
    ]);

    const post = await deployThenRollBack(applied);
    expect(post.outputs['rolled-back']).toBe('true');
    expect(post.summary).toContain('Migrations the release rolled back to has not seen');
    const row = (...cells: string[]) => new RegExp(cells.map((c) => c.replace(/\./g, '\\.')).join('</td>\\s*<td>'));
    expect(post.summary).toMatch(row(p.additive, 'additive ✅', 'no destructive finding'));
    expect(post.summary).toMatch(row(p.destructive, 'destructive ⚠️', p.rule));
    expect(warnings(post)).toContain(`${p.destructive} (${p.rule}) is destructive`);
  });

  test.each(TOOL_PROJECTS)('$tool: a failed run lists only what stayed applied', async (p) => {
    const url = await server.pg.createDatabase();
    const cwd = p.base();
    p.release(cwd);
    expect(errors(await migrateWith(p, cwd, url, { lint: 'off' }))).toBe('');
    p.failing(cwd);
    const failed = await migrateWith(p, cwd, url);
    expect(failed.exitCode).toBe(1);
    expect(JSON.parse(failed.outputs['applied-verdicts'] ?? '')).toEqual([additiveVerdict(p.more)]);
  });
});
