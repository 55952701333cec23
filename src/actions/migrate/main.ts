import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { writeSummary } from '../../lib/summary.js';
import { ConfigurationError, KitError, errorMessage } from '../../lib/errors.js';
import { type DatabaseUrl, scrub } from '../../db/connection.js';
import { type ConcreteTool, detectTool } from '../../migrate/tools.js';
import { spec } from './spec.js';

type ReadInputs = ReturnType<typeof readInputs<typeof spec>>;
/** The inputs once `database-url` is known to be there (every tool but `platform` needs it). */
export type MigrateInputs = ReadInputs & { databaseUrl: DatabaseUrl };

/**
 * preflight, tool: sql and the other tools' runner are imported when chosen (lazy chunks of
 * the bundle), so a start reads only the one it runs (issue 13).
 */
export async function run(): Promise<void> {
  const read = readInputs(spec);
  if (read.preflight) return (await import('./preflight-step.js')).runPreflight(requiredUrl(read), read.timeout);
  if (read.tool === 'platform') return platformMigrates();
  const inputs: MigrateInputs = { ...read, tool: read.tool, databaseUrl: requiredUrl(read) };
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
  } else tool = inputs.tool as ConcreteTool;
  if (tool === 'command' && !inputs.command)
    throw new ConfigurationError(
      'Input "command" is required with tool: command. Example: command: npm run db:migrate',
    );

  if (inputs.approvedMigrations && tool !== 'sql')
    core.warning(
      `Input "approved-migrations" is compared with the plan only for tool: sql; ${tool} applies its own plan (listed in the summary), which the release issue's file list may not match.`,
    );
  const migrateOn = async (databaseUrl: DatabaseUrl) => {
    const on = { ...inputs, databaseUrl };
    return tool === 'sql'
      ? (await import('./run-sql.js')).runSql(on, cwd, workspace)
      : (await import('./run-tool.js')).runTool(tool, on, cwd, workspace);
  };
  const scratch = inputs.rehearseUrl;
  if (scratch && !inputs.dryRun) {
    if (scratch.label === inputs.databaseUrl.label)
      throw new ConfigurationError(
        `Input "rehearse-url" is invalid: it names the same database as database-url (${scratch.label}); it must be a scratch copy.`,
      );
    core.info(`Rehearsal: migrating the scratch copy ${scratch.label} first; production waits for it.`);
    try {
      await migrateOn(scratch);
    } catch (error) {
      throw new KitError(
        `The rehearsal on the scratch copy ${scratch.label} failed, so ${inputs.databaseUrl.label} was not touched: ` +
          scrub(scrub(errorMessage(error), scratch), inputs.databaseUrl),
      );
    }
    core.info(`Rehearsal passed on ${scratch.label}; migrating ${inputs.databaseUrl.label}.`);
  }
  await migrateOn(inputs.databaseUrl);
}

function requiredUrl(read: ReadInputs): DatabaseUrl {
  if (read.databaseUrl) return read.databaseUrl;
  throw new ConfigurationError(
    `Input "database-url" is required${read.tool === 'platform' ? ' with preflight: true' : ` with tool: ${read.tool}`}: the PostgreSQL URL to migrate. Example: database-url: \${{ secrets.DATABASE_URL }}`,
  );
}

/** `tool: platform`: the platform's pre-deploy step migrates, during the deploy; nothing runs here. */
async function platformMigrates(): Promise<void> {
  const said =
    "tool: platform — the platform's own pre-deploy step migrates (Railway's and Render's pre-deploy command, Fly.io's release_command), during the deploy: this step ran nothing. The deploy step follows that phase and fails, with its log, if it fails.";
  core.notice(said, { title: 'Migrations run by the platform' });
  setOutputs(spec, { applied: 0, 'applied-versions': '[]', 'applied-verdicts': '[]' });
  await writeSummary((summary) => {
    summary.addHeading('Migrations: run by the platform', 3);
    summary.addRaw(said, true);
  });
}
