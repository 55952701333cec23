/**
 * Lints the SQL a run will execute with squawk (npm squawk-cli: the real PostgreSQL parser,
 * rules that each link to why they matter). squawk ships its binary in per-platform npm
 * packages (@squawk-cli/linux-x64 …, optionalDependencies, no install script), so a pinned
 * version installs with npm like the vercel CLI does, then lives in the tool cache.
 *
 * The engine sets lock_timeout and statement_timeout itself, so squawk's rules asking for
 * them are off; a file that runs in a transaction is linted as one (--assume-in-transaction).
 * squawk's own `-- squawk-ignore <rule>` comments acknowledge a finding in the file.
 * npm-install and lib/exec are imported when used: migrate with lint: off loads neither.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KitError } from '../lib/errors.js';
import type { CliTool } from '../providers/cli.js';

/** The version deploy-kit's tests run against (package.json devDependencies). */
export const SQUAWK_VERSION = '2.66.0';

export const squawkCli: CliTool = {
  name: 'squawk',
  commands: ['squawk'],
  defaultVersion: SQUAWK_VERSION,
  versionArgs: ['--version'],
  parseVersion: (output) => /squawk (\d+\.\d+\.\d+)/.exec(output)?.[1],
  asset: () => ({ path: '', binary: path.join('node_modules', '.bin', 'squawk') }),
  install: async (version, log) =>
    (await import('../providers/npm-install.js')).npmInstall(
      {
        pkg: 'squawk-cli',
        version,
        noNpm: 'Installing squawk (for lint) needs npm on the runner: add actions/setup-node.',
        timeoutMs: 5 * 60_000,
      },
      log,
    ),
};

/**
 * The platform binary behind squawk-cli's node launcher (js/bin/squawk, which resolves
 * @squawk-cli/<platform>-<arch>/bin/squawk and spawns it: squawk-cli js/index.js), so a lint
 * starts one process, not node and then squawk (~45 ms less). Anything else is returned as is.
 */
export function nativeSquawk(command: string): string {
  let real: string;
  try {
    real = realpathSync(command);
  } catch {
    return command;
  }
  const launcher = path.join('squawk-cli', 'js', 'bin', 'squawk');
  if (!real.endsWith(path.sep + launcher)) return command;
  const modules = real.slice(0, -launcher.length);
  const binary = path.join(
    modules,
    '@squawk-cli',
    `${process.platform}-${process.arch}`,
    'bin',
    process.platform === 'win32' ? 'squawk.exe' : 'squawk',
  );
  return existsSync(binary) ? binary : command;
}

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

/**
 * Runs squawk over the inputs, one process per group (in a transaction or not) for all the
 * group's files; `cwd` is where a project's .squawk.toml is found. squawk reads copies of
 * `sql` keeping each file's name: the n-th input with a given name goes into the folder
 * `n`, so 200 files of one migrations folder are 200 files in one folder, not 200 folders
 * (their mkdir and rmdir were most of lint's own time on 200 files: issue 13).
 */
export async function lintSql(squawk: string, inputs: LintInput[], cwd: string): Promise<Finding[]> {
  const { runCommand } = await import('../lib/exec.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'dk-lint-'));
  try {
    const findings: Finding[] = [];
    const seen = new Map<string, number>();
    const folders = new Set<string>();
    const copyOf = (input: LintInput) => {
      const name = path.basename(input.file);
      const n = seen.get(name) ?? 0;
      seen.set(name, n + 1);
      const folder = path.join(dir, `${n}`);
      if (!folders.has(folder)) mkdirSync(folder);
      folders.add(folder);
      return path.join(folder, name);
    };
    for (const inTransaction of [true, false]) {
      const group = inputs.filter((input) => input.inTransaction === inTransaction);
      if (!group.length) continue;
      const byPath = new Map<string, string>();
      const copies = group.map((input) => {
        const copy = copyOf(input);
        byPath.set(copy, input.file);
        return writeFile(copy, input.sql);
      });
      // Written side by side by libuv's threads: one after another, 200 took ~60 ms.
      await Promise.all(copies);
      const args = [
        '--reporter',
        'json',
        `--exclude=${ENGINE_SETS.join(',')}`,
        ...(inTransaction ? ['--assume-in-transaction'] : []),
        ...byPath.keys(),
      ];
      const result = await runCommand(squawk, args, { cwd, timeoutMs: 120_000 });
      // squawk prints a JSON array, `[]` when clean, and exits 0, or 1 on findings: nothing
      // printed, or another exit code (a crash), is no verdict — never "no findings".
      let violations: SquawkViolation[];
      try {
        if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error('exit code');
        violations = JSON.parse(result.stdout) as SquawkViolation[];
        if (!Array.isArray(violations)) throw new Error('not a list');
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
