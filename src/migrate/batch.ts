/**
 * One round trip for files that run in a transaction (issue 13): each file's session reset,
 * both timeouts, BEGIN, its statements, its history record and COMMIT — and those of the files
 * after it — reach PostgreSQL as ONE simple-protocol query string, where statement by
 * statement took one round trip each, and file by file one per file.
 *
 * What keeps the promises of the statement-by-statement path (apply.ts):
 * - PostgreSQL runs a query string's statements one after the other, each under its own
 *   statement_timeout (PostgreSQL 13 and later). Before each statement but the string's first,
 *   the string sets statement_timeout to what is left of the run's deadline, computed by the
 *   server from when it received the string: `timeout` holds for every statement, as when each
 *   was sent alone.
 * - Each file's BEGIN … COMMIT is its own transaction: a file is committed, with its record,
 *   before the next one starts. An error ends the string there (PostgreSQL skips the rest of
 *   it): the files before are committed, the failing one's transaction is left aborted and the
 *   caller rolls it back, the files after it never run.
 * - PostgreSQL parses the whole string before running any of it, so a syntax error in a later
 *   file stops the earlier ones too: the caller runs them again without it (apply.ts).
 * - Which statement failed: PostgreSQL's `position` is an offset into the whole string; an error
 *   without one (a constraint, a timeout) failed in the part after those that completed,
 *   counted from the server's CommandComplete messages — which also tell, as they arrive,
 *   when each file has committed.
 * - Each record runs after SET SESSION AUTHORIZATION DEFAULT and RESET ALL (then lock_timeout
 *   again): a file that changed its role or search_path decides neither as whom nor where it is
 *   recorded. Its duration is the server's time since the string arrived less what the files
 *   before it in the string recorded (`History.spentSql`).
 * A file it cannot keep them for runs statement by statement (see `batchable`).
 */
import type { MigrationFile } from './files.js';
import type { History } from './history.js';
import type { PgError } from './migration-error.js';
import type { Session } from './queryable.js';
import { type Statement, splitSql } from './split-sql.js';

/** One statement of the query string, where it starts in it, and what it is. */
export interface Part {
  sql: string;
  offset: number;
  /** Which of the string's files it belongs to (0-based). */
  file: number;
  /** The file's statement this part is. */
  statement?: Statement;
  /** Part of recording the file (the reset before the record, the record, COMMIT). */
  record?: true;
  /** The file's COMMIT: once it completes, the file is applied. */
  commit?: true;
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

/** At most this many files, or this much SQL, in one query string. */
const GROUP_FILES = 100;
const GROUP_CHARS = 1 << 20;

/** A pending file, its statements, and whether it can go in a query string (`batchable`, no psql meta-command). */
export interface Prepared {
  file: MigrationFile;
  statements: Statement[];
  inOne: boolean;
}

export const metaCommand = (statements: Statement[]) => statements.find((statement) => statement.sql.startsWith('\\'));

/**
 * The pending files in the order they run, consecutive files one query string can take
 * together (a history that can tell each file's duration apart: `spentSql`), the others alone.
 */
export function groups(files: MigrationFile[], history: History): Prepared[][] {
  const out: Prepared[][] = [];
  let group: Prepared[] = [];
  let chars = 0;
  const flush = () => {
    if (group.length) out.push(group);
    group = [];
    chars = 0;
  };
  for (const file of files) {
    const statements = splitSql(file.sql);
    const prepared = {
      file,
      statements,
      inOne: batchable(file.noTransaction, statements) && !metaCommand(statements),
    };
    if (!history.spentSql || !prepared.inOne) {
      flush();
      out.push([prepared]);
      continue;
    }
    if (group.length >= GROUP_FILES || (group.length && chars + file.sql.length > GROUP_CHARS)) flush();
    group.push(prepared);
    chars += file.sql.length;
  }
  flush();
  return out;
}

/** One file of the string. */
export interface BatchFile {
  /** The reset, the timeouts and BEGIN. */
  prefix: string[];
  statements: Statement[];
  /** The reset before the record, the record; COMMIT is added. */
  record: string[];
}

/** The files' parts in one string; `remainingMs`: what is left of the run's deadline when it is sent. */
export function buildBatch(files: BatchFile[], remainingMs: number): Batch {
  const parts: Part[] = [];
  let text = '';
  const add = (sql: string, extra: Omit<Part, 'sql' | 'offset'>) => {
    parts.push({ sql, offset: text.length, ...extra });
    // A statement of the file ends with its own `;` (not in a comment: splitSql saw to that)
    // unless it is the last one; the newline ends a trailing -- comment.
    text += sql.endsWith(';') ? `${sql}\n` : `${sql}\n;\n`;
  };
  files.forEach((input, file) => {
    for (const sql of input.prefix) add(sql, { file });
    input.statements.forEach((statement, index) => {
      if (index > 0) add(timeoutLeft(remainingMs), { file });
      add(statement.sql, { file, statement });
    });
    for (const sql of input.record) add(sql, { file, record: true });
    add('COMMIT', { file, record: true, commit: true });
  });
  return { text, parts };
}

/**
 * Runs a query string; on error, how many of its statements completed before it.
 * `onComplete` hears of each statement as the server reports it done, with the count so far.
 */
export async function runCounted(
  db: Session,
  text: string,
  onComplete: (completed: number) => void = () => undefined,
): Promise<{ completed: number; error?: PgError }> {
  let completed = 0;
  const count = () => {
    completed++;
    onComplete(completed);
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

export type Located =
  | { file: number; statement: Statement; index: number; error: PgError }
  /** The file's record failed, or its COMMIT (`commit`). */
  | { file: number; record: true; commit?: true };

/**
 * The file and statement an error belongs to, the error's position made relative to it; or
 * that file's record. A failing part of the batch's own before a statement counts as that
 * statement's.
 */
export function locate(batch: Batch, error: PgError, completed: number): Located {
  const { parts } = batch;
  const at = error.position ? unitOffset(batch.text, Number(error.position)) : undefined;
  let index = at === undefined ? completed : parts.findLastIndex((p) => p.offset <= at);
  index = Math.min(Math.max(index, 0), parts.length - 1);
  const part = parts[index] as Part;
  const { file } = part;
  if (part.record) return part.commit ? { file, record: true, commit: true } : { file, record: true };
  const own = part.statement ? index : parts.findIndex((p, i) => i > index && p.file === file && p.statement);
  if (own === -1) return { file, record: true };
  const statement = (parts[own] as Part).statement as Statement;
  const position = part.statement && at !== undefined ? String(at - part.offset + 1) : undefined;
  return {
    file,
    statement,
    index: parts.slice(0, own).filter((p) => p.statement && p.file === file).length,
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
