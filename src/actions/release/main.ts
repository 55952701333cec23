import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { sleep } from '../../lib/retry.js';
import { REPOSITORY, githubClient } from '../../github/rest.js';
import { providerFromInputs } from '../../providers/deploy-action.js';
import type { Provider, ProviderInputs } from '../../providers/provider.js';
import { runSmokeStep } from '../../providers/smoke-step.js';
import { type PlannedService, type ReleasePlan, planRelease } from '../../release/plan.js';
import { recordRelease } from '../../release/record.js';
import {
  type FreezeBypass,
  type ReleaseDeps,
  type ReleaseProgress,
  releaseJson,
  rollBackRelease,
  runRelease,
} from '../../release/release.js';
import { rolledBack, writeReleaseSummary } from '../../release/summary.js';
import { warnOnDestructive } from '../../migrate/verdict.js';
import { checkTargets, findRelease, rollbackTargets } from '../../release/rollback-to.js';
import { type RollbackProgress, returnToRelease } from '../../release/rollback-run.js';
import { recordRollback, rollbackJson } from '../../release/rollback-record.js';
import { writeRollbackSummary } from '../../release/rollback-summary.js';
import { spec } from './spec.js';

const PROGRESS = 'release-progress';
const DONE = 'release-done';
const ROLLBACK = 'rollback-progress';

type Inputs = ReturnType<typeof readInputs<typeof spec>>;

/** Reads and checks the whole manifest and builds every service's provider: all before anything is deployed. */
/** The logs of pre-deploy steps that failed in this run, for the summary (never saved to state). */
const preDeployLogs: Array<{ title: string; text: string }> = [];

async function prepare(inputs: Inputs): Promise<{ plan: ReleasePlan; deps: ReleaseDeps }> {
  const file = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), inputs.manifest);
  if (!existsSync(file))
    throw new ConfigurationError(
      `Input "manifest" is invalid: ${inputs.manifest} does not exist in the workspace (did a checkout step run first?). Example: manifest: deploy-kit.yml`,
    );
  const plan = await planRelease(readFileSync(file, 'utf8'), {
    environment: inputs.environment,
    env: process.env,
    only: inputs.services,
    file: inputs.manifest,
  });
  const tokenEnvs = new Set(plan.services.map((s) => s.tokenEnv));
  const providers = new Map<string, Provider>();
  for (const service of plan.services) {
    const { provider, deps } = providerFromInputs(
      service.definition,
      service.inputs as ProviderInputs<Record<string, never>>,
    );
    // Each CLI gets its own service's token from its provider, never another service's.
    for (const name of tokenEnvs) delete deps.env[name];
    providers.set(service.name, provider);
  }
  const deps: ReleaseDeps = {
    provider: (service: PlannedService) => providers.get(service.name) as Provider,
    smoke: (settings) => runSmokeStep(settings),
    save: (progress) => core.saveState(PROGRESS, JSON.stringify(progress)),
    group: (title, fn) => core.group(title, fn),
    log: core.info,
    preDeployFailed: (service, message, log) => {
      core.error(`${service}: ${message}`, { title: "The platform's migration failed" });
      if (log) preDeployLogs.push({ title: `${service}: the log of its pre-deploy step`, text: log });
    },
    sleep,
  };
  return { plan, deps };
}

function versionOf(inputs: Inputs): string {
  const version = inputs.version ?? process.env.GITHUB_SHA;
  if (!version)
    throw new ConfigurationError(
      'Input "version" is required outside a workflow run (GITHUB_SHA is not set). Example: version: ${{ github.ref_name }}',
    );
  return version;
}

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  if (inputs.rollbackTo) return rollBackTo(inputs, inputs.rollbackTo);
  const version = versionOf(inputs);
  const { plan, deps } = await prepare(inputs);
  core.info(`Releasing ${version} to ${plan.environment}: ${plan.services.map((s) => s.name).join(' → ')}.`);
  const progress = await runRelease(
    plan.services,
    {
      version,
      environment: plan.environment,
      rollbackOnFailure: inputs.rollbackOnFailure,
      timeoutMs: inputs.timeout,
    },
    deps,
  );
  await finish(inputs, plan, progress);
}

