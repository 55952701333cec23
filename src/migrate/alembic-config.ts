/**
 * The version table an alembic project configures: `context.configure(version_table=...,
 * version_table_schema=...)` in the env.py under alembic.ini's `script_location`
 * (alembic/runtime/migration.py: the defaults are `alembic_version` and the search_path).
 * Only string literals are read; anything else keeps the default, with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface AlembicVersionTable {
  schema?: string;
  table: string;
}

const literal = (source: string, keyword: string) =>
  new RegExp(`\\b${keyword}\\s*=\\s*(?:'([^'\\n]+)'|"([^"\\n]+)")`).exec(source)?.slice(1).find(Boolean);

/** The env.py source of the project in `cwd`, or undefined. */
export function alembicEnvSource(cwd: string): string | undefined {
  const ini = path.join(cwd, 'alembic.ini');
  if (!existsSync(ini)) return undefined;
  const location = /^\s*script_location\s*=\s*(.+?)\s*$/m.exec(readFileSync(ini, 'utf8'))?.[1];
  if (!location || location.includes(':')) return undefined; // a package resource (pkg:path): not read
  const env = path.join(path.resolve(cwd, location.replace(/%\(here\)s/g, cwd)), 'env.py');
  return existsSync(env) ? readFileSync(env, 'utf8') : undefined;
}

export function alembicVersionTable(source: string | undefined): AlembicVersionTable {
  const table = source ? literal(source, 'version_table') : undefined;
  const schema = source ? literal(source, 'version_table_schema') : undefined;
  return { table: table ?? 'alembic_version', ...(schema ? { schema } : {}) };
}

/** The table as SQL, each part quoted. */
export const quotedVersionTable = (t: AlembicVersionTable) =>
  [t.schema, t.table]
    .filter((p): p is string => p !== undefined)
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
