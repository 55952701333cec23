/** The gate's job-summary section: what ran, what failed and why, with timings. */
import type * as core from '@actions/core';
import { formatDuration } from '../lib/duration.js';
import { escapeHtml, table } from '../lib/summary.js';
import { SEVERITIES } from './audit.js';
import type { GateReport } from './gate.js';

const ICON: Record<string, string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  'timed out': '⏱️ timed out',
  skipped: '⏭️ skipped',
};
const MAX_TEST_ROWS = 50;

export function renderGateSummary(summary: typeof core.summary, report: GateReport): void {
  summary.addHeading(`Test gate ${report.passed ? 'passed ✅' : 'failed ❌'}`, 3);

  if (report.commands.length) {
    summary.addTable([
      ['command', 'result', 'duration', 'last lines of output'].map((data) => ({ data, header: true })),
      ...report.commands.map((c) => [
        escapeHtml(c.name),
        ICON[c.result] ?? c.result,
        c.result === 'skipped' ? '—' : formatDuration(c.durationMs),
        c.tail !== undefined ? `${escapeHtml(c.reason ?? '')}<pre>${escapeHtml(c.tail || '(no output)')}</pre>` : '—',
      ]),
    ]);
  }

  const junit = report.junit;
  if (junit) {
    summary.addRaw(
      `\n**Tests:** ${junit.tests} in ${junit.reports.length} report(s) — ${junit.passed} passed, ${junit.failed} failed, ${junit.skipped} skipped.\n\n`,
    );
    if (junit.failures.length) {
      const shown = junit.failures.slice(0, MAX_TEST_ROWS);
      summary.addTable(
        table(
          ['failing test', 'where', 'message'],
          shown.map((f) => [
            f.suite && !f.name.startsWith(f.suite) ? `${f.suite} › ${f.name}` : f.name,
            f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.report,
            f.message,
          ]),
        ),
      );
      if (junit.failures.length > shown.length)
        summary.addRaw(`\n…and ${junit.failures.length - shown.length} more failing tests.\n`);
    }
  }

  const rows: Array<[string, string]> = [];
  if (report.coverage) {
    const c = report.coverage;
    const lines = c.linesValid !== undefined ? ` (${c.linesCovered} of ${c.linesValid} lines)` : '';
    const verdict =
      c.minimum === undefined ? '' : c.percent >= c.minimum ? ` ✅ ≥ ${c.minimum}%` : ` ❌ < ${c.minimum}%`;
    rows.push(['line coverage', `${c.percent}%${lines}${verdict} — ${c.file} (${c.format})`]);
  }
  for (const cache of report.cache) {
    rows.push([
      `cache (${cache.manager})`,
      `${cache.restore}${cache.note ? ` from ${cache.note}` : ''}${cache.save ? `, ${cache.save}` : ''}`,
    ]);
  }
  const audit = report.audit;
  if (audit?.status === 'skipped') rows.push([`npm audit (${audit.level})`, `skipped: ${audit.reason}`]);
  else if (audit?.status === 'unavailable')
    rows.push([`npm audit (${audit.level})`, `❌ did not run: ${audit.reason}`]);
  else if (audit?.status === 'ran') {
    const counts = SEVERITIES.filter((s) => audit.counts[s] > 0)
      .reverse()
      .map((s) => `${audit.counts[s]} ${s}`);
    rows.push([
      `npm audit (${audit.level})`,
      `${audit.blocking ? '❌' : '✅'} ${counts.length ? counts.join(', ') : 'no advisories'} (${formatDuration(audit.durationMs)})`,
    ]);
  }
  rows.push(['total time', formatDuration(report.durationMs)]);
  summary.addTable(table(['check', 'result'], rows));

  if (audit?.status === 'ran' && audit.advisories.length) {
    summary.addTable(
      table(
        ['package', 'severity', 'advisory', 'fix'],
        audit.advisories
          .slice(0, MAX_TEST_ROWS)
          .map((a) => [
            a.name,
            a.severity,
            `${a.title}${a.url ? ` (${a.url})` : ''}`,
            a.fixAvailable ? 'npm audit fix' : 'no fix yet',
          ]),
      ),
    );
  }
  for (const problem of report.problems) summary.addRaw(`\n> ${escapeHtml(problem)}\n`);
}
