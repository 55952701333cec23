/**
 * Restoring a backup (`deploy-kit restore`): from a local file or an S3 object, decrypted
 * on the fly when it is age-encrypted, into a database, with the pg_restore (or psql) of
 * the target server's major. Streamed end to end: the plaintext exists only in the pipe
 * into pg_restore, never on disk.
 *
 * Order matters: everything that can be checked is checked before the target changes —
 * the target is empty (or --clean was asked for), the tool exists, the backup can be read
 * and decrypted (the first plaintext bytes are read before pg_restore starts) and is a
 * pg_dump archive. pg_restore then runs in one transaction: a failure leaves the target as
 * it was.
 */
import { createReadStream, statSync } from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KitError, errorMessage } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { type DatabaseUrl, connect, serverVersion } from './connection.js';
import { formatBytes } from './backup.js';
import { AGE_MAGIC, decryptStream } from './encryption.js';
import { requirePgTool } from './pg-tools.js';
import { countRestored, countRows, restoreInto } from './restore-check.js';
import { type S3Target, openS3Object, parseS3Uri } from './s3.js';

export interface RestoreOptions {
  /** A local path, or s3://bucket/key. */
  from: string;
  /** age identities (the lines of an identity file); required for an encrypted backup. */
  identities?: string[];
  /** Where the identities came from, for messages (never their content). */
  identitySource?: string;
  db: DatabaseUrl;
  /** Restore into a database that already has tables: pg_restore --clean --if-exists. */
  clean: boolean;
  s3?: Pick<S3Target, 'region' | 'endpoint'>;
  timeoutMs: number;
  log: (line: string) => void;
}

export interface RestoreReport {
  serverVersion: string;
  tool: string;
  encrypted: boolean;
  format: 'custom' | 'plain';
  bytesRead: number;
  durationMs: number;
  /** schema.table → rows, after the restore. */
  tables: Map<string, number>;
}

const PGDMP = Buffer.from('PGDMP');

/**
 * Reads at least `bytes` from the start of a stream and hands back a stream that still
 * yields everything (those bytes first). A read error (a wrong identity, a missing
 * object) surfaces here, before anything consumes the data.
 */
export async function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = stream[Symbol.asyncIterator]();
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value as Uint8Array);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Uint8Array;
  }
  return { head, stream: Readable.from(all(), { objectMode: false }) };
}

