/**
 * The built-in `sql` migration engine: applies `*.sql` files in name order, each in its
 * own transaction, under a PostgreSQL advisory lock, recording what it applied.
 *
 * Why the pg driver and not psql: the advisory lock belongs to a session that must stay
 * open across all files (psql would need one long-lived process fed through a pipe), the
 * error comes back as structured fields (position, detail, hint) instead of text to
 * parse, and the runner needs no psql of the server's version for `tool: sql`. The
 * statements are split the way psql splits them (split-sql.ts), so a file behaves as
 * under `psql -1 -f`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { type Statement, lineAt, splitSql } from './split-sql.js';

export interface MigrationFile {
  /** The file name without `.sql`: what the table records. */
  version: string;
  name: string;
  /** Absolute path. */
  file: string;
  content: string;
  checksum: string;
  sizeBytes: number;
  noTransaction: boolean;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface EngineOptions {
  /** Table name, optionally schema-qualified; validated by parseTableName. */
  table: TableName;
  lockTimeoutMs: number;
  dryRun: boolean;
}

export interface EngineDeps {
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface AppliedMigration {
  version: string;
  file: string;
  durationMs: number;
}

export interface MigrateResult {
  applied: AppliedMigration[];
  /** Files still to apply: all pending ones on a dry run, none after a good run. */
  pending: MigrationFile[];
  /** Files found already applied. */
  upToDate: number;
  /** Rows of another runner's table that had no checksum, now recorded. */
  adopted: string[];
  /** Recorded versions with no file. */
  missingFiles: string[];
}

/** A failing statement, with where it is in its file. */
export class MigrationError extends KitError {
  override name = 'MigrationError';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number | undefined,
    readonly applied: AppliedMigration[],
  ) {
    super(message);
  }
}

const NO_TRANSACTION = /^\s*--\s*deploy-kit:\s*no-transaction\b/i;

export interface TableName {
  schema?: string;
  name: string;
  /** Quoted for SQL. */
  sql: string;
}

export function parseTableName(raw: string): TableName | string {
  const match = /^(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw.trim());
  if (!match) return `"${raw}" is not a table name; expected e.g. schema_migrations or app.schema_migrations`;
  const [, schema, name] = match as unknown as [string, string | undefined, string];
  const quote = (id: string) => `"${id}"`;
  return { schema, name, sql: schema ? `${quote(schema)}.${quote(name)}` : quote(name) };
}

