/**
 * The Vercel provider: deploys with the official `vercel` CLI the way Vercel documents for
 * CI (pull → build → deploy --prebuilt), reads what production serves from the REST API
 * (Project.targets.production), and rolls back with `vercel rollback <id>`, confirming
 * through the API that production serves the old deployment again.
 */
import { KitError } from '../../lib/errors.js';
import { tail } from '../../lib/exec.js';
import type { DeployAttempt, DeployContext, DeployOutcome, Deployment, Provider, ProviderDeps } from '../provider.js';
import { FAILED_STATES, VercelApi, type VercelDeployment, stateOf, toDeployment, tokenRejected } from './api.js';
import {
  buildArgs,
  cliEnv,
  deployArgs,
  deploymentUrlFrom,
  globalArgs,
  promoteArgs,
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
  apiUrl: string;
  /** Pass `--api` to the CLI (only when the user set api-url). */
  cliApiUrl?: string;
  globalConfigDir: string;
}

/** What the CLI did; verify() then asks Vercel what really happened. */
export interface VercelAttempt extends DeployAttempt {
  /** The deployment's host, as `vercel deploy` printed it. */
  host?: string;
  /** The step the CLI was in when it stopped: pull, build or deploy. */
  step: string;
  /** When `vercel deploy` started (for finding a deployment it created before it was killed). */
  deployStartedAt?: number;
  /** The deadline the CLI ran under. */
  timeoutMs: number;
}

const ROLLBACK_CONFIRM_MS = 60_000;

export class VercelProvider implements Provider {
  readonly name = 'vercel';
  readonly api: VercelApi;

