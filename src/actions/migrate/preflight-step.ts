/**
 * migrate `preflight: true`: only check that database-url is reachable from this runner and
 * usable (src/db/preflight.ts), change nothing, and say so in the summary. Runs before any
 * checkout, so it reads nothing from the workspace.
 */
import * as core from '@actions/core';
import { formatDuration } from '../../lib/duration.js';
import { errorMessage } from '../../lib/errors.js';
import { table, writeSummary } from '../../lib/summary.js';
import type { DatabaseUrl } from '../../db/connection.js';
import { preflightDatabase } from '../../db/preflight.js';

/** Long enough for a far region's TLS handshake; short enough to fail fast before a deploy. */
const CONNECT_TIMEOUT_MS = 10_000;

export async function runPreflight(db: DatabaseUrl, timeoutMs: number): Promise<void> {
  try {
    const report = await preflightDatabase(db, Math.min(timeoutMs, CONNECT_TIMEOUT_MS));
    core.info(
      `Preflight: ${report.label} answered (PostgreSQL ${report.server}) in ${formatDuration(report.durationMs)}.`,
    );
    if (report.note) core.notice(report.note, { title: 'Database preflight' });
    await writeSummary((summary) => {
      summary.addHeading(`Database preflight: ${report.label} reachable ✅`, 3);
      summary.addTable(
        table(
          ['database', 'server', 'time'],
          [[report.label, `PostgreSQL ${report.server}`, formatDuration(report.durationMs)]],
        ),
      );
      if (report.note) summary.addRaw(`\n${report.note}\n`);
    });
  } catch (error) {
    await writeSummary((summary) => {
      summary.addHeading(`Database preflight: ${db.label} not usable from this runner ❌`, 3);
      summary.addRaw(`\n${errorMessage(error)}\n\nNothing was changed.\n`);
    });
    throw error;
  }
}
