import { KitError } from '../lib/errors.js';
import type { MigrationFile } from './files.js';
import { type Statement, lineAt } from './split-sql.js';

export interface AppliedMigration {
  version: string;
  file: string;
  durationMs: number;
}

/** A failing migration file, with where in it, and what to clean up by hand. */
export class MigrationError extends KitError {
  override name = 'MigrationError';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number | undefined,
    readonly applied: AppliedMigration[],
    /** SQL to run by hand before a re-run (e.g. DROP INDEX CONCURRENTLY of an INVALID index). */
    readonly cleanup: string[] = [],
  ) {
    super(message);
  }
}

export interface PgError {
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
  code?: string;
}

export interface FailureContext {
  file: MigrationFile;
  statement: Statement;
  error: PgError;
  applied: AppliedMigration[];
  statementsDone: number;
  /** Replaces PostgreSQL's message (a timeout says which input ran out). */
  explanation?: string;
  /** INVALID indexes the file left behind. */
  invalidIndexes?: string[];
}

export function failure(ctx: FailureContext): MigrationError {
  const { file, statement, error, applied, statementsDone } = ctx;
  const position = error.position ? Number(error.position) : undefined;
  const offset = position ? statement.offset + position - 1 : statement.offset;
  const line = position ? lineAt(file.content, offset) : statement.line;
  const column = position ? offset - file.content.lastIndexOf('\n', offset - 1) : undefined;
  const parts = [
    `${file.name} failed at line ${line}${column ? `, column ${column}` : ''}: ${ctx.explanation ?? error.message}` +
      (error.code ? ` (SQLSTATE ${error.code})` : '') +
      (position ? ` at position ${position} of the statement starting on line ${statement.line}` : ''),
  ];
  if (error.detail) parts.push(`Detail: ${error.detail}`);
  if (error.hint) parts.push(`Hint: ${error.hint}`);
  if (error.where) parts.push(`Where: ${error.where}`);
  const invalid = ctx.invalidIndexes ?? [];
  const cleanup = invalid.map((index) => `DROP INDEX CONCURRENTLY IF EXISTS ${index};`);
  if (file.noTransaction) {
    const kept = statementsDone
      ? `its first ${statementsDone} statement(s) stay applied`
      : invalid.length
        ? 'its statements were not completed'
        : 'nothing from it was applied';
    parts.push(`This file runs outside a transaction: ${kept}, and it is not recorded as applied.`);
    if (invalid.length)
      parts.push(
        `PostgreSQL left ${invalid.length > 1 ? 'these indexes' : 'this index'} behind, INVALID (a failed CREATE INDEX ` +
          `CONCURRENTLY does; queries do not use it, but every write still updates it): ${invalid.join(', ')}. ` +
          `Drop ${invalid.length > 1 ? 'them' : 'it'} before re-running: ${cleanup.join(' ')}`,
      );
    else if (statementsDone) parts.push('Make it safe to run again (IF NOT EXISTS) before re-running.');
  } else parts.push('Nothing from this file was applied (its transaction was rolled back).');
  if (applied.length) parts.push(`Applied before it: ${applied.map((a) => a.version).join(', ')}.`);
  return new MigrationError(parts.join('\n'), file.file, line, column, applied, cleanup);
}
