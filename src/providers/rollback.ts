/**
 * Returning the platform to an earlier deployment, shared by rollback-on-failure and the
 * umbrella deploy action: pick the target, keep the failed deployment's log tail, roll
 * back, then confirm the platform serves the target again.
 */
import { KitError, errorMessage } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { tail } from '../lib/exec.js';
import { describe } from './deploy-flow.js';
import { type Deployment, type Provider, sameRelease } from './provider.js';

export interface RollbackOptions {
  /** The deployment to return to (id, or Fly image ref); default: the last successful one before the live one. */
  to?: string;
  /** The deployment that failed, whose log tail goes to the summary; default: whatever is live now. */
  failed?: string;
  reason: string;
  timeoutMs: number;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now?: () => number;
  pollMs?: number;
}

export interface RollbackReport {
  rolledBack: boolean;
  target?: Deployment;
  /** What was live before the rollback. */
  before?: Deployment;
  /** What the platform reports live afterwards. */
  live?: Deployment;
  /** Why nothing was done, when nothing was. */
  notice?: string;
  failed?: Deployment;
  logTail?: string;
  durationMs: number;
}

export async function rollbackFlow(provider: Provider, options: RollbackOptions): Promise<RollbackReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const before = await provider.current();
  let target: Deployment | undefined;
  if (options.to) {
    target = await provider.find(options.to);
    if (!target)
      throw new KitError(
        `Cannot roll back to ${options.to}: ${provider.name} has no such deployment. Check the \`to\` input (normally the deploy step's previous-deployment-id output).`,
      );
  } else {
    target = await provider.previousSuccessful(before?.id);
  }
  const failedId = options.failed ?? (before && target && !sameRelease(before, target) ? before.id : undefined);
  const failed = failedId ? ((await provider.find(failedId).catch(() => undefined)) ?? { id: failedId }) : undefined;
  const logTail = failed ? await safeLogTail(provider, failed) : undefined;
  const report = (extra: Partial<RollbackReport>): RollbackReport => ({
    rolledBack: false,
    target,
    before,
    failed,
    logTail,
    durationMs: now() - started,
    ...extra,
  });

  if (!target)
    return report({
      notice: `Nothing to roll back to: ${provider.name} has no successful deployment before ${before ? before.id : 'this one'} (a first deployment). Nothing was changed.`,
      live: before,
    });
  if (sameRelease(before, target))
    return report({
      notice: `${describe(target)} is already live on ${provider.name}: nothing to roll back.`,
      live: before,
    });

  options.log(
    `Rolling back ${provider.name} from ${before ? describe(before) : 'nothing'} to ${describe(target)}: ${options.reason}`,
  );
  const deadline = started + options.timeoutMs;
  // Some platforms roll back by making a new deployment (Railway): the provider returns
  // it, marked as restoring the target, and that is what must become live.
  const made = await provider.rollback(target, options.reason, {
    timeoutMs: Math.max(1000, deadline - now()),
    log: options.log,
  });
  const expected = made && sameRelease(made, target) ? made : target;
  // The provider waited for its own rollback; the platform's word on what is live decides.
  let live = await provider.current();
  while (live?.id !== expected.id && now() < deadline) {
    await options.sleep(options.pollMs ?? 3000);
    live = await provider.current();
  }
  if (live?.id !== expected.id)
    throw new KitError(
      `Rolled back ${provider.name} to ${target.id}, but after ${formatDuration(now() - started)} it reports ${live ? describe(live) : 'nothing'} live. Check the platform's dashboard.`,
    );
  live = { ...live, restores: expected.restores ?? live.restores };
  options.log(`${provider.name} serves ${describe(target)} again${live.id === target.id ? '' : ` as ${live.id}`}.`);
  return report({ rolledBack: true, live, notice: made?.notice, durationMs: now() - started });
}

async function safeLogTail(provider: Provider, deployment: Deployment): Promise<string | undefined> {
  if (!provider.logTail) return undefined;
  try {
    const logs = await provider.logTail(deployment);
    return logs ? tail(logs, 40) : undefined;
  } catch (error) {
    return `(the logs of ${deployment.id} could not be read: ${errorMessage(error)})`;
  }
}