/** The target's user tables; a database with none is empty. */
export async function tablesOf(
  db: DatabaseUrl,
): Promise<{ version: { major: number; text: string }; tables: string[] }> {
  const client = await connect(db, { applicationName: 'deploy-kit restore' });
  try {
    const version = await serverVersion(client);
    return { version, tables: [...(await countRows(client)).keys()] };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openSource(
  from: string,
  s3: RestoreOptions['s3'],
): Promise<{ stream: Readable; size?: number; close: () => void }> {
  const location = parseS3Uri(from);
  if (location) {
    if (!s3) throw new KitError(`Reading ${from} needs an S3 region (--s3-region, or AWS_REGION).`);
    const object = await openS3Object(location, s3);
    return { stream: object.body, size: object.size, close: object.close };
  }
  if (from.startsWith('s3://'))
    throw new KitError(`"${from}" is not an S3 object address; expected s3://bucket/path/to/backup.dump.age`);
  let size: number;
  try {
    const stat = statSync(from);
    if (stat.isDirectory())
      throw new KitError(
        `${from} is a folder (a format: directory backup): restore it with pg_restore --dbname=… ${from} directly; deploy-kit restore reads custom and plain backups (encrypted or not).`,
      );
    size = stat.size;
  } catch (error) {
    if (error instanceof KitError) throw error;
    throw new KitError(
      `Cannot read the backup ${from}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}.`,
    );
  }
  const stream = createReadStream(from);
  return { stream, size, close: () => stream.destroy() };
}

/** Counts the bytes that pass and says how far it got every 15 s. */
function progress(size: number | undefined, log: (line: string) => void): { meter: Transform; bytes: () => number } {
  let bytes = 0;
  let last = Date.now();
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (Date.now() - last >= 15_000) {
        last = Date.now();
        log(`… ${formatBytes(bytes)}${size ? ` of ${formatBytes(size)}` : ''} read`);
      }
      done(null, chunk);
    },
  });
  return { meter, bytes: () => bytes };
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreReport> {
  const { db, log } = options;
  const started = Date.now();
  const target = await tablesOf(db);
  if (target.tables.length && !options.clean)
    throw new KitError(
      `The database ${db.label} is not empty: it has ${target.tables.length} table(s) (${target.tables.slice(0, 5).join(', ')}${target.tables.length > 5 ? ', …' : ''}). ` +
        'Restoring into it would mix the backup with what is there. Restore into a new, empty database (createdb), ' +
        "or add --clean to drop and recreate the backup's tables first (other tables are left alone). Nothing was changed.",
    );
  log(
    `Target: ${db.label}, PostgreSQL ${target.version.text}${target.tables.length ? `, ${target.tables.length} table(s) (--clean)` : ', empty'}.`,
  );

  const source = await openSource(options.from, options.s3);
  const counted = progress(source.size, log);
  // Streams to stop when anything fails before pg_restore has read them to the end.
  const streams: Readable[] = [counted.meter];
  let done = false;
  try {
    source.stream.on('error', (error) => counted.meter.destroy(error));
    const raw = await peek(source.stream.pipe(counted.meter), AGE_MAGIC.length).catch((error: unknown) => {
      throw new KitError(`Cannot read the backup ${options.from}: ${errorMessage(error)}`);
    });
    const encrypted = raw.head.subarray(0, AGE_MAGIC.length).toString('latin1') === AGE_MAGIC;
    let plaintext = raw.stream;
    if (encrypted) {
      if (!options.identities?.length)
        throw new KitError(
          `${options.from} is encrypted with age: give the identity file that matches its recipient with --identity key.txt (the AGE-SECRET-KEY-1… line age-keygen wrote). Nothing was changed.`,
        );
      const decrypted = new PassThrough();
      pipeline(raw.stream, await decryptStream(options.identities), decrypted).catch((error: unknown) =>
        decrypted.destroy(error as Error),
      );
      plaintext = decrypted;
      streams.push(decrypted);
    } else if (options.identities?.length) {
      log(`${options.from} is not encrypted; --identity is not needed.`);
    }
    const clear = await peek(plaintext, PGDMP.length).catch((error: unknown) => {
      const why = errorMessage(error);
      throw new KitError(
        /no identity matched/.test(why)
          ? `Cannot decrypt ${options.from}: the identity in ${options.identitySource ?? '--identity'} is not one of the backup's recipients (age: ${why}). Use the key whose public key (age1…) was in encrypt-to. Nothing was changed.`
          : `Cannot ${encrypted ? 'decrypt' : 'read'} ${options.from}: ${why}. Nothing was changed.`,
      );
    });
    const format = clear.head.subarray(0, PGDMP.length).equals(PGDMP)
      ? 'custom'
      : /^(--|SET |\\|CREATE |BEGIN)/.test(clear.head.toString('latin1'))
        ? 'plain'
        : undefined;
    if (!format)
      throw new KitError(
        `${options.from} is not a pg_dump backup (custom or plain format)${encrypted ? ' once decrypted' : ''}. Nothing was changed.`,
      );
    if (format === 'plain' && options.clean)
      throw new KitError(
        `${options.from} is a plain SQL dump: --clean cannot drop its objects first (only the dump's own DROP statements could). Restore into an empty database. Nothing was changed.`,
      );
    const tool = await requirePgTool(format === 'plain' ? 'psql' : 'pg_restore', target.version.major);
    log(
      `Restoring ${options.from}${source.size ? ` (${formatBytes(source.size)}` : ' ('}${encrypted ? ', age-encrypted' : ''}, ${format} format) with ${tool.path} (${tool.version}), in one transaction…`,
    );
    await restoreInto(clear.stream, format, db, {
      pgRestore: tool.path,
      psql: tool.path,
      timeoutMs: options.timeoutMs,
      clean: options.clean,
    }).catch((error: unknown) => {
      throw new KitError(
        `${errorMessage(error)}\nThe restore ran in one transaction: ${db.label} is as it was before. Nothing was changed.`,
      );
    });
    done = true;
    const tables = await countRestored(db);
    const durationMs = Date.now() - started;
    log(`Restored in ${formatDuration(durationMs)}.`);
    return {
      serverVersion: target.version.text,
      tool: `${tool.path} (${tool.version})`,
      encrypted,
      format,
      bytesRead: counted.bytes(),
      durationMs,
      tables,
    };
  } finally {
    if (!done) for (const stream of streams) stream.destroy();
    source.close();
  }
}
