/**
 * What every deploy target implements (railway, vercel, fly, render, vm). The deploy-*
 * actions, rollback-on-failure and the umbrella deploy action only talk to this.
 * Success is decided from the platform's own state, not only a CLI's exit code.
 *
 * A target is added by writing a ProviderDefinition (its own inputs + create()) and
 * listing it in ./registry.ts; the deploy flow (./deploy-flow.ts), the CLI installer
 * (./cli.ts) and the common inputs/outputs (./common-inputs.ts) are shared.
 */
import type { ActionSpec, InputSpec, Inputs } from '../lib/action-spec.js';
import type { RunOptions, RunResult } from '../lib/exec.js';
import type { CliTool, InstalledCli } from './cli.js';
import type { CommonInputs } from './common-inputs.js';

/** `skipped`: the platform decided there was nothing to deploy (Railway watch paths); what was live stays live. */
export type DeployStatus = 'success' | 'skipped' | 'failed' | 'unknown';

/** The step passes: deployed, or nothing needed deploying. */
export const passed = (status: DeployStatus): boolean => status === 'success' || status === 'skipped';

/** Where a deployment stands, in the platform's own terms mapped to three words. */
export type DeploymentPhase = 'in-progress' | 'succeeded' | 'failed';

export interface Deployment {
  /** The platform's id: a Vercel dpl_…, a Railway deployment id, a Fly image ref, a vm release id. */
  id: string;
  url?: string;
  /** Fly: the image reference, which is what a rollback redeploys. */
  image?: string;
  /** The platform's own word for its state (Railway SUCCESS, Fly complete, Vercel READY, …). */
  status?: string;
  phase?: DeploymentPhase;
  createdAt?: string;
  /** A human label where the platform has one (Fly release v42). */
  label?: string;
  /** Where a rollback makes a new deployment (Railway), the id of the deployment it restores. */
  restores?: string;
  /** What the user must know about this deployment, for the summary (Render: auto-deploy left on by a rollback). */
  notice?: string;
}

/** What the CLI did. The flow then asks the platform what really happened (verify). */
export interface DeployAttempt {
  /** The deployment the CLI created, as far as its output says. */
  deployment?: Deployment;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** Why the CLI's word alone is not enough (exit code, timeout, output not understood); undefined when clean. */
  problem?: string;
  /** The tail of the CLI's output. */
  output: string;
}

export interface DeployOutcome {
  status: DeployStatus;
  deployment?: Deployment;
  /** Why the status is what it is: what the platform reported, the CLI's exit code, … */
  evidence: string;
  /** The last lines of the deployment's (or CLI's) log, for the summary. */
  logTail?: string;
  /** How the platform's own pre-deploy step ended, where it reported one (./pre-deploy.ts). */
  preDeploy?: PreDeploy;
}

/**
 * The platform's own pre-deploy step (Render's and Railway's pre-deploy command, Fly's
 * release_command; `migration-tool: platform` migrates there). It runs after the build and
 * before the new deployment takes traffic, so when it fails what was live stays live.
 */
export interface PreDeploy {
  /** Its name on that platform, for messages: "Render's pre-deploy command". */
  step: string;
  result: 'passed' | 'failed';
  /** What the platform said about it (an exit code, a status). */
  detail?: string;
  /** Its own output, where the platform returns it apart from the deployment's log. */
  log?: string;
}

export interface DeployContext {
  /** The CLI is killed (its whole process group) after this long. */
  timeoutMs: number;
  log: (line: string) => void;
}

export interface Provider {
  readonly name: string;
  /** What is live now, asked of the platform; undefined for a first deployment. */
  current(): Promise<Deployment | undefined>;
  /** The deployment with this id (Fly: image ref) as the platform reports it; undefined when unknown. */
  find(id: string): Promise<Deployment | undefined>;
  /** Runs the platform's deploy. Must not throw for a CLI that fails or hangs: report it in the attempt. */
  deploy(context: DeployContext): Promise<DeployAttempt>;
  /**
   * What the platform says became of the attempt. Optional: the default
   * (deploy-flow.ts verifyByPlatform) compares find()/current() with the attempt.
   */
  verify?(attempt: DeployAttempt, previous: Deployment | undefined): Promise<DeployOutcome>;
  /** The last successful deployment before `before` (default: before the live one). */
  previousSuccessful(before?: string): Promise<Deployment | undefined>;
  /** Make `target` live again and return what the platform then reports as live. */
  rollback(target: Deployment, reason: string, context: DeployContext): Promise<Deployment | undefined>;
  logTail?(deployment: Deployment): Promise<string | undefined>;
}

/** What a provider gets to talk to the world; tests and the bench can pass their own. */
export interface ProviderDeps {
  /** The platform CLI, installed (and cached) on first call; undefined for API-only providers. */
  cli(): Promise<InstalledCli>;
  run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  fetch: typeof fetch;
  /** The environment CLIs inherit (tokens are added per call, never to process.env). */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
}

/** The parsed inputs a provider receives: the common ones plus its own, camelCased. */
export type ProviderInputs<I extends Record<string, InputSpec>> = Inputs<ActionSpec<CommonInputs & I, string>>;

/** Just the common inputs, parsed: what the shared plumbing reads of any provider's inputs. */
export type CommonParsedInputs = Inputs<ActionSpec<CommonInputs, string>>;

export interface ProviderDefinition<I extends Record<string, InputSpec> = Record<string, InputSpec>> {
  /** The `provider` input's value: railway, vercel, fly, render, vm. */
  name: string;
  /** For messages: Railway, Vercel, Fly.io. */
  title: string;
  /**
   * Inputs besides the common ones (public names: docs/design.md). They may override a common
   * one (e.g. `token` with the platform's wording). In the umbrella deploy and
   * rollback-on-failure actions they appear as optional; required ones are enforced
   * when that provider is chosen.
   */
  inputs: I;
  /** Which secret to check when the platform rejects the token, and where to get one. */
  tokenHelp: string;
  cli?: CliTool;
  create(inputs: ProviderInputs<I>, deps: ProviderDeps): Provider;
}

/** The same release: the very deployment, or a rollback's copy of it. */
export const sameRelease = (live: Deployment | undefined, target: Deployment): boolean =>
  !!live && (live.id === target.id || live.restores === target.id);

/** The message for a token the platform rejected: says so, and which secret to check. */
export function tokenRejectedMessage(
  definition: Pick<ProviderDefinition, 'title' | 'tokenHelp'>,
  detail: string,
): string {
  return `${definition.title} rejected the token (${detail}). Check the secret passed as the \`token\` input: ${definition.tokenHelp}`;
}

export function defineProvider<I extends Record<string, InputSpec>>(
  definition: ProviderDefinition<I>,
): ProviderDefinition<I> {
  return definition;
}
