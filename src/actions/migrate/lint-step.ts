import * as core from '@actions/core';
import path from 'node:path';
import { KitError, errorMessage } from '../../lib/errors.js';
import { installCli, runnerInstallDeps } from '../../providers/cli.js';
import type { MigrationFile } from '../../migrate/files.js';
import { type Finding, type LintInput, lintSql, ruleUrl, squawkCli } from '../../migrate/squawk.js';

export type LintMode = 'off' | 'warn' | 'error';

export interface Linter {
  /** Lints the files about to run; with lint: error, refuses (before any change) on findings. */
  review(pending: MigrationFile[]): Promise<void>;
  /** Lints files (absolute paths) that a tool will run. */
  reviewFiles(inputs: LintInput[]): Promise<void>;
  /** Lints generated SQL (a tool's plan); `place` names where a finding comes from, or drops it. */
  reviewSql(what: string, sql: string, place: (finding: Finding) => Finding | undefined): Promise<void>;
  findings: Finding[];
  /** How many files were linted. */
  reviewed: number;
  /** squawk's version, or why lint did not run. */
  status: string;
}

/** Finds or installs squawk before the run takes its lock. */
export async function prepareLinter(mode: LintMode, cwd: string, workspace: string): Promise<Linter> {
  const linter: Linter = {
    findings: [],
    reviewed: 0,
    status: 'off',
    review: async () => undefined,
    reviewFiles: async () => undefined,
    reviewSql: async () => undefined,
  };
  if (mode === 'off') return linter;
  let squawk: string;
  try {
    const installed = await installCli(squawkCli, undefined, runnerInstallDeps(core.info));
    squawk = installed.path;
    linter.status = `squawk ${installed.version}`;
  } catch (error) {
    if (mode === 'error') throw new KitError(`lint: error, and squawk could not be installed: ${errorMessage(error)}`);
    core.warning(`Lint skipped: squawk could not be installed (${errorMessage(error)}).`);
    linter.status = 'skipped (squawk not installed)';
    return linter;
  }
  const report = (what: string, withFile: boolean) => {
    const annotate = mode === 'error' ? core.error : core.warning;
    for (const f of linter.findings)
      annotate(
        `${withFile ? '' : `In ${f.file}, line ${f.line} of its SQL: `}${f.message}${f.help ? ` ${f.help}` : ''} (${ruleUrl(f.rule)})`,
        { title: `squawk: ${f.rule}`, ...(withFile ? { file: f.file, startLine: f.line, startColumn: f.column } : {}) },
      );
    core.info(`Lint (${linter.status}): ${linter.findings.length} finding(s) in ${what}.`);
    if (mode === 'error' && linter.findings.length)
      throw new KitError(
        `lint: error — squawk found ${linter.findings.length} problem(s) in the pending migrations ` +
          `(${[...new Set(linter.findings.map((f) => f.rule))].join(', ')}). Nothing was applied. Fix them, or ` +
          'acknowledge one with `-- squawk-ignore <rule>` above the statement.',
      );
  };
  linter.reviewFiles = async (inputs) => {
    if (!inputs.length) return;
    linter.reviewed = inputs.length;
    linter.findings = await lintSql(
      squawk,
      inputs.map((input) => ({ ...input, file: path.relative(workspace, input.file) })),
      cwd,
    );
    report(`${inputs.length} pending file(s)`, true);
  };
  linter.review = (pending) =>
    linter.reviewFiles(pending.map((f) => ({ file: f.file, sql: f.sql, inTransaction: !f.noTransaction })));
  linter.reviewSql = async (what, sql, place) => {
    linter.reviewed = 1;
    const found = await lintSql(squawk, [{ file: 'plan.sql', sql, inTransaction: false }], cwd);
    linter.findings = found.map((f) => place(f)).filter((f): f is Finding => f !== undefined);
    report(what, false);
  };
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

/**
 * Where a finding in `alembic upgrade --sql` output comes from: the revision of the last
 * `-- Running upgrade a -> b` comment above it. alembic's own bookkeeping (alembic_version)
 * is not the project's migration and is dropped.
 */
export function alembicPlace(sql: string): (finding: Finding) => Finding | undefined {
  const lines = sql.split('\n');
  return (finding) => {
    const start = finding.line - 1;
    const end = lines.findIndex((line, i) => i >= start && /;\s*$/.test(line));
    const statement = lines.slice(start, end < 0 ? undefined : end + 1).join(' ');
    if (/alembic_version/i.test(statement)) return undefined;
    for (let i = finding.line - 1; i >= 0; i--) {
      const running = /^-- Running upgrade (\S*) -> (\S+)/.exec(lines[i] ?? '');
      if (running) return { ...finding, file: `alembic revision ${running[2]}`, line: finding.line - i - 1 };
    }
    return { ...finding, file: 'alembic plan' };
  };
}