/** The post step: only a release the main step did not finish (cancelled) has anything left to do. */
export async function post(): Promise<void> {
  if (core.getState(DONE) === 'true') return;
  const rollback = core.getState(ROLLBACK);
  if (rollback) return warnInterrupted(JSON.parse(rollback) as RollbackProgress);
  const saved = core.getState(PROGRESS);
  if (!saved) return;
  const progress = JSON.parse(saved) as ReleaseProgress;
  if (progress.status !== 'in-progress') return;
  const inputs = readInputs(spec);
  const started = progress.services.filter((s) => s.started).map((s) => s.name);
  progress.failure ??= 'the job was cancelled (or its step was stopped) before the release finished';
  core.warning(
    `Release ${progress.version} did not finish: ${progress.failure}. Services it started: ${started.join(', ') || 'none'}.`,
  );
  // The tokens are read from the environment again: they were never saved.
  const { plan, deps } = await prepare(inputs);
  if (inputs.rollbackOnFailure) await rollBackRelease(progress, plan.services, deps, progress.failure, inputs.timeout);
  progress.status = !inputs.rollbackOnFailure || progress.rollbackProblems?.length ? 'failed' : 'rolled-back';
  await finish(inputs, plan, progress);
}

/** The freeze window this run bypassed, and who started it: for the release record and the summary. */
function freezeBypassOf(inputs: Inputs): FreezeBypass | undefined {
  if (!inputs.freezeBypassReason) return undefined;
  const by = process.env.GITHUB_TRIGGERING_ACTOR || process.env.GITHUB_ACTOR || undefined;
  return { reason: inputs.freezeBypassReason, window: inputs.freezeWindow, by };
}

async function finish(inputs: Inputs, plan: ReleasePlan, progress: ReleaseProgress): Promise<void> {
  core.saveState(DONE, 'true');
  progress.freezeBypass = freezeBypassOf(inputs);
  const primary = plan.services.find((s) => s.primary) ?? plan.services[0];
  const url = progress.services.find((s) => s.name === primary?.name)?.deployment?.url;
  const names = (pick: (s: ReleaseProgress['services'][number]) => boolean) =>
    JSON.stringify(progress.services.filter(pick).map((s) => s.name));
  setOutputs(spec, {
    status: progress.status,
    release: JSON.stringify(releaseJson(progress)),
    url: progress.status === 'success' ? url : undefined,
    deployed: names((s) => s.verdict === 'success'),
    'rolled-back': names((s) => s.rollback === 'rolled-back'),
  });
  const notes: string[] = [];
  const bypass = progress.freezeBypass;
  if (bypass)
    notes.push(
      `⚠️ Freeze window bypassed${bypass.window ? ` (${bypass.window})` : ''}${bypass.by ? ` by ${bypass.by}` : ''}: ${bypass.reason}`,
    );
  if (inputs.githubToken) {
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const sha = inputs.sha ?? process.env.GITHUB_SHA ?? '';
    const id = await recordRelease(
      client(inputs.githubToken),
      { repository, sha, logUrl: runUrl(repository) },
      progress,
      url,
      (message) => core.warning(message),
    );
    if (id !== undefined) notes.push(`Recorded as GitHub Deployment ${id} in ${progress.environment}.`);
  } else {
    const notice = 'The release was not recorded as a GitHub Deployment: no `github-token` was given.';
    core.notice(notice, { title: 'Release not recorded' });
    notes.push(notice);
  }
  await writeReleaseSummary(progress, notes, inputs.migrationsApplied, preDeployLogs);
  if (rolledBack(progress))
    warnOnDestructive(inputs.migrationsApplied, (message, title) => core.warning(message, { title }));
  for (const problem of progress.rollbackProblems ?? []) core.error(problem, { title: 'Rollback not confirmed' });
  if (progress.status === 'success') {
    core.info(`Release ${progress.version} is live: ${progress.services.map((s) => s.name).join(', ')}.`);
    return;
  }
  const rolled = progress.services.filter((s) => s.rollback === 'rolled-back').map((s) => s.name);
  throw new KitError(
    progress.rollbackProblems?.length
      ? `Release ${progress.version} failed (${progress.failure}) and could NOT be fully rolled back: ${progress.rollbackProblems.join(' ')}`
      : progress.status === 'rolled-back'
        ? `Release ${progress.version} failed (${progress.failure}); ${rolled.length ? `${rolled.join(', ')} rolled back and confirmed live on their previous deployments` : 'nothing it changed needed rolling back'}.`
        : `Release ${progress.version} failed (${progress.failure}); rollback-on-failure is false, so every service was left as it is.`,
  );
}

