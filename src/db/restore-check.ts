/**
 * restore-check: restores the dump into a scratch database and compares every table's
 * row count with the source. The source is counted inside the very snapshot pg_dump
 * dumped (pg_export_snapshot + pg_dump --snapshot), so writes to a live database during
 * the backup cannot make the counts differ.
 */
import type pg from 'pg';
import { KitError } from '../lib/errors.js';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type RunResult, runCommand, tail } from '../lib/exec.js';
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
  /** Streams the file is read through first (decryption): the tool then reads stdin. */
  readTransforms?: Duplex[];
}

/**
 * Restores into a database, all or nothing (one transaction). The backup is a file, or a
 * stream (a download, already decrypted) that the tool reads on its stdin. `clean`
 * (default: true, the scratch database of restore-check) drops the backup's objects
 * first; a plain dump cannot do that (its own DROP statements decide).
 */
export async function restoreInto(
  file: string | Readable,
  format: DumpFormat,
  scratch: DatabaseUrl,
  tools: RestoreTools & { clean?: boolean },
): Promise<void> {
  const fed = typeof file !== 'string' || Boolean(tools.readTransforms?.length);
  const clean = tools.clean ?? true;
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
            ...(fed ? [] : ['--file', file as string]),
          ],
        ]
      : [
          tools.pgRestore,
          [
            `--dbname=${scratch.urlWithoutPassword}`,
            '--no-password',
            '--no-owner',
            '--no-privileges',
            ...(clean ? ['--clean', '--if-exists'] : []),
            '--exit-on-error',
            '--single-transaction',
            ...(fed ? [] : [file as string]),
          ],
        ];
  if (!command)
    throw new KitError(`restore-check needs ${format === 'plain' ? 'psql' : 'pg_restore'}, which was not found.`);
  const env = childEnv(scratch, { PGOPTIONS: '-c client_min_messages=warning' });
  const result = fed
    ? await runFedFrom(file, tools.readTransforms ?? [], command, args as string[], env, tools.timeoutMs)
    : await runCommand(command, args as string[], { env, timeoutMs: tools.timeoutMs });
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

/** Runs a restore tool reading the file (or stream) through transforms on its stdin (no plaintext file). */
export async function runFedFrom(
  file: string | Readable,
  transforms: Duplex[],
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout = (stdout + c).slice(-64_000)));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-64_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, timeoutMs);
  const source = typeof file === 'string' ? createReadStream(file) : file;
  const fed = pipeline([source, ...transforms, child.stdin]).then(
    () => undefined,
    (error: Error) => error,
  );
  const [status, feedError] = await Promise.all([exited, fed]).finally(() => clearTimeout(timer));
  // A decryption failure is the real cause when the tool then complained about its input.
  if (feedError && !(feedError as NodeJS.ErrnoException).code?.startsWith('EPIPE'))
    stderr = `${stderr}\nreading the backup failed: ${feedError.message}`;
  const failedFeed = Boolean(feedError) && status.code === 0 ? 1 : status.code;
  return { exitCode: failedFeed, signal: status.signal, stdout, stderr, timedOut, durationMs: Date.now() - started };
}
