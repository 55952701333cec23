/** backup-db's step summary (GitHub's job summary page), kept or not. */
import path from 'node:path';
import { formatDuration } from '../lib/duration.js';
import { table, writeSummary } from '../lib/summary.js';
import { formatBytes } from './backup.js';
import type { CountRow } from './restore-check.js';

export interface BackupReport {
  target: string;
  dump: { sizeBytes: number; sha256: string; durationMs: number };
  version: string;
  verified?: string;
  encrypted?: boolean;
  counts?: CountRow[];
  where: string;
}

/** The step summary of a backup: what was written, verified and kept where, and the restore check's counts. */
export async function writeBackupSummary(report: BackupReport): Promise<void> {
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
