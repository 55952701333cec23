/**
 * Applies one migration file on the run's session and records it:
 * - from a clean session state: everything DISCARD ALL resets except the advisory locks
 *   (DISCARD ALL would release the run's lock), so a `SET search_path` never reaches the next file;
 * - with `lock_timeout` (input lock-timeout) and `statement_timeout` (what is left of input
 *   timeout) on every statement; a lock wait that times out names the sessions it waited for;
 * - psql meta-commands refused before any of it runs;
 * - recorded as the session's own user, wherever the file left its role and search_path;
 * - a file run outside a transaction is not recorded while an index it builds is INVALID.
 * A file that runs in a transaction goes to PostgreSQL as one query string (batch.ts) when it
 * can; others, statement by statement.
 */
import { KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { ELAPSED_MS, batchable, buildBatch, locate, runCounted } from './batch.js';
import type { MigrationFile } from './files.js';
import type { History } from './history.js';
import { type AppliedMigration, MigrationError, type PgError, failure } from './migration-error.js';
import type { Queryable, Session } from './queryable.js';
import { type Statement, splitSql } from './split-sql.js';
import type { BlockerWatch } from './blockers.js';

const CLEAN_SESSION = [
  'CLOSE ALL',
  'SET SESSION AUTHORIZATION DEFAULT',
  'RESET ALL',
  'DEALLOCATE ALL',
  'UNLISTEN *',
  'DISCARD PLANS',
  'DISCARD TEMP',
  'DISCARD SEQUENCES',
];

/** Before the record: the session's own user and settings (a file's SET ROLE or search_path gone). */
const RESET_ROLE = ['SET SESSION AUTHORIZATION DEFAULT', 'RESET ALL'];

/** Re-sets statement_timeout after this long, so the run's deadline holds within a second. */
const REFRESH_MS = 1000;

export interface ApplyContext {
  db: Session;
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

const ms = (value: number) => Math.max(1, Math.round(value));

/** The reset, both timeouts and (in a transaction) BEGIN, which turns the reset's implicit transaction into the file's. */
const setup = (ctx: ApplyContext, remainingMs: number, begin: boolean) => [
  ...CLEAN_SESSION,
  `SET lock_timeout = ${ms(ctx.lockTimeoutMs)}`,
  `SET statement_timeout = ${ms(remainingMs)}`,
  ...(begin ? ['BEGIN'] : []),
];

export async function applyFile(ctx: ApplyContext, file: MigrationFile): Promise<void> {
  const statements = splitSql(file.sql);
  const meta = statements.find((statement) => statement.sql.startsWith('\\'));
  if (meta)
    throw failure({
      file,
      statement: meta,
      error: { message: 'psql meta-commands (\\…) are not SQL; the sql tool cannot run them' },
      applied: ctx.applied,
      statementsDone: 0,
    });
  if (batchable(file.noTransaction, statements)) await applyInOne(ctx, file, statements);
  else await applyEach(ctx, file, statements);
}

/** The whole file, its record and COMMIT in one round trip. */
async function applyInOne(ctx: ApplyContext, file: MigrationFile, statements: Statement[]): Promise<void> {
  const remaining = ctx.deadline - ctx.now();
  if (remaining <= 0)
    throw failure({
      file,
      statement: statements[0] ?? { sql: '', offset: 0, line: 1 },
      error: { message: 'timeout' },
      applied: ctx.applied,
      statementsDone: 0,
      explanation: ranOut(ctx),
    });
  const batch = buildBatch({
    prefix: setup(ctx, remaining, true),
    statements,
    remainingMs: remaining,
    record: [...beforeRecord(ctx), ...ctx.history.recordSql(file, `${ELAPSED_MS}::integer`), 'COMMIT'],
  });
  const watching = ctx.watch.start(ctx.pid);
  const { completed, error } = await runCounted(ctx.db, batch.text);
  const blockers = await watching.stop();
  if (!error) return;
  await ctx.db.query('ROLLBACK').catch(() => undefined);
  const found = locate(batch, error, completed);
  if ('record' in found) throw recordFailed(ctx, file, error);
  throw failure({
    file,
    statement: found.statement,
    error: found.error,
    applied: ctx.applied,
    statementsDone: found.index,
    explanation: explain(found.error, ctx, blockers),
  });
}

/** Statement by statement: outside a transaction, or a file batch.ts cannot take. */
async function applyEach(ctx: ApplyContext, file: MigrationFile, statements: Statement[]): Promise<void> {
  const { db } = ctx;
  const started = ctx.now();
  await db.query(setup(ctx, ctx.deadline - ctx.now(), !file.noTransaction).join('; '));
  let timeoutSetAt = ctx.now();
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
    const remaining = ctx.deadline - ctx.now();
    if (remaining <= 0) throw await fail(statement, { message: 'timeout' }, ranOut(ctx));
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
  if (/\b(set|reset)\b|set_config/i.test(file.sql)) await db.query(beforeRecord(ctx).join('; '));
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
  const record = ctx.history.recordSql(file, String(Math.round(ctx.now() - started)));
  try {
    await db.query([...record, ...(file.noTransaction ? [] : ['COMMIT'])].join(';\n'));
  } catch (error) {
    if (!file.noTransaction) await db.query('ROLLBACK').catch(() => undefined);
    throw recordFailed(ctx, file, error as PgError);
  }
}

/** The session's own user and settings again, and lock_timeout (the record waits for no one for long). */
const beforeRecord = (ctx: ApplyContext) => [...RESET_ROLE, `SET lock_timeout = ${ms(ctx.lockTimeoutMs)}`];

const ranOut = (ctx: ApplyContext) => `timeout (${formatDuration(ctx.timeoutMs)}) ran out before this statement`;

function recordFailed(ctx: ApplyContext, file: MigrationFile, error: PgError): KitError {
  return new KitError(
    `${file.name} ran, but recording it in ${ctx.history.table.sql} failed: ${error.message}. ` +
      (file.noTransaction
        ? 'It ran outside a transaction, so its changes stay: record it by hand or make it safe to run again.'
        : 'Its transaction was rolled back: nothing from it was applied.'),
  );
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
