import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setOutputs } from '../../lib/action-spec.js';
import { KitError, errorMessage } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { runCommand, tail } from '../../lib/exec.js';
import { table, writeSummary } from '../../lib/summary.js';
import { type DatabaseUrl, childEnv, connect, scrub } from '../../db/connection.js';
import { type ConcreteTool, toolCommand } from '../../migrate/tools.js';
import { pendingToolFiles } from '../../migrate/tool-pending.js';
import { alembicEnvSource, alembicVersionTable, quotedVersionTable } from '../../migrate/alembic-config.js';
import { type ToolProgress, alembicProgress, djangoProgress, toolDatabaseUrl } from '../../migrate/tool-output.js';
import { alembicSections, djangoSections } from '../../migrate/plan-sections.js';
import { appliedByTool } from '../../migrate/tool-applied.js';
import { lintMarkdown, prepareLinter } from './lint-step.js';
import type { MigrateInputs } from './main.js';
import { spec } from './spec.js';

/** The tool's plan/status command for a dry run: shows what would run, changes nothing. */
const DRY_RUN_ARGS: Partial<Record<ConcreteTool, string[]>> = {
  django: ['manage.py', 'migrate', '--plan'],
  prisma: ['--no-install', 'prisma', 'migrate', 'status'],
  knex: ['--no-install', 'knex', 'migrate:list'],
};

/** Lines of the tool's output kept in the summary of a failure. */
const FAILURE_LINES = 60;

