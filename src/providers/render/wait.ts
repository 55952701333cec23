/**
 * Waiting on Render under the kit's deadline: for a deploy answered 202 (queued, no body)
 * to appear in the service's list, and for a deploy to settle, through every status
 * Render reports (SETTLED: render-oss/cli pkg/deploy/util.go IsComplete).
 */
import { errorMessage } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { POLL_FIRST_MS, nextPoll } from '../../lib/retry.js';
import type { RenderApi, RenderDeploy } from './api.js';
import { SETTLED } from './statuses.js';

/** The CLI waits up to a minute for a deploy answered 202 to appear (pkg/tui/views/deploycreate.go:21,99-125). */
export const QUEUED_WAIT_MS = 60_000;

export interface WaitDeps {
  api: Pick<RenderApi, 'deploy' | 'deploys'>;
  sleep: (ms: number) => Promise<void>;
  /** The error as the user should read it (a rejected key, an unknown service). */
  explain: (error: unknown) => unknown;
}

/** A deploy not in `known`, newest first, once it shows up (or undefined by `until`). */
export async function appeared(
  serviceId: string,
  known: Set<string>,
  until: number,
  say: (line: string) => void,
  deps: WaitDeps,
): Promise<RenderDeploy | undefined> {
  say('Render answered 202: the deploy is queued; waiting for it to appear.');
  for (;;) {
    const fresh = (await deps.api.deploys(serviceId, { limit: 10 })).find((d) => !known.has(d.deploy.id));
    if (fresh) return fresh.deploy;
    if (Date.now() + 1000 > until) return undefined;
    await deps.sleep(1000);
  }
}

/**
 * Polls the deploy until it settles or the deadline passes, logging each change of status;
 * every status it went through is added to `went` (did it run the pre-deploy command?).
 */
export async function followDeploy(
  serviceId: string,
  deploy: RenderDeploy,
  deadline: number,
  say: (line: string) => void,
  went: Set<string>,
  deps: WaitDeps,
): Promise<RenderDeploy> {
  let last = deploy;
  let delay = POLL_FIRST_MS;
  let lastLogged = Date.now();
  for (;;) {
    if (last.status) went.add(last.status);
    if (SETTLED.has(last.status ?? '')) return last;
    if (Date.now() + delay > deadline) return last;
    await deps.sleep(delay);
    delay = nextPoll(delay);
    try {
      const now = await deps.api.deploy(serviceId, deploy.id);
      if (now && now.status !== last.status) {
        say(`Render deploy ${deploy.id}: ${now.status}`);
        lastLogged = Date.now();
      }
      last = now ?? last;
    } catch (error) {
      say(`Could not read deploy ${deploy.id} (${errorMessage(deps.explain(error))}); trying again.`);
    }
    if (Date.now() - lastLogged >= 15_000) {
      say(`Render deploy ${deploy.id} is ${last.status}; ${formatDuration(Math.max(0, deadline - Date.now()))} left.`);
      lastLogged = Date.now();
    }
  }
}
