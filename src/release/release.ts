/**
 * One release of several services (docs/design.md "Releases"): in `needs` order, each service goes
 * through the single actions' own deploy flow (record what is live, deploy, the platform's
 * verdict) and smoke step. The first failure stops the release, and every service this
 * release touched is returned, in reverse order, to what it served before — confirmed by the
 * platform. Progress is handed to `save` after every change (GITHUB_STATE, so a cancelled job's
 * post step can finish the rollback); it never holds a secret.
 */
import { errorMessage } from '../lib/errors.js';
import { tail } from '../lib/exec.js';
import { type DeployReport, deployFlow, describe } from '../providers/deploy-flow.js';
import { type DeployStatus, type Deployment, type Provider, passed } from '../providers/provider.js';
import { preDeployFailureMessage } from '../providers/pre-deploy.js';
import { rollbackFlow } from '../providers/rollback.js';
import type { SmokeSettings } from '../providers/smoke-step.js';
import { type PlannedService, smokeFor } from './plan.js';

export type ReleaseStatus = 'in-progress' | 'success' | 'failed' | 'rolled-back';

/** What happened to one service; JSON-safe, no secrets. */
export interface ServiceProgress {
  name: string;
  provider: string;
  /** Set the moment the deploy starts: from then on a rollback must consider this service. */
  started: boolean;
  previous?: { id: string; url?: string; text: string };
  deployment?: { id: string; url?: string; text: string };
  verdict?: DeployStatus;
  evidence?: string;
  smoke?: 'passed' | 'failed' | 'none';
  smokeFailures?: string[];
  /** rolled-back: confirmed live again; unchanged: the old one was still live; first: nothing to return to; left: rollback-on-failure false; failed: could not confirm. */
  rollback?: 'rolled-back' | 'unchanged' | 'first' | 'left' | 'failed';
  rolledBackTo?: string;
  /** What the platform serves at the end, in words. */
  after?: string;
}

export interface ReleaseProgress {
  version: string;
  environment: string;
  status: ReleaseStatus;
  services: ServiceProgress[];
  failure?: string;
  /** Services that could not be confirmed back, with what is live: said loudly by the caller. */
  rollbackProblems?: string[];
  /** A freeze window this release was deployed in anyway (require-deployment's freeze-bypass-reason). */
  freezeBypass?: FreezeBypass;
}

export interface FreezeBypass {
  reason: string;
  /** The window, as its freeze line says it ("Fri 16:00 - Mon 08:00 Europe/Berlin"). */
  window?: string;
  /** Who started the run that bypassed it (GITHUB_TRIGGERING_ACTOR). */
  by?: string;
}

export interface ReleaseDeps {
  /** The provider of a planned service, built (and validated) before the release starts. */
  provider(service: PlannedService): Provider;
  smoke(settings: SmokeSettings, service: PlannedService): Promise<{ failures: string[] }>;
  /** Called after every change of the progress (the action writes it to GITHUB_STATE). */
  save(progress: ReleaseProgress): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  log(line: string): void;
  /** A service's platform stopped its deployment at its pre-deploy step: the message and that step's log. */
  preDeployFailed?(service: string, message: string, log: string | undefined): void;
  sleep(ms: number): Promise<void>;
  now?: () => number;
}

export interface ReleaseOptions {
  version: string;
  environment: string;
  rollbackOnFailure: boolean;
  /** The whole release's deadline; each service's own `timeout` is capped by what is left. */
  timeoutMs: number;
}

const brief = (deployment: Deployment) => ({ id: deployment.id, url: deployment.url, text: describe(deployment) });

/** Deploys every service of the plan in order; on the first failure, rolls back (unless told not to). */
export async function runRelease(
  services: PlannedService[],
  options: ReleaseOptions,
  deps: ReleaseDeps,
): Promise<ReleaseProgress> {
  const now = deps.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const progress: ReleaseProgress = {
    version: options.version,
    environment: options.environment,
    status: 'in-progress',
    services: services.map((s) => ({ name: s.name, provider: s.definition.name, started: false })),
  };
  deps.save(progress);
  for (const [index, service] of services.entries()) {
    const entry = progress.services[index] as ServiceProgress;
    const failure = await deployOne(service, entry, options, deps, Math.max(1000, deadline - now()), progress);
    deps.save(progress);
    if (failure) {
      progress.failure = failure;
      deps.log(`Release ${options.version} stopped at ${service.name}: ${failure}`);
      if (options.rollbackOnFailure) await rollBackRelease(progress, services, deps, failure, options.timeoutMs);
      else leaveAsIs(progress);
      progress.status = progress.rollbackProblems?.length || !options.rollbackOnFailure ? 'failed' : 'rolled-back';
      deps.save(progress);
      return progress;
    }
  }
  progress.status = 'success';
  deps.save(progress);
  return progress;
}