export async function runTool(
  tool: Exclude<ConcreteTool, 'sql'>,
  inputs: MigrateInputs,
  cwd: string,
  workspace: string,
): Promise<void> {
  const db = inputs.databaseUrl;
  const toolUrl = toolDatabaseUrl(db.url);
  const env = childEnv(db, { DATABASE_URL: toolUrl });
  // The tool may print the URL it was given: shown without its password.
  const hide = (text: string) => scrub(text.split(toolUrl).join(toolDatabaseUrl(db.urlWithoutPassword)), db);
  let command: string;
  let args: string[];
  let install = '';
  if (tool === 'command') {
    [command, ...args] = inputs.command as [string, ...string[]];
  } else {
    ({ command, args, install } = toolCommand(tool, db.urlWithoutPassword));
  }
  if (tool === 'django' && !onPath('python', env.PATH) && onPath('python3', env.PATH)) command = 'python3';
  const revisionBefore = tool === 'alembic' ? await alembicRevision(db, cwd) : undefined;
  // Offline --sql never reads the database: without a start revision it prints the whole history.
  const alembicPlan = ['upgrade', revisionBefore ? `${revisionBefore}:head` : 'head', '--sql'];
  if (inputs.dryRun) {
    if (tool === 'supabase') args = [...args, '--dry-run'];
    else if (tool === 'alembic') {
      args = alembicPlan;
      core.info(`alembic: the database is at ${revisionBefore ? `revision ${revisionBefore}` : 'no revision yet'}.`);
    } else if (DRY_RUN_ARGS[tool]) args = DRY_RUN_ARGS[tool] as string[];
    else {
      core.notice('dry-run: the command was not run (a custom command has no plan mode).');
      setOutputs(spec, { plan: 'dry-run: the custom command was not run.' });
      return;
    }
  }
  // The SQL the tool will run is linted before the real run, so lint: error changes nothing.
  const linted = tool === 'alembic' || tool === 'django' || tool === 'prisma' || tool === 'supabase';
  const linter = await prepareLinter(linted ? inputs.lint : 'off', cwd, workspace);
  const linting = linter.status.startsWith('squawk');
  const pendingNow = async () => {
    const client = await connect(db, { applicationName: 'deploy-kit migrate' });
    try {
      return await pendingToolFiles(tool as 'prisma' | 'supabase', cwd, client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  // prisma's and supabase's pending files: linted, and what the run applied is among them.
  const pendingBefore =
    (tool === 'prisma' || tool === 'supabase') && (linting || !inputs.dryRun) ? await pendingNow() : undefined;
  if (pendingBefore && linting)
    await linter.reviewFiles(pendingBefore.map((f) => ({ file: f.file, sql: f.sql, inTransaction: true })));
  let planned: string[] | undefined;
  if (tool === 'alembic' && linting) {
    const plan = await runCommand(command, alembicPlan, { cwd, env, timeoutMs: inputs.timeout }).catch(() => undefined);
    if (plan?.exitCode === 0) {
      const sections = alembicSections(plan.stdout, alembicVersionTable(alembicEnvSource(cwd)).table);
      planned = sections.map((s) => s.name);
      await linter.reviewSections('the alembic plan', sections, (name) => `alembic revision ${name}`);
    } else if (plan) core.warning(`Lint skipped: \`alembic ${alembicPlan.join(' ')}\` failed (exit ${plan.exitCode}).`);
  }
  if (tool === 'django' && linting) {
    const python = (pyArgs: string[]) =>
      runCommand(command, pyArgs, { cwd, env, timeoutMs: inputs.timeout }).catch(() => undefined);
    const sections = await djangoSections(python);
    if (sections === undefined) core.warning('Lint skipped: `manage.py migrate --plan` or `sqlmigrate` failed.');
    else await linter.reviewSections("Django's pending migrations", sections, (name) => `django migration ${name}`);
  }
  const shown = [command, ...args].join(' ');
  const started = Date.now();
  const result = await core.group(
    `${inputs.dryRun ? 'Planning' : 'Migrating'} ${db.label}: ${hide(shown)}`,
    async () => {
      try {
        return await runCommand(command, args, {
          cwd,
          env,
          timeoutMs: inputs.timeout,
          onStdout: (chunk) => process.stdout.write(hide(chunk)),
          onStderr: (chunk) => process.stdout.write(hide(chunk)),
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
  const all = hide(result.stdout + result.stderr);
  if (inputs.dryRun)
    setOutputs(spec, { plan: '```\n' + hide(tail(result.stdout, 200)) + '\n```\n' + lintMarkdown(linter) });
  const ok = result.exitCode === 0 && !result.timedOut;
  // alembic's revision after the run, read once for the failure's summary and the outputs.
  let after: Promise<string | undefined> | undefined;
  const revisionNow = () => (after ??= alembicRevision(db, cwd));
  const progress = ok || inputs.dryRun ? undefined : await failedProgress(tool, all, revisionBefore, revisionNow);
  if (!inputs.dryRun) {
    const deps = { output: all, ok, pendingBefore, pendingNow, planned, revisionBefore, revisionNow };
    const applied = await appliedByTool(tool, deps).catch((error: unknown) => {
      core.warning(`Could not tell which migrations ${tool} applied: ${errorMessage(error)}`);
      return undefined;
    });
    if (applied)
      setOutputs(spec, {
        applied: applied.length,
        'applied-versions': JSON.stringify(applied.map((a) => a.version)),
        'applied-verdicts': JSON.stringify(applied.map((a) => linter.verdict(a.key, a.version))),
      });
  }
  await writeSummary((summary) => {
    summary.addHeading(`${tool} ${inputs.dryRun ? 'plan' : 'migration'} on ${db.label} ${ok ? '✅' : '❌'}`, 3);
    summary.addTable(
      table(
        ['command', 'result', 'duration'],
        [[hide(shown), result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`, elapsed]],
      ),
    );
    if (progress?.failing) summary.addRaw(`\n${describe(progress).join('\n\n')}\n`);
    if (!ok) summary.addCodeBlock(tail(all, FAILURE_LINES));
    summary.addRaw(lintMarkdown(linter));
  });
  if (progress?.failing)
    core.error(describe(progress).join('\n'), {
      title: 'Migration failed',
      ...(progress.location && isInside(progress.location.file, cwd)
        ? {
            file: path.relative(
              process.env.GITHUB_WORKSPACE || process.cwd(),
              path.resolve(cwd, progress.location.file),
            ),
            startLine: progress.location.line,
          }
        : {}),
    });
  if (result.timedOut)
    throw new KitError(
      `${hide(shown)} did not finish within timeout (${formatDuration(inputs.timeout)}) and was stopped.`,
    );
  if (result.exitCode !== 0) {
    const what = progress?.failing ? ` in migration ${progress.failing}` : '';
    throw new KitError(
      `${hide(shown)} failed${what} with exit code ${result.exitCode ?? result.signal}:\n${tail(all, 30)}`,
    );
  }
  core.info(`${tool} finished in ${elapsed}.`);
}

interface Progress extends ToolProgress {
  /** Whether the migrations before the failing one stayed applied. */
  committed: 'yes' | 'no' | 'some';
  committedList: string[];
}

async function failedProgress(
  tool: ConcreteTool,
  output: string,
  revisionBefore: string | undefined,
  revisionNow: () => Promise<string | undefined>,
): Promise<Progress | undefined> {
  if (tool === 'django') {
    const progress = djangoProgress(output);
    // Django runs each migration in its own transaction on PostgreSQL (Migration.atomic).
    return { ...progress, committed: 'yes', committedList: progress.before };
  }
  if (tool !== 'alembic') return undefined;
  const progress = alembicProgress(output);
  const after = await revisionNow().catch(() => revisionBefore);
  if (after === revisionBefore) return { ...progress, committed: 'no', committedList: [] };
  // alembic's env.py may commit per migration (transaction_per_migration=True): what is
  // committed is what the database's revision says.
  const upTo = progress.before.findIndex((step) => step.split(' ')[0] === after);
  const committedList = upTo >= 0 ? progress.before.slice(0, upTo + 1) : progress.before;
  return { ...progress, committed: committedList.length === progress.before.length ? 'yes' : 'some', committedList };
}

function describe(progress: Progress): string[] {
  const lines = [`Failed in migration **${progress.failing}**.`];
  if (!progress.before.length) lines.push('No migration was applied before it in this run.');
  else if (progress.committed === 'no')
    lines.push(
      `Ran before it in the same transaction, rolled back with it (the database is where it was): ${progress.before.join(', ')}.`,
    );
  else lines.push(`Applied before it (committed): ${progress.committedList.join(', ')}.`);
  return lines;
}

/** alembic's current revision, read from its version table (env.py's version_table, default alembic_version). */
async function alembicRevision(db: DatabaseUrl, cwd: string): Promise<string | undefined> {
  const table = quotedVersionTable(alembicVersionTable(alembicEnvSource(cwd)));
  const client = await connect(db, { applicationName: 'deploy-kit migrate' });
  try {
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
    if (!exists.rows[0]?.t) return undefined;
    const rows = await client.query<{ v: string }>(`SELECT version_num AS v FROM ${table}`);
    if (rows.rows.length > 1)
      core.info(
        `alembic: several heads applied (${rows.rows.map((r) => r.v).join(', ')}); the plan starts from the base.`,
      );
    return rows.rows.length === 1 ? rows.rows[0]?.v : undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function onPath(command: string, PATH = ''): boolean {
  return PATH.split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

const isInside = (file: string, dir: string) => !path.relative(dir, path.resolve(dir, file)).startsWith('..');
