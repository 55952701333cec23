/** Railway's DeploymentStatus values (railwayapp/cli src/gql/schema.json) as the kit reads them. */
import type { DeploymentPhase } from '../provider.js';

export const RAILWAY_PHASES: Record<string, DeploymentPhase> = {
  SUCCESS: 'succeeded',
  SLEEPING: 'succeeded',
  FAILED: 'failed',
  CRASHED: 'failed',
  REMOVED: 'failed',
  SKIPPED: 'failed',
  // The remaining DeploymentStatus values (src/gql/schema.json) are on their way somewhere.
  BUILDING: 'in-progress',
  DEPLOYING: 'in-progress',
  INITIALIZING: 'in-progress',
  QUEUED: 'in-progress',
  WAITING: 'in-progress',
  NEEDS_APPROVAL: 'in-progress',
  REMOVING: 'in-progress',
};

/** Statuses after which a deployment will not change by itself (up.rs stops on the first three). */
export const SETTLED = new Set(['SUCCESS', 'FAILED', 'CRASHED', 'REMOVED', 'SKIPPED', 'SLEEPING']);