/** One service: the deploy flow, then its smoke test. Returns why it failed, or undefined. */
async function deployOne(
  service: PlannedService,
  entry: ServiceProgress,
  options: ReleaseOptions,
  deps: ReleaseDeps,
  remainingMs: number,
  progress: ReleaseProgress,
): Promise<string | undefined> {
  const provider = deps.provider(service);
  const timeoutMs = Math.min(service.inputs.timeout as number, remainingMs);
  let report: DeployReport;
  try {
    report = await deps.group(`${service.name}: deploy to ${service.definition.title}`, () =>
      deployFlow(provider, {
        timeoutMs,
        log: deps.log,
        onPrevious: (previous) => {
          if (previous) entry.previous = brief(previous);
          entry.started = true;
          deps.save(progress);
        },
      }),
    );
  } catch (error) {
    entry.verdict = 'unknown';
    entry.evidence = errorMessage(error);
    return `${service.name} (${service.definition.title}): ${errorMessage(error)}`;
  }
  const { outcome } = report;
  entry.verdict = outcome.status;
  entry.evidence = outcome.evidence;
  if (outcome.deployment) entry.deployment = brief(outcome.deployment);
  if (outcome.preDeploy?.result === 'failed') {
    // The platform stopped this deployment at its pre-deploy step: what was live still serves.
    entry.rollback = 'unchanged';
    entry.after = entry.previous?.text ?? 'nothing (nothing was live before)';
    // Handed out, never kept in the progress: that is saved to state and holds no platform log.
    const log = outcome.preDeploy.log ?? outcome.logTail;
    if (log) deps.log(`${service.name}: the last lines of ${outcome.preDeploy.step}'s log:\n${tail(log, 20)}`);
    deps.preDeployFailed?.(
      service.name,
      preDeployFailureMessage(service.definition.title, outcome, report.previous),
      log && tail(log, 40),
    );
    return `${service.name} (${service.definition.title}): the platform's migration failed — ${outcome.evidence}`;
  }
  if (!passed(outcome.status))
    return `${service.name} (${service.definition.title}) ${outcome.status === 'failed' ? 'failed' : 'did not reach a known state'}: ${outcome.evidence}`;
  entry.after = entry.deployment?.text;
  const url = outcome.deployment?.url;
  if (!service.smoke) {
    entry.smoke = 'none';
    return undefined;
  }
  if (!url && !service.smoke.url) {
    entry.smoke = 'failed';
    return `${service.name}: ${service.definition.title} reported no url to smoke-test; set smoke.url in the manifest`;
  }
  const settings = await smokeFor(service, url ?? '', options.version);
  const { failures } = await deps.smoke(settings as SmokeSettings, service);
  entry.smoke = failures.length ? 'failed' : 'passed';
  if (failures.length) {
    entry.smokeFailures = failures;
    return `${service.name}'s smoke test failed: ${failures.join(' ')}`;
  }
  return undefined;
}

function leaveAsIs(progress: ReleaseProgress): void {
  for (const entry of progress.services)
    if (entry.started) {
      entry.rollback = 'left';
      entry.after ??= entry.deployment?.text ?? entry.previous?.text;
    }
}

/**
 * Returns every service the release started to what it served before, newest first, and
 * confirms each with the platform. A service never started is never touched; one that
 * cannot be confirmed is recorded in rollbackProblems with what is live, and the others
 * still go back. Used by the main step and by the post step of a cancelled job.
 */
export async function rollBackRelease(
  progress: ReleaseProgress,
  services: PlannedService[],
  deps: ReleaseDeps,
  reason: string,
  timeoutMs: number,
): Promise<void> {
  progress.rollbackProblems = [];
  for (const entry of [...progress.services].reverse()) {
    if (!entry.started || entry.rollback === 'rolled-back' || entry.rollback === 'unchanged') continue;
    const service = services.find((s) => s.name === entry.name);
    if (!service) continue;
    if (!entry.previous) {
      entry.rollback = 'first';
      entry.after = entry.deployment
        ? `${entry.deployment.text} (nothing was live before: left as is)`
        : 'nothing was live before';
      deps.log(`${entry.name}: nothing was live before this release, so there is nothing to return to.`);
      continue;
    }
    const provider = deps.provider(service);
    try {
      const report = await deps.group(`${entry.name}: roll back ${service.definition.title}`, () =>
        rollbackFlow(provider, {
          to: entry.previous?.id,
          failed: entry.deployment?.id,
          reason: `release ${progress.version} failed: ${reason}`,
          timeoutMs: Math.min(service.inputs.timeout as number, timeoutMs),
          log: deps.log,
          sleep: deps.sleep,
        }),
      );
      entry.rollback = report.rolledBack ? 'rolled-back' : 'unchanged';
      entry.rolledBackTo = report.rolledBack ? report.target?.id : undefined;
      entry.after = report.live ? describe(report.live) : entry.previous.text;
    } catch (error) {
      entry.rollback = 'failed';
      let live: string;
      try {
        const current = await provider.current();
        live = current ? describe(current) : 'nothing';
      } catch (asking) {
        live = `unknown (asking ${service.definition.title} failed: ${errorMessage(asking)})`;
      }
      entry.after = live;
      progress.rollbackProblems.push(
        `${entry.name} (${service.definition.title}) could not be confirmed back on ${entry.previous.id}: ${errorMessage(error)} It serves ${live} now.`,
      );
    }
    deps.save(progress);
  }
}

/** The release record (output `release`, the GitHub Deployment's payload): no secrets, no logs. */
export function releaseJson(progress: ReleaseProgress): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const entry of progress.services)
    services[entry.name] = {
      provider: entry.provider,
      'deployment-id': entry.deployment?.id ?? null,
      'previous-deployment-id': entry.previous?.id ?? null,
      url: entry.deployment?.url ?? null,
      status: entry.started ? (entry.verdict ?? 'unknown') : 'not-deployed',
      smoke: entry.smoke ?? null,
      'rolled-back-to': entry.rolledBackTo ?? null,
    };
  const bypass = progress.freezeBypass;
  return {
    version: progress.version,
    environment: progress.environment,
    status: progress.status,
    services,
    ...(bypass
      ? { 'freeze-bypass': { reason: bypass.reason, window: bypass.window ?? null, by: bypass.by ?? null } }
      : {}),
  };
}
