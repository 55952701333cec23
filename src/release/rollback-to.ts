/**
 * Rolling an environment back to a named release (docs/design.md "Releases", `rollback-to`):
 * the release's record is the GitHub Deployment the release action created in the
 * environment, its payload the release JSON (version, status, and per service its provider
 * and deployment-id). This file finds that record and checks it against today's manifest —
 * all before anything is changed; ./rollback-run.ts returns the services.
 *   GET /repos/{owner}/{repo}/deployments?environment=&task=deploy:release   (newest first)
 * (docs.github.com/en/rest/deployments/deployments#list-deployments)
 */
import { ConfigurationError, KitError, errorMessage } from '../lib/errors.js';
import type { DeploymentRecord } from '../github/deployments.js';
import type { GitHubClient } from '../github/rest.js';
import type { Deployment, Provider } from '../providers/provider.js';
import type { PlannedService, ReleasePlan } from './plan.js';
import { RELEASE_TASK } from './record.js';

export interface RecordedService {
  provider: string;
  /** The deployment the release made live; absent for a service it did not deploy. */
  deploymentId?: string;
  url?: string;
}

/** A release as its GitHub Deployment recorded it. */
export interface ReleaseRecord {
  /** The GitHub Deployment's id. */
  id: number;
  sha: string;
  createdAt: string;
  version: string;
  environment: string;
  /** The release's own status: only `success` went live. */
  status: string;
  /** Set on the record of a rollback: the release it returned to. */
  rollbackTo?: string;
  services: Record<string, RecordedService>;
}

type Listed = DeploymentRecord & { payload?: unknown };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The release JSON in a deployment's payload (an object, or a string holding one), or undefined for any other deployment. */
export function asReleaseRecord(deployment: Listed): ReleaseRecord | undefined {
  let payload = deployment.payload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload);
    } catch {
      return undefined;
    }
  }
  if (!payload || typeof payload !== 'object') return undefined;
  const { version, status, services, rollback } = payload as Record<string, unknown>;
  if (!text(version) || !services || typeof services !== 'object' || Array.isArray(services)) return undefined;
  const recorded: Record<string, RecordedService> = {};
  for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object') continue;
    const s = raw as Record<string, unknown>;
    recorded[name] = { provider: String(s.provider ?? ''), deploymentId: text(s['deployment-id']), url: text(s.url) };
  }
  return {
    id: deployment.id,
    sha: deployment.sha,
    createdAt: deployment.created_at,
    version: version as string,
    environment: deployment.environment,
    status: String(status ?? ''),
    rollbackTo: rollback && typeof rollback === 'object' ? text((rollback as Record<string, unknown>).to) : undefined,
    services: recorded,
  };
}

/**
 * The newest record of release `version` in the environment that went live (the release's
 * own, else a rollback's that returned to it). None, or only
 * ones that failed, is a ConfigurationError naming the version and what is recorded instead.
 */
export async function findRelease(
  client: GitHubClient,
  query: { repository: string; environment: string; version: string; maxDeployments?: number },
): Promise<ReleaseRecord> {
  // Only the release records (every job with `environment:` also makes a plain `deploy` one);
  // each is still checked to hold a release JSON.
  const params = new URLSearchParams({ environment: query.environment, task: RELEASE_TASK, per_page: '100' });
  const listed = await client.paginate<Listed>(
    `/repos/${query.repository}/deployments?${params}`,
    query.maxDeployments ?? 300,
  );
  const records = listed
    .filter((d) => d.environment === query.environment)
    .map(asReleaseRecord)
    .filter((r): r is ReleaseRecord => !!r);
  const named = records.filter((r) => r.version === query.version);
  // The release itself before a rollback to it: a rollback may have covered only some services.
  const live = named.find((r) => r.status === 'success' && !r.rollbackTo) ?? named.find((r) => r.status === 'success');
  if (live) return live;
  const where = `in environment ${query.environment} of ${query.repository}`;
  if (named.length)
    throw new ConfigurationError(
      `Input "rollback-to" is invalid: release ${query.version} is recorded ${where} but never went live (GitHub Deployment ${named
        .map((r) => `${r.id}: ${r.status || 'no status'}`)
        .join(', ')}), so there is nothing to return to. ${wentLive(records)} Nothing was changed.`,
    );
  throw new ConfigurationError(
    `Input "rollback-to" is invalid: no release ${query.version} is recorded ${where}${
      records.length
        ? ` (among the newest ${listed.length} deployments). ${wentLive(records)}`
        : ': it holds no release records at all (the release action records one when it is given github-token).'
    } Nothing was changed.`,
  );
}

