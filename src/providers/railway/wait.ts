/**
 * Following Railway deployments on the API until they settle, under the kit's deadline
 * (a waiting `railway up` can hang on statuses it ignores, docs/platforms.md §2.1): a
 * deployment `railway up` started, and the deployment a rollback makes. Both poll as
 * nextPoll (lib/retry.ts) says.
 */
import { KitError, errorMessage } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { POLL_FIRST_MS, nextPoll } from '../../lib/retry.js';
import type { Deployment } from '../provider.js';
import { SETTLED } from './statuses.js';

export interface WaitDeps {
  find: (id: string) => Promise<Deployment | undefined>;
  sleep: (ms: number) => Promise<void>;
}

/** Polls the deployment's status until it settles or the time is up, logging changes and every 15 s. */
export async function waitUntilSettled(
  id: string,
  timeoutMs: number,
  log: (line: string) => void,
  deps: WaitDeps,
): Promise<Deployment | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = POLL_FIRST_MS;
  let last: Deployment | undefined;
  let lastLogged = 0;
  for (;;) {
    try {
      last = (await deps.find(id)) ?? last;
    } catch (error) {
      log(`Could not read the deployment's status (${errorMessage(error)}); trying again.`);
    }
    const status = last?.status ?? 'unknown';
    if (SETTLED.has(status)) return last;
    if (Date.now() - lastLogged >= 15_000) {
      log(`Deployment ${id} is ${status}; waiting (${formatDuration(Math.max(0, deadline - Date.now()))} left).`);
      lastLogged = Date.now();
    }
    if (Date.now() + delay > deadline) return last;
    await deps.sleep(delay);
    delay = nextPoll(delay);
  }
}

/**
 * After deploymentRollback: waits for the deployment it makes (one not in `known`) to
 * settle, or for the target itself to turn SUCCESS (restored in place), within
 * `timeoutMs` of `asked`. Returns what is live then; throws when it ended otherwise.
 */
export async function waitForRollback(
  target: Deployment,
  known: Set<string>,
  timing: { asked: number; timeoutMs: number },
  deps: WaitDeps & { list: (first: number) => Promise<Deployment[]> },
): Promise<Deployment> {
  const deadline = timing.asked + timing.timeoutMs;
  let delay = POLL_FIRST_MS;
  for (;;) {
    const fresh = (await deps.list(20)).find((d) => !known.has(d.id));
    // deploymentRollback may also restore the target in place: then the target itself turns SUCCESS.
    const inPlace = fresh ? undefined : await deps.find(target.id);
    if (inPlace?.status === 'SUCCESS') return inPlace;
    if (fresh && SETTLED.has(fresh.status ?? '')) {
      if (fresh.status !== 'SUCCESS')
        throw new KitError(
          `Railway's rollback deployment ${fresh.id} ended ${fresh.status}. Check the Railway dashboard.`,
        );
      return { ...fresh, restores: target.id };
    }
    if (Date.now() + delay > deadline)
      throw new KitError(
        `Railway's rollback to ${target.id} did not finish within ${formatDuration(timing.timeoutMs)} (${fresh ? `${fresh.id} is ${fresh.status}` : 'no rollback deployment yet'}).`,
      );
    await deps.sleep(delay);
    delay = nextPoll(delay);
  }
}
