/**
 * Lints the SQL a run will execute with squawk (npm squawk-cli: the real PostgreSQL parser,
 * rules that each link to why they matter). squawk ships its binary in per-platform npm
 * packages (@squawk-cli/linux-x64 …, optionalDependencies, no install script), so a pinned
 * version installs with npm like the vercel CLI does, then lives in the tool cache.
 *
 * The engine sets lock_timeout and statement_timeout itself, so squawk's rules asking for
 * them are off; a file that runs in a transaction is linted as one (--assume-in-transaction).
 * squawk's own `-- squawk-ignore <rule>` comments acknowledge a finding in the file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import { runCommand } from '../lib/exec.js';
import type { CliTool } from '../providers/cli.js';
import { npmInstall } from '../providers/npm-install.js';

/** The version deploy-kit's tests run against (package.json devDependencies). */
export const SQUAWK_VERSION = '2.66.0';

export const squawkCli: CliTool = {
  name: 'squawk',
  commands: ['squawk'],
  defaultVersion: SQUAWK_VERSION,
  versionArgs: ['--version'],
  parseVersion: (output) => /squawk (\d+\.\d+\.\d+)/.exec(output)?.[1],
  asset: () => ({ path: '', binary: path.join('node_modules', '.bin', 'squawk') }),
  install: (version, log) =>
    npmInstall(
      {
        pkg: 'squawk-cli',
        version,
        noNpm: 'Installing squawk (for lint) needs npm on the runner: add actions/setup-node.',
        timeoutMs: 5 * 60_000,
      },
      log,
    ),
};

export interface LintInput {
  /** Path shown in findings (relative to the workspace). */
  file: string;
  sql: string;
  inTransaction: boolean;
}

export interface Finding {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  rule: string;
  level: 'warning' | 'error';
  message: string;
  help?: string;
}

interface SquawkViolation {
  file: string;
  line: number;
  column: number;
  level: string;
  message: string;
  help: string | null;
  rule_name: string;
}

const ENGINE_SETS = ['require-lock-timeout', 'require-statement-timeout'];

/** Runs squawk over the inputs; `cwd` is where a project's .squawk.toml is found. */
export async function lintSql(squawk: string, inputs: LintInput[], cwd: string): Promise<Finding[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-lint-'));
  try {
    const findings: Finding[] = [];
    for (const inTransaction of [true, false]) {
      const group = inputs.filter((input) => input.inTransaction === inTransaction);
      if (!group.length) continue;
      const byPath = new Map<string, string>();
      group.forEach((input, i) => {
        const copy = path.join(dir, `${i}`, path.basename(input.file));
        mkdirSync(path.dirname(copy), { recursive: true });
        writeFileSync(copy, input.sql);
        byPath.set(copy, input.file);
      });
      const args = [
        '--reporter',
        'json',
        `--exclude=${ENGINE_SETS.join(',')}`,
        ...(inTransaction ? ['--assume-in-transaction'] : []),
        ...byPath.keys(),
      ];
      const result = await runCommand(squawk, args, { cwd, timeoutMs: 120_000 });
      let violations: SquawkViolation[];
      try {
        violations = JSON.parse(result.stdout || '[]') as SquawkViolation[];
      } catch {
        throw new KitError(
          `squawk did not report (exit ${result.exitCode}): ${(result.stderr || result.stdout).slice(-1000)}`,
        );
      }
      for (const v of violations)
        findings.push({
          file: byPath.get(path.resolve(cwd, v.file)) ?? byPath.get(v.file) ?? v.file,
          line: v.line + 1,
          column: v.column + 1,
          rule: v.rule_name,
          level: v.level.toLowerCase() === 'error' ? 'error' : 'warning',
          message: v.message,
          help: v.help ?? undefined,
        });
    }
    return findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** squawk's page for a rule. */
export const ruleUrl = (rule: string) => `https://squawkhq.com/docs/${rule}`;