function wentLive(records: ReleaseRecord[]): string {
  const versions = [...new Set(records.filter((r) => r.status === 'success').map((r) => r.version))];
  return versions.length
    ? `Releases that went live, newest first: ${versions.slice(0, 10).join(', ')}.`
    : 'No recorded release went live.';
}

/** One service to return: its plan entry and what the release recorded for it. */
export interface RollbackTarget {
  service: PlannedService;
  deploymentId: string;
  url?: string;
}

/**
 * Pairs the record with the manifest, in `needs` order: a service the release recorded that
 * the manifest no longer has (or has on another provider), or a chosen service the release
 * did not deploy, is an error naming it. Manifest services the release did not include are
 * left as they are (`untouched`).
 */
export function rollbackTargets(
  plan: ReleasePlan,
  record: ReleaseRecord,
  options: { only?: string[]; file?: string } = {},
): { targets: RollbackTarget[]; untouched: string[] } {
  const file = options.file ?? 'deploy-kit.yml';
  const errors: string[] = [];
  const planned = new Map(plan.services.map((s) => [s.name, s]));
  for (const [name, recorded] of Object.entries(record.services)) {
    const service = planned.get(name);
    if (!service) {
      if (!options.only?.length)
        errors.push(
          `service "${name}" (${recorded.provider}) is part of release ${record.version} but no longer in ${file}: put it back to return it, or choose the other services with the services input`,
        );
      continue;
    }
    if (recorded.provider && recorded.provider !== service.definition.name)
      errors.push(
        `service "${name}", key "provider": release ${record.version} deployed it to ${recorded.provider}, ${file} now says ${service.definition.name}; a deployment cannot move between platforms`,
      );
  }
  const targets: RollbackTarget[] = [];
  const untouched: string[] = [];
  for (const service of plan.services) {
    const recorded = record.services[service.name];
    if (recorded?.deploymentId) {
      targets.push({ service, deploymentId: recorded.deploymentId, url: recorded.url });
      continue;
    }
    if (options.only?.length)
      errors.push(
        `input "services": "${service.name}" ${recorded ? 'was not deployed by' : 'is not part of'} release ${record.version} (GitHub Deployment ${record.id})`,
      );
    else untouched.push(service.name);
  }
  if (errors.length)
    throw new ConfigurationError(
      `Cannot roll ${record.environment} back to release ${record.version}; nothing was changed:\n` +
        errors.map((e) => `  - ${e}`).join('\n'),
    );
  return { targets, untouched };
}

/**
 * Asks every platform, before anything changes, whether the recorded deployment still exists
 * (old releases get pruned) and what is live now. Any problem stops the rollback untouched.
 */
export async function checkTargets(
  targets: RollbackTarget[],
  provider: (service: PlannedService) => Provider,
  version: string,
): Promise<Map<string, Deployment | undefined>> {
  const problems: string[] = [];
  const live = new Map<string, Deployment | undefined>();
  for (const { service, deploymentId } of targets) {
    const platform = provider(service);
    const title = service.definition.title;
    try {
      if (!(await platform.find(deploymentId)))
        problems.push(
          `${service.name} (${title}): deployment ${deploymentId}, which release ${version} made live, no longer exists there (removed by retention, e.g. keep-releases?)`,
        );
      live.set(service.name, await platform.current());
    } catch (error) {
      problems.push(`${service.name} (${title}): could not ask what it has: ${errorMessage(error)}`);
    }
  }
  if (problems.length)
    throw new KitError(
      `Cannot roll back to release ${version}; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  return live;
}
