/**
 * The SQL files prisma and supabase WILL run: their migration files minus what their history
 * tables record. Read only, so that lint can look at them before the tool runs.
 *
 * - prisma migrate deploy: prisma/migrations/<name>/migration.sql, applied when
 *   `_prisma_migrations` has a row for <name> with finished_at set and rolled_back_at null.
 * - supabase db push: supabase/migrations/<version>_<name>.sql, applied when
 *   `supabase_migrations.schema_migrations` (the CLI's pkg/migration/history.go: version text
 *   primary key, statements text[], name text) has <version>.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Queryable } from './queryable.js';

export interface PendingFile {
  /** As the tool names the migration: prisma's folder name, supabase's file name without `.sql`. */
  name: string;
  file: string;
  sql: string;
}

async function recorded(db: Queryable, table: string, sql: string): Promise<Set<string>> {
  const found = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  if (!found.rows[0]?.t) return new Set();
  return new Set((await db.query<{ v: string }>(sql)).rows.map((r) => r.v));
}

export async function pendingToolFiles(
  tool: 'prisma' | 'supabase',
  cwd: string,
  db: Queryable,
): Promise<PendingFile[]> {
  const read = (name: string, file: string) => ({ name, file, sql: readFileSync(file, 'utf8') });
  if (tool === 'prisma') {
    const dir = path.join(cwd, 'prisma/migrations');
    if (!existsSync(dir)) return [];
    const applied = await recorded(
      db,
      '"_prisma_migrations"',
      'SELECT migration_name AS v FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return readdirSync(dir)
      .filter(
        (name) => statSync(path.join(dir, name)).isDirectory() && existsSync(path.join(dir, name, 'migration.sql')),
      )
      .sort()
      .filter((name) => !applied.has(name))
      .map((name) => read(name, path.join(dir, name, 'migration.sql')));
  }
  const dir = path.join(cwd, 'supabase/migrations');
  if (!existsSync(dir)) return [];
  const applied = await recorded(
    db,
    'supabase_migrations.schema_migrations',
    'SELECT version AS v FROM supabase_migrations.schema_migrations',
  );
  return readdirSync(dir)
    .filter((name) => /^\d+_.*\.sql$/.test(name))
    .sort()
    .filter((name) => !applied.has((/^(\d+)_/.exec(name) as RegExpExecArray)[1] as string))
    .map((name) => read(name.slice(0, -'.sql'.length), path.join(dir, name)));
}
