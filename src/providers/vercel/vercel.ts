/**
 * The Vercel provider: deploys with the official `vercel` CLI the way Vercel documents for
 * CI (pull → build → deploy --prebuilt), reads what production serves from the REST API
 * (Project.targets.production), and rolls back with `vercel rollback <id>`, confirming
 * through the API that production serves the old deployment again.
 */
import { KitError } from '../../lib/errors.js';
import { type RunOptions, type RunResult, tail } from '../../lib/exec.js';
import type { DeployOutcome, DeployStatus, Deployment, Provider } from '../provider.js';
import { TOKEN_HELP, VercelApi, type VercelDeployment, stateOf } from './api.js';
import {
  buildArgs,
  cliEnv,
  deployArgs,
  deploymentUrlFrom,
  globalArgs,
  pullArgs,
  rollbackArgs,
  tokenRejectedIn,
} from './cli.js';

export interface VercelSettings {
  token: string;
  orgId: string;
  projectId: string;
  production: boolean;
  prebuilt: boolean;
  /** Absolute path of the project to deploy. */
  workingDirectory: string;
  /** The CLI is stopped after this long (pull, build and deploy together). */
  timeoutMs: number;
  apiUrl: string;
  /** Pass `--api` to the CLI (only when the user set api-url). */
  cliApiUrl?: string;
  globalConfigDir: string;
}

export interface VercelDeps {
  /** The vercel executable. */
  cli: () => Promise<string>;
  run: (command: string, args: string[], options?: RunOptions) => Promise<RunResult>;
  fetch?: typeof fetch;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** What the CLI did; verify() then asks Vercel what really happened. */
export interface VercelAttempt {
  /** The deployment's host, as `vercel deploy` printed it. */
  host?: string;
  /** The step the CLI was in when it stopped: pull, build or deploy. */
  step: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** When `vercel deploy` started (for finding a deployment it created before it was killed). */
  deployStartedAt?: number;
  output: string;
}

const ROLLBACK_CONFIRM_MS = 60_000;

export class VercelProvider implements Provider {
  readonly name = 'vercel';
  readonly api: VercelApi;

  constructor(
    private readonly settings: VercelSettings,
    private readonly deps: VercelDeps,
  ) {
    this.api = new VercelApi({
      baseUrl: settings.apiUrl,
      token: settings.token,
      orgId: settings.orgId,
      fetch: deps.fetch,
      sleep: deps.sleep,
    });
  }

  private globalArgs(): string[] {
    return globalArgs({ globalConfigDir: this.settings.globalConfigDir, apiUrl: this.settings.cliApiUrl });
  }

  /** The deployment production serves now; undefined before the first production deployment. */
  async current(): Promise<Deployment | undefined> {
    const project = await this.api.project(this.settings.projectId);
    const live = project.targets?.production;
    return live ? toDeployment(live, true) : undefined;
  }

  async find(id: string): Promise<Deployment | undefined> {
    const found = await this.api.deployment(id);
    return found ? toDeployment(found, false) : undefined;
  }

  async deploy(): Promise<DeployOutcome> {
    const attempt = await this.attempt();
    return this.verify(attempt);
  }

  /** Runs pull → build → deploy (or deploy alone without `prebuilt`), under one deadline. */
  async attempt(): Promise<VercelAttempt> {
    const { production, prebuilt } = this.settings;
    const steps: Array<[string, string[]]> = prebuilt
      ? [
          ['pull', pullArgs(production)],
          ['build', buildArgs(production)],
          ['deploy', deployArgs(production, true)],
        ]
      : [['deploy', deployArgs(production, false)]];
    const cli = await this.deps.cli();
    const env = cliEnv(this.deps.env, this.settings);
    const started = this.deps.now();
    const deadline = started + this.settings.timeoutMs;
    let output = '';
    let deployStartedAt: number | undefined;
    for (const [step, args] of steps) {
      const argv = [...args, ...this.globalArgs()];
      this.deps.log(`$ vercel ${argv.join(' ')}`);
      if (step === 'deploy') deployStartedAt = this.deps.now();
      const result = await this.deps.run(cli, argv, {
        cwd: this.settings.workingDirectory,
        env,
        timeoutMs: Math.max(1, deadline - this.deps.now()),
        onStderr: (chunk) => this.deps.log(chunk.replace(/\n$/, '')),
        onStdout: (chunk) => this.deps.log(chunk.replace(/\n$/, '')),
      });
      output += `${result.stderr}\n${result.stdout}\n`;
      const host = step === 'deploy' ? deploymentUrlFrom(result.stdout) : undefined;
      if (result.timedOut || result.exitCode !== 0 || step === 'deploy') {
        return {
          host,
          step,
          exitCode: result.exitCode,
          timedOut: result.timedOut,
          durationMs: this.deps.now() - started,
          deployStartedAt,
          output: tail(output, 40),
        };
      }
    }
    throw new Error('unreachable: the deploy step always returns');
  }

