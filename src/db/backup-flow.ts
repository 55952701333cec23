/**
 * backup-db's whole job, as plain functions of its inputs and of what they may touch
 * (deps: log, outputs, summary), so the action entry (src/actions/backup-db/main.ts) only
 * reads inputs and hands over: the server's version decides the pg_dump; the dump streams
 * (encrypted) to a partial file; it is read back (./verify-dump.ts) and restored into a
 * scratch database (./restore-check.ts) when asked; only then is it given its real name
 * and uploaded (./upload.ts, ./s3.ts). A failure or a cancel removes the partial dump.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigurationError, KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { type DatabaseUrl, connect, serverVersion } from './connection.js';
import {
  type DumpFormat,
  EXTENSION,
  commitDump,
  dumpToPartial,
  formatBytes,
  partialPathOf,
  stopDumps,
} from './backup.js';
import type { BackupReport } from './backup-summary.js';
import { checkEncryption, checkS3 } from './backup-settings.js';
import { decryptStream, encryptStream, readAgeHeader } from './encryption.js';
import { requirePgTool } from './pg-tools.js';
import {
  type CountRow,
  type Snapshot,
  closeSnapshot,
  compareCounts,
  countRestored,
  countRows,
  exportSnapshot,
  restoreInto,
} from './restore-check.js';
import { uploadS3 } from './s3.js';
import { artifactServiceAvailable, uploadArtifact } from './upload.js';
import { verifyDump } from './verify-dump.js';

/** The inputs backup-db reads (src/actions/backup-db/spec.ts), parsed. */
export interface BackupInputs {
  databaseUrl: DatabaseUrl;
  restoreCheckUrl?: DatabaseUrl;
  path: string;
  name: string;
  format: DumpFormat;
  compress?: number;
  verify: boolean;
  timeout: number;
  encryptTo: string[];
  verifyIdentity?: string;
  allowUnencrypted: boolean;
  upload: 'artifact' | 's3' | 'none';
  retentionDays?: number;
  s3Bucket: string;
  s3Prefix: string;
  s3Endpoint?: string;
  s3Region: string;
}

/** backup-db's outputs (src/actions/backup-db/spec.ts), each set as soon as it is known. */
export interface BackupOutputs {
  path: string;
  'size-bytes': number;
  sha256: string;
  'server-version': string;
  'duration-ms': number;
  'artifact-id': number;
  's3-uri': string;
}

export interface BackupDeps {
  log: (line: string) => void;
  warn: (line: string) => void;
  /** Hides a secret from the log (core.setSecret). */
  mask: (secret: string) => void;
  /** Runs a step inside a collapsible log group. */
  group: <T>(title: string, fn: () => Promise<T>) => Promise<T>;
  output: (values: Partial<BackupOutputs>) => void;
  summary: (report: BackupReport) => Promise<void>;
  /** Fails the step (core.setFailed) when a signal stops the backup, before the process exits. */
  fail: (message: string) => void;
}

/** The backup's file name from the `name` input's template (default `{database}-{timestamp}<extension>`). */
export function renderName(
  template: string,
  values: { database: string; major: number; now: Date },
  format: DumpFormat,
) {
  const timestamp = values.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = (template || `{database}-{timestamp}${EXTENSION[format]}`)
    .replace(/\{database\}/g, values.database.replace(/[^A-Za-z0-9._-]/g, '_'))
    .replace(/\{timestamp\}/g, timestamp)
    .replace(/\{server-major\}/g, String(values.major));
  return name;
}

