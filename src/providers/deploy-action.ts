/**
 * What every deploy-<provider> action is: the common inputs plus the provider's own,
 * the common outputs, and one run() — read inputs → deploy flow → outputs + summary.
 */
import * as core from '@actions/core';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type ActionSpec, type InputSpec, defineAction, readInputs, setOutputs } from '../lib/action-spec.js';
import { ConfigurationError, KitError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { escapeHtml, table, writeSummary } from '../lib/summary.js';
import type { InstalledCli } from './cli.js';
import { type CommonInputs, commonInputs, commonOutputs } from './common-inputs.js';
import { type DeployReport, deployFlow, describe } from './deploy-flow.js';
import { preDeployFailureMessage, preDeployRow } from './pre-deploy.js';
import {
  type CommonParsedInputs,
  type Provider,
  type ProviderDefinition,
  type ProviderInputs,
  passed,
} from './provider.js';
import { type RunnerDeps, runnerDeps } from './runner-deps.js';

export function deployActionSpec<I extends Record<string, InputSpec>>(
  definition: ProviderDefinition<I>,
  description: string,
): ActionSpec<CommonInputs & I, keyof typeof commonOutputs> {
  return defineAction({
    name: `deploy-${definition.name}`,
    title: `deploy-kit deploy-${definition.name}`,
    description,
    branding: { icon: 'upload-cloud', color: 'blue' },
    inputs: { ...commonInputs, ...definition.inputs },
    outputs: commonOutputs,
  });
}

/** Resolves working-directory against the workspace; it must exist (checked before any side effect). */
export function resolveWorkingDirectory(dir: string): string {
  const resolved = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), dir);
  if (!existsSync(resolved) || !statSync(resolved).isDirectory())
    throw new ConfigurationError(
      `Input "working-directory" is invalid: ${dir} is not a folder in the workspace (did a checkout step run first?)`,
    );
  return resolved;
}

/** Reads the inputs and builds the provider with the runner's real dependencies. */
export function providerFromInputs<I extends Record<string, InputSpec>>(
  definition: ProviderDefinition<I>,
  inputs: ProviderInputs<I>,
): { provider: Provider; deps: RunnerDeps } {
  const common = inputs as unknown as CommonParsedInputs;
  if (!common.token && definition.name !== 'vm')
    throw new ConfigurationError(
      `Input "token" is required: ${definition.title} needs an API token. ${definition.tokenHelp}`,
    );
  common.workingDirectory = resolveWorkingDirectory(common.workingDirectory);
  // cli-sha256 is an input only of providers whose CLI publishes no checksums (Railway).
  const sha256 = (inputs as { cliSha256?: string }).cliSha256;
  const deps = runnerDeps(definition.cli, { version: common.cliVersion, sha256 }, core.info);
  return { provider: definition.create(inputs, deps), deps };
}

export async function runDeployAction<I extends Record<string, InputSpec>>(
  spec: ActionSpec<CommonInputs & I, keyof typeof commonOutputs>,
  definition: ProviderDefinition<I>,
): Promise<DeployReport> {
  const inputs = readInputs(spec) as ProviderInputs<I>;
  const { provider, deps } = providerFromInputs(definition, inputs);
  const report = await deployWithOutputs(spec, definition, provider, deps, inputs.timeout as number);
  failUnlessSuccess(definition, report);
  return report;
}

/** The flow, with outputs written as soon as each is known and the summary at the end. */
export async function deployWithOutputs(
  spec: ActionSpec,
  definition: Pick<ProviderDefinition, 'title'>,
  provider: Provider,
  deps: RunnerDeps,
  timeoutMs: number,
): Promise<DeployReport> {
  const report = await core.group(`Deploy to ${definition.title}`, () =>
    deployFlow(provider, {
      timeoutMs,
      log: core.info,
      onPrevious: (previous) => setOutputs(spec, { 'previous-deployment-id': previous?.id ?? '' }),
    }),
  );
  setOutputs(spec, {
    'deployment-id': report.outcome.deployment?.id,
    url: passed(report.outcome.status) ? report.outcome.deployment?.url : undefined,
    status: report.outcome.status,
  });
  await writeDeploySummary(definition.title, report, deps.installed());
  return report;
}

export function failUnlessSuccess(definition: Pick<ProviderDefinition, 'title'>, report: DeployReport): void {
  const { outcome } = report;
  if (outcome.status === 'skipped') {
    core.notice(`Nothing deployed to ${definition.title}: ${outcome.evidence}.`, { title: 'Deploy skipped' });
    return;
  }
  if (outcome.status === 'success') {
    core.info(`Deployed ${describe(outcome.deployment ?? { id: 'unknown' })} to ${definition.title}.`);
    return;
  }
  if (outcome.preDeploy?.result === 'failed')
    throw new KitError(preDeployFailureMessage(definition.title, outcome, report.previous));
  const message =
    outcome.status === 'failed'
      ? `The deploy to ${definition.title} failed: ${outcome.evidence}.`
      : `The deploy to ${definition.title} did not reach a known state: ${outcome.evidence}. Check the platform before deploying again.`;
  throw new KitError(message);
}

const ICON = { success: '✅', skipped: '⏭️', failed: '❌', unknown: '⚠️' } as const;

export async function writeDeploySummary(
  title: string,
  report: DeployReport,
  cli: InstalledCli | undefined,
): Promise<void> {
  const { outcome, attempt, previous, timings } = report;
  const rows: Array<[string, string]> = [
    ['status', `${outcome.status} ${ICON[outcome.status]}`],
    ['deployment', outcome.deployment ? describe(outcome.deployment) : '—'],
    ['url', outcome.deployment?.url ?? '—'],
    ['previous (rollback target)', previous ? describe(previous) : 'none (first deployment)'],
    ['evidence', outcome.evidence],
  ];
  if (outcome.preDeploy) rows.push(preDeployRow(outcome.preDeploy, previous));
  if (cli)
    rows.push(
      ['CLI', `${cli.version} from ${cli.source} at ${cli.path} (${formatDuration(cli.durationMs)})`],
      ['CLI checksum', cli.verification],
    );
  rows.push(
    [
      'CLI result',
      `${attempt.timedOut ? 'stopped at timeout' : `exit ${attempt.exitCode}`} after ${formatDuration(attempt.durationMs)}`,
    ],
    [
      'time',
      `${formatDuration(timings.totalMs)} (recording what was live ${formatDuration(timings.recordMs)}, deploy ${formatDuration(timings.deployMs)}, verifying ${formatDuration(timings.verifyMs)})`,
    ],
  );
  await writeSummary((summary) => {
    const failedStep = outcome.preDeploy?.result === 'failed' ? outcome.preDeploy.step : undefined;
    summary.addHeading(
      `Deploy to ${title}: ${outcome.status} ${ICON[outcome.status]}${failedStep ? ` — the platform's migration (${failedStep}) failed; traffic never moved` : ''}`,
      3,
    );
    summary.addTable(table(['deploy', 'result'], rows));
    if (outcome.logTail)
      summary.addDetails(
        failedStep ? `Log tail (${failedStep})` : 'Log tail',
        `<pre>${escapeHtml(outcome.logTail)}</pre>`,
      );
  });
}
