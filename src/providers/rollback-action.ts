/** The summary and outputs of a rollback, shared by rollback-on-failure and the umbrella deploy. */
import * as core from '@actions/core';
import { formatDuration } from '../lib/duration.js';
import { escapeHtml, table, writeSummary } from '../lib/summary.js';
import { describe } from './deploy-flow.js';
import type { RollbackReport } from './rollback.js';
import { type AppliedVerdict, addSchemaVerdict, warnOnDestructive } from '../migrate/verdict.js';

/** `migrations`: what migrate applied before the deploy (its applied-verdicts), listed after a rollback. */
export async function writeRollbackSummary(
  title: string,
  report: RollbackReport,
  reason: string,
  migrations: AppliedVerdict[] = [],
): Promise<void> {
  const left = report.rolledBack ? migrations : [];
  const heading = report.rolledBack
    ? `Rolled back ${title} ↩️`
    : `No rollback on ${title}: ${report.notice ?? 'nothing to do'}`;
  const rows: Array<[string, string]> = [
    ['why', reason],
    ['live before', report.before ? describe(report.before) : 'nothing'],
    ['rolled back to', report.target ? describe(report.target) : 'nothing to roll back to'],
    ['live now (platform reports)', report.live ? describe(report.live) : 'nothing'],
    ['time', formatDuration(report.durationMs)],
  ];
  if (report.failed) rows.splice(1, 0, ['failed deployment', describe(report.failed)]);
  if (report.notice) rows.push(['notice', report.notice]);
  await writeSummary((summary) => {
    summary.addHeading(heading, 3);
    summary.addTable(table(['rollback', 'result'], rows));
    if (report.logTail)
      summary.addDetails(
        `Log tail of the failed deployment${report.failed ? ` ${report.failed.id}` : ''}`,
        `<pre>${escapeHtml(report.logTail)}</pre>`,
      );
    addSchemaVerdict(summary, left);
  });
  warnOnDestructive(left, (message, title) => core.warning(message, { title }));
  if (report.notice && !report.rolledBack) core.notice(report.notice, { title: 'Nothing rolled back' });
}
