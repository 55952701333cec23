import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError, KitError } from '../../lib/errors.js';
import { sleep } from '../../lib/retry.js';
import { githubClient } from '../../github/rest.js';
import { providerFromInputs } from '../../providers/deploy-action.js';
import type { Provider, ProviderInputs } from '../../providers/provider.js';
import { runSmokeStep } from '../../providers/smoke-step.js';
import { type PlannedService, type ReleasePlan, planRelease } from '../../release/plan.js';
import { recordRelease } from '../../release/record.js';
import {
  type ReleaseDeps,
  type ReleaseProgress,
  releaseJson,
  rollBackRelease,
  runRelease,
} from '../../release/release.js';
import { writeReleaseSummary } from '../../release/summary.js';
import { spec } from './spec.js';

const PROGRESS = 'release-progress';
const DONE = 'release-done';

type Inputs = ReturnType<typeof readInputs<typeof spec>>;

/** Reads and checks the whole manifest and builds every service's provider: all before anything is deployed. */
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

async function finish(inputs: Inputs, plan: ReleasePlan, progress: ReleaseProgress): Promise<void> {
  core.saveState(DONE, 'true');
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
  if (inputs.githubToken) {
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const sha = process.env.GITHUB_SHA ?? '';
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const client = githubClient({
      token: inputs.githubToken,
      apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
      log: core.info,
    });
    const id = await recordRelease(
      client,
      {
        repository,
        sha,
        logUrl: process.env.GITHUB_RUN_ID
          ? `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID}`
          : undefined,
      },
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
  await writeReleaseSummary(progress, notes);
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
