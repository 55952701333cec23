/** The rollback's one table (service, provider, before, returned to, confirmed, smoke, now) for the job summary. */
import { escapeHtml, table, writeSummary } from '../lib/summary.js';
import type { ReturnedService, RollbackProgress } from './rollback-run.js';

const OUTCOME: Record<ReturnedService['outcome'], string> = {
  pending: 'not reached ⏳',
  returned: 'confirmed live ✅',
  'already-live': 'was already live ✅',
  failed: 'NOT returned ❌',
  held: 'held back ⚠️',
};

const SMOKE = { passed: 'passed ✅', failed: 'failed ❌', none: 'none' } as const;

export function rollbackRows(progress: RollbackProgress): string[][] {
  return progress.services.map((entry) => [
    entry.name,
    entry.provider,
    entry.before?.text ?? 'nothing',
    entry.target,
    OUTCOME[entry.outcome],
    entry.smoke ? SMOKE[entry.smoke] : '—',
    entry.live?.text ?? '—',
  ]);
}

export async function writeRollbackSummary(progress: RollbackProgress, notes: string[] = []): Promise<void> {
  const heading =
    progress.status === 'rolled-back' ? 'back on it ✅' : progress.status === 'failed' ? 'NOT complete ❌' : '⏳';
  await writeSummary((summary) => {
    summary.addHeading(`Rollback of ${progress.environment} to release ${progress.to}: ${heading}`, 3);
    summary.addTable(
      table(['service', 'provider', 'before', 'returned to', 'confirmed', 'smoke', 'now'], rollbackRows(progress)),
    );
    const lines = [
      `Release ${progress.to} as recorded in GitHub Deployment ${progress.record.id} (commit ${progress.record.sha.slice(0, 12)}).`,
      ...progress.problems.map((p) => `⚠️ ${p}`),
      ...(progress.untouched.length
        ? [`Not part of release ${progress.to}, left as they are: ${progress.untouched.join(', ')}.`]
        : []),
      ...notes,
    ];
    summary.addRaw(lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n') + '\n');
  });
}
