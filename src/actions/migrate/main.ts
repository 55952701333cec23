import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { sleep } from '../../lib/retry.js';
import { runCommand, tail } from '../../lib/exec.js';
import { table, writeSummary } from '../../lib/summary.js';
import { type DatabaseUrl, childEnv, connect, scrub } from '../../db/connection.js';
import {
  type MigrateResult,
  type MigrationFile,
  MigrationError,
  loadMigrations,
  migrate,
} from '../../migrate/sql-engine.js';
import { type ConcreteTool, detectTool, toolCommand } from '../../migrate/tools.js';
import { spec } from './spec.js';

type MigrateInputs = ReturnType<typeof readInputs<typeof spec>>;

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const cwd = path.resolve(workspace, inputs.workingDirectory);
  if (!existsSync(cwd))
    throw new ConfigurationError(`Input "working-directory" is invalid: ${inputs.workingDirectory} does not exist.`);

  let tool: ConcreteTool;
  if (inputs.tool === 'auto') {
    const detection = detectTool(cwd, inputs.directory);
    tool = detection.tool;
    core.info(
      `tool: auto → ${tool} (${detection.reason} in ${path.relative(workspace, cwd) || '.'})` +
        (detection.alsoFound.length
          ? `; also found ${detection.alsoFound.join(', ')}: set "tool" to choose another.`
          : '.'),
    );
  } else tool = inputs.tool;
  if (tool === 'command' && !inputs.command)
    throw new ConfigurationError(
      'Input "command" is required with tool: command. Example: command: npm run db:migrate',
    );

  if (tool === 'sql') await runSql(inputs, cwd, workspace);
  else await runTool(tool, inputs, cwd);
}

async function runSql(inputs: MigrateInputs, cwd: string, workspace: string): Promise<void> {
  const directory = path.resolve(cwd, inputs.directory);
  const files = loadMigrations(directory);
  const db = inputs.databaseUrl;
  const client = await connect(db, { applicationName: 'deploy-kit migrate' });
  const started = Date.now();
  let result: MigrateResult;
  try {
    result = await core.group(`Migrating ${db.label} with ${files.length} file(s) from ${inputs.directory}`, () =>
      migrate(
        client,
        files,
        { table: inputs.table, lockTimeoutMs: inputs.lockTimeout, dryRun: inputs.dryRun },
        { log: core.info, sleep, now: Date.now },
      ),
    );
  } catch (error) {
    if (error instanceof MigrationError) {
      setOutputs(spec, {
        applied: error.applied.length,
        'applied-versions': JSON.stringify(error.applied.map((a) => a.version)),
      });
      core.error(scrub(error.message, db), {
        title: 'Migration failed',
        file: path.relative(workspace, error.file),
        startLine: error.line,
        startColumn: error.column,
      });
      await summarizeFailure(error, db);
    }
    if (error instanceof MigrationError)
      // The annotation above has the details; the step's failure message says what failed.
      throw new KitError(scrub(error.message.split('\n')[0] as string, db));
    throw error instanceof KitError ? new KitError(scrub(error.message, db)) : error;
  } finally {
    await client.end().catch(() => undefined);
  }

  const plan = planMarkdown(result.pending);
  setOutputs(spec, {
    applied: result.applied.length,
    pending: result.pending.length,
    'applied-versions': JSON.stringify(result.applied.map((a) => a.version)),
    plan,
  });
  for (const name of result.adopted)
    core.info(`${name} was recorded by another runner without a checksum; its checksum is now recorded.`);
  if (result.missingFiles.length)
    core.warning(
      `Recorded as applied but not in ${inputs.directory}: ${result.missingFiles.join(', ')}. Was a migration file deleted or renamed?`,
    );
  await writeSummary((summary) => {
    if (inputs.dryRun) {
      summary.addHeading(`Migration plan for ${db.label} (dry run: nothing changed)`, 3);
      summary.addRaw(result.pending.length ? `\n${plan}\n` : '\nNothing to apply: the database is up to date.\n');
    } else {
      summary.addHeading(`Migrations applied to ${db.label} ✅`, 3);
      summary.addTable(
        table(
          ['migration', 'duration'],
          result.applied.map((a) => [path.basename(a.file), formatDuration(a.durationMs)]),
        ),
      );
      summary.addRaw(
        `\n${result.applied.length} applied, ${result.upToDate} already applied, in ${formatDuration(Date.now() - started)}.\n`,
      );
    }
  });
  core.info(
    inputs.dryRun
      ? `Dry run: ${result.pending.length} migration(s) pending, nothing changed.`
      : `Applied ${result.applied.length} migration(s); ${result.upToDate} were already applied.`,
  );
}

