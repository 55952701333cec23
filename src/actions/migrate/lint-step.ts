import * as core from '@actions/core';
import path from 'node:path';
import { KitError, errorMessage } from '../../lib/errors.js';
import { installCli, runnerInstallDeps } from '../../providers/cli.js';
import type { MigrationFile } from '../../migrate/files.js';
import { type Finding, type LintInput, lintSql, ruleUrl, squawkCli } from '../../migrate/squawk.js';
import { type AppliedVerdict, verdictOf, withoutIgnores } from '../../migrate/verdict.js';

export type LintMode = 'off' | 'warn' | 'error';

/** GitHub shows few annotations per step; the summary table has every finding. */
const MAX_ANNOTATIONS = 50;

export interface Linter {
  /** Lints the files about to run; with lint: error, refuses (before any change) on findings. */
  review(pending: MigrationFile[]): Promise<void>;
  /** Lints files (absolute paths) that a tool will run. */
  reviewFiles(inputs: LintInput[]): Promise<void>;
  /** Lints generated SQL (a tool's plan); `place` names where a finding comes from, or drops it. */
  reviewSql(what: string, sql: string, place: (finding: Finding) => Finding | undefined): Promise<void>;
  findings: Finding[];
  /** The findings with the files' `-- squawk-ignore` comments disregarded (for the verdicts). */
  unignored: Finding[];
  /** squawk's verdict on a linted file (absolute path) for a rollback: additive or destructive. */
  verdict(file: string, version: string): AppliedVerdict;
  /** How many files were linted. */
  reviewed: number;
  /** squawk's version, or why lint did not run. */
  status: string;
}

/** Finds or installs squawk before the run takes its lock. */
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
    reviewFiles: async () => undefined,
    reviewSql: async () => undefined,
  };
  if (mode === 'off') return linter;
  let squawk: string;
  try {
    const installed = await installCli(squawkCli, undefined, await runnerInstallDeps(core.info));
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
  linter.reviewFiles = async (inputs) => {
    if (!inputs.length) return;
    linter.reviewed = inputs.length;
    const relative = inputs.map((input) => ({ ...input, file: path.relative(workspace, input.file) }));
    linter.findings = await lintSql(squawk, relative, cwd);
    // A file that acknowledges a finding is linted once more without its ignore comments:
    // an acknowledged DROP COLUMN still drops the column the old release may read.
    const acknowledging = relative.filter((input) => /squawk-ignore/i.test(input.sql));
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
    const linted = new Set(relative.map((input) => input.file));
    linter.verdict = (file, version) => {
      const rel = path.relative(workspace, file);
      if (!linted.has(rel)) return { version, verdict: 'unknown', rules: [], why: 'not linted' };
      const inFile = (findings: Finding[]) => findings.filter((f) => f.file === rel);
      return verdictOf(version, inFile(linter.unignored), inFile(linter.findings));
    };
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
 * Where a finding in a tool's generated SQL comes from: the section whose `marker` line is
 * the last one above it (`label` names it). Statements matching `drop` (the tool's own
 * bookkeeping) are left out.
 */
function sectionPlace(sql: string, marker: RegExp, label: (m: RegExpExecArray) => string, drop?: RegExp) {
  const lines = sql.split('\n');
  return (finding: Finding): Finding | undefined => {
    const start = finding.line - 1;
    const end = lines.findIndex((line, i) => i >= start && /;\s*$/.test(line));
    const statement = lines.slice(start, end < 0 ? undefined : end + 1).join(' ');
    if (drop?.test(statement)) return undefined;
    for (let i = start; i >= 0; i--) {
      const m = marker.exec(lines[i] ?? '');
      if (m) return { ...finding, file: label(m), line: finding.line - i - 1 };
    }
    return finding;
  };
}

/** alembic upgrade --sql: sections start at `-- Running upgrade a -> b`; the version table (`versionTable`) is alembic's. */
export const alembicPlace = (sql: string, versionTable = 'alembic_version') =>
  sectionPlace(
    sql,
    /^-- Running upgrade (\S*) -> (\S+)/,
    (m) => `alembic revision ${m[2]}`,
    // also its primary key, <table>_pkc
    new RegExp(versionTable.replace(/[^A-Za-z0-9_]/g, '\\$&'), 'i'),
  );

/** The SQL of Django's pending migrations, each after a `-- deploy-kit: django <app.name>` line. */
export const DJANGO_MARKER = '-- deploy-kit: django ';
export const djangoPlace = (sql: string) =>
  sectionPlace(sql, /^-- deploy-kit: django (\S+)/, (m) => `django migration ${m[1]}`);
