/**
 * The advisory lock that keeps two runs on one history from interleaving. Its key is the
 * table's resolved name (schema.table), so `schema_migrations` and
 * `public.schema_migrations` are one lock.
 */
import { KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import type { Queryable } from './queryable.js';
import type { TableName } from './table-name.js';

export interface LockDeps {
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** $1 = schema or null, $2 = table name. */
export const LOCK_KEY = `hashtext('deploy-kit migrate'), hashtext(coalesce($1, current_schema()) || '.' || $2)`;
const params = (table: TableName) => [table.schema ?? null, table.name];

export async function acquireLock(db: Queryable, table: TableName, timeoutMs: number, deps: LockDeps): Promise<void> {
  const started = deps.now();
  let lastReport = started;
  for (;;) {
    const result = await db.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`,
      params(table),
    );
    if (result.rows[0]?.locked) {
      if (deps.now() - started > 1000)
        deps.log(`Got the migration lock after ${formatDuration(deps.now() - started)}.`);
      return;
    }
    const waited = deps.now() - started;
    if (waited >= timeoutMs) {
      const holder = await lockHolder(db, table);
      throw new KitError(
        `Another migration run holds the lock on ${table.sql}${holder} and did not finish within timeout ` +
          `(${formatDuration(timeoutMs)}). Nothing was applied. Wait for it, or raise timeout.`,
      );
    }
    if (deps.now() - lastReport >= 15_000 || lastReport === started) {
      deps.log(
        `Waiting for another migration run to finish (holding the lock on ${table.sql}${await lockHolder(db, table)})…`,
      );
      lastReport = deps.now();
    }
    await deps.sleep(Math.min(500, Math.max(0, timeoutMs - waited)));
  }
}

async function lockHolder(db: Queryable, table: TableName): Promise<string> {
  const result = await db.query<{ pid: number; application_name: string; backend_start: string }>(
    `SELECT a.pid, a.application_name, a.backend_start::text
       FROM pg_locks l JOIN pg_stat_activity a USING (pid)
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.classid = hashtext('deploy-kit migrate')::oid
        AND l.objid = hashtext(coalesce($1, current_schema()) || '.' || $2)::oid`,
    params(table),
  );
  const row = result.rows[0];
  return row
    ? ` (server process ${row.pid}, ${row.application_name || 'unnamed client'}, connected since ${row.backend_start})`
    : '';
}

export async function releaseLock(db: Queryable, table: TableName): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, params(table));
}
