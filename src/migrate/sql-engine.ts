/**
 * The built-in `sql` migration engine: applies migration files in version order, each in its
 * own transaction, under a PostgreSQL advisory lock, recording what it applied.
 *
 * Why the pg driver and not psql: the advisory lock belongs to a session that must stay
 * open across all files (psql would need one long-lived process fed through a pipe), the
 * error comes back as structured fields (position, detail, hint) instead of text to
 * parse, and the runner needs no psql of the server's version for `tool: sql`. The
 * statements are split the way psql splits them (split-sql.ts), so a file behaves as
 * under `psql -1 -f`; a file that runs in a transaction still reaches the server as one query
 * string with its record and COMMIT, consecutive files together (batch.ts): one round trip for
 * up to 100 files.
 *
 * Order of a run: lock → read the history (no change) → decide (refuse changed files, other
 * tools' tables it cannot continue, out-of-order files if asked) → only then write.
 */
import { KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { applyFiles, type Progress } from './apply.js';
import { groups } from './batch.js';
import { type BlockerWatch, noWatch } from './blockers.js';
import type { MigrationFile } from './files.js';
import { type HistoryTool, openHistory } from './history.js';
import { acquireLock, releaseLock } from './lock.js';
import type { AppliedMigration } from './migration-error.js';
import type { Session } from './queryable.js';
import { type TableName, tableName } from './table-name.js';

export { loadMigrations, type MigrationFile } from './files.js';
export { MigrationError, type AppliedMigration } from './migration-error.js';
export { parseTableName, type TableName } from './table-name.js';
export type { Queryable, Session } from './queryable.js';

export interface EngineOptions {
  /** Table name, optionally schema-qualified; validated by parseTableName. */
  table: TableName;
  /** PostgreSQL lock_timeout for every statement. */
  lockTimeoutMs: number;
  /** The whole run's deadline: waiting for another run's lock, and every statement. */
  timeoutMs: number;
  dryRun: boolean;
  /** A pending file that sorts before an applied one: warn (default) or refuse. */
  outOfOrder?: 'warn' | 'error';
}

export interface EngineDeps {
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Samples who blocks a waiting statement (a second session). */
  watch?: BlockerWatch;
  /** Sees the pending files once decided, before any change (lint); may refuse by throwing. */
  review?: (pending: MigrationFile[]) => Promise<void>;
}

export interface MigrateResult {
  applied: AppliedMigration[];
  /** Files still to apply: all pending ones on a dry run, none after a good run. */
  pending: MigrationFile[];
  /** Files found already applied. */
  upToDate: number;
  /** What the history adoption did, for the log. */
  notes: string[];
  /** Recorded versions with no file. */
  missingFiles: string[];
  /** Pending files that sort before an applied one. */
  outOfOrder: string[];
  /** Whose history this is. */
  historyTool: HistoryTool;
  historyTable: string;
}

export async function migrate(
  db: Session,
  files: MigrationFile[],
  options: EngineOptions,
  deps: EngineDeps,
): Promise<MigrateResult> {
  const deadline = deps.now() + options.timeoutMs;
  // Schema-qualified from here on: what a file does to search_path cannot move the history.
  const current = await db.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const table = options.table.schema
    ? options.table
    : tableName(options.table.name, current.rows[0]?.schema ?? 'public');
  if (!options.dryRun) await acquireLock(db, table, options.timeoutMs, deps);
  try {
    const history = await openHistory(db, table, files);
    const changed: string[] = [];
    const pending: MigrationFile[] = [];
    let lastApplied = -1;
    files.forEach((file, index) => {
      const recorded = history.find(file);
      if (!recorded) pending.push(file);
      else {
        lastApplied = index;
        if (recorded.changed) changed.push(recorded.changed);
      }
    });
    if (changed.length)
      throw new KitError(
        `Refusing to migrate: ${changed.join(' ')} An applied migration must not be edited; ` +
          'restore its original content and put the change in a new migration file.',
      );
    const outOfOrder = pending.filter((file) => files.indexOf(file) < lastApplied).map((f) => f.name);
    if (outOfOrder.length && options.outOfOrder === 'error')
      throw new KitError(
        `Refusing to migrate (out-of-order: error): ${outOfOrder.join(', ')} ${outOfOrder.length > 1 ? 'sort' : 'sorts'} ` +
          `before ${files[lastApplied]?.name}, which is already applied. Rename ${outOfOrder.length > 1 ? 'them' : 'it'} ` +
          'to sort after the applied files, or set out-of-order: warn to apply it anyway. Nothing was changed.',
      );
    await deps.review?.(pending);
    const missingFiles = history.missing(files);
    const base = {
      upToDate: files.length - pending.length,
      missingFiles,
      outOfOrder,
      historyTool: history.tool,
      historyTable: history.table.sql,
    };
    if (options.dryRun) return { ...base, applied: [], pending, notes: [] };

    const notes = await history.prepare(db, files);
    const applied: AppliedMigration[] = [];
    const ctx = {
      db,
      pid: db.processID ?? 0,
      history,
      lockTimeoutMs: options.lockTimeoutMs,
      timeoutMs: options.timeoutMs,
      deadline,
      watch: deps.watch ?? noWatch,
      now: deps.now,
      applied,
    };
    let current: MigrationFile | undefined;
    const progress: Progress = {
      start(file) {
        if (file === current) return;
        current = file;
        deps.log(
          `Applying ${file.name}${file.noTransaction ? ' (outside a transaction)' : ''}` +
            (file.downFile ? ` (${file.downFile} is its down migration: not run)` : ''),
        );
      },
      done(file, durationMs) {
        applied.push({ version: file.version, file: file.file, durationMs });
        deps.log(`Applied ${file.name} in ${formatDuration(durationMs)}`);
      },
    };
    for (const group of groups(pending, history)) await applyFiles(ctx, group, progress);
    return { ...base, applied, pending: [], notes };
  } finally {
    if (!options.dryRun) {
      await db.query('RESET ALL').catch(() => undefined);
      await releaseLock(db, table).catch(() => undefined);
    }
  }
}
