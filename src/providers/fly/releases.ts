/**
 * Fly.io's record of what is live: `fly releases --json` (fly.Release), and how a release
 * reads as a kit deployment (its image is the id, v<version> the label).
 */
import type { Deployment, DeploymentPhase } from '../provider.js';

/** One element of `fly releases --json`: fly.Release, PascalCase keys (docs/platforms.md §3.2). */
export interface FlyRelease {
  ID: string;
  Version: number;
  Status: string;
  Description?: string;
  ImageRef: string;
  CreatedAt?: string;
}

export const PHASES: Record<string, DeploymentPhase> = {
  complete: 'succeeded',
  failed: 'failed',
  interrupted: 'failed',
  running: 'in-progress',
  pending: 'in-progress',
};

export const toDeployment = (release: FlyRelease, app: string): Deployment => ({
  id: release.ImageRef,
  image: release.ImageRef,
  label: `v${release.Version}`,
  status: release.Status,
  phase: PHASES[release.Status] ?? 'in-progress',
  createdAt: release.CreatedAt,
  url: `https://${app}.fly.dev/`,
});