const client = (token: string) =>
  githubClient({ token, apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com', log: core.info });

function runUrl(repository: string): string | undefined {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  return process.env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
}

/** `rollback-to`: the environment back on an earlier release, every check made before anything changes. */
async function rollBackTo(inputs: Inputs, to: string): Promise<void> {
  if (inputs.version && inputs.version !== to)
    throw new ConfigurationError(
      `Inputs "version" (${inputs.version}) and "rollback-to" (${to}) disagree: a rollback returns to the release it names; leave version empty.`,
    );
  if (!inputs.githubToken)
    throw new ConfigurationError(
      'Input "github-token" is required with rollback-to: the releases are read from the GitHub Deployments of the environment. Example: github-token: ${{ github.token }} (with permissions deployments: write)',
    );
  const repository = process.env.GITHUB_REPOSITORY ?? '';
  if (!REPOSITORY.test(repository))
    throw new ConfigurationError(
      `GITHUB_REPOSITORY must be owner/name to find the release records (got "${repository}").`,
    );
  const { plan, deps } = await prepare(inputs);
  const github = client(inputs.githubToken);
  const record = await findRelease(github, { repository, environment: plan.environment, version: to });
  const { targets, untouched } = rollbackTargets(plan, record, { only: inputs.services, file: inputs.manifest });
  const before = await checkTargets(targets, deps.provider, to);
  core.info(
    `Rolling ${plan.environment} back to release ${to} (GitHub Deployment ${record.id}, ${record.createdAt}): ${[
      ...targets,
    ]
      .reverse()
      .map((t) => `${t.service.name} → ${t.deploymentId}`)
      .join(', ')}.`,
  );
  if (untouched.length)
    core.warning(
      `Release ${to} did not include ${untouched.join(', ')}: left as they are (they may expect the newer services).`,
    );
  const progress = await returnToRelease(
    targets,
    record,
    { timeoutMs: inputs.timeout, untouched, before },
    { ...deps, save: (p) => core.saveState(ROLLBACK, JSON.stringify(p)) },
  );
  core.saveState(DONE, 'true');
  const primary = targets.find((t) => t.service.primary) ?? targets[0];
  const url = progress.services.find((s) => s.name === primary?.service.name)?.live?.url;
  setOutputs(spec, {
    status: progress.status,
    release: JSON.stringify(rollbackJson(progress)),
    url: progress.status === 'rolled-back' ? url : undefined,
    deployed: '[]',
    'rolled-back': JSON.stringify(progress.services.filter((s) => s.outcome === 'returned').map((s) => s.name)),
  });
  const id = await recordRollback(github, { repository, logUrl: runUrl(repository) }, progress, url, (m) =>
    core.warning(m),
  );
  await writeRollbackSummary(progress, id === undefined ? [] : [`Recorded as GitHub Deployment ${id}.`]);
  for (const problem of progress.problems) core.error(problem, { title: 'Rollback not complete' });
  if (progress.status !== 'rolled-back')
    throw new KitError(
      `The rollback of ${plan.environment} to release ${to} is NOT complete: ${progress.problems.join(' ')}`,
    );
  core.info(`${plan.environment} is back on release ${to}: ${progress.services.map((s) => s.name).join(', ')}.`);
}

/** A rollback the job stopped half-way: say which services are back, and to run it again. */
function warnInterrupted(progress: RollbackProgress): void {
  const back = progress.services.filter((s) => s.outcome === 'returned' || s.outcome === 'already-live');
  const rest = progress.services.filter((s) => !back.includes(s)).map((s) => s.name);
  core.warning(
    `The rollback to release ${progress.to} was stopped before it finished. Back on it: ${back.map((s) => s.name).join(', ') || 'none'}; not yet: ${rest.join(', ')}. Run the rollback again to finish it.`,
    { title: 'Rollback interrupted' },
  );
}
