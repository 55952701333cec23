/**
 * One project per migration tool for the rollback-verdict tests: its first migrations, a
 * release with an additive then a destructive one, and a later release whose second
 * migration fails. alembic and Django are the real tools (python-projects.ts); prisma and
 * supabase are the fake CLIs in tests/fakes (their real CLIs download engines or images),
 * which apply the files and keep their history tables as the real ones do.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';
import {
  addFiles,
  alembicProject,
  alembicRevision,
  djangoMigration,
  djangoProject,
  pythonBin,
} from './python-projects.js';

export interface ToolProject {
  tool: 'alembic' | 'django' | 'prisma' | 'supabase';
  /** A project with its first migrations (named `first`, as the tool names them). */
  base: () => string;
  first: string[];
  /** Adds an additive migration, then a destructive one (`rule`). */
  release: (cwd: string) => void;
  additive: string;
  destructive: string;
  rule: string;
  /** Whether the destructive one acknowledges its finding with squawk-ignore. */
  acknowledged?: boolean;
  /** Adds an additive migration (`more`), then one that fails. */
  failing: (cwd: string) => void;
  more: string;
  env: () => Record<string, string>;
}

function tree(files: Record<string, string>, link?: { from: string; to: string }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dk-tool-verdict-'));
  addFiles(root, files);
  if (link) {
    mkdirSync(path.dirname(path.join(root, link.from)), { recursive: true });
    symlinkSync(path.join(ROOT, 'tests/fakes', link.to), path.join(root, link.from));
  }
  return root;
}

const USER = 'CREATE TABLE "User" ("id" BIGINT PRIMARY KEY, "name" TEXT, "legacy" TEXT);\n';
const ADD = 'ALTER TABLE "User" ADD COLUMN "email" TEXT;\n';
const MORE = 'CREATE TABLE "Tag" ("id" BIGINT PRIMARY KEY);\n';
const BAD = 'SELECT no_such_column FROM "User";\n';

export const TOOL_PROJECTS: ToolProject[] = [
  {
    tool: 'alembic',
    base: alembicProject,
    first: ['0001', '0002'],
    release: (cwd) =>
      addFiles(cwd, {
        ...alembicRevision('0003_extra', '0002', 'extra', 'ALTER TABLE posts ADD COLUMN extra text'),
        ...alembicRevision(
          '0004_drop',
          '0003',
          'drop',
          '-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN id',
        ),
      }),
    additive: '0003',
    destructive: '0004',
    rule: 'ban-drop-column',
    acknowledged: true,
    failing: (cwd) =>
      addFiles(cwd, {
        ...alembicRevision('0005_tags', '0004', 'tags', 'CREATE TABLE tags (id bigint)'),
        ...alembicRevision('0006_bad', '0005', 'bad', 'SELECT no_such_column FROM tags'),
      }),
    more: '0005',
    env: () => ({ PATH: pythonBin(true) }),
  },
  {
    tool: 'django',
    base: () => {
      const cwd = djangoProject();
      rmSync(path.join(cwd, 'shop/migrations/0003_bad.py'));
      return cwd;
    },
    first: ['shop.0001_initial', 'shop.0002_seed'],
    release: (cwd) =>
      addFiles(cwd, {
        ...djangoMigration(
          '0003_extra',
          '0002_seed',
          'migrations.AddField(model_name="item", name="extra", field=models.TextField(null=True))',
        ),
        ...djangoMigration('0004_drop', '0003_extra', 'migrations.RemoveField(model_name="item", name="name")'),
      }),
    additive: 'shop.0003_extra',
    destructive: 'shop.0004_drop',
    rule: 'ban-drop-column',
    failing: (cwd) =>
      addFiles(cwd, {
        ...djangoMigration('0005_more', '0004_drop', 'migrations.RunSQL("CREATE TABLE tags (id bigint)")'),
        ...djangoMigration('0006_bad', '0005_more', 'migrations.RunSQL("SELECT no_such_column FROM tags")'),
      }),
    more: 'shop.0005_more',
    env: () => ({ PATH: pythonBin(true) }),
  },
  {
    tool: 'prisma',
    // npx --no-install finds the project's node_modules/.bin/prisma, as after `npm ci`.
    base: () =>
      tree(
        {
          'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
          'prisma/migrations/20240101000000_init/migration.sql': USER,
        },
        { from: 'node_modules/.bin/prisma', to: 'prisma-cli.mjs' },
      ),
    first: ['20240101000000_init'],
    release: (cwd) =>
      addFiles(cwd, {
        'prisma/migrations/20240102000000_add/migration.sql': `-- AlterTable\n${ADD}`,
        'prisma/migrations/20240103000000_rename/migration.sql':
          'ALTER TABLE "User" RENAME COLUMN "name" TO "full_name";\n',
      }),
    additive: '20240102000000_add',
    destructive: '20240103000000_rename',
    rule: 'renaming-column',
    failing: (cwd) =>
      addFiles(cwd, {
        'prisma/migrations/20240104000000_more/migration.sql': MORE,
        'prisma/migrations/20240105000000_bad/migration.sql': BAD,
      }),
    more: '20240104000000_more',
    env: () => ({}),
  },
  {
    tool: 'supabase',
    base: () =>
      tree({ 'supabase/config.toml': 'project_id = "test"\n', 'supabase/migrations/20240101000000_init.sql': USER }),
    first: ['20240101000000_init'],
    release: (cwd) =>
      addFiles(cwd, {
        'supabase/migrations/20240102000000_add.sql': ADD,
        'supabase/migrations/20240103000000_retype.sql': 'ALTER TABLE "User" ALTER COLUMN "legacy" TYPE varchar(10);\n',
      }),
    additive: '20240102000000_add',
    destructive: '20240103000000_retype',
    rule: 'changing-column-type',
    failing: (cwd) =>
      addFiles(cwd, {
        'supabase/migrations/20240104000000_more.sql': MORE,
        'supabase/migrations/20240105000000_bad.sql': BAD,
      }),
    more: '20240104000000_more',
    env: () => {
      const bin = mkdtempSync(path.join(tmpdir(), 'dk-supabase-bin-'));
      symlinkSync(path.join(ROOT, 'tests/fakes/supabase-cli.mjs'), path.join(bin, 'supabase'));
      return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    },
  },
];

/** migrate's `applied-verdicts` entry for a migration squawk found nothing destructive in. */
export const additiveVerdict = (version: string) => ({ version, verdict: 'additive', rules: [] });
