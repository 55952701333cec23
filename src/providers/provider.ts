/**
 * What every deploy target implements (railway, vercel, fly, render, vm). The deploy-*
 * actions, rollback-on-failure and the umbrella deploy action only talk to this.
 * Success is decided from the platform's own state, not only a CLI's exit code.
 */
export type DeployStatus = 'success' | 'failed' | 'unknown';

export interface Deployment {
  /** The platform's id: a Vercel dpl_…, a Railway deployment id, a Fly image ref / release, a vm release id. */
  id: string;
  url?: string;
  /** Fly: the image reference, which is what a rollback redeploys. */
  image?: string;
  status?: string;
  createdAt?: string;
}

export interface DeployOutcome {
  status: DeployStatus;
  deployment?: Deployment;
  /** Why the status is what it is: what the platform reported, the CLI's exit code, … */
  evidence: string;
  /** The last lines of the deployment's (or CLI's) log, for the summary. */
  logTail?: string;
}

export interface Provider {
  readonly name: string;
  /** What is live now, asked of the platform; undefined for a first deployment. */
  current(): Promise<Deployment | undefined>;
  deploy(): Promise<DeployOutcome>;
  /** The last successful deployment before `id` (default: before the live one). */
  previousSuccessful(before?: string): Promise<Deployment | undefined>;
  /** Make `target` live again and return what the platform then reports as live. */
  rollback(target: Deployment, reason: string): Promise<Deployment | undefined>;
  logTail?(deployment: Deployment): Promise<string | undefined>;
}
