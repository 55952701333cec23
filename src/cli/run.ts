/** `deploy-kit run <action>`: one action on this machine, shown as a terminal user wants it. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, actionEntry, runAction, type ActionRun } from './local-runner.js';
import { createLogPrinter, renderSummary, renderTable } from './terminal.js';
import { UsageError } from './args.js';
import { actionYml } from './action-inputs.js';

/** The actions this copy can run (bundles without an action.yml, cli, runner-cache and runner-artifact, are not actions): every bundle under dist/ that has an action.yml. */
export function availableActions(): string[] {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dist, e.name, 'index.js')) && existsSync(actionYml(e.name)))
    .map((e) => e.name)
    .sort();
}

/** The action's post step and its condition, from its action.yml. */
function postStep(action: string): { if: string } | undefined {
  const file = actionYml(action);
  if (!existsSync(file)) return undefined;
  const runs = (parse(readFileSync(file, 'utf8')) as { runs?: Record<string, string> }).runs ?? {};
  return runs.post ? { if: runs['post-if'] ?? 'always()' } : undefined;
}

type JobStatus = 'success' | 'failure' | 'cancelled';

/**
 * The subset of the runner's status functions a post-if uses: always(), success(),
 * failure(), cancelled(), combined with ||. Anything else runs the post step, which is
 * the safe side for a rollback guard.
 */
export function postRuns(condition: string, status: JobStatus): boolean {
  const terms = condition.replace(/^\$\{\{\s*|\s*\}\}$/g, '').split('||');
  const known = {
    'always()': true,
    'success()': status === 'success',
    'failure()': status === 'failure',
    'cancelled()': status === 'cancelled',
  };
  return terms.some((term) => (known as Record<string, boolean>)[term.trim()] ?? true);
}

export interface LocalRunOptions {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  cwd?: string;
  out?: (line: string) => void;
  debug?: boolean;
}

/** Runs main (and the post step when its condition holds); prints log, outputs and summary. */
export async function runLocally(
  action: string,
  options: LocalRunOptions,
): Promise<{ exitCode: number; runs: ActionRun[] }> {
  const actions = availableActions();
  if (!existsSync(actionEntry(action)))
    throw new UsageError(
      `there is no action "${action}"; this copy has: ${actions.join(', ') || 'none (run npm run build)'}`,
    );
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const printer = createLogPrinter(out, { debug: options.debug });
  let cancelled = false;
  let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
  // Ctrl-C cancels the job as on GitHub: the action gets SIGINT, then a post step whose
  // condition includes cancelled() (a rollback guard) still runs.
  const onSigint = () => {
    cancelled = true;
    child?.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  const runs: ActionRun[] = [];
  try {
    const common = {
      inputs: options.inputs,
      env: options.env,
      cwd: options.cwd ?? process.cwd(),
      timeoutMs: 0,
      onOutput: (chunk: string) => printer.write(chunk),
      onSpawn: (c: typeof child) => (child = c),
    };
    out(`▶ ${action}`);
    const main = await runAction(action, common);
    printer.flush();
    runs.push(main);
    const status: JobStatus = cancelled ? 'cancelled' : main.exitCode === 0 ? 'success' : 'failure';
    const post = postStep(action);
    if (post && postRuns(post.if, status)) {
      out(`▶ ${action} (post: ${post.if})`);
      const postRun = await runAction(action, { ...common, postOf: main });
      printer.flush();
      runs.push(postRun);
    }
    report(main, runs, out, printer.redact);
    const failed = runs.find((run) => run.exitCode !== 0);
    return { exitCode: cancelled ? 130 : failed ? (failed.exitCode ?? 1) : 0, runs };
  } finally {
    process.off('SIGINT', onSigint);
    // The runner's files (outputs, state, summary, RUNNER_TEMP) were read into `runs`:
    // a local run leaves no temp folder behind.
    for (const run of runs) rmSync(run.workspace.dir, { recursive: true, force: true });
  }
}

function report(main: ActionRun, runs: ActionRun[], out: (line: string) => void, redact: (t: string) => string) {
  const outputs = Object.assign({}, ...runs.map((run) => run.outputs)) as Record<string, string>;
  out('');
  out('Outputs');
  // Paths into the runner's temp folder die with it (see runLocally's finally).
  const shown = (value: string) =>
    runs.some((run) => value.startsWith(run.workspace.dir))
      ? "(a file in the run's temp folder, removed with it)"
      : value;
  const rows = Object.entries(outputs).map(([name, value]) => [name, redact(shown(value)).replace(/\n/g, '⏎ ')]);
  out(rows.length ? renderTable([['name', 'value'], ...rows]) : '(none)');
  const summary = runs
    .map((run) => renderSummary(run.summary))
    .filter(Boolean)
    .join('\n\n');
  if (summary) {
    out('');
    out('Job summary');
    out(redact(summary));
  }
  const seconds = (runs.reduce((sum, run) => sum + run.durationMs, 0) / 1000).toFixed(1);
  out('');
  out(
    main.exitCode === 0 && runs.every((run) => run.exitCode === 0)
      ? `✔ passed in ${seconds} s`
      : `✖ failed (exit ${runs.find((r) => r.exitCode !== 0)?.exitCode ?? main.signal}) in ${seconds} s`,
  );
}