  /** Decides the outcome from Vercel's own state, not only from the CLI's exit code. */
  async verify(attempt: VercelAttempt): Promise<DeployOutcome> {
    const cliWord = attempt.timedOut
      ? `the CLI was stopped during \`vercel ${attempt.step}\` after the ${Math.round(this.settings.timeoutMs / 1000)} s timeout`
      : `\`vercel ${attempt.step}\` exited with code ${attempt.exitCode}`;
    if (tokenRejectedIn(attempt.output)) {
      return { status: 'failed', evidence: `Vercel rejected the token. ${TOKEN_HELP}`, logTail: attempt.output };
    }
    const created = await this.createdDeployment(attempt);
    if (!created) {
      return {
        status: 'failed',
        evidence: `${cliWord}; Vercel has no new deployment of this project, so nothing changed.`,
        logTail: attempt.output,
      };
    }
    const state = stateOf(created);
    const deployment = toDeployment(created, false);
    const named = `deployment ${created.id} is ${state ?? 'in an unknown state'}`;
    if (state === 'ERROR' || state === 'CANCELED') {
      const why = created.errorMessage ? `: ${created.errorMessage}` : '';
      return {
        status: 'failed',
        deployment,
        evidence: `${cliWord}; Vercel says ${named}${created.errorCode ? ` (${created.errorCode})` : ''}${why}.`,
        logTail: attempt.output,
      };
    }
    if (state !== 'READY') {
      return {
        status: 'unknown',
        deployment,
        evidence: `${cliWord}; Vercel says ${named}: it may still go live. Check it at ${created.inspectorUrl ?? `https://${created.url}`}.`,
        logTail: attempt.output,
      };
    }
    if (!this.settings.production) {
      return { status: 'success', deployment, evidence: `${cliWord}; Vercel says ${named}.`, logTail: attempt.output };
    }
    const live = await this.current();
    if (live?.id !== created.id) {
      return {
        status: 'failed',
        deployment,
        evidence: `${cliWord}; Vercel says ${named}, but production still serves ${live?.id ?? 'nothing'} (a project rolled back on Vercel keeps its domains until a deployment is promoted).`,
        logTail: attempt.output,
      };
    }
    return {
      status: 'success',
      deployment: { ...deployment, url: live.url },
      evidence: `${cliWord}; Vercel says ${named} and production serves it.`,
      logTail: attempt.output,
    };
  }

  /** The deployment this attempt created: from the URL the CLI printed, else asked of Vercel. */
  private async createdDeployment(attempt: VercelAttempt): Promise<VercelDeployment | undefined> {
    if (attempt.host) return this.api.deployment(attempt.host);
    if (attempt.deployStartedAt === undefined) return undefined;
    // Killed before it printed the URL: a deployment created since `vercel deploy` started is ours.
    const recent = await this.api.deployments(this.settings.projectId, {
      target: this.settings.production ? 'production' : undefined,
      since: attempt.deployStartedAt - 1000,
    });
    const ours = recent.find((d) => d.createdAt >= attempt.deployStartedAt! - 1000);
    return ours ? ((await this.api.deployment(ours.id)) ?? ours) : undefined;
  }

  async previousSuccessful(before?: string): Promise<Deployment | undefined> {
    const reference = before
      ? await this.api.deployment(before)
      : (await this.api.project(this.settings.projectId)).targets?.production;
    if (!reference) return undefined;
    const older = await this.api.deployments(this.settings.projectId, {
      target: 'production',
      state: 'READY',
      until: reference.createdAt,
    });
    const found = older.find((d) => d.id !== reference.id && d.createdAt < reference.createdAt);
    return found ? toDeployment(found, false) : undefined;
  }

  /**
   * `vercel rollback <id>` (it points production's domains back at that deployment and
   * waits up to --timeout; cli commands/rollback), then the API must report production
   * serving it. Returns what production serves afterwards.
   */
  async rollback(target: Deployment, reason: string): Promise<Deployment | undefined> {
    const cli = await this.deps.cli();
    const seconds = Math.max(1, Math.round(this.settings.timeoutMs / 1000));
    const argv = [...rollbackArgs(target.id, this.settings.orgId, seconds), ...this.globalArgs()];
    this.deps.log(`Rolling back to ${target.id}: ${reason}`);
    this.deps.log(`$ vercel ${argv.join(' ')}`);
    const result = await this.deps.run(cli, argv, {
      cwd: this.settings.workingDirectory,
      env: cliEnv(this.deps.env, this.settings),
      timeoutMs: this.settings.timeoutMs + 15_000,
      onStderr: (chunk) => this.deps.log(chunk.replace(/\n$/, '')),
      onStdout: (chunk) => this.deps.log(chunk.replace(/\n$/, '')),
    });
    const output = tail(`${result.stderr}\n${result.stdout}`, 20);
    if (tokenRejectedIn(output)) throw new KitError(`Vercel rejected the token during the rollback. ${TOKEN_HELP}`);
    // The CLI waited for the alias job; give the API a short while to show the result too.
    const until = this.deps.now() + (result.exitCode === 0 ? ROLLBACK_CONFIRM_MS : 5_000);
    let live = await this.current();
    while (live?.id !== target.id && this.deps.now() < until) {
      await this.deps.sleep(1000);
      live = await this.current();
    }
    if (live?.id !== target.id) {
      const cliWord = result.timedOut ? 'was stopped at the timeout' : `exited with code ${result.exitCode}`;
      throw new KitError(
        `The rollback to ${target.id} did not take: \`vercel rollback\` ${cliWord} and production still serves ${live?.id ?? 'nothing'}.\n${output}`,
      );
    }
    return live;
  }
}

/** Deployment URLs: a production deployment is served at its production domain. */
function toDeployment(d: VercelDeployment, isLive: boolean): Deployment {
  const host = isLive && d.alias?.length ? d.alias[0] : d.url;
  return {
    id: d.id,
    url: `https://${host}`,
    status: stateOf(d),
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

export const statusWord = (status: DeployStatus): string =>
  status === 'success' ? 'live' : status === 'failed' ? 'failed' : 'not confirmed';
