/**
 * Applies one migration file on the run's session and records it:
 * - from a clean session state: everything DISCARD ALL resets except the advisory locks
 *   (DISCARD ALL would release the run's lock), so a `SET search_path` never reaches the next file;
 * - with `lock_timeout` (input lock-timeout) and `statement_timeout` (what is left of input
 *   timeout) on every statement; a lock wait that times out names the sessions it waited for;
 * - psql meta-commands refused before any of it runs;
 * - recorded as the session's own user, wherever the file left its role and search_path;
 * - a file run outside a transaction is not recorded while an index it builds is INVALID.
 * Files that run in a transaction go to PostgreSQL as one query string (batch.ts) when they
 * can, consecutive ones together (`groups`); others, statement by statement.
 */
import { KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { ELAPSED_MS, type Prepared, buildBatch, locate, metaCommand, runCounted, timeoutLeft } from './batch.js';
import type { MigrationFile } from './files.js';
import type { History } from './history.js';
import { type AppliedMigration, MigrationError, type PgError, failure } from './migration-error.js';
import type { Session } from './queryable.js';
import type { Statement } from './split-sql.js';
import type { BlockerWatch } from './blockers.js';
import { indexNames, invalidIndexes, newlyInvalid, unqualified } from './invalid-indexes.js';

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

/** What the engine hears of each file: when it starts (once, however often it is sent), when it is applied. */
export interface Progress {
  start(file: MigrationFile): void;
  done(file: MigrationFile, durationMs: number): void;
}

const ms = (value: number) => Math.max(1, Math.round(value));

/**
 * The reset, both timeouts and (in a transaction) BEGIN, which turns the reset's implicit
 * transaction into the file's. A file after the first in a query string has its timeout
 * computed by the server (batch.ts).
 */
const setup = (ctx: ApplyContext, remainingMs: number, begin: boolean, first = true) => [
  ...CLEAN_SESSION,
  `SET lock_timeout = ${ms(ctx.lockTimeoutMs)}`,
  first ? `SET statement_timeout = ${ms(remainingMs)}` : timeoutLeft(remainingMs),
  ...(begin ? ['BEGIN'] : []),
];

/** Applies a group from `groups`, telling `progress` of each file. */
export async function applyFiles(ctx: ApplyContext, group: Prepared[], progress: Progress): Promise<void> {
  const only = group.length === 1 ? (group[0] as Prepared) : undefined;
  if (!only || only.inOne) return applyInOne(ctx, group, progress);
  const { file, statements } = only;
  progress.start(file);
  const meta = metaCommand(statements);
  if (meta)
    throw failure({
      file,
      statement: meta,
      error: { message: 'psql meta-commands (\\…) are not SQL; the sql tool cannot run them' },
      applied: ctx.applied,
      statementsDone: 0,
    });
  const started = ctx.now();
  await applyEach(ctx, file, statements);
  progress.done(file, ctx.now() - started);
}

/** The files, their records and COMMITs in one round trip. */
async function applyInOne(ctx: ApplyContext, group: Prepared[], progress: Progress): Promise<void> {
  const first = group[0] as Prepared;
  progress.start(first.file);
  let since = ctx.now();
  const remaining = ctx.deadline - since;
  if (remaining <= 0)
    throw failure({
      file: first.file,
      statement: first.statements[0] ?? { sql: '', offset: 0, line: 1 },
      error: { message: 'timeout' },
      applied: ctx.applied,
      statementsDone: 0,
      explanation: ranOut(ctx),
    });
  const batch = buildBatch(
    group.map(({ file, statements }, k) => ({
      prefix: setup(ctx, remaining, true, k === 0),
      statements,
      record: [...beforeRecord(ctx), ...ctx.history.recordSql(file, durationSql(ctx.history, group.slice(0, k)))],
    })),
    remaining,
  );
  let committed = 0;
  const onComplete = (count: number) => {
    if (!batch.parts[count - 1]?.commit) return;
    const now = ctx.now();
    progress.done((group[committed] as Prepared).file, now - since);
    since = now;
    committed++;
    const next = group[committed];
    if (next) progress.start(next.file);
  };
  const watching = ctx.watch.start(ctx.pid);
  const { completed, error } = await runCounted(ctx.db, batch.text, onComplete);
  const blockers = await watching.stop();
  if (!error) return;
  await ctx.db.query('ROLLBACK').catch(() => undefined);
  const found = locate(batch, error, completed);
  if (found.file > committed) {
    // A syntax error in a later file: PostgreSQL parsed the whole string and ran none of it.
    // The files before it run again without it; then it fails first in its own string.
    await applyInOne(ctx, group.slice(committed, found.file), progress);
    await applyInOne(ctx, group.slice(found.file), progress);
    return;
  }
  const { file, statements } = group[found.file] as Prepared;
  const last = statements[statements.length - 1];
  if ('record' in found && found.commit && last)
    throw failure({
      file,
      statement: last,
      error,
      applied: ctx.applied,
      statementsDone: statements.length,
      explanation: `${error.message}, at COMMIT (deferred constraints and triggers are checked then)`,
    });
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

/** A file's duration for its record: the server's time since the string arrived, less the files' before it. */
const durationSql = (history: History, before: Prepared[]) =>
  before.length && history.spentSql
    ? `greatest(0, (${ELAPSED_MS})::integer - ${history.spentSql(before.map((p) => p.file))})`
    : `${ELAPSED_MS}::integer`;

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

export { MigrationError };
