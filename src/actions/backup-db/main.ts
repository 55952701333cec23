import * as core from '@actions/core';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
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
  const db = inputs.databaseUrl;
  const scratch = inputs.restoreCheckUrl;
  if (scratch && scratch.host === db.host && scratch.port === db.port && scratch.database === db.database)
    throw new ConfigurationError(
      `Input "restore-check-url" is invalid: it points at the database being backed up (${db.label}); it must be a scratch database, whose objects are replaced.`,
    );
  if (inputs.encryptTo.length)
    throw new ConfigurationError(
      'Input "encrypt-to" is not supported by this version of backup-db yet; nothing was dumped. Remove it to take an unencrypted backup, or use a release that encrypts.',
    );
  const folder = path.resolve(inputs.path || path.join(process.env.RUNNER_TEMP || tmpdir(), 'db-backups'));

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
    renderName(inputs.name, { database: db.database, major: version.major, now: new Date() }, inputs.format),
  );
  const partial = partialPathOf(target);
  // A cancelled job (SIGTERM/SIGINT) must not leave a partial dump behind either.
  const onSignal = (signal: NodeJS.Signals) => {
    rmSync(partial, { recursive: true, force: true });
    core.setFailed(`Stopped by ${signal} during the backup; the partial dump was removed.`);
    process.exit(1);
  };
  process.once('SIGTERM', onSignal).once('SIGINT', onSignal);

  let snapshot: Snapshot | undefined;
  let counts: CountRow[] | undefined;
  try {
    snapshot = scratch ? await exportSnapshot(db) : undefined;
    const dump = await core.group(`pg_dump ${db.label} → ${target}`, () =>
      dumpToPartial(
        {
          db,
          format: inputs.format,
          target,
          pgDump: pgDump.path,
          compress: inputs.compress,
          snapshot: snapshot?.id,
          timeoutMs: inputs.timeout,
        },
        { log: core.info },
      ),
    );
    setOutputs(spec, { 'duration-ms': dump.durationMs });
    core.info(
      `Dumped ${formatBytes(dump.sizeBytes)} in ${formatDuration(dump.durationMs)} (${formatBytes(dump.sizeBytes / Math.max(dump.durationMs / 1000, 0.001))}/s), sha256 ${dump.sha256}.`,
    );
    let entries: number | undefined;
    if (inputs.verify) {
      entries = (
        await core.group('Verifying the backup', () =>
          verifyDump(partial, inputs.format, pgRestore?.path, { timeoutMs: inputs.timeout }),
        )
      ).entries;
      core.info(`Verified: ${entries} entries in the backup's table of contents.`);
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
        });
        return compareCounts(sourceCounts, await countRestored(scratch));
      });
      const bad = counts.filter((row) => !row.ok);
      if (bad.length) {
        await summarize({
          target,
          dump,
          version: version.text,
          entries,
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
    } else if (inputs.upload === 'artifact') {
      where += ' (not uploaded: the artifact service is only available inside a GitHub Actions job)';
    }
    core.info(`Backup ${where}.`);
    await summarize({ target, dump, version: version.text, entries, counts, where });
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
  entries?: number;
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
          [
            'verified',
            report.entries === undefined ? 'not verified (verify: false)' : `${report.entries} entries listed`,
          ],
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
