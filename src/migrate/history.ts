/**
 * Where applied migrations are recorded. The sql engine keeps its own table, adopts a
 * hand-written runner's `schema_migrations`, and continues the histories of golang-migrate,
 * dbmate, node-pg-migrate and Flyway in THEIR format (so the other tool still works) — or
 * refuses, saying why. Reading a history never changes it: `openHistory` only reads, and only
 * `prepare`/`record`, called once the run is decided, write.
 */
import { KitError } from '../lib/errors.js';
import type { MigrationFile } from './files.js';
import { type Queryable, sqlLiteral } from './queryable.js';
import { flywayHistory, golangHistory, nodePgMigrateHistory } from './foreign-histories.js';
import { type TableName, tableName } from './table-name.js';

export type HistoryTool = 'deploy-kit' | 'golang-migrate' | 'dbmate' | 'node-pg-migrate' | 'Flyway';

export interface Recorded {
  /** What the row says (shown when the file is missing). */
  key: string;
  /** Why the file no longer matches what was applied, when the history can tell. */
  changed?: string;
}

export interface History {
  tool: HistoryTool;
  table: TableName;
  find(file: MigrationFile): Recorded | undefined;
  /** Recorded migrations with no file. */
  missing(files: MigrationFile[]): string[];
  /** Creates or completes the table; returns notes for the log. Never called on a dry run. */
  prepare(db: Queryable, files: MigrationFile[]): Promise<string[]>;
  /**
   * The statements (values inline: they run inside the file's query string) that record a
   * file applied, inside the file's transaction when it has one. `durationMs` is an SQL
   * expression: a number, or the server's own measure of the file's statements.
   */
  recordSql(file: MigrationFile, durationMs: string): string[];
  /**
   * SQL for the milliseconds recorded for `files`, recorded earlier in the same query string
   * (batch.ts subtracts it to tell each file's own duration); '0' where none is recorded.
   * Without it, each file is sent on its own.
   */
  spentSql?(files: MigrationFile[]): string;
  /** golang-migrate marks a version dirty before a migration that runs outside a transaction. */
  beforeNoTransaction?(db: Queryable, file: MigrationFile): Promise<void>;
}

interface Column {
  name: string;
  type: string;
}

export async function columnsOf(db: Queryable, table: TableName): Promise<Column[] | undefined> {
  const found = await db.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [table.sql]);
  if (!found.rows[0]?.oid) return undefined;
  const columns = await db.query<Column>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table.sql],
  );
  return columns.rows;
}

const has = (columns: Column[], ...names: string[]) => names.every((n) => columns.some((c) => c.name === n));

/** Finds the history for `table` (or another tool's beside it) by reading only. */
export async function openHistory(db: Queryable, table: TableName, files: MigrationFile[]): Promise<History> {
  const columns = await columnsOf(db, table);
  if (columns) return historyOf(db, table, columns, files);
  const others: History[] = [];
  for (const name of ['flyway_schema_history', 'pgmigrations']) {
    const other = tableName(name, table.schema);
    const otherColumns = await columnsOf(db, other);
    if (otherColumns) others.push(await historyOf(db, other, otherColumns, files));
  }
  if (others.length > 1)
    throw new KitError(
      `Both ${others.map((h) => `${h.table.sql} (${h.tool})`).join(' and ')} exist, and ${table.sql} does not: ` +
        'deploy-kit cannot tell which history is the real one. Drop the stale one, or set "table". Nothing was changed.',
    );
  return others[0] ?? kitHistory(table, [], false);
}

async function historyOf(db: Queryable, table: TableName, columns: Column[], files: MigrationFile[]) {
  if (has(columns, 'installed_rank', 'script', 'success')) return flywayHistory(db, table, files);
  if (has(columns, 'version', 'dirty')) return golangHistory(db, table, files);
  if (has(columns, 'id', 'name', 'run_on')) return nodePgMigrateHistory(db, table);
  if (!has(columns, 'version'))
    throw new KitError(
      `${table.sql} exists but has no "version" column (columns: ${columns.map((c) => c.name).join(', ')}): it is not ` +
        'a migration history deploy-kit knows. Set "table" to another name. Nothing was changed.',
    );
  const hasChecksum = has(columns, 'checksum');
  const rows = await db.query<{ version: string; checksum: string | null }>(
    `SELECT version::text AS version, ${hasChecksum ? 'checksum::text' : 'NULL::text'} AS checksum FROM ${table.sql}`,
  );
  // dbmate's own DDL (pkg/driver/postgres/postgres.go, CreateMigrationsTable):
  // `create table if not exists <schema>.schema_migrations (version varchar(255) primary key)`.
  // It stays in that shape: dbmate keeps working on it.
  const dbmate = columns.length === 1;
  return kitHistory(table, rows.rows, dbmate);
}

