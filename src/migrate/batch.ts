/**
 * One round trip for a file that runs in a transaction (issue 13): the session reset, both
 * timeouts, BEGIN, the file's statements, the history record and COMMIT reach PostgreSQL as
 * ONE simple-protocol query string, where statement by statement took one round trip each.
 *
 * What keeps the promises of the statement-by-statement path (apply.ts):
 * - PostgreSQL runs a query string's statements one after the other, each under its own
 *   statement_timeout (PostgreSQL 13 and later). Before each statement after the first the
 *   string sets statement_timeout to what is left of the run's deadline, computed by the server
 *   from when it received the string: `timeout` holds for every statement, as when each was
 *   sent alone.
 * - The BEGIN turns the implicit transaction of a query string (the reset before it included)
 *   into a regular one, which an error leaves aborted: the caller rolls it back.
 * - Which statement failed: PostgreSQL's `position` is an offset into the whole string; an error
 *   without one (a constraint, a timeout) failed in the part after those that completed,
 *   counted from the server's CommandComplete messages.
 * - The record runs after SET SESSION AUTHORIZATION DEFAULT and RESET ALL (then lock_timeout
 *   again): a file that changed its role or search_path decides neither as whom nor where it is
 *   recorded.
 * A file it cannot keep them for runs statement by statement (see `batchable`).
 */
import type { PgError } from './migration-error.js';
import type { Session } from './queryable.js';
import type { Statement } from './split-sql.js';

/** One statement of the query string, where it starts in it, and what it is. */
export interface Part {
  sql: string;
  offset: number;
  /** The file's statement this part is. */
  statement?: Statement;
  /** Part of recording the file (the reset before the record, the record, COMMIT). */
  record?: true;
}

export interface Batch {
  text: string;
  parts: Part[];
}

/** The server's time since it received the query string, in ms (what the record says the file took). */
export const ELAPSED_MS =
  '(extract(epoch FROM pg_catalog.clock_timestamp() - pg_catalog.statement_timestamp()) * 1000)';

/** Sets statement_timeout to what is left of `remainingMs`, counted from when the server received the string. */
export const timeoutLeft = (remainingMs: number) =>
  `SELECT pg_catalog.set_config('statement_timeout', greatest(1, ${Math.round(remainingMs)} - ${ELAPSED_MS})::bigint::text, false)`;

const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|END|ROLLBACK|ABORT|START\s+TRANSACTION|PREPARE\s+TRANSACTION)\b/i;

/**
 * Whether a file can run as one query string: in a transaction, without transaction control
 * of its own (its COMMIT would end the transaction the record belongs to), and not ending
 * inside a string or comment (which would take in what the batch adds after it).
 */
export function batchable(noTransaction: boolean, statements: Statement[]): boolean {
  return !noTransaction && !statements.some((s) => s.open || TRANSACTION_CONTROL.test(s.sql));
}

export interface BatchInput {
  /** The reset, the timeouts and BEGIN. */
  prefix: string[];
  statements: Statement[];
  /** What is left of the run's deadline when the string is sent. */
  remainingMs: number;
  /** The reset before the record, the record, COMMIT. */
  record: string[];
}

export function buildBatch(input: BatchInput): Batch {
  const parts: Part[] = [];
  let text = '';
  const add = (sql: string, extra: Pick<Part, 'statement' | 'record'> = {}) => {
    parts.push({ sql, offset: text.length, ...extra });
    // A statement of the file ends with its own `;` (not in a comment: splitSql saw to that)
    // unless it is the last one; the newline ends a trailing -- comment.
    text += sql.endsWith(';') ? `${sql}\n` : `${sql}\n;\n`;
  };
  for (const sql of input.prefix) add(sql);
  input.statements.forEach((statement, index) => {
    if (index > 0) add(timeoutLeft(input.remainingMs));
    add(statement.sql, { statement });
  });
  for (const sql of input.record) add(sql, { record: true });
  return { text, parts };
}

/** Runs a query string; on error, how many of its statements completed before it. */
export async function runCounted(db: Session, text: string): Promise<{ completed: number; error?: PgError }> {
  let completed = 0;
  const count = () => {
    completed++;
  };
  db.connection.on('commandComplete', count);
  try {
    await db.query(text);
    return { completed };
  } catch (error) {
    return { completed, error: error as PgError };
  } finally {
    db.connection.removeListener('commandComplete', count);
  }
}

export type Located = { statement: Statement; index: number; error: PgError } | { record: true };

/**
 * The file's statement an error belongs to, the error's position made relative to it; or
 * the record. A failing part of the batch's own before a statement counts as that statement's.
 */
export function locate(batch: Batch, error: PgError, completed: number): Located {
  const { parts } = batch;
  const at = error.position ? unitOffset(batch.text, Number(error.position)) : undefined;
  let index = at === undefined ? completed : parts.findLastIndex((p) => p.offset <= at);
  index = Math.min(Math.max(index, 0), parts.length - 1);
  const part = parts[index] as Part;
  if (part.record) return { record: true };
  const own = part.statement ? index : parts.findIndex((p, i) => i > index && p.statement);
  if (own === -1) return { record: true };
  const statement = (parts[own] as Part).statement as Statement;
  const position = part.statement && at !== undefined ? String(at - part.offset + 1) : undefined;
  return {
    statement,
    index: parts.slice(0, own).filter((p) => p.statement).length,
    // Not spread: an Error's message is not enumerable.
    error: {
      message: error.message,
      code: error.code,
      detail: error.detail,
      hint: error.hint,
      where: error.where,
      position,
    },
  };
}

/** PostgreSQL's 1-based position counts characters; the JS offset of that character counts UTF-16 units. */
function unitOffset(text: string, position: number): number {
  let units = 0;
  let characters = 1;
  for (const character of text) {
    if (characters >= position) break;
    units += character.length;
    characters++;
  }
  return units;
}
