import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readInputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError, errorMessage } from '../../lib/errors.js';
import { type DatabaseUrl, scrub } from '../../db/connection.js';
import { runPreflight } from './preflight-step.js';
import { runSql } from './run-sql.js';
import { runTool } from './run-tool.js';
import { type ConcreteTool, detectTool } from '../../migrate/tools.js';
import { spec } from './spec.js';

export type MigrateInputs = ReturnType<typeof readInputs<typeof spec>>;

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  if (inputs.preflight) return runPreflight(inputs.databaseUrl, inputs.timeout);
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

  if (inputs.approvedMigrations && tool !== 'sql')
    core.warning(
      `Input "approved-migrations" is compared with the plan only for tool: sql; ${tool} applies its own plan (listed in the summary), which the release issue's file list may not match.`,
    );
  const migrateOn = (databaseUrl: DatabaseUrl) => {
    const on = { ...inputs, databaseUrl };
    return tool === 'sql' ? runSql(on, cwd, workspace) : runTool(tool, on, cwd, workspace);
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
