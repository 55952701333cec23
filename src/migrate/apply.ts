/**
 * Applies one migration file on the run's session:
 * - from a clean session state: everything DISCARD ALL resets except the advisory locks
 *   (DISCARD ALL would release the run's lock), so a `SET search_path` never reaches the next file;
 * - with `lock_timeout` (input lock-timeout) and `statement_timeout` (what is left of input
 *   timeout) on every statement; a lock wait that times out names the sessions it waited for;
 * - a file run outside a transaction is not recorded while an index it builds is INVALID.
 */
import { formatDuration } from '../lib/duration.js';
import type { MigrationFile } from './files.js';
import type { History } from './history.js';
import { type AppliedMigration, MigrationError, type PgError, failure } from './migration-error.js';
import type { Queryable } from './queryable.js';
import { type Statement, splitSql } from './split-sql.js';
import type { BlockerWatch } from './blockers.js';

const CLEAN_SESSION =
  'CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; ' +
  'DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES';

/** Re-sets statement_timeout after this long, so the run's deadline holds within a second. */
const REFRESH_MS = 1000;

export interface ApplyContext {
  db: Queryable;
  /** The session's server process id (for pg_blocking_pids). */
  pid: number;
  history: History;
  lockTimeoutMs: number;
  timeoutMs: number;
  /** When input timeout runs out (epoch ms). */
  deadline: number;
  watch: BlockerWatch;
  now: () => number;
  applied: AppliedMigration[];
}

export async function applyFile(ctx: ApplyContext, file: MigrationFile): Promise<void> {
  const { db } = ctx;
  const ms = (value: number) => Math.max(1, Math.round(value));
  // One round trip: the reset, both timeouts, and BEGIN (which turns the reset's implicit
  // transaction into the file's: if the file fails, the run ends anyway).
  await db.query(
    `${CLEAN_SESSION}; SET lock_timeout = ${ms(ctx.lockTimeoutMs)}; ` +
      `SET statement_timeout = ${ms(ctx.deadline - ctx.now())}${file.noTransaction ? '' : '; BEGIN'}`,
  );
  let timeoutSetAt = ctx.now();
  const statements = splitSql(file.sql);
  const invalidBefore = file.noTransaction ? await invalidIndexes(db) : [];
  if (file.noTransaction) await ctx.history.beforeNoTransaction?.(db, file);
  let done = 0;
  const fail = async (statement: Statement, error: PgError, explanation?: string) => {
    if (!file.noTransaction) await db.query('ROLLBACK').catch(() => undefined);
    const invalid = file.noTransaction ? newlyInvalid(invalidBefore, await invalidIndexes(db).catch(() => [])) : [];
    return failure({
      file,
      statement,
      error,
      applied: ctx.applied,
      statementsDone: done,
      explanation,
      invalidIndexes: invalid,
    });
  };
  for (const statement of statements) {
    if (statement.sql.startsWith('\\'))
      throw await fail(statement, { message: 'psql meta-commands (\\…) are not SQL; the sql tool cannot run them' });
    const remaining = ctx.deadline - ctx.now();
    if (remaining <= 0)
      throw await fail(
        statement,
        { message: 'timeout' },
        `timeout (${formatDuration(ctx.timeoutMs)}) ran out before this statement`,
      );
    if (ctx.now() - timeoutSetAt >= REFRESH_MS) {
      await db.query(`SET statement_timeout = ${ms(remaining)}`);
      timeoutSetAt = ctx.now();
    }
    const watching = ctx.watch.start(ctx.pid);
    try {
      await db.query(statement.sql);
      done++;
    } catch (error) {
      const e = error as PgError;
      const blockers = await watching.stop();
      throw await fail(statement, e, explain(e, ctx, blockers));
    }
    await watching.stop();
  }
  // A file that changed its role must not decide as whom it is recorded (where: the history
  // table is schema-qualified). Skipped for files that set nothing: one round trip less.
  if (/\b(set|reset)\b|set_config/i.test(file.sql)) await db.query('SET SESSION AUTHORIZATION DEFAULT; RESET ALL');
  if (file.noTransaction) {
    const named = indexNames(file.sql);
    const after = await invalidIndexes(db);
    const invalid = after.filter((index) => !invalidBefore.includes(index) || named.has(unqualified(index)));
    if (invalid.length) {
      const last = statements[statements.length - 1] as Statement;
      throw failure({
        file,
        statement: last,
        error: { message: `an index it builds is INVALID: ${invalid.join(', ')}` },
        applied: ctx.applied,
        statementsDone: done,
        explanation: `its statements succeeded, but ${invalid.join(', ')} ${invalid.length > 1 ? 'are' : 'is'} INVALID (left by an earlier failed CREATE INDEX CONCURRENTLY; IF NOT EXISTS then skips it), so it is not recorded as applied`,
        invalidIndexes: invalid,
      });
    }
  }
}

function explain(error: PgError, ctx: ApplyContext, blockers: string[]): string | undefined {
  if (error.code === '55P03' && /lock timeout/i.test(error.message))
    return (
      `waited longer than lock-timeout (${formatDuration(ctx.lockTimeoutMs)}) for a lock` +
      (blockers.length
        ? `, held by ${blockers.join('; ')}. Let ${blockers.length > 1 ? 'them' : 'it'} finish, or end ${blockers.length > 1 ? 'them' : 'it'} (SELECT pg_terminate_backend(<pid>)), then run again`
        : '. Another session held it; see pg_stat_activity') +
      ' (PostgreSQL: canceling statement due to lock timeout)'
    );
  if (error.code === '57014' && /statement timeout/i.test(error.message))
    return `did not finish within timeout (${formatDuration(ctx.timeoutMs)}) and was cancelled by PostgreSQL`;
  return undefined;
}

/** INVALID indexes in the database, schema-qualified. */
export async function invalidIndexes(db: Queryable): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid ORDER BY 1`,
  );
  return result.rows.map((r) => r.name);
}

const newlyInvalid = (before: string[], after: string[]) => after.filter((index) => !before.includes(index));
const unqualified = (index: string) => (index.split('.').pop() as string).replace(/"/g, '').toLowerCase();

/** Names of the indexes a file creates concurrently. */
function indexNames(sql: string): Set<string> {
  const names = new Set<string>();
  const pattern =
    /CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/gi;
  for (const match of sql.matchAll(pattern)) names.add(unqualified(match[1] as string));
  return names;
}

export { MigrationError };
