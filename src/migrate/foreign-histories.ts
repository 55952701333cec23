/**
 * Other tools' histories, continued in their own format so the tool still reads them right.
 * Each reads its table first and refuses, before any change, what it cannot continue safely.
 */
import { crc32 } from 'node:zlib';
import { KitError } from '../lib/errors.js';
import { type MigrationFile, compareParts } from './files.js';
import type { History } from './history.js';
import { type Queryable, sqlLiteral } from './queryable.js';
import type { TableName } from './table-name.js';

const NOTHING = 'Nothing was changed.';

/**
 * golang-migrate (database/postgres/postgres.go): `schema_migrations (version bigint not null
 * primary key, dirty boolean not null)` holds ONE row, the last version applied; every file
 * numbered at or below it counts as applied. SetVersion truncates and inserts (version, dirty)
 * in one transaction; a migration is run between SetVersion(v, true) and SetVersion(v, false).
 */
export async function golangHistory(db: Queryable, table: TableName, files: MigrationFile[]): Promise<History> {
  const rows = await db.query<{ version: string; dirty: boolean }>(
    `SELECT version::text AS version, dirty FROM ${table.sql}`,
  );
  const row = rows.rows[0];
  if (row?.dirty)
    throw new KitError(
      `${table.sql} is golang-migrate's table, and it says migration ${row.version} failed half-way (dirty = true). ` +
        `deploy-kit will not guess what it left behind: repair the schema by hand, then run \`migrate force ${row.version}\` ` +
        `(if it is now fully applied) or \`migrate force <previous version>\` with golang-migrate, and run again. ${NOTHING}`,
    );
  const unnumbered = files.filter((f) => f.number?.length !== 1);
  if (unnumbered.length)
    throw new KitError(
      `${table.sql} is golang-migrate's table, which records a version number, and ${unnumbered.map((f) => f.name).join(', ')} ` +
        `${unnumbered.length > 1 ? 'have' : 'has'} none (golang-migrate names files <version>_<title>.up.sql). ${NOTHING}`,
    );
  const current = row ? BigInt(row.version) : undefined;
  const numberOf = (file: MigrationFile) => (file.number as bigint[])[0] as bigint;
  const versionSql = (file: MigrationFile, dirty: boolean) => [
    `DELETE FROM ${table.sql}`,
    `INSERT INTO ${table.sql} (version, dirty) VALUES (${numberOf(file)}, ${dirty})`,
  ];
  return {
    tool: 'golang-migrate',
    table,
    find: (file) => (current !== undefined && numberOf(file) <= current ? { key: String(numberOf(file)) } : undefined),
    missing: (files) =>
      current !== undefined && current > 0n && !files.some((f) => numberOf(f) === current) ? [String(current)] : [],
    prepare: async () => [
      `${table.sql} is golang-migrate's table (version ${current ?? 'none'}): it is continued in golang-migrate's format ` +
        '(the last version applied; no checksums).',
    ],
    recordSql: (file) => versionSql(file, false),
    spentSql: () => '0',
    beforeNoTransaction: async (db, file) => {
      await db.query(versionSql(file, true).join(';\n'));
    },
  };
}

/**
 * node-pg-migrate (src/runner.ts, ensureMigrationsTable): `pgmigrations (id SERIAL PRIMARY KEY,
 * name varchar(255) NOT NULL, run_on timestamp NOT NULL)`; a row's name is the file name
 * without its extension (and without `.up` for its sql loader's pairs).
 */
export async function nodePgMigrateHistory(db: Queryable, table: TableName): Promise<History> {
  const rows = await db.query<{ name: string }>(`SELECT name FROM ${table.sql} ORDER BY run_on, id`);
  const names = new Set(rows.rows.map((r) => r.name));
  return {
    tool: 'node-pg-migrate',
    table,
    find: (file) => (names.has(file.version) ? { key: file.version } : undefined),
    missing: (files) => [...names].filter((name) => !files.some((f) => f.version === name)),
    prepare: async () => [
      `${table.sql} is node-pg-migrate's table: it is continued in node-pg-migrate's format (no checksums).`,
    ],
    recordSql: (file) => [
      `INSERT INTO ${table.sql} (name, run_on) VALUES (${sqlLiteral(file.version)}, pg_catalog.clock_timestamp())`,
    ],
    spentSql: () => '0',
  };
}

