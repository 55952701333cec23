/**
 * The Railway provider: `railway up` (./cli.ts) to the service ./target.ts resolved, the
 * deployment then followed on the API until it settles (./wait.ts), the platform's verdict,
 * and rollback through the deploymentRollback mutation.
 */
import { KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { tail } from '../../lib/exec.js';
import { describeTimeout, verifyByPlatform } from '../deploy-flow.js';
import type { DeployAttempt, DeployContext, DeployOutcome, Deployment, Provider, ProviderDeps } from '../provider.js';
import { preDeployFailed } from '../pre-deploy.js';
import { parseUpOutput, upArgs, upEnv } from './cli.js';
import { GraphQLError, QUERIES, type RailwayDeploymentNode } from './graphql.js';
import type { RailwayInputs } from './index.js';
import { railwayDeployLog, railwayPreDeploy } from './pre-deploy.js';
import { RAILWAY_PHASES, SETTLED } from './statuses.js';
import { type Target, resolveTarget } from './target.js';
import { waitForRollback, waitUntilSettled } from './wait.js';

export class RailwayProvider implements Provider {
  readonly name = 'Railway';
  private target?: Promise<Target>;
  /** canRollback as last reported, by deployment id. */
  private rollbackable = new Map<string, boolean>();

  constructor(
    private readonly inputs: RailwayInputs,
    private readonly deps: ProviderDeps,
  ) {}

  /** Which project, environment and service the token and inputs point at; asked once. */
  private resolve(): Promise<Target> {
    this.target ??= resolveTarget(this.inputs, this.deps);
    return this.target;
  }

  private toDeployment(node: RailwayDeploymentNode): Deployment {
    if (node.canRollback !== undefined) this.rollbackable.set(node.id, node.canRollback);
    const host = node.staticUrl || node.url || undefined;
    return {
      id: node.id,
      status: node.status,
      phase: RAILWAY_PHASES[node.status] ?? 'in-progress',
      createdAt: node.createdAt,
      url: host ? (/^https?:\/\//.test(host) ? host : `https://${host}`) : undefined,
    };
  }

  private async list(first: number, statuses?: string[]): Promise<Deployment[]> {
    const target = await this.resolve();
    const input: Record<string, unknown> = {
      projectId: target.projectId,
      environmentId: target.environmentId,
      serviceId: target.serviceId,
    };
    if (statuses) input.status = { in: statuses };
    const data = (await target.client(QUERIES.deployments, { input, first })) as {
      deployments: { edges: Array<{ node: RailwayDeploymentNode }> };
    };
    return data.deployments.edges.map((edge) => this.toDeployment(edge.node));
  }

  async current(): Promise<Deployment | undefined> {
    // The live deployment is the service's newest SUCCESS one; superseded ones become REMOVED.
    const [live] = await this.list(1, ['SUCCESS', 'SLEEPING']);
    return live;
  }

  async find(id: string): Promise<Deployment | undefined> {
    const target = await this.resolve();
    try {
      const data = (await target.client(QUERIES.deployment, { id })) as { deployment: RailwayDeploymentNode | null };
      return data.deployment ? this.toDeployment(data.deployment) : undefined;
    } catch (error) {
      if (error instanceof GraphQLError && /not found|does not exist/i.test(error.message)) return undefined;
      throw error;
    }
  }

  async deploy(context: DeployContext): Promise<DeployAttempt> {
    const target = await this.resolve();
    const cli = await this.deps.cli();
    const started = Date.now();
    const args = upArgs(target, this.deps.env.GITHUB_SHA);
    const env = upEnv(this.deps.env, target.kind, this.inputs.token);
    context.log(`railway ${args.join(' ')}`);
    const result = await this.deps.run(cli.path, args, {
      cwd: this.inputs.workingDirectory,
      env,
      timeoutMs: context.timeoutMs,
      onStderr: (chunk) => context.log(chunk.trimEnd()),
    });
    const output = tail(`${result.stdout}\n${result.stderr}`, 40);
    const base = { exitCode: result.exitCode, timedOut: result.timedOut, output };
    const parsed = parseUpOutput(result.stdout);
    const cliProblem = result.timedOut
      ? `\`railway up\` ${describeTimeout(context.timeoutMs)}`
      : result.exitCode !== 0
        ? `\`railway up\` exited with code ${result.exitCode}${parsed.error ? `: ${parsed.error}` : ''}`
        : parsed.deploymentId
          ? undefined
          : '`railway up` printed no deployment id (output not understood)';
    if (!parsed.deploymentId) return { ...base, durationMs: result.durationMs, problem: cliProblem };
    // Whatever the CLI said, a deployment it named is followed on the platform until it settles.
    context.log(
      `Railway deployment ${parsed.deploymentId} started${parsed.logsUrl ? `; build logs: ${parsed.logsUrl}` : ''}`,
    );
    const remaining = context.timeoutMs - (Date.now() - started);
    const settled = await waitUntilSettled(parsed.deploymentId, remaining, context.log, this.waitDeps());
    const status = settled?.status;
    const platformProblem =
      status && SETTLED.has(status)
        ? status === 'SUCCESS'
          ? undefined
          : `the deployment ended ${status}`
        : `the deployment was still ${status ?? 'unknown'} when the ${formatDuration(context.timeoutMs)} timeout passed`;
    return {
      ...base,
      durationMs: Date.now() - started,
      deployment: settled ?? { id: parsed.deploymentId },
      problem: [cliProblem, platformProblem].filter(Boolean).join('; ') || undefined,
    };
  }

  private waitDeps() {
    return {
      find: (id: string) => this.find(id),
      list: (first: number) => this.list(first),
      sleep: (ms: number) => this.deps.sleep(ms),
    };
  }

  /**
   * SKIPPED: watch paths matched no changed file, so nothing was built and what was live
   * stays live; the CLI exits 0 on it in CI (src/commands/up.rs:346-353 "No changed files
   * matched patterns"). Not a failure, and nothing to roll back.
   */
  async verify(attempt: DeployAttempt, previous: Deployment | undefined): Promise<DeployOutcome> {
    const ours = attempt.deployment;
    if (ours?.status === 'SKIPPED') {
      const live = await this.current();
      return {
        status: 'skipped',
        deployment: { ...ours, url: live?.url ?? ours.url },
        evidence: `Railway skipped ${ours.id}: no changed file matched the service's watch paths, so nothing was deployed; ${live?.id ?? previous?.id ?? 'nothing'} stays live`,
      };
    }
    const outcome = await verifyByPlatform(this, attempt, previous);
    if (!outcome.deployment || (outcome.status !== 'failed' && outcome.status !== 'success')) return outcome;
    const { client } = await this.resolve();
    const preDeploy = await railwayPreDeploy(client, outcome.deployment.id).catch(() => undefined);
    if (preDeploy?.result !== 'failed') return { ...outcome, preDeploy };
    const log = await railwayDeployLog(client, outcome.deployment.id).catch(() => undefined);
    return preDeployFailed(
      outcome.deployment,
      await this.current(),
      { ...preDeploy, log },
      `Railway reports ${outcome.deployment.id} as ${outcome.deployment.status ?? 'FAILED'}`,
    );
  }

  async previousSuccessful(before?: string): Promise<Deployment | undefined> {
    const all = await this.list(50);
    const from = before ? all.findIndex((d) => d.id === before) : -1;
    // Superseded deployments turn REMOVED but stay restorable while canRollback is true.
    return all.slice(from + 1).find((d) => this.rollbackable.get(d.id) === true && d.id !== before);
  }

  async rollback(target: Deployment, _reason: string, context: DeployContext): Promise<Deployment | undefined> {
    const railwayTarget = await this.resolve();
    if (this.rollbackable.get(target.id) === undefined) await this.find(target.id);
    if (this.rollbackable.get(target.id) === false)
      throw new KitError(
        `Railway cannot roll back to ${target.id} (canRollback is false: it may be older than your plan's retention, or never built). Deploy the earlier commit again instead.`,
      );
    const known = new Set((await this.list(20)).map((d) => d.id));
    const asked = Date.now();
    // A mutation is not repeated on a network error: a second rollback would make a second deployment.
    await railwayTarget.client(QUERIES.rollback, { id: target.id }, { retry: false });
    context.log(`Railway accepted the rollback to ${target.id}; waiting for the deployment it makes.`);
    return waitForRollback(target, known, { asked, timeoutMs: context.timeoutMs }, this.waitDeps());
  }

  async logTail(deployment: Deployment): Promise<string | undefined> {
    const target = await this.resolve();
    const lines: string[] = [];
    for (const [label, query, field] of [
      ['build', QUERIES.buildLogs, 'buildLogs'],
      ['deploy', QUERIES.deploymentLogs, 'deploymentLogs'],
    ] as const) {
      const data = (await target.client(query, { deploymentId: deployment.id })) as Record<
        string,
        Array<{ message: string; timestamp?: string }> | null
      >;
      const entries = data[field] ?? [];
      if (entries.length) lines.push(`--- ${label} log of ${deployment.id} ---`, ...entries.map((e) => e.message));
    }
    return lines.length ? lines.join('\n') : undefined;
  }
}