export function planMarkdown(pending: MigrationFile[]): string {
  if (!pending.length) return 'Nothing to apply.';
  const rows = pending.map(
    (file, i) =>
      `| ${i + 1} | ${file.name} | ${file.sizeBytes} B | ${file.noTransaction ? 'no (no-transaction)' : 'yes'} |`,
  );
  return ['| # | migration | size | in a transaction |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

async function summarizeFailure(error: MigrationError, db: DatabaseUrl): Promise<void> {
  await writeSummary((summary) => {
    summary.addHeading(`Migration failed on ${db.label} ❌`, 3);
    summary.addTable(
      table(
        ['migration', 'result'],
        [
          ...error.applied.map((a) => [path.basename(a.file), `applied in ${formatDuration(a.durationMs)}`]),
          [path.basename(error.file), `failed at line ${error.line}`],
        ],
      ),
    );
    summary.addCodeBlock(scrub(error.message, db));
  });
}

/** The tool's plan/status command for a dry run: shows what would run, changes nothing. */
const DRY_RUN_ARGS: Partial<Record<ConcreteTool, string[]>> = {
  alembic: ['upgrade', 'head', '--sql'],
  django: ['manage.py', 'migrate', '--plan'],
  prisma: ['--no-install', 'prisma', 'migrate', 'status'],
  knex: ['--no-install', 'knex', 'migrate:list'],
};

async function runTool(tool: Exclude<ConcreteTool, 'sql'>, inputs: MigrateInputs, cwd: string): Promise<void> {
  const db = inputs.databaseUrl;
  let command: string;
  let args: string[];
  let install = '';
  if (tool === 'command') {
    [command, ...args] = inputs.command as [string, ...string[]];
  } else {
    ({ command, args, install } = toolCommand(tool, db.urlWithoutPassword));
  }
  if (inputs.dryRun) {
    if (tool === 'supabase') args = [...args, '--dry-run'];
    else if (DRY_RUN_ARGS[tool]) args = DRY_RUN_ARGS[tool] as string[];
    else {
      core.notice('dry-run: the command was not run (a custom command has no plan mode).');
      setOutputs(spec, { plan: 'dry-run: the custom command was not run.' });
      return;
    }
  }
  const shown = [command, ...args].join(' ');
  const started = Date.now();
  const result = await core.group(
    `${inputs.dryRun ? 'Planning' : 'Migrating'} ${db.label}: ${scrub(shown, db)}`,
    async () => {
      try {
        return await runCommand(command, args, {
          cwd,
          env: childEnv(db, { DATABASE_URL: db.url }),
          timeoutMs: inputs.timeout,
          onStdout: (chunk) => process.stdout.write(scrub(chunk, db)),
          onStderr: (chunk) => process.stdout.write(scrub(chunk, db)),
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new KitError(
            `${command} was not found on PATH (tool: ${tool}). Install it in an earlier step${install ? `: ${install}` : ''}.`,
          );
        throw error;
      }
    },
  );
  const elapsed = formatDuration(Date.now() - started);
  const output = scrub(tail(result.stdout + result.stderr, 30), db);
  if (inputs.dryRun) setOutputs(spec, { plan: '```\n' + scrub(tail(result.stdout, 200), db) + '\n```' });
  const ok = result.exitCode === 0 && !result.timedOut;
  await writeSummary((summary) => {
    summary.addHeading(`${tool} ${inputs.dryRun ? 'plan' : 'migration'} on ${db.label} ${ok ? '✅' : '❌'}`, 3);
    summary.addTable(
      table(
        ['command', 'result', 'duration'],
        [[scrub(shown, db), result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`, elapsed]],
      ),
    );
    if (!ok) summary.addCodeBlock(output);
  });
  if (result.timedOut)
    throw new KitError(
      `${scrub(shown, db)} did not finish within timeout (${formatDuration(inputs.timeout)}) and was stopped.`,
    );
  if (result.exitCode !== 0) {
    throw new KitError(`${scrub(shown, db)} failed with exit code ${result.exitCode ?? result.signal}:\n${output}`);
  }
  core.info(`${tool} finished in ${elapsed}.`);
}
