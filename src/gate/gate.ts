/**
 * The gate, start to end: cache restore → commands → JUnit reports → coverage → audit →
 * cache save. Every step reports into one GateReport; `problems` says why the gate failed.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { KitError, errorMessage } from '../lib/errors.js';
import type { RunOptions, RunResult } from '../lib/exec.js';
import { type AuditLevel, type AuditResult, runNpmAudit } from './audit.js';
import { type CacheApi, type CacheOutcome, type CacheSetting, restoreCaches, saveCaches } from './cache.js';
import { type CommandOutcome, type GateCommand, commandEnv, runCommands } from './commands.js';
// The report readers (and their XML parser) are imported only when a report is asked for:
// loaded at start they cost every gate's cold start (bench/test-gate.bench.ts).
import type { Coverage } from './coverage.js';
import type { JUnitResult } from './junit.js';

export interface GateOptions {
  commands: GateCommand[];
  cwd: string;
  workspace: string;
  shell: 'bash' | 'sh';
  timeoutMs: number;
  failFast: boolean;
  cache: CacheSetting;
  junit: string[];
  coverageFile?: string;
  minCoverage?: number;
  audit: AuditLevel | 'none';
}

export interface GateDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  run: (command: string, args: string[], options: RunOptions) => Promise<RunResult>;
  cache: CacheApi;
  /** Files matching newline-separated absolute glob patterns. */
  glob: (patterns: string) => Promise<string[]>;
  group: <T>(title: string, fn: () => Promise<T>) => Promise<T>;
  write: (chunk: string, stream: 'stdout' | 'stderr') => void;
  info: (line: string) => void;
  warning: (line: string) => void;
}

export interface GateReport {
  passed: boolean;
  problems: string[];
  commands: CommandOutcome[];
  cache: CacheOutcome[];
  junit?: JUnitResult;
  coverage?: Coverage & { file: string; minimum?: number };
  audit?: AuditResult | { status: 'skipped'; level: AuditLevel; reason: string };
  durationMs: number;
}

export const TAIL_LINES = 20;

export async function runGate(options: GateOptions, deps: GateDeps): Promise<GateReport> {
  const started = Date.now();
  // Loaded while the commands run (they are child processes): the gate does not wait for them after.
  const readers = {
    junit: options.junit.length ? import('./junit.js') : undefined,
    coverage: options.coverageFile ? import('./coverage.js') : undefined,
  };
  for (const reader of Object.values(readers)) reader?.catch(() => {}); // awaited, and reported, where used
  const env = commandEnv(deps.env);
  const problems: string[] = [];
  const cacheDeps = { cache: deps.cache, run: deps.run, info: deps.info, warning: deps.warning };
  const cacheContext = { cwd: options.cwd, env, platform: deps.platform, arch: deps.arch };

  const restored =
    options.cache === 'none'
      ? { plans: [], outcomes: [] }
      : await deps.group('Restore the dependency cache', () => restoreCaches(options.cache, cacheContext, cacheDeps));

  const commands = await runCommands(
    options.commands,
    {
      shell: options.shell,
      cwd: options.cwd,
      env,
      timeoutMs: options.timeoutMs,
      failFast: options.failFast,
      tailLines: TAIL_LINES,
      heartbeatMs: 15_000,
    },
    { run: deps.run, group: deps.group, write: deps.write, log: deps.info },
  );
  const broken = commands.filter((c) => c.result === 'failed' || c.result === 'timed out');
  for (const command of broken) problems.push(`"${command.name}" ${command.result} (${command.reason}).`);
  const stopped = options.failFast && broken.length > 0;

  const report: GateReport = { passed: false, problems, commands, cache: restored.outcomes, durationMs: 0 };

  if (readers.junit) report.junit = await readReports(options, deps, problems, await readers.junit);
  if (readers.coverage) report.coverage = readCoverage(options, problems, await readers.coverage);

  if (options.audit !== 'none') {
    if (stopped) {
      report.audit = { status: 'skipped', level: options.audit, reason: 'fail-fast: a command already failed' };
    } else {
      const audit = await deps.group(`npm audit (fail at ${options.audit} or above)`, () =>
        runNpmAudit(options.audit as AuditLevel, { cwd: options.cwd, env, timeoutMs: options.timeoutMs }, deps),
      );
      report.audit = audit;
      if (audit.status === 'unavailable') problems.push(`The audit did not run: ${audit.reason}`);
      else if (audit.blocking > 0)
        problems.push(
          `npm audit found ${audit.blocking} vulnerable ${audit.blocking === 1 ? 'package' : 'packages'} at ${audit.level} or above.`,
        );
      else
        deps.info(
          `npm audit: nothing at ${audit.level} or above (${Object.values(audit.counts).reduce((a, b) => a + b, 0)} below it).`,
        );
    }
  }

  if (restored.plans.length)
    await deps.group('Save the dependency cache', () => saveCaches(restored.plans, restored.outcomes, cacheDeps));

  report.passed = problems.length === 0;
  report.durationMs = Date.now() - started;
  return report;
}

async function readReports(
  options: GateOptions,
  deps: GateDeps,
  problems: string[],
  { readJUnitReports }: typeof import('./junit.js'),
): Promise<JUnitResult | undefined> {
  const patterns = options.junit
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = negate ? line.slice(1) : line;
      return (negate ? '!' : '') + (path.isAbsolute(pattern) ? pattern : path.join(options.cwd, pattern));
    })
    .join('\n');
  const files = (await deps.glob(patterns)).sort();
  if (files.length === 0) {
    problems.push(
      `No JUnit report matched ${options.junit.join(', ')} in ${path.relative(options.workspace, options.cwd) || '.'}: did the tests run and write one there?`,
    );
    return undefined;
  }
  try {
    const result = readJUnitReports(files, { cwd: options.cwd, workspace: options.workspace });
    deps.info(
      `JUnit: ${result.tests} tests in ${files.length} report(s): ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped.`,
    );
    if (result.failed > 0) problems.push(`${result.failed} of ${result.tests} tests failed.`);
    return result;
  } catch (error) {
    if (!(error instanceof KitError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

function readCoverage(
  options: GateOptions,
  problems: string[],
  { parseCoverage }: typeof import('./coverage.js'),
): GateReport['coverage'] {
  const file = options.coverageFile as string;
  const full = path.resolve(options.cwd, file);
  if (!existsSync(full)) {
    problems.push(`The coverage file ${file} does not exist in ${options.cwd}: did the tests write it?`);
    return undefined;
  }
  try {
    const coverage = parseCoverage(readFileSync(full, 'utf8'), file);
    if (options.minCoverage !== undefined && coverage.percent < options.minCoverage)
      problems.push(`Line coverage ${coverage.percent}% is below min-coverage ${options.minCoverage}%.`);
    return { ...coverage, file, minimum: options.minCoverage };
  } catch (error) {
    problems.push(error instanceof KitError ? error.message : `Could not read ${file}: ${errorMessage(error)}`);
    return undefined;
  }
}
