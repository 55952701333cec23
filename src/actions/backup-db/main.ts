import * as core from '@actions/core';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { invalidInput, readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { table, writeSummary } from '../../lib/summary.js';
import { connect, serverVersion } from '../../db/connection.js';
import {
  type DumpFormat,
  EXTENSION,
  commitDump,
  dumpToPartial,
  formatBytes,
  partialPathOf,
  stopDumps,
  verifyDump,
} from '../../db/backup.js';
import { requirePgTool } from '../../db/pg-tools.js';
import {
  type CountRow,
  type Snapshot,
  closeSnapshot,
  compareCounts,
  countRestored,
  countRows,
  exportSnapshot,
  restoreInto,
} from '../../db/restore-check.js';
import { artifactServiceAvailable, uploadArtifact } from '../../db/upload.js';
import {
  decryptStream,
  encryptStream,
  readAgeHeader,
  recipientOfIdentity,
  recipientProblems,
} from '../../db/encryption.js';
import { repositoryIsPublic } from '../../lib/repository.js';
import { type S3Target, credentialSource, missingCredentials, regionFrom, uploadS3 } from '../../db/s3.js';
import { spec } from './spec.js';

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

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  // Checked here, not by the spec's parser, so that age-encryption is loaded only when used.
  const problems = await recipientProblems(inputs.encryptTo);
  if (problems.length) throw invalidInput('encrypt-to', spec.inputs['encrypt-to'], problems.join('; '));
  const db = inputs.databaseUrl;
  const scratch = inputs.restoreCheckUrl;
  if (scratch && scratch.host === db.host && scratch.port === db.port && scratch.database === db.database)
    throw new ConfigurationError(
      `Input "restore-check-url" is invalid: it points at the database being backed up (${db.label}); it must be a scratch database, whose objects are replaced.`,
    );
  const folder = path.resolve(inputs.path || path.join(process.env.RUNNER_TEMP || tmpdir(), 'db-backups'));
  const encryption = await checkEncryption(inputs);
  const s3 = checkS3(inputs);
  if (s3 && !encryption)
    core.warning(
      `upload: s3 without encrypt-to: the dump goes to s3://${s3.bucket} in plaintext, readable by anyone who can read that bucket. Set "encrypt-to" to an age recipient (age-keygen prints one).`,
    );

  // The server's version first: it decides which pg_dump can dump it.
  const client = await connect(db, { applicationName: 'deploy-kit backup-db' });
  const version = await serverVersion(client).finally(() => client.end().catch(() => undefined));
  setOutputs(spec, { 'server-version': version.text });
  core.info(`${db.label} runs PostgreSQL ${version.text}.`);
  const needsRestore = inputs.verify || scratch;
  const pgDump = await requirePgTool('pg_dump', version.major);
  const pgRestore =
    needsRestore && inputs.format !== 'plain' ? await requirePgTool('pg_restore', version.major) : undefined;
  const psql = scratch && inputs.format === 'plain' ? await requirePgTool('psql', version.major) : undefined;
  core.info(`Using ${pgDump.path} (${pgDump.version}).`);

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
    core.setFailed(`Stopped by ${signal} during the backup; the partial dump was removed.`);
    process.exit(1);
  };
  process.once('SIGTERM', onSignal).once('SIGINT', onSignal);

  let snapshot: Snapshot | undefined;
  let counts: CountRow[] | undefined;
  try {
    snapshot = scratch ? await exportSnapshot(db) : undefined;
    const dump = await core.group(`pg_dump ${db.label} → ${target}`, async () =>
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
        { log: core.info },
      ),
    );
    setOutputs(spec, { 'duration-ms': dump.durationMs });
    core.info(
      `Dumped ${formatBytes(dump.sizeBytes)} in ${formatDuration(dump.durationMs)} (${formatBytes(dump.sizeBytes / Math.max(dump.durationMs / 1000, 0.001))}/s), sha256 ${dump.sha256}.`,
    );
    if (encryption) core.info(`Encrypted with age for ${encryption.recipients.length} recipient(s) as it streamed.`);
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
      core.warning(
        'Checked only the age header of the encrypted backup: its content was not decrypted. Give verify-identity (an age identity matching encrypt-to) to verify the dump itself.',
      );
    } else if (inputs.verify) {
      entries = (
        await core.group('Verifying the backup', async () =>
          verifyDump(partial, inputs.format, pgRestore?.path, {
            timeoutMs: inputs.timeout,
            readTransforms: encryption?.identity ? [await decryptStream(encryption.identity)] : [],
          }),
        )
      ).entries;
      verified = `${entries} entries listed${encryption ? ' (decrypted with verify-identity)' : ''}`;
      core.info(
        `Verified: ${entries} entries in the backup's table of contents${encryption ? ', decrypted with verify-identity' : ''}.`,
      );
    }
    if (scratch && snapshot) {
      const sourceCounts = await countRows(snapshot.client);
      await closeSnapshot(snapshot);
      snapshot = undefined;
      counts = await core.group(`Restore check into ${scratch.label}`, async () => {
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
        await summarize({
          target,
          dump,
          version: version.text,
          verified,
          counts,
          where: 'not kept: the restore check failed',
        });
        throw new KitError(
          `Restore check failed: the restored copy differs from ${db.label} in ${bad.length} table(s): ` +
            bad
              .map((r) => `${r.table} (source ${r.source ?? 'missing'}, restored ${r.restored ?? 'missing'})`)
              .join(', ') +
            '. The backup was not kept.',
        );
      }
      core.info(`Restore check passed: ${counts.length} table(s), row counts equal.`);
    }
    commitDump(partial, target);
    setOutputs(spec, { path: target, 'size-bytes': dump.sizeBytes, sha256: dump.sha256 });

    let where = `kept at ${target}`;
    if (inputs.upload === 'artifact' && artifactServiceAvailable()) {
      const uploaded = await core.group('Uploading the backup as a workflow artifact', () =>
        uploadArtifact(target, { retentionDays: inputs.retentionDays }),
      );
      setOutputs(spec, { 'artifact-id': uploaded.artifactId });
      where = uploaded.where;
    } else if (s3) {
      const uploaded = await core
        .group(`Uploading the backup to s3://${s3.bucket}`, () =>
          uploadS3(target, s3, { sha256: dump.sha256, timeoutMs: inputs.timeout, log: core.info }),
        )
        .catch(async (error: unknown) => {
          await summarize({
            target,
            dump,
            version: version.text,
            verified,
            encrypted: Boolean(encryption),
            counts,
            where: `kept at ${target} until the job ends; the upload to S3 FAILED`,
          });
          throw error;
        });
      setOutputs(spec, { 's3-uri': uploaded.uri });
      where = `${uploaded.where}; also at ${target} until the job ends`;
    } else if (inputs.upload === 'artifact') {
      where += ' (not uploaded: the artifact service is only available inside a GitHub Actions job)';
    }
    core.info(`Backup ${where}.`);
    await summarize({ target, dump, version: version.text, verified, encrypted: Boolean(encryption), counts, where });
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    if (snapshot) await closeSnapshot(snapshot);
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  }
}

