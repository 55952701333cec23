/**
 * Returning every service to the deployment a release recorded, in reverse `needs` order,
 * through the same rollback flow the single-service actions use (the platform confirms the
 * deployment is live again), then each service's smoke test against that release's version.
 * A service that cannot be returned is said loudly with what it serves now, and the services
 * it needs stay where they are: returning them alone would pair it with an older release of
 * what it needs — the pairing the reverse order exists to avoid.
 */
import { errorMessage } from '../lib/errors.js';
import { describe } from '../providers/deploy-flow.js';
import type { Deployment } from '../providers/provider.js';
import { rollbackFlow } from '../providers/rollback.js';
import type { SmokeSettings } from '../providers/smoke-step.js';
import { type PlannedService, smokeFor } from './plan.js';
import type { ReleaseDeps } from './release.js';
import type { ReleaseRecord, RollbackTarget } from './rollback-to.js';

export interface Brief {
  id: string;
  url?: string;
  text: string;
}

/** What became of one service; JSON-safe, no secrets. */
export interface ReturnedService {
  name: string;
  provider: string;
  /** The deployment the release recorded. */
  target: string;
  before?: Brief;
  /** returned: confirmed live again; already-live: nothing to do; failed: could not be confirmed; held: left because a service needing it could not be returned. */
  outcome: 'pending' | 'returned' | 'already-live' | 'failed' | 'held';
  /** What the platform serves at the end. */
  live?: Brief;
  smoke?: 'passed' | 'failed' | 'none';
  smokeFailures?: string[];
}

export interface RollbackProgress {
  /** The release returned to. */
  to: string;
  environment: string;
  /** The GitHub Deployment holding the release's record. */
  record: { id: number; sha: string };
  status: 'in-progress' | 'rolled-back' | 'failed';
  /** In the order they are returned (reverse `needs`). */
  services: ReturnedService[];
  /** Manifest services the release did not include: left as they are. */
  untouched: string[];
  /** Each service that is not back on the release and smoke-tested, with what it serves now. */
  problems: string[];
}

export type RollbackDeps = Pick<ReleaseDeps, 'provider' | 'smoke' | 'group' | 'log' | 'sleep' | 'now'> & {
  save?(progress: RollbackProgress): void;
};

const brief = (deployment: Deployment): Brief => ({
  id: deployment.id,
  url: deployment.url,
  text: describe(deployment),
});

/** Every service that needs `name`, directly or through others. */
function dependents(name: string, services: PlannedService[]): Set<string> {
  const found = new Set<string>();
  const visit = (need: string) => {
    for (const s of services)
      if (s.needs.includes(need) && !found.has(s.name)) {
        found.add(s.name);
        visit(s.name);
      }
  };
  visit(name);
  return found;
}

/** Returns the targets (given in `needs` order) to the recorded release, newest dependents first. */
export async function returnToRelease(
  targets: RollbackTarget[],
  record: ReleaseRecord,
  options: { timeoutMs: number; untouched?: string[]; before?: Map<string, Deployment | undefined> },
  deps: RollbackDeps,
): Promise<RollbackProgress> {
  const now = deps.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const ordered = [...targets].reverse();
  const progress: RollbackProgress = {
    to: record.version,
    environment: record.environment,
    record: { id: record.id, sha: record.sha },
    status: 'in-progress',
    services: ordered.map(({ service, deploymentId }) => {
      const before = options.before?.get(service.name);
      return {
        name: service.name,
        provider: service.definition.name,
        target: deploymentId,
        before: before ? brief(before) : undefined,
        outcome: 'pending',
      };
    }),
    untouched: options.untouched ?? [],
    problems: [],
  };
  deps.save?.(progress);
  const services = targets.map((t) => t.service);
  for (const [index, target] of ordered.entries()) {
    const entry = progress.services[index] as ReturnedService;
    const blocked = progress.services.filter(
      (s) => (s.outcome === 'failed' || s.outcome === 'held') && dependents(target.service.name, services).has(s.name),
    );
    if (blocked.length) {
      entry.outcome = 'held';
      entry.live = entry.before;
      const names = blocked.map((s) => s.name).join(', ');
      progress.problems.push(
        `${entry.name} was NOT returned to release ${record.version}: ${names}, which ${blocked.length > 1 ? 'need' : 'needs'} it, could not be returned, so ${entry.name} stays on ${entry.before?.text ?? 'what it serves'} to keep them matched.`,
      );
      deps.log(
        `${entry.name}: left as it is, because ${names} (needing it) ${blocked.length > 1 ? 'are' : 'is'} not back on ${record.version}.`,
      );
    } else {
      await returnOne(target, entry, progress, deps, Math.max(1000, deadline - now()));
    }
    deps.save?.(progress);
  }
  progress.status = progress.problems.length ? 'failed' : 'rolled-back';
  deps.save?.(progress);
  return progress;
}

async function returnOne(
  { service, deploymentId, url: recordedUrl }: RollbackTarget,
  entry: ReturnedService,
  progress: RollbackProgress,
  deps: RollbackDeps,
  remainingMs: number,
): Promise<void> {
  const provider = deps.provider(service);
  const title = service.definition.title;
  const version = progress.to;
  try {
    const report = await deps.group(`${service.name}: return ${title} to release ${version}`, () =>
      rollbackFlow(provider, {
        to: deploymentId,
        reason: `rollback of ${progress.environment} to release ${version}`,
        timeoutMs: Math.min(service.inputs.timeout as number, remainingMs),
        log: deps.log,
        sleep: deps.sleep,
      }),
    );
    if (report.notice) deps.log(report.notice);
    entry.outcome = report.rolledBack ? 'returned' : 'already-live';
    const live = report.live ?? report.target;
    if (live) entry.live = brief(live);
  } catch (error) {
    entry.outcome = 'failed';
    let now: string;
    try {
      const current = await provider.current();
      if (current) entry.live = brief(current);
      now = current ? describe(current) : 'nothing';
    } catch (asking) {
      now = `unknown (asking ${title} failed: ${errorMessage(asking)})`;
    }
    progress.problems.push(
      `${service.name} (${title}) could NOT be returned to ${deploymentId} (release ${version}): ${errorMessage(error)} It serves ${now} now.`,
    );
    return;
  }
  await smokeOne(service, entry, progress, deps, entry.live?.url ?? recordedUrl);
}

async function smokeOne(
  service: PlannedService,
  entry: ReturnedService,
  progress: RollbackProgress,
  deps: RollbackDeps,
  url: string | undefined,
): Promise<void> {
  if (!service.smoke) {
    entry.smoke = 'none';
    return;
  }
  let failures: string[];
  if (!url && !service.smoke.url)
    failures = [`${service.definition.title} reported no url to smoke-test; set smoke.url in the manifest.`];
  else {
    try {
      const settings = await smokeFor(service, url ?? '', progress.to);
      ({ failures } = await deps.smoke(settings as SmokeSettings, service));
    } catch (error) {
      failures = [errorMessage(error)];
    }
  }
  entry.smoke = failures.length ? 'failed' : 'passed';
  if (failures.length) {
    entry.smokeFailures = failures;
    progress.problems.push(
      `${service.name} is back on ${entry.live?.text ?? entry.target} (release ${progress.to}), but its smoke test failed: ${failures.join(' ')}`,
    );
  }
}