/**
 * The kit's own table, a hand-written runner's `schema_migrations(version, …)` that records
 * full file names, stems or leading numbers, and dbmate's (leading numbers). New rows are
 * recorded the way the existing ones are.
 */
function kitHistory(
  table: TableName,
  rows: Array<{ version: string; checksum: string | null }>,
  dbmate: boolean,
): History {
  const byKey = new Map(rows.map((row) => [row.version, row]));
  const keysOf = (file: MigrationFile) => [
    file.version,
    file.name,
    ...(file.number?.length === 1 ? [/^\d+/.exec(file.version)?.[0] as string, String(file.number[0])] : []),
  ];
  const rowFor = (file: MigrationFile) =>
    keysOf(file)
      .map((key) => byKey.get(key))
      .find(Boolean);
  const format: 'name' | 'number' | 'stem' =
    rows.length && rows.every((r) => r.version.endsWith('.sql'))
      ? 'name'
      : (rows.length && rows.every((r) => /^\d+$/.test(r.version))) || (dbmate && !rows.length)
        ? 'number'
        : 'stem';
  const keyFor = (file: MigrationFile) => {
    if (format === 'name') return file.name;
    if (format === 'number' && file.number?.length === 1) return /^\d+/.exec(file.version)?.[0] as string;
    if (dbmate)
      throw new KitError(
        `${file.name} has no leading version number, and ${table.sql} is dbmate's table, which records one ` +
          '(dbmate names files <version>_<name>.sql). Rename the file. Nothing was changed.',
      );
    return file.version;
  };
  const tool: HistoryTool = dbmate ? 'dbmate' : 'deploy-kit';
  return {
    tool,
    table,
    find(file) {
      const row = rowFor(file);
      if (!row) return undefined;
      const changed =
        row.checksum && row.checksum !== file.checksum
          ? `${file.name} was changed after it was applied (recorded sha256 ${row.checksum}, file now ${file.checksum}).`
          : undefined;
      return { key: row.version, changed };
    },
    missing(files) {
      const matched = new Set(files.map((f) => rowFor(f)?.version).filter(Boolean));
      return rows.map((r) => r.version).filter((v) => !matched.has(v));
    },
    async prepare(db, files) {
      for (const file of files) if (!rowFor(file)) keyFor(file); // refuses a file dbmate could not record, before any change
      if (table.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS "${table.schema}"`);
      if (dbmate) {
        await db.query(`CREATE TABLE IF NOT EXISTS ${table.sql} (version varchar(255) PRIMARY KEY)`);
        return [`${table.sql} is dbmate's table: it is continued in dbmate's format (no checksums).`];
      }
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table.sql} (
           version varchar(255) PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now(),
           checksum text,
           duration_ms integer)`,
      );
      for (const column of ['applied_at timestamptz DEFAULT now()', 'checksum text', 'duration_ms integer'])
        await db.query(`ALTER TABLE ${table.sql} ADD COLUMN IF NOT EXISTS ${column}`);
      const notes: string[] = [];
      for (const file of files) {
        const row = rowFor(file);
        if (!row || row.checksum) continue;
        await db.query(`UPDATE ${table.sql} SET checksum = $1 WHERE version = $2`, [file.checksum, row.version]);
        notes.push(
          `${file.name} was recorded by another runner (as "${row.version}") without a checksum; its checksum is now recorded.`,
        );
      }
      return notes;
    },
    recordSql(file, durationMs) {
      const version = sqlLiteral(keyFor(file));
      return dbmate
        ? [`INSERT INTO ${table.sql} (version) VALUES (${version})`]
        : [
            `INSERT INTO ${table.sql} (version, applied_at, checksum, duration_ms) ` +
              `VALUES (${version}, pg_catalog.clock_timestamp(), ${sqlLiteral(file.checksum)}, ${durationMs})`,
          ];
    },
    spentSql: (files) =>
      dbmate
        ? '0'
        : `(SELECT coalesce(sum(duration_ms), 0) FROM ${table.sql} WHERE version IN (${files.map((f) => sqlLiteral(keyFor(f))).join(', ')}))::integer`,
  };
}