async function summarize(report: {
  target: string;
  dump: { sizeBytes: number; sha256: string; durationMs: number };
  version: string;
  verified?: string;
  encrypted?: boolean;
  counts?: CountRow[];
  where: string;
}): Promise<void> {
  const failed = report.counts?.some((row) => !row.ok);
  await writeSummary((summary) => {
    summary.addHeading(`Database backup ${failed ? 'failed its restore check ❌' : 'done ✅'}`, 3);
    summary.addTable(
      table(
        ['measure', 'value'],
        [
          ['file', path.basename(report.target)],
          ['server', `PostgreSQL ${report.version}`],
          ['size', formatBytes(report.dump.sizeBytes)],
          ['sha256', report.dump.sha256],
          ['dump time', formatDuration(report.dump.durationMs)],
          ['encrypted', report.encrypted ? 'yes (age)' : 'no'],
          ['verified', report.verified ?? 'not verified (verify: false)'],
          ['where', report.where],
        ],
      ),
    );
    if (report.counts) {
      summary.addHeading('Restore check: row counts', 4);
      summary.addTable(
        table(
          ['table', 'source rows', 'restored rows', 'equal'],
          report.counts.map((row) => [
            row.table,
            row.source ?? 'missing',
            row.restored ?? 'missing',
            row.ok ? '✅' : '❌',
          ]),
        ),
      );
    }
  });
}

interface Encryption {
  recipients: string[];
  identity?: string;
}

/**
 * The encryption settings, checked before anything is dumped: a dump is production data,
 * and an artifact of a public repository can be downloaded by anyone.
 */
