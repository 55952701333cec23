/**
 * INVALID indexes: what a failed CREATE INDEX CONCURRENTLY leaves behind, and what a file run
 * outside a transaction must not be recorded with (apply.ts).
 */
import type { Queryable } from './queryable.js';

/** INVALID indexes in the database, schema-qualified. */
export async function invalidIndexes(db: Queryable): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid ORDER BY 1`,
  );
  return result.rows.map((r) => r.name);
}

export const newlyInvalid = (before: string[], after: string[]) => after.filter((index) => !before.includes(index));
export const unqualified = (index: string) => (index.split('.').pop() as string).replace(/"/g, '').toLowerCase();

/** Names of the indexes a file creates concurrently. */
export function indexNames(sql: string): Set<string> {
  const names = new Set<string>();
  const pattern =
    /CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/gi;
  for (const match of sql.matchAll(pattern)) names.add(unqualified(match[1] as string));
  return names;
}
