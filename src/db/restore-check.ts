/**
 * restore-check: restores the dump into a scratch database and compares every table's
 * row count with the source. The source is counted inside the very snapshot pg_dump
 * dumped (pg_export_snapshot + pg_dump --snapshot), so writes to a live database during
 * the backup cannot make the counts differ.
 */
import type pg from 'pg';
import { KitError } from '../lib/errors.js';
import { runCommand, tail } from '../lib/exec.js';
import { type DatabaseUrl, childEnv, connect, scrub } from './connection.js';
import type { DumpFormat } from './backup.js';

export interface Snapshot {
  client: pg.Client;
  id: string;
}

/** Opens a read-only repeatable-read transaction and exports its snapshot for pg_dump. */
export async function exportSnapshot(db: DatabaseUrl): Promise<Snapshot> {
  const client = await connect(db, { applicationName: 'deploy-kit backup-db (snapshot)' });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    return { client, id: (result.rows[0] as { id: string }).id };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

export async function closeSnapshot(snapshot: Snapshot): Promise<void> {
  await snapshot.client.query('COMMIT').catch(() => undefined);
  await snapshot.client.end().catch(() => undefined);
}

/** Row counts of every user table (partitioned tables counted once, at the parent). */
export async function countRows(client: Pick<pg.Client, 'query'>): Promise<Map<string, number>> {
  const tables = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2`,
  );
  const counts = new Map<string, number>();
  for (const { schema, name } of tables.rows) {
    const ident = `${quoteIdent(schema)}.${quoteIdent(name)}`;
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident}`);
    counts.set(`${schema}.${name}`, Number(result.rows[0]?.n));
  }
  return counts;
}

const quoteIdent = (id: string) => `"${id.replace(/"/g, '""')}"`;

export interface RestoreTools {
  pgRestore?: string;
  psql?: string;
  timeoutMs: number;
}

/** Restores into the scratch database, all or nothing (one transaction). */
export async function restoreInto(
  file: string,
  format: DumpFormat,
  scratch: DatabaseUrl,
  tools: RestoreTools,
): Promise<void> {
  const [command, args] =
    format === 'plain'
      ? [
          tools.psql,
          [
            '--no-psqlrc',
            '--quiet',
            '-v',
            'ON_ERROR_STOP=1',
            '--single-transaction',
            `--dbname=${scratch.urlWithoutPassword}`,
            '--file',
            file,
          ],
        ]
      : [
          tools.pgRestore,
          [
            `--dbname=${scratch.urlWithoutPassword}`,
            '--no-password',
            '--no-owner',
            '--no-privileges',
            '--clean',
            '--if-exists',
            '--exit-on-error',
            '--single-transaction',
            file,
          ],
        ];
  if (!command)
    throw new KitError(`restore-check needs ${format === 'plain' ? 'psql' : 'pg_restore'}, which was not found.`);
  const result = await runCommand(command, args as string[], {
    env: childEnv(scratch, { PGOPTIONS: '-c client_min_messages=warning' }),
    timeoutMs: tools.timeoutMs,
  });
  if (result.exitCode !== 0 || result.timedOut)
    throw new KitError(
      `Restoring the backup into ${scratch.label} failed${result.timedOut ? ' (timed out)' : ''}:\n${scrub(tail(result.stderr, 15), scratch)}`,
    );
}

export interface CountRow {
  table: string;
  source: number | undefined;
  restored: number | undefined;
  ok: boolean;
}

export function compareCounts(source: Map<string, number>, restored: Map<string, number>): CountRow[] {
  const names = [...new Set([...source.keys(), ...restored.keys()])].sort();
  return names.map((table) => {
    const a = source.get(table);
    const b = restored.get(table);
    return { table, source: a, restored: b, ok: a !== undefined && a === b };
  });
}

export async function countRestored(scratch: DatabaseUrl): Promise<Map<string, number>> {
  const client = await connect(scratch, { applicationName: 'deploy-kit backup-db (restore-check)' });
  try {
    return await countRows(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
