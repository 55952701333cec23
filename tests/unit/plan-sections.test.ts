/**
 * alembic's offline plan split per revision (src/migrate/plan-sections.ts), on plans the real
 * alembic 1.x printed for `upgrade 0002:head --sql` — with transaction_per_migration and
 * without it, and a revision with an autocommit_block — each section linted by the real
 * squawk as the revision runs: in its own transaction, CREATE INDEX CONCURRENTLY outside it.
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { alembicSections, alembicUpgrades } from '../../src/migrate/plan-sections.js';
import { appliedRevisions } from '../../src/migrate/tool-applied.js';
import { lintSql } from '../../src/migrate/squawk.js';
import { ROOT } from '../harness/runner.js';

const REVISION_0003 = `
-- Running upgrade 0002 -> 0003

ALTER TABLE posts DROP COLUMN id;

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';
`;
const REVISION_0004 = `
-- Running upgrade 0003 -> 0004

COMMIT;

CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_i ON posts (id);

BEGIN;

UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';
`;
const PER_MIGRATION = `BEGIN;\n${REVISION_0003}\nCOMMIT;\n\nBEGIN;\n${REVISION_0004}\nCOMMIT;\n\n`;
const ONE_TRANSACTION = `BEGIN;\n${REVISION_0003}${REVISION_0004}\nCOMMIT;\n\n`;

describe('alembicSections', () => {
  test.each([
    ['transaction_per_migration', PER_MIGRATION],
    ['one transaction', ONE_TRANSACTION],
  ])('%s: one section per revision, in its own transaction, without alembic_version', async (_, plan) => {
    const sections = alembicSections(plan);
    expect(sections.map((s) => s.name)).toEqual(['0003', '0004']);
    // alembic's statements are blanked, not removed: the lines keep their numbers.
    expect(sections[0]?.sql.replace(/\n+/g, '\n')).toBe('BEGIN; \nALTER TABLE posts DROP COLUMN id;\nCOMMIT;');
    expect(sections.map((s) => s.sql).join('\n')).not.toContain('alembic_version');
    const findings = await lintSql(
      path.join(ROOT, 'node_modules/.bin/squawk'),
      sections.map((s) => ({ file: s.name, sql: s.sql, inTransaction: false })),
      ROOT,
    );
    // Line 2 of revision 0003 is the line after its marker's blank line, as in the plan.
    expect(findings.filter((f) => f.file === '0003').map((f) => [f.rule, f.line])).toEqual([['ban-drop-column', 2]]);
    // No transaction-nesting, no uncommitted transaction, no CONCURRENTLY inside one.
    expect(findings.filter((f) => f.file === '0004')).toEqual([]);
  });

  test('a version table of its own (env.py version_table) is the one left out', () => {
    const plan = PER_MIGRATION.replace(/alembic_version/g, 'shop_versions');
    expect(
      alembicSections(plan, 'shop_versions')
        .map((s) => s.sql)
        .join('\n'),
    ).not.toContain('shop_versions');
  });
});

test("alembicUpgrades: the revisions of alembic's log lines", () => {
  const log =
    'INFO  [alembic.runtime.migration] Running upgrade  -> 0001, users\n' +
    'INFO  [alembic.runtime.migration] Running upgrade 0001 -> 0002, posts\n' +
    'INFO  [alembic.runtime.migration] Running upgrade 0002 -> 0003\n';
  expect(alembicUpgrades(log)).toEqual(['0001', '0002', '0003']);
});

test('appliedRevisions: up to the revision the database is at after the run', () => {
  expect(appliedRevisions(['3', '4', '5'], '2', '5', true)).toEqual(['3', '4', '5']);
  expect(appliedRevisions(['3', '4', '5'], '2', '3', false)).toEqual(['3']);
  expect(appliedRevisions(['3', '4', '5'], '2', '2', false)).toEqual([]);
  expect(appliedRevisions(['3', '4'], undefined, undefined, false)).toEqual([]);
  expect(appliedRevisions(['3', '4'], '2', undefined, true)).toEqual(['3', '4']);
});
