/** The release's one table (service, provider, before, deployed, verdict, smoke, after) for the job summary. */
import { escapeHtml, table, writeSummary } from '../lib/summary.js';
import type { ReleaseProgress, ServiceProgress } from './release.js';
import { type AppliedVerdict, addSchemaVerdict } from '../migrate/verdict.js';

const HEADING = {
  'in-progress': 'in progress ⏳',
  success: 'live ✅',
  failed: 'failed ❌',
  'rolled-back': 'rolled back ↩️',
} as const;

const VERDICT = { success: 'success ✅', skipped: 'skipped ⏭️', failed: 'failed ❌', unknown: 'unknown ⚠️' } as const;

function after(entry: ServiceProgress): string {
  if (!entry.started) return 'not deployed (untouched)';
  const prefix =
    entry.rollback === 'rolled-back'
      ? 'rolled back ↩️ '
      : entry.rollback === 'failed'
        ? 'NOT rolled back ❌ '
        : entry.rollback === 'left'
          ? 'left as is '
          : '';
  return `${prefix}${entry.after ?? '—'}`;
}

export function releaseRows(progress: ReleaseProgress): string[][] {
  return progress.services.map((entry) => [
    entry.name,
    entry.provider,
    entry.started ? (entry.previous?.text ?? 'nothing (first deployment)') : '—',
    entry.deployment?.text ?? '—',
    entry.verdict ? VERDICT[entry.verdict] : '—',
    entry.smoke === 'passed'
      ? 'passed ✅'
      : entry.smoke === 'failed'
        ? 'failed ❌'
        : entry.smoke === 'none'
          ? 'none'
          : '—',
    after(entry),
  ]);
}

/** `migrations`: what migrate applied before the release, listed when a service was rolled back. */
export async function writeReleaseSummary(
  progress: ReleaseProgress,
  notes: string[] = [],
  migrations: AppliedVerdict[] = [],
  logs: Array<{ title: string; text: string }> = [],
): Promise<void> {
  await writeSummary((summary) => {
    summary.addHeading(`Release ${progress.version} to ${progress.environment}: ${HEADING[progress.status]}`, 3);
    summary.addTable(
      table(['service', 'provider', 'before', 'deployed', 'verdict', 'smoke', 'after'], releaseRows(progress)),
    );
    const lines = [
      ...(progress.failure ? [`Stopped: ${progress.failure}`] : []),
      ...(progress.rollbackProblems ?? []).map((p) => `⚠️ ${p}`),
      ...notes,
    ];
    if (lines.length) summary.addRaw(lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n') + '\n');
    for (const log of logs) summary.addDetails(escapeHtml(log.title), `<pre>${escapeHtml(log.text)}</pre>`);
    if (rolledBack(progress)) addSchemaVerdict(summary, migrations);
  });
}

/** Whether any service this release changed was returned to what it served before. */
export const rolledBack = (progress: ReleaseProgress) => progress.services.some((s) => s.rollback === 'rolled-back');