async function checkEncryption(inputs: {
  encryptTo: string[];
  verifyIdentity?: string;
  allowUnencrypted: boolean;
  upload: string;
  format: string;
  restoreCheckUrl?: unknown;
}): Promise<Encryption | undefined> {
  if (!inputs.encryptTo.length) {
    if (inputs.verifyIdentity)
      throw new ConfigurationError(
        'Input "verify-identity" is set but "encrypt-to" is empty: there is nothing to decrypt.',
      );
    if (inputs.upload === 'artifact' && repositoryIsPublic() && !inputs.allowUnencrypted)
      throw new ConfigurationError(
        'Refusing to upload an unencrypted database dump as an artifact of a PUBLIC repository: anyone who can read the repository can download it. ' +
          'Set "encrypt-to" to an age recipient (age-keygen prints one), or upload: none, or allow-unencrypted: true if the data is public. Nothing was dumped.',
      );
    return undefined;
  }
  if (inputs.format === 'directory')
    throw new ConfigurationError(
      'Input "encrypt-to" cannot be used with format: directory (pg_dump writes that folder itself, in plaintext); use format: custom.',
    );
  let identity: string | undefined;
  if (inputs.verifyIdentity) {
    const recipient = await recipientOfIdentity(inputs.verifyIdentity);
    if (!recipient || !inputs.encryptTo.includes(recipient))
      throw new ConfigurationError(
        'Input "verify-identity" does not match any recipient in "encrypt-to": it could not decrypt the backup.',
      );
    identity = inputs.verifyIdentity;
  }
  if (inputs.restoreCheckUrl && !identity)
    throw new ConfigurationError(
      'Input "restore-check-url" needs "verify-identity" when "encrypt-to" is set: the backup is restored by decrypting it.',
    );
  return { recipients: inputs.encryptTo, identity };
}

/**
 * upload: s3 needs a bucket, a region and credentials: all checked before dumping, so a
 * typo costs seconds, not a dump of production. The secret key and session token are
 * masked here, before the SDK can put them anywhere near a log line.
 */
function checkS3(inputs: {
  upload: string;
  s3Bucket: string;
  s3Prefix: string;
  s3Endpoint?: string;
  s3Region: string;
}): S3Target | undefined {
  if (inputs.upload !== 's3') {
    const set = (['s3-bucket', 's3-endpoint', 's3-region'] as const).filter(
      (name) =>
        ({ 's3-bucket': inputs.s3Bucket, 's3-endpoint': inputs.s3Endpoint, 's3-region': inputs.s3Region })[name],
    );
    if (set.length)
      throw new ConfigurationError(
        `Input "${set[0]}" is set but "upload" is ${inputs.upload}: set upload: s3 to upload the backup to S3, or remove the s3-* inputs. Nothing was dumped.`,
      );
    return undefined;
  }
  if (!inputs.s3Bucket)
    throw new ConfigurationError(
      'Input "s3-bucket" is required with upload: s3 (example: s3-bucket: acme-db-backups). Nothing was dumped.',
    );
  const region = regionFrom(inputs.s3Region);
  if (!region)
    throw new ConfigurationError(
      'Input "s3-region" is required with upload: s3 when AWS_REGION is not set (example: s3-region: eu-west-1; auto for Cloudflare R2). Nothing was dumped.',
    );
  if (region === 'auto' && !inputs.s3Endpoint)
    throw new ConfigurationError(
      'Input "s3-region" is auto, which is Cloudflare R2\'s region: set "s3-endpoint" to https://<account-id>.r2.cloudflarestorage.com (AWS S3 needs a real region such as eu-west-1). Nothing was dumped.',
    );
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
    if (process.env[name]) core.setSecret(process.env[name] as string);
  const source = credentialSource();
  if (!source)
    throw new ConfigurationError(
      `upload: s3 (s3-bucket: ${inputs.s3Bucket}) found no credentials in the environment: ${missingCredentials()}. ` +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the step's env: from secrets, or assume a role with aws-actions/configure-aws-credentials (OIDC) in a step before this one. Nothing was dumped.",
    );
  core.info(`S3 credentials: ${source}.`);
  return { bucket: inputs.s3Bucket, prefix: inputs.s3Prefix, region, endpoint: inputs.s3Endpoint?.trim() };
}
