import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { runCommand, tail } from '../../lib/exec.js';
import { table, writeSummary } from '../../lib/summary.js';
import { childEnv, scrub } from '../../db/connection.js';
import { runSql } from './run-sql.js';
import { type ConcreteTool, detectTool, toolCommand } from '../../migrate/tools.js';
import { spec } from './spec.js';

export type MigrateInputs = ReturnType<typeof readInputs<typeof spec>>;

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
