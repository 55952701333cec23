/** What `deploy-kit demo` prints when it is done: the last release, the watch window, each step, the verdict. */
import { formatDuration } from '../lib/duration.js';
import { renderTable } from '../cli/terminal.js';
import { type DemoOptions, type DemoReport, demo } from './demo.js';

export function stepTable(report: DemoReport): string {
  const rows = report.steps.map((s, i) => {
    const asExpected = (s.result === 'passed') === (s.expect === 'pass') && s.result !== 'not run';
    return [
      String(i + 1),
      s.title,
      s.expect === 'pass' ? 'pass' : 'fail',
      `${s.result ?? 'not run'} ${asExpected ? '✔' : '✖'}`,
      s.result === 'not run' ? '—' : formatDuration(s.ms),
      s.note ?? '',
    ];
  });
  return renderTable([['#', 'step', 'expected', 'result', 'time', 'note'], ...rows]);
}

/** The CLI's entry: runs the demo, prints the step table, returns the exit code. */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const report = await demo({ ...options, out });
  const last = report.releaseTables.at(-1);
  if (last) out(`\n${last}`);
  if (report.watchTable) out(`\nweb's watch window in release v3:\n\n${report.watchTable}`);
  out('');
  out(stepTable(report));
  out('');
  out(
    `PostgreSQL start ${formatDuration(report.postgresStartMs)}; total ${formatDuration(report.totalMs)}.` +
      (options.keep ? ` Workspace kept: ${report.workspace}` : ' Everything the demo started is stopped and removed.'),
  );
  if (report.ok) {
    out(
      '✔ Every step did what it should: v1 released; v2 caught by web’s smoke test, v3 by web’s watch window after it went live; both times both services rolled back to v1.',
    );
    return 0;
  }
  for (const problem of report.problems) out(`✖ ${problem}`);
  return report.problems.some((p) => p.startsWith('interrupted')) ? 130 : 1;
}
