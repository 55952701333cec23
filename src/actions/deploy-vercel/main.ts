import * as core from '@actions/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { runCommand } from '../../lib/exec.js';
import { sleep } from '../../lib/retry.js';
import { table, writeSummary } from '../../lib/summary.js';
import type { DeployOutcome, Deployment } from '../../providers/provider.js';
import { DEFAULT_API_URL } from '../../providers/vercel/api.js';
import { type InstalledVercel, installVercel } from '../../providers/vercel/install.js';
import { VercelProvider, statusWord } from '../../providers/vercel/vercel.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  if (inputs.environment && (inputs.environment === 'production') !== inputs.production)
    throw new ConfigurationError(
      `Input "environment" is "${inputs.environment}" but "production" is ${inputs.production}: set production: true to deploy to production, or leave environment empty.`,
    );
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const runnerTemp = process.env.RUNNER_TEMP || tmpdir();
  let installed: InstalledVercel | undefined;
  const provider = new VercelProvider(
    {
      token: inputs.token,
      orgId: inputs.orgId,
      projectId: inputs.projectId,
      production: inputs.production,
      prebuilt: inputs.prebuilt,
      workingDirectory: path.resolve(workspace, inputs.workingDirectory),
      timeoutMs: inputs.timeout,
      apiUrl: inputs.apiUrl?.href ?? DEFAULT_API_URL,
      cliApiUrl: inputs.apiUrl?.href.replace(/\/$/, ''),
      globalConfigDir: mkdtempSync(path.join(runnerTemp, 'vercel-config-')),
    },
    {
      cli: async () => {
        installed ??= await installVercel(inputs.cliVersion, core.info);
        return installed.path;
      },
      run: runCommand,
      env: process.env,
      log: core.info,
      sleep,
      now: Date.now,
    },
  );

  // What production serves now, written before anything changes so a later rollback can use it.
  const previous = await provider.current();
  setOutputs(spec, { 'previous-deployment-id': previous?.id ?? '' });
  core.info(
    previous
      ? `Production serves ${previous.id} (${previous.url}) before this deploy.`
      : 'Production serves nothing yet: this is the first production deployment.',
  );

  const outcome = await core.group(`Deploy to Vercel (${inputs.production ? 'production' : 'preview'})`, () =>
    provider.deploy(),
  );
  setOutputs(spec, {
    'deployment-id': outcome.deployment?.id,
    url: outcome.deployment?.url,
    status: outcome.status,
  });
  await summarize(outcome, previous, installed, inputs.production);
  if (outcome.status !== 'success') {
    core.error(outcome.evidence, { title: `Vercel deployment ${statusWord(outcome.status)}` });
    throw new KitError(`Vercel deployment ${statusWord(outcome.status)}: ${outcome.evidence}`);
  }
  core.info(`Deployed ${outcome.deployment?.id}: ${outcome.deployment?.url}`);
}

async function summarize(
  outcome: DeployOutcome,
  previous: Deployment | undefined,
  installed: InstalledVercel | undefined,
  production: boolean,
): Promise<void> {
  await writeSummary((summary) => {
    summary.addHeading(
      `Vercel ${production ? 'production' : 'preview'} deploy ${outcome.status === 'success' ? '✅' : '❌'}`,
      3,
    );
    const rows: Array<[string, string]> = [
      ['status', outcome.status],
      ['deployment', outcome.deployment?.id ?? '—'],
      ['url', outcome.deployment?.url ?? '—'],
      ['previous deployment', previous ? `${previous.id} (${previous.url})` : 'none (first deployment)'],
      ['evidence', outcome.evidence],
    ];
    if (installed)
      rows.push(['vercel CLI', `${installed.version} (${installed.source}, ${formatDuration(installed.durationMs)})`]);
    summary.addTable(table(['', ''], rows));
    if (outcome.status !== 'success' && outcome.logTail) {
      summary.addDetails('Last lines of the CLI output', `\n\n\`\`\`\n${outcome.logTail}\n\`\`\`\n`);
    }
  });
}
