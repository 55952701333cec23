import * as core from '@actions/core';
import type { ActionSpec } from './action-spec.js';
import { KitError, errorMessage } from './errors.js';

export interface Phases {
  main: () => Promise<void>;
  /** Runs in the post step of the same bundle (see ActionSpec.post). */
  post?: () => Promise<void>;
  /** A failing post step fails the job only where that is its point (rollback). */
  postMayFail?: boolean;
}

const POST_STATE = 'isPost';

/**
 * The one entry every action goes through: runs main (or post, told apart by saved
 * state as docker/build-push-action does), turns errors into a failed step, and exits
 * when done so a stray socket or timer never keeps the runner waiting.
 */
export async function runAction(spec: ActionSpec, phases: Phases): Promise<void> {
  const isPost = core.getState(POST_STATE) === 'true';
  if (!isPost && phases.post) core.saveState(POST_STATE, 'true');
  try {
    if (isPost) await phases.post?.();
    else await phases.main();
  } catch (error) {
    const message = describeFailure(spec.name, error);
    if (isPost && !phases.postMayFail) core.warning(message);
    else core.setFailed(message);
  }
  process.exit(process.exitCode ?? 0);
}

export function describeFailure(actionName: string, error: unknown): string {
  if (error instanceof KitError) return error.message;
  if (error instanceof Error && error.stack) core.debug(error.stack);
  return `${actionName}: unexpected error (this is a bug in deploy-kit; please report it): ${errorMessage(error)}`;
}