/**
 * Flyway's checksum (ChecksumCalculator): CRC32 over the file's lines without their line
 * breaks, a leading BOM removed, as a signed 32-bit integer.
 */
export function flywayChecksum(content: string): number {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n|\r|\n/g, '');
  return crc32(Buffer.from(text, 'utf8')) | 0;
}

/**
 * Flyway's flyway_schema_history (its createMetaDataTable.sql for PostgreSQL: installed_rank
 * INT NOT NULL primary key, version VARCHAR(50), description VARCHAR(200) NOT NULL, type
 * VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, installed_by
 * VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INTEGER
 * NOT NULL, success BOOLEAN NOT NULL). A BASELINE row counts every version at or below it.
 */
export async function flywayHistory(db: Queryable, table: TableName, files: MigrationFile[]): Promise<History> {
  const rows = await db.query<{
    version: string | null;
    type: string;
    script: string;
    checksum: number | null;
    success: boolean;
  }>(`SELECT version, type, script, checksum, success FROM ${table.sql} ORDER BY installed_rank`);
  const failed = rows.rows.filter((r) => !r.success);
  if (failed.length)
    throw new KitError(
      `${table.sql} is Flyway's table, and it records a failed migration: ${failed.map((r) => `${r.script} (version ${r.version})`).join(', ')}. ` +
        `Repair what it left behind, run \`flyway repair\` to remove the failed row, and run again. ${NOTHING}`,
    );
  const parts = (version: string) => version.split('.').map(BigInt);
  const applied = rows.rows.filter((r) => r.version !== null && r.type !== 'BASELINE' && r.type !== 'DELETE');
  const baseline = rows.rows.find((r) => r.type === 'BASELINE' && r.version !== null);
  const notFlyway = files.filter((f) => !f.flyway);
  if (notFlyway.length)
    throw new KitError(
      `${table.sql} is Flyway's table, and ${notFlyway.map((f) => f.name).join(', ')} ${notFlyway.length > 1 ? 'are' : 'is'} ` +
        `not named like a Flyway migration (V<version>__<description>.sql). ${NOTHING}`,
    );
  const rowFor = (file: MigrationFile) =>
    applied.find((r) => compareParts(parts(r.version as string), file.number as bigint[]) === 0);
  return {
    tool: 'Flyway',
    table,
    find(file) {
      const row = rowFor(file);
      if (!row)
        return baseline && compareParts(file.number as bigint[], parts(baseline.version as string)) <= 0
          ? { key: `baseline ${baseline.version}` }
          : undefined;
      const now = flywayChecksum(file.content);
      const changed =
        row.checksum !== null && row.checksum !== now
          ? `${file.name} was changed after Flyway applied it (recorded checksum ${row.checksum}, file now ${now}).`
          : undefined;
      return { key: row.version as string, changed };
    },
    missing: (files) =>
      applied.filter((r) => !files.some((f) => rowFor(f) === r)).map((r) => `${r.script} (version ${r.version})`),
    prepare: async () => [`${table.sql} is Flyway's table: it is continued in Flyway's format.`],
    recordSql(file, durationMs) {
      const flyway = file.flyway as { version: string; description: string };
      const [version, description, script] = [flyway.version, flyway.description, file.name].map(sqlLiteral);
      return [
        `INSERT INTO ${table.sql} (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
         SELECT coalesce(max(installed_rank), 0) + 1, ${version}, ${description}, 'SQL', ${script}, ` +
          `${flywayChecksum(file.content)}, current_user, ${durationMs}, true FROM ${table.sql}`,
      ];
    },
  };
}
