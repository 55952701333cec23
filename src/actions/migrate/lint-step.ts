import * as core from '@actions/core';
import path from 'node:path';
import { KitError, errorMessage } from '../../lib/errors.js';
import type { MigrationFile } from '../../migrate/files.js';
import type { PlanSection } from '../../migrate/plan-sections.js';
import { type Finding, type LintInput, lintSql, nativeSquawk, ruleUrl, squawkCli } from '../../migrate/squawk.js';
import { type AppliedVerdict, verdictOf, withoutIgnores } from '../../migrate/verdict.js';

export type LintMode = 'off' | 'warn' | 'error';

/** GitHub shows few annotations per step; the summary table has every finding. */
const MAX_ANNOTATIONS = 50;

export interface Linter {
  /** Lints the files about to run; with lint: error, refuses (before any change) on findings. */
  review(pending: MigrationFile[]): Promise<void>;
  /**
   * lint: warn on a run that applies: lints the files while they run, and holds the report
   * (annotations, log line) until `settle`. A squawk that fails then is a warning: with warn,
   * lint never decides whether migrations run.
   */
  start(pending: MigrationFile[]): void;
  /** Waits for what `start` began, then reports it. */
  settle(): Promise<void>;
  /** Lints files (absolute paths) that a tool will run. */
  reviewFiles(inputs: LintInput[]): Promise<void>;
  /**
   * Lints a tool's plan (`what`), each migration's SQL on its own; a finding's `file` is
   * `label(name)` ("alembic revision 0003") and its line the line in that migration's SQL.
   */
  reviewSections(what: string, sections: PlanSection[], label: (name: string) => string): Promise<void>;
  findings: Finding[];
  /** The findings with the files' `-- squawk-ignore` comments disregarded (for the verdicts). */
  unignored: Finding[];
  /**
   * squawk's verdict for a rollback on a linted file (absolute path) or plan section (its
   * name): additive or destructive; unknown when it was not linted.
   */
  verdict(fileOrSection: string, version: string): AppliedVerdict;
  /** How many files were linted. */
  reviewed: number;
  /** squawk's version, or why lint did not run. */
  status: string;
}

/**
 * Finds or installs squawk before the run takes its lock, so the lock is never held for a
 * network install. A squawk found on PATH is asked its version (a process start: ~90 ms for
 * squawk-cli's node launcher) only when there is SQL to lint, alongside the lint itself.
 * The installer is loaded only when lint is on (a lazy chunk).
 */
