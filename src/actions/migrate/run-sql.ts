import * as core from '@actions/core';
import path from 'node:path';
import { setOutputs } from '../../lib/action-spec.js';
import { KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { sleep } from '../../lib/retry.js';
import { table, writeSummary } from '../../lib/summary.js';
import { type DatabaseUrl, connect, scrub } from '../../db/connection.js';
import { checkApproved } from '../../migrate/approved.js';
import { blockerWatch } from '../../migrate/blockers.js';
import {
  type MigrateResult,
  type MigrationFile,
  MigrationError,
  loadMigrations,
  migrate,
} from '../../migrate/sql-engine.js';
import type { MigrateInputs } from './main.js';
import { lintMarkdown, prepareLinter } from './lint-step.js';
import { spec } from './spec.js';

export async function runSql(inputs: MigrateInputs, cwd: string, workspace: string): Promise<void> {
  const directory = path.resolve(cwd, inputs.directory);
  const files = loadMigrations(directory);
  const db = inputs.databaseUrl;
  const linter = await prepareLinter(inputs.lint, cwd, workspace);
  const client = await connect(db, { applicationName: 'deploy-kit migrate' });
  const watch = blockerWatch(() => connect(db, { applicationName: 'deploy-kit migrate (lock monitor)' }));
  const started = Date.now();
  let result: MigrateResult;
  try {
    result = await core.group(`Migrating ${db.label} with ${files.length} file(s) from ${inputs.directory}`, () =>
      migrate(
        client,
        files,
        {
          table: inputs.table,
          lockTimeoutMs: inputs.lockTimeout,
          timeoutMs: inputs.timeout,
          dryRun: inputs.dryRun,
          outOfOrder: inputs.outOfOrder,
        },
        {
          log: core.info,
          sleep,
          now: Date.now,
          watch,
          review: async (pending) => {
            if (inputs.approvedMigrations) checkApproved(pending, inputs.approvedMigrations, workspace);
            // lint: warn only reports, so squawk runs while the files do (reported after them).
            if (inputs.lint === 'warn' && !inputs.dryRun) linter.start(pending);
            else await linter.review(pending);
          },
        },
      ),
    );
  } catch (error) {
    await linter.settle();
    if (error instanceof MigrationError) {
      setOutputs(spec, {
        applied: error.applied.length,
        'applied-versions': JSON.stringify(error.applied.map((a) => a.version)),
        'applied-verdicts': JSON.stringify(error.applied.map((a) => linter.verdict(a.file, a.version))),
      });
      core.error(scrub(error.message, db), {
        title: 'Migration failed',
        file: path.relative(workspace, error.file),
        startLine: error.line,
        startColumn: error.column,
      });
      await summarizeFailure(error, db);
      // The annotation above has the details; the step's failure message says what failed.
      throw new KitError(scrub(error.message.split('\n')[0] as string, db));
    }
    if (linter.findings.length) await writeSummary((summary) => summary.addRaw(lintMarkdown(linter)));
    throw error instanceof KitError ? new KitError(scrub(error.message, db)) : error;
  } finally {
    await watch.close();
    await client.end().catch(() => undefined);
  }

  await linter.settle();
  const plan = planMarkdown(result.pending) + lintMarkdown(linter);
  setOutputs(spec, {
    applied: result.applied.length,
    pending: result.pending.length,
    'applied-versions': JSON.stringify(result.applied.map((a) => a.version)),
    'applied-verdicts': JSON.stringify(result.applied.map((a) => linter.verdict(a.file, a.version))),
    plan,
  });
  if (result.historyTool !== 'deploy-kit') core.info(`History: ${result.historyTable} (${result.historyTool}).`);
  for (const note of result.notes) core.info(note);
  if (result.outOfOrder.length)
    core.warning(
      `Out of order: ${result.outOfOrder.join(', ')} ${inputs.dryRun ? 'would be' : 'was'} applied after later files. ` +
        'Check that it does not depend on their absence; set out-of-order: error to refuse such files.',
    );
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
      summary.addRaw(lintMarkdown(linter));
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
    if (error.cleanup.length) {
      summary.addRaw('\nClean up what PostgreSQL left behind before re-running:\n');
      summary.addCodeBlock(error.cleanup.join('\n'), 'sql');
    }
  });
}