export function loadMigrations(directory: string): MigrationFile[] {
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    throw new KitError(
      `The migrations directory ${directory} does not exist. Set "directory" to where your *.sql files are.`,
    );
  return readdirSync(directory)
    .filter((name) => name.endsWith('.sql'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => {
      const file = path.join(directory, name);
      const bytes = readFileSync(file);
      const content = bytes.toString('utf8');
      return {
        version: name.slice(0, -'.sql'.length),
        name,
        file,
        content,
        checksum: createHash('sha256').update(bytes).digest('hex'),
        sizeBytes: bytes.length,
        noTransaction: NO_TRANSACTION.test(content),
      };
    });
}

interface Recorded {
  version: string;
  checksum: string | null;
}

/** Reads the table if it exists (a dry run must not create it). */
async function readRecorded(db: Queryable, table: TableName): Promise<Recorded[] | undefined> {
  const exists = await db.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [table.sql]);
  if (!exists.rows[0]?.oid) return undefined;
  const hasChecksum = await db.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'checksum' AND NOT attisdropped`,
    [table.sql],
  );
  const rows = await db.query<Recorded>(
    `SELECT version::text AS version, ${hasChecksum.rows.length ? 'checksum' : 'NULL::text AS checksum'} FROM ${table.sql}`,
  );
  return rows.rows;
}

/**
 * Creates the table, or brings another runner's `schema_migrations(version, applied_at)`
 * up to ours by adding the missing columns; its rows stay.
 */
async function ensureTable(db: Queryable, table: TableName): Promise<void> {
  if (table.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS "${table.schema}"`);
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table.sql} (
       version varchar(255) PRIMARY KEY,
       applied_at timestamptz NOT NULL DEFAULT now(),
       checksum text,
       duration_ms integer)`,
  );
  for (const column of ['applied_at timestamptz DEFAULT now()', 'checksum text', 'duration_ms integer'])
    await db.query(`ALTER TABLE ${table.sql} ADD COLUMN IF NOT EXISTS ${column}`);
}

/** A recorded row for a file: by its full name, or by its leading number as other runners record it. */
function recordFor(file: MigrationFile, recorded: Map<string, Recorded>): Recorded | undefined {
  const byName = recorded.get(file.version);
  if (byName) return byName;
  const prefix = /^(\d+)[_-]/.exec(file.version)?.[1];
  return prefix ? recorded.get(prefix) : undefined;
}

export async function migrate(
  db: Queryable,
  files: MigrationFile[],
  options: EngineOptions,
  deps: EngineDeps,
): Promise<MigrateResult> {
  const { table } = options;
  if (!options.dryRun) await acquireLock(db, table, options.lockTimeoutMs, deps);
  try {
    if (!options.dryRun) await ensureTable(db, table);
    const rows = (await readRecorded(db, table)) ?? [];
    const recorded = new Map(rows.map((row) => [row.version, row]));

    const changed: string[] = [];
    const adopt: Array<{ file: MigrationFile; row: Recorded }> = [];
    const pending: MigrationFile[] = [];
    const matched = new Set<string>();
    for (const file of files) {
      const row = recordFor(file, recorded);
      if (!row) {
        pending.push(file);
        continue;
      }
      matched.add(row.version);
      if (row.checksum === null) adopt.push({ file, row });
      else if (row.checksum !== file.checksum)
        changed.push(
          `${file.name} was changed after it was applied (recorded sha256 ${row.checksum}, file now ${file.checksum}).`,
        );
    }
    if (changed.length)
      throw new KitError(
        `Refusing to migrate: ${changed.join(' ')} An applied migration must not be edited; ` +
          'restore its original content and put the change in a new migration file.',
      );
    const missingFiles = rows.map((row) => row.version).filter((version) => !matched.has(version));

    if (options.dryRun) {
      return { applied: [], pending, upToDate: files.length - pending.length, adopted: [], missingFiles };
    }
    for (const { file, row } of adopt)
      await db.query(`UPDATE ${table.sql} SET checksum = $1 WHERE version = $2`, [file.checksum, row.version]);

    const applied: AppliedMigration[] = [];
    for (const file of pending) {
      const started = deps.now();
      deps.log(`Applying ${file.name}${file.noTransaction ? ' (outside a transaction)' : ''}`);
      await applyFile(db, file, applied);
      const durationMs = deps.now() - started;
      await db.query(
        `INSERT INTO ${table.sql} (version, applied_at, checksum, duration_ms) VALUES ($1, now(), $2, $3)`,
        [file.version, file.checksum, durationMs],
      );
      if (!file.noTransaction) await db.query('COMMIT');
      applied.push({ version: file.version, file: file.file, durationMs });
      deps.log(`Applied ${file.name} in ${formatDuration(durationMs)}`);
    }
    return {
      applied,
      pending: [],
      upToDate: files.length - pending.length,
      adopted: adopt.map((a) => a.file.name),
      missingFiles,
    };
  } finally {
    if (!options.dryRun) await releaseLock(db, table).catch(() => undefined);
  }
}

/**
 * Runs a file's statements; a transactional file is left open (BEGIN without COMMIT)
 * so its row is recorded in the same transaction.
 */
async function applyFile(db: Queryable, file: MigrationFile, applied: AppliedMigration[]): Promise<void> {
  const statements = splitSql(file.content);
  if (!file.noTransaction) await db.query('BEGIN');
  let done = 0;
  for (const statement of statements) {
    if (statement.sql.startsWith('\\'))
      throw failure(
        file,
        statement,
        { message: 'psql meta-commands (\\…) are not SQL; the sql tool cannot run them' },
        applied,
        done,
      );
    try {
      await db.query(statement.sql);
      done++;
    } catch (error) {
      if (!file.noTransaction) await db.query('ROLLBACK').catch(() => undefined);
      throw failure(file, statement, error as PgError, applied, done);
    }
  }
}

interface PgError {
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
  code?: string;
}

function failure(
  file: MigrationFile,
  statement: Statement,
  error: PgError,
  applied: AppliedMigration[],
  statementsDone: number,
): MigrationError {
  const position = error.position ? Number(error.position) : undefined;
  const offset = position ? statement.offset + position - 1 : statement.offset;
  const line = position ? lineAt(file.content, offset) : statement.line;
  const column = position ? offset - file.content.lastIndexOf('\n', offset - 1) : undefined;
  const parts = [
    `${file.name} failed at line ${line}${column ? `, column ${column}` : ''}: ${error.message}` +
      (error.code ? ` (SQLSTATE ${error.code})` : '') +
      (position ? ` at position ${position} of the statement starting on line ${statement.line}` : ''),
  ];
  if (error.detail) parts.push(`Detail: ${error.detail}`);
  if (error.hint) parts.push(`Hint: ${error.hint}`);
  if (error.where) parts.push(`Where: ${error.where}`);
  parts.push(
    file.noTransaction
      ? statementsDone
        ? `This file runs outside a transaction: its first ${statementsDone} statement(s) stay applied and it is not recorded; make it safe to run again (IF NOT EXISTS) before re-running.`
        : 'Nothing from this file was applied.'
      : 'Nothing from this file was applied (its transaction was rolled back).',
  );
  if (applied.length) parts.push(`Applied before it: ${applied.map((a) => a.version).join(', ')}.`);
  return new MigrationError(parts.join('\n'), file.file, line, column, applied);
}

/** Both halves of the advisory lock key: the kit's, and the table's (two tables, two locks). */
const LOCK_KEY = `hashtext('deploy-kit migrate'), hashtext($1)`;

async function acquireLock(db: Queryable, table: TableName, timeoutMs: number, deps: EngineDeps): Promise<void> {
  const started = deps.now();
  let lastReport = started;
  for (;;) {
    const result = await db.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, [
      table.sql,
    ]);
    if (result.rows[0]?.locked) {
      if (deps.now() - started > 1000)
        deps.log(`Got the migration lock after ${formatDuration(deps.now() - started)}.`);
      return;
    }
    const waited = deps.now() - started;
    if (waited >= timeoutMs) {
      const holder = await lockHolder(db, table);
      throw new KitError(
        `Another migration run holds the lock on ${table.sql}${holder} and did not finish within lock-timeout ` +
          `(${formatDuration(timeoutMs)}). Nothing was applied. Wait for it, or raise lock-timeout.`,
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
        AND l.classid = hashtext('deploy-kit migrate')::oid AND l.objid = hashtext($1)::oid`,
    [table.sql],
  );
  const row = result.rows[0];
  return row
    ? ` (server process ${row.pid}, ${row.application_name || 'unnamed client'}, connected since ${row.backend_start})`
    : '';
}

async function releaseLock(db: Queryable, table: TableName): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [table.sql]);
}