export async function backupDatabase(inputs: BackupInputs, deps: BackupDeps): Promise<void> {
  const db = inputs.databaseUrl;
  const scratch = inputs.restoreCheckUrl;
  if (scratch && scratch.host === db.host && scratch.port === db.port && scratch.database === db.database)
    throw new ConfigurationError(
      `Input "restore-check-url" is invalid: it points at the database being backed up (${db.label}); it must be a scratch database, whose objects are replaced.`,
    );
  const folder = path.resolve(inputs.path || path.join(process.env.RUNNER_TEMP || tmpdir(), 'db-backups'));
  const encryption = await checkEncryption(inputs);
  const s3 = checkS3(inputs, deps);
  if (s3 && !encryption)
    deps.warn(
      `upload: s3 without encrypt-to: the dump goes to s3://${s3.bucket} in plaintext, readable by anyone who can read that bucket. Set "encrypt-to" to an age recipient (age-keygen prints one).`,
    );

  // The server's version first: it decides which pg_dump can dump it.
  const client = await connect(db, { applicationName: 'deploy-kit backup-db' });
  const version = await serverVersion(client).finally(() => client.end().catch(() => undefined));
  deps.output({ 'server-version': version.text });
  deps.log(`${db.label} runs PostgreSQL ${version.text}.`);
  const needsRestore = inputs.verify || scratch;
  const pgDump = await requirePgTool('pg_dump', version.major);
  const pgRestore =
    needsRestore && inputs.format !== 'plain' ? await requirePgTool('pg_restore', version.major) : undefined;
  const psql = scratch && inputs.format === 'plain' ? await requirePgTool('psql', version.major) : undefined;
  deps.log(`Using ${pgDump.path} (${pgDump.version}).`);

  const target = path.join(
    folder,
    renderName(inputs.name, { database: db.database, major: version.major, now: new Date() }, inputs.format) +
      (encryption ? '.age' : ''),
  );
  const partial = partialPathOf(target);
  // A cancelled job (SIGTERM/SIGINT) must not leave a partial dump behind either.
  const onSignal = (signal: NodeJS.Signals) => {
    stopDumps();
    rmSync(partial, { recursive: true, force: true });
    deps.fail(`Stopped by ${signal} during the backup; the partial dump was removed.`);
    process.exit(1);
  };
  process.once('SIGTERM', onSignal).once('SIGINT', onSignal);

  let snapshot: Snapshot | undefined;
  let counts: CountRow[] | undefined;
  try {
    snapshot = scratch ? await exportSnapshot(db) : undefined;
    const dump = await deps.group(`pg_dump ${db.label} → ${target}`, async () =>
      dumpToPartial(
        {
          db,
          format: inputs.format,
          target,
          pgDump: pgDump.path,
          compress: inputs.compress,
          snapshot: snapshot?.id,
          timeoutMs: inputs.timeout,
          transforms: encryption ? [await encryptStream(encryption.recipients)] : [],
        },
        { log: deps.log },
      ),
    );
    deps.output({ 'duration-ms': dump.durationMs });
    deps.log(
      `Dumped ${formatBytes(dump.sizeBytes)} in ${formatDuration(dump.durationMs)} (${formatBytes(dump.sizeBytes / Math.max(dump.durationMs / 1000, 0.001))}/s), sha256 ${dump.sha256}.`,
    );
    if (encryption) deps.log(`Encrypted with age for ${encryption.recipients.length} recipient(s) as it streamed.`);
    let entries: number | undefined;
    let verified: string | undefined;
    if (inputs.verify && encryption && !encryption.identity) {
      const header = await readAgeHeader(partial).catch((error: Error) => {
        throw new KitError(`The encrypted backup is not readable: ${error.message}.`);
      });
      if (header.stanzas.length !== encryption.recipients.length)
        throw new KitError(
          `The encrypted backup's age header has ${header.stanzas.length} recipient stanza(s), not ${encryption.recipients.length}.`,
        );
      verified = `age header only (${header.stanzas.length} recipient(s)); not decrypted: no verify-identity`;
      deps.warn(
        'Checked only the age header of the encrypted backup: its content was not decrypted. Give verify-identity (an age identity matching encrypt-to) to verify the dump itself.',
      );
    } else if (inputs.verify) {
      entries = (
        await deps.group('Verifying the backup', async () =>
          verifyDump(partial, inputs.format, pgRestore?.path, {
            timeoutMs: inputs.timeout,
            readTransforms: encryption?.identity ? [await decryptStream(encryption.identity)] : [],
          }),
        )
      ).entries;
      verified = `${entries} entries listed${encryption ? ' (decrypted with verify-identity)' : ''}`;
      deps.log(
        `Verified: ${entries} entries in the backup's table of contents${encryption ? ', decrypted with verify-identity' : ''}.`,
      );
    }
    const summarise = (where: string) =>
      deps.summary({ target, dump, version: version.text, verified, encrypted: Boolean(encryption), counts, where });
    if (scratch && snapshot) {
      const sourceCounts = await countRows(snapshot.client);
      await closeSnapshot(snapshot);
      snapshot = undefined;
      counts = await deps.group(`Restore check into ${scratch.label}`, async () => {
        await restoreInto(partial, inputs.format, scratch, {
          pgRestore: pgRestore?.path,
          psql: psql?.path,
          timeoutMs: inputs.timeout,
          readTransforms: encryption?.identity ? [await decryptStream(encryption.identity)] : undefined,
        });
        return compareCounts(sourceCounts, await countRestored(scratch));
      });
      const bad = counts.filter((row) => !row.ok);
      if (bad.length) {
        await summarise('not kept: the restore check failed');
        throw new KitError(
          `Restore check failed: the restored copy differs from ${db.label} in ${bad.length} table(s): ` +
            bad
              .map((r) => `${r.table} (source ${r.source ?? 'missing'}, restored ${r.restored ?? 'missing'})`)
              .join(', ') +
            '. The backup was not kept.',
        );
      }
      deps.log(`Restore check passed: ${counts.length} table(s), row counts equal.`);
    }
    commitDump(partial, target);
    deps.output({ path: target, 'size-bytes': dump.sizeBytes, sha256: dump.sha256 });

    let where = `kept at ${target}`;
    if (inputs.upload === 'artifact' && artifactServiceAvailable()) {
      const uploaded = await deps.group('Uploading the backup as a workflow artifact', () =>
        uploadArtifact(target, { retentionDays: inputs.retentionDays }),
      );
      deps.output({ 'artifact-id': uploaded.artifactId });
      where = uploaded.where;
    } else if (s3) {
      const uploaded = await deps
        .group(`Uploading the backup to s3://${s3.bucket}`, () =>
          uploadS3(target, s3, { sha256: dump.sha256, timeoutMs: inputs.timeout, log: deps.log }),
        )
        .catch(async (error: unknown) => {
          await summarise(`kept at ${target} until the job ends; the upload to S3 FAILED`);
          throw error;
        });
      deps.output({ 's3-uri': uploaded.uri });
      where = `${uploaded.where}; also at ${target} until the job ends`;
    } else if (inputs.upload === 'artifact') {
      where += ' (not uploaded: the artifact service is only available inside a GitHub Actions job)';
    }
    deps.log(`Backup ${where}.`);
    await summarise(where);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    if (snapshot) await closeSnapshot(snapshot);
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  }
}