export async function prepareLinter(mode: LintMode, cwd: string, workspace: string): Promise<Linter> {
  const linter: Linter = {
    findings: [],
    unignored: [],
    verdict: (_file, version) => ({
      version,
      verdict: 'unknown',
      rules: [],
      why: linter.status === 'off' ? 'not linted (lint: off)' : `not linted: lint ${linter.status}`,
    }),
    reviewed: 0,
    status: 'off',
    review: async () => undefined,
    start: () => undefined,
    settle: async () => undefined,
    reviewFiles: async () => undefined,
    reviewSections: async () => undefined,
  };
  if (mode === 'off') return linter;
  const [{ cliOnPath, installCli, pathVersion }, { runnerInstallDeps }] = await Promise.all([
    import('../../providers/cli.js'),
    import('../../providers/cli-runner.js'),
  ]);
  let squawk: string;
  /** Asked once, with the first lint, of a squawk found on PATH. */
  let versionOnPath: (() => Promise<string>) | undefined;
  try {
    const deps = await runnerInstallDeps(core.info);
    const onPath = await cliOnPath(squawkCli, undefined, deps);
    if (onPath) {
      squawk = nativeSquawk(onPath.path);
      linter.status = 'squawk';
      core.info(`Using squawk found on PATH at ${squawk}.`);
      let asked: Promise<string> | undefined;
      versionOnPath = () => (asked ??= pathVersion(squawkCli, squawk, deps).catch(() => 'unknown version'));
    } else {
      const installed = await installCli(squawkCli, undefined, deps);
      squawk = nativeSquawk(installed.path);
      linter.status = `squawk ${installed.version}`;
    }
  } catch (error) {
    if (mode === 'error') throw new KitError(`lint: error, and squawk could not be installed: ${errorMessage(error)}`);
    core.warning(`Lint skipped: squawk could not be installed (${errorMessage(error)}).`);
    linter.status = 'skipped (squawk not installed)';
    return linter;
  }
  const report = (what: string, withFile: boolean) => {
    const annotate = mode === 'error' ? core.error : core.warning;
    for (const f of linter.findings.slice(0, MAX_ANNOTATIONS))
      annotate(
        `${withFile ? '' : `In ${f.file}, line ${f.line} of its SQL: `}${f.message}${f.help ? ` ${f.help}` : ''} (${ruleUrl(f.rule)})`,
        { title: `squawk: ${f.rule}`, ...(withFile ? { file: f.file, startLine: f.line, startColumn: f.column } : {}) },
      );
    core.info(
      `Lint (${linter.status}): ${linter.findings.length} finding(s) in ${what}` +
        (linter.findings.length > MAX_ANNOTATIONS
          ? ` (the first ${MAX_ANNOTATIONS} annotated; all in the summary).`
          : '.'),
    );
    if (mode === 'error' && linter.findings.length)
      throw new KitError(
        `lint: error — squawk found ${linter.findings.length} problem(s) in the pending migrations ` +
          `(${[...new Set(linter.findings.map((f) => f.rule))].join(', ')}). Nothing was applied. Fix them, or ` +
          'acknowledge one with `-- squawk-ignore <rule>` above the statement.',
      );
  };
  /** `inputs` keyed by what verdict() is asked with; `file` is what findings name. */
  const lint = async (inputs: Array<LintInput & { key: string }>, what: string, withFile: boolean) => {
    if (!inputs.length) return;
    linter.reviewed = inputs.length;
    const [findings, version] = await Promise.all([lintSql(squawk, inputs, cwd), versionOnPath?.()]);
    linter.findings = findings;
    if (version) linter.status = `squawk ${version}`;
    // A file that acknowledges a finding is linted once more without its ignore comments:
    // an acknowledged DROP COLUMN still drops the column the old release may read.
    const acknowledging = inputs.filter((input) => /squawk-ignore/i.test(input.sql));
    linter.unignored = acknowledging.length
      ? [
          ...linter.findings.filter((f) => !acknowledging.some((input) => input.file === f.file)),
          ...(await lintSql(
            squawk,
            acknowledging.map((input) => ({ ...input, sql: withoutIgnores(input.sql) })),
            cwd,
          )),
        ]
      : linter.findings;
    const linted = new Map(inputs.map((input) => [input.key, input.file]));
    linter.verdict = (key, version) => {
      const file = linted.get(key);
      if (file === undefined) return { version, verdict: 'unknown', rules: [], why: 'not linted' };
      const inFile = (findings: Finding[]) => findings.filter((f) => f.file === file);
      return verdictOf(version, inFile(linter.unignored), inFile(linter.findings));
    };
    if (holding) held = () => report(what, withFile);
    else report(what, withFile);
  };
  let holding = false;
  let held: (() => void) | undefined;
  let background: Promise<void> | undefined;
  linter.start = (pending) => {
    holding = true;
    background = linter.review(pending).catch((error) => {
      linter.status = `failed (${errorMessage(error)})`;
      core.warning(`Lint failed: ${errorMessage(error)}. With lint: warn the migrations ran without it.`);
    });
  };
  linter.settle = async () => {
    await background;
    holding = false;
    held?.();
    held = undefined;
  };
  linter.reviewFiles = (inputs) =>
    lint(
      inputs.map((input) => ({ ...input, key: input.file, file: path.relative(workspace, input.file) })),
      `${inputs.length} pending file(s)`,
      true,
    );
  linter.review = (pending) =>
    linter.reviewFiles(pending.map((f) => ({ file: f.file, sql: f.sql, inTransaction: !f.noTransaction })));
  // Each section brings its own BEGIN/COMMIT (plan-sections.ts).
  linter.reviewSections = (what, sections, label) =>
    lint(
      sections.map((s) => ({ key: s.name, file: label(s.name), sql: s.sql, inTransaction: false })),
      what,
      false,
    );
  return linter;
}

/** Markdown table of the findings, for the summary and the plan output. */
export function lintMarkdown(linter: Linter): string {
  if (linter.status === 'off' || (linter.status.startsWith('squawk') && !linter.reviewed)) return '';
  if (!linter.status.startsWith('squawk')) return `\nLint: ${linter.status}.\n`;
  if (!linter.findings.length) return `\nLint (${linter.status}): no findings.\n`;
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = linter.findings.map(
    (f) => `| ${f.file}:${f.line} | [${f.rule}](${ruleUrl(f.rule)}) | ${cell(f.message)} |`,
  );
  return [
    '',
    `Lint (${linter.status}): ${linter.findings.length} finding(s)`,
    '',
    '| where | rule | finding |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