  constructor(
    private readonly settings: VercelSettings,
    private readonly deps: ProviderDeps,
    private readonly now: () => number = Date.now,
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

  /** Runs pull → build → deploy (or deploy alone without `prebuilt`), under one deadline. */
  async deploy(context: DeployContext): Promise<VercelAttempt> {
    const { production, prebuilt } = this.settings;
    const steps: Array<[string, string[]]> = prebuilt
      ? [
          ['pull', pullArgs(production)],
          ['build', buildArgs(production)],
          ['deploy', deployArgs(production, true)],
        ]
      : [['deploy', deployArgs(production, false)]];
    const cli = (await this.deps.cli()).path;
    const env = cliEnv(this.deps.env, this.settings);
    const started = this.now();
    const deadline = started + context.timeoutMs;
    let output = '';
    let deployStartedAt: number | undefined;
    for (const [step, args] of steps) {
      const argv = [...args, ...this.globalArgs()];
      context.log(`$ vercel ${argv.join(' ')}`);
      if (step === 'deploy') deployStartedAt = this.now();
      const result = await this.deps.run(cli, argv, {
        cwd: this.settings.workingDirectory,
        env,
        timeoutMs: Math.max(1, deadline - this.now()),
        onStderr: (chunk) => context.log(chunk.replace(/\n$/, '')),
        onStdout: (chunk) => context.log(chunk.replace(/\n$/, '')),
      });
      output += `${result.stderr}\n${result.stdout}\n`;
      const host = step === 'deploy' ? deploymentUrlFrom(result.stdout) : undefined;
      if (result.timedOut || result.exitCode !== 0 || step === 'deploy') {
        const problem = result.timedOut
          ? `was stopped during \`vercel ${step}\` after the ${Math.round(context.timeoutMs / 1000)} s timeout`
          : result.exitCode !== 0
            ? `\`vercel ${step}\` exited with code ${result.exitCode}`
            : host
              ? undefined
              : '`vercel deploy` printed no deployment URL';
        return {
          deployment: host ? { id: host, url: `https://${host}` } : undefined,
          host,
          step,
          exitCode: result.exitCode,
          timedOut: result.timedOut,
          durationMs: this.now() - started,
          problem,
          deployStartedAt,
          timeoutMs: context.timeoutMs,
          output: tail(output, 40),
        };
      }
    }
    throw new Error('unreachable: the deploy step always returns');
  }

  /** Decides the outcome from Vercel's own state, not only from the CLI's exit code. */
  async verify(plain: DeployAttempt): Promise<DeployOutcome> {
    const attempt = plain as VercelAttempt;
    const cliWord = attempt.problem ? `the CLI ${attempt.problem}` : 'the CLI reported success';
    if (tokenRejectedIn(attempt.output)) {
      return { status: 'failed', evidence: tokenRejected(`the CLI said so`), logTail: attempt.output };
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
    if (state && FAILED_STATES.has(state)) {
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
    let project = await this.api.project(this.settings.projectId);
    let live = project.targets?.production;
    let promoted = '';
    if (live?.id !== created.id && this.pinnedByRollback(project, live, created)) {
      // After an instant rollback Vercel stops giving new production deployments the
      // production domains until one is promoted ("To undo a rollback, promote a
      // deployment", docs /cli/rollback); this deploy asked for production, so promote it.
      promoted = await this.promote(created.id, attempt);
      project = await this.api.project(this.settings.projectId);
      live = project.targets?.production;
    }
    if (live?.id !== created.id) {
      return {
        status: 'failed',
        deployment,
        evidence: `${cliWord}; Vercel says ${named}, but production serves ${live?.id ?? 'nothing'}${promoted ? ` even after \`vercel promote\`: ${promoted}` : ''}.`,
        logTail: attempt.output,
      };
    }
    return {
      status: 'success',
      deployment: toDeployment(live, true),
      evidence: `${cliWord}; Vercel says ${named} and production serves it${promoted ? ' (promoted: production was pinned by an earlier rollback)' : ''}.`,
      logTail: attempt.output,
    };
  }

  /** Production pinned by a rollback, and nothing newer than ours live (never override a newer deploy). */
  private pinnedByRollback(
    project: { lastAliasRequest?: { type: string; jobStatus: string } | null },
    live: VercelDeployment | undefined,
    ours: VercelDeployment,
  ): boolean {
    const last = project.lastAliasRequest;
    return last?.type === 'rollback' && last.jobStatus === 'succeeded' && (!live || live.createdAt < ours.createdAt);
  }

  /** `vercel promote <id>` (commands/promote: POST /v10/projects/:id/promote/:dpl, then waits). */
  private async promote(id: string, attempt: VercelAttempt): Promise<string> {
    const cli = (await this.deps.cli()).path;
    const timeoutMs = Math.min(Math.max(attempt.timeoutMs, 30_000), 5 * 60_000);
    const argv = [...promoteArgs(id, this.settings.orgId, Math.round(timeoutMs / 1000) - 10), ...this.globalArgs()];
    this.deps.log(`Production is pinned by an earlier rollback; promoting ${id}.`);
    this.deps.log(`$ vercel ${argv.join(' ')}`);
    const result = await this.deps.run(cli, argv, {
      cwd: this.settings.workingDirectory,
      env: cliEnv(this.deps.env, this.settings),
      timeoutMs,
      onStderr: (chunk) => this.deps.log(chunk.replace(/\n$/, '')),
    });
    return tail(`${result.stderr}\n${result.stdout}`, 5);
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

  /** The build log's last lines, as Vercel kept them (for the summary after a failure). */
  async logTail(deployment: Deployment): Promise<string | undefined> {
    const lines = await this.api.logLines(deployment.id);
    return lines.length ? lines.join('\n') : undefined;
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
  async rollback(target: Deployment, reason: string, context: DeployContext): Promise<Deployment | undefined> {
    const cli = (await this.deps.cli()).path;
    // The CLI's own wait (--timeout) ends before ours, so its verdict is heard.
    const seconds = Math.max(1, Math.round(context.timeoutMs / 1000) - 10);
    const argv = [...rollbackArgs(target.id, this.settings.orgId, seconds), ...this.globalArgs()];
    context.log(`Rolling back to ${target.id}: ${reason}`);
    context.log(`$ vercel ${argv.join(' ')}`);
    const result = await this.deps.run(cli, argv, {
      cwd: this.settings.workingDirectory,
      env: cliEnv(this.deps.env, this.settings),
      timeoutMs: context.timeoutMs,
      onStderr: (chunk) => context.log(chunk.replace(/\n$/, '')),
      onStdout: (chunk) => context.log(chunk.replace(/\n$/, '')),
    });
    const output = tail(`${result.stderr}\n${result.stdout}`, 20);
    if (tokenRejectedIn(output)) throw new KitError(tokenRejected('during the rollback'));
    // The CLI waited for the alias job; give the API a short while to show the result too.
    const until = this.now() + (result.exitCode === 0 ? ROLLBACK_CONFIRM_MS : 5_000);
    let live = await this.current();
    while (live?.id !== target.id && this.now() < until) {
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
