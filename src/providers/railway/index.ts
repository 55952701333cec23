/**
 * Railway: `railway up --detach --json` uploads and starts the deployment (the CLI's own
 * automation path, railwayapp/cli src/commands/up.rs after_help), then the kit follows
 * the deployment through the public GraphQL API under its own deadline: a waiting
 * `railway up` can hang on statuses it ignores (up.rs, docs/platforms.md §2.1). Rollback is
 * GraphQL-only (deploymentRollback), as the CLI has none (docs/platforms.md §2.3).
 */
import { ConfigurationError, KitError, errorMessage } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { tail } from '../../lib/exec.js';
import { optional, sha256Hex, text } from '../../lib/schemas.js';
import type { CliTool } from '../cli.js';
import { commonInputs } from '../common-inputs.js';
import { describeTimeout, verifyByPlatform } from '../deploy-flow.js';
import {
  type DeployAttempt,
  type DeployContext,
  type DeployOutcome,
  type Deployment,
  type DeploymentPhase,
  type Provider,
  type ProviderDeps,
  type ProviderInputs,
  defineProvider,
  tokenRejectedMessage,
} from '../provider.js';
import { preDeployFailed } from '../pre-deploy.js';
import { railwayDeployLog, railwayPreDeploy } from './pre-deploy.js';
import {
  DEFAULT_RAILWAY_API,
  type GraphQLClient,
  GraphQLError,
  QUERIES,
  type RailwayDeploymentNode,
  type TokenKind,
  graphqlClient,
} from './graphql.js';

export const railwayCli: CliTool = {
  name: 'railway',
  commands: ['railway'],
  // The release docs/platforms.md's facts were read from (railwayapp/cli v5.42.1).
  defaultVersion: '5.42.1',
  versionArgs: ['--version'],
  // clap's DisplayVersion: "railway 5.42.1" on stdout, exit 0 (src/main.rs).
  parseVersion: (output) => /railway(?:app)?\s+v?(\d+\.\d+\.\d+)/i.exec(output)?.[1],
  // Asset names of github.com/railwayapp/cli releases; install.sh picks the static musl build on Linux.
  asset: (version, platform, arch) => {
    const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : undefined;
    const os = platform === 'linux' ? 'unknown-linux-musl' : platform === 'darwin' ? 'apple-darwin' : undefined;
    if (!cpu || !os) return undefined;
    return {
      path: `/railwayapp/cli/releases/download/v${version}/railway-v${version}-${cpu}-${os}.tar.gz`,
      binary: 'railway',
    };
  },
  // Railway's release workflow uploads the archives and no checksum file (.github/workflows/
  // release.yml at v5.42.1, "Upload release asset"); install.sh checks none either.
  noChecksums: { publisher: 'Railway', input: 'cli-sha256' },
};

const TOKEN_HELP =
  'use a Railway project token (project → Settings → Tokens, for the environment you deploy to), or an account/workspace token (Account → Tokens) together with the `project` input; store it as a secret such as RAILWAY_TOKEN.';

export const railwayInputs = {
  token: {
    ...commonInputs.token,
    description:
      'A Railway project token (project → Settings → Tokens), or an account/workspace token together with `project`. Masked.',
    required: true,
    example: '${{ secrets.RAILWAY_TOKEN }}',
  },
  service: {
    description: 'The Railway service to deploy to, by name or id.',
    required: true,
    example: 'api',
    parse: text(),
  },
  project: {
    description: 'The Railway project id. Needed with an account or workspace token; a project token implies it.',
    parse: optional(text()),
  },
  'cli-sha256': {
    description:
      "The sha256 of the Railway CLI's release archive (`railway-v<version>-<target>.tar.gz`) for `cli-version` (else the pinned version). Railway publishes no checksums: set, the download is checked against it before it runs (and a CLI on PATH is not used); empty, the summary says the CLI is unverified.",
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    parse: optional(sha256Hex()),
  },
};

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
const SETTLED = new Set(['SUCCESS', 'FAILED', 'CRASHED', 'REMOVED', 'SKIPPED', 'SLEEPING']);

interface Target {
  kind: TokenKind;
  client: GraphQLClient;
  projectId: string;
  projectName: string;
  environmentId: string;
  environmentName: string;
  serviceId: string;
  serviceName: string;
}

export const railway = defineProvider({
  name: 'railway',
  title: 'Railway',
  inputs: railwayInputs,
  tokenHelp: TOKEN_HELP,
  cli: railwayCli,
  create: (inputs, deps) => new RailwayProvider(inputs, deps),
});

type RailwayInputs = ProviderInputs<typeof railwayInputs>;

class RailwayProvider implements Provider {
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
    this.target ??= this.resolveOnce();
    return this.target;
  }

  private async resolveOnce(): Promise<Target> {
    const apiUrl = this.inputs.apiUrl?.href ?? DEFAULT_RAILWAY_API;
    const client = (kind: TokenKind) =>
      graphqlClient(apiUrl, this.inputs.token, kind, this.deps.fetch, this.deps.sleep);
    let kind: TokenKind = 'project';
    let gql = client(kind);
    let projectId = this.inputs.project;
    let tokenEnvironment: { id: string; name: string } | undefined;
    try {
      const data = (await gql(QUERIES.projectToken)) as {
        projectToken?: { project: { id: string }; environment: { id: string; name: string } };
      };
      if (!data.projectToken) throw new GraphQLError('no project token', true);
      if (projectId && projectId !== data.projectToken.project.id)
        throw new ConfigurationError(
          `Input "project" is invalid: the project token belongs to project ${data.projectToken.project.id}, not ${projectId}. Leave "project" empty with a project token.`,
        );
      projectId = data.projectToken.project.id;
      tokenEnvironment = data.projectToken.environment;
    } catch (error) {
      if (!(error instanceof GraphQLError) || !error.unauthorized) throw error;
      // Not a project token: an account or workspace token, which needs the project named.
      if (!projectId) throw new KitError(tokenRejectedMessage(railway, `as a project token: ${error.message}`));
      kind = 'account';
      gql = client(kind);
    }
    let project: {
      id: string;
      name: string;
      environments: { edges: Array<{ node: { id: string; name: string } }> };
      services: { edges: Array<{ node: { id: string; name: string } }> };
    } | null;
    try {
      project = ((await gql(QUERIES.project, { id: projectId })) as { project: typeof project }).project;
    } catch (error) {
      if (error instanceof GraphQLError && error.unauthorized)
        throw new KitError(tokenRejectedMessage(railway, error.message));
      if (error instanceof GraphQLError && /not found/i.test(error.message))
        throw new KitError(`Railway has no project ${projectId} that this token can see. Check the \`project\` input.`);
      throw error;
    }
    if (!project)
      throw new KitError(`Railway has no project ${projectId} that this token can see. Check the \`project\` input.`);

    const environments = project.environments.edges.map((e) => e.node);
    const wanted = this.inputs.environment;
    let environment = tokenEnvironment;
    if (wanted) {
      const found = environments.find((e) => e.id === wanted || e.name.toLowerCase() === wanted.toLowerCase());
      if (!found)
        throw new KitError(
          `Railway project ${project.name} has no environment "${wanted}" (it has: ${environments.map((e) => e.name).join(', ') || 'none'}). Check the \`environment\` input.`,
        );
      if (tokenEnvironment && found.id !== tokenEnvironment.id)
        throw new ConfigurationError(
          `Input "environment" is invalid: the project token is for environment "${tokenEnvironment.name}", not "${wanted}". Use that environment's token, or leave "environment" empty.`,
        );
      environment = found;
    }
    if (!environment)
      throw new ConfigurationError(
        `Input "environment" is required with an account or workspace token: name the Railway environment (it has: ${environments.map((e) => e.name).join(', ')}).`,
      );
    const services = project.services.edges.map((e) => e.node);
    // Matched by id or case-insensitive name, as `railway deployment list --service` does (src/commands/deployment.rs).
    const service = services.find(
      (s) => s.id === this.inputs.service || s.name.toLowerCase() === this.inputs.service.toLowerCase(),
    );
    if (!service)
      throw new KitError(
        `Railway project ${project.name} has no service "${this.inputs.service}" (it has: ${services.map((s) => s.name).join(', ') || 'none'}). Check the \`service\` input.`,
      );
    return {
      kind,
      client: gql,
      projectId: project.id,
      projectName: project.name,
      environmentId: environment.id,
      environmentName: environment.name,
      serviceId: service.id,
      serviceName: service.name,
    };
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
    const args = [
      'up',
      '--detach',
      '--json',
      '--service',
      target.serviceId,
      '--environment',
      target.environmentId,
      '--project',
      target.projectId,
    ];
    const sha = this.deps.env.GITHUB_SHA;
    if (sha) args.push('--message', `deploy-kit ${sha.slice(0, 12)}`);
    const env: NodeJS.ProcessEnv = { ...this.deps.env, CI: 'true' };
    // RAILWAY_TOKEN is sent as Project-Access-Token, RAILWAY_API_TOKEN as a Bearer (src/config.rs, src/client.rs).
    delete env.RAILWAY_TOKEN;
    delete env.RAILWAY_API_TOKEN;
    env[target.kind === 'project' ? 'RAILWAY_TOKEN' : 'RAILWAY_API_TOKEN'] = this.inputs.token;
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
    const settled = await this.waitUntilSettled(parsed.deploymentId, remaining, context.log);
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

  /** Polls the deployment's status until it settles or the time is up, logging changes and every 15 s. */
  private async waitUntilSettled(
    id: string,
    timeoutMs: number,
    log: (line: string) => void,
  ): Promise<Deployment | undefined> {
    const deadline = Date.now() + timeoutMs;
    let delay = 500;
    let last: Deployment | undefined;
    let lastLogged = 0;
    for (;;) {
      try {
        last = (await this.find(id)) ?? last;
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
      await this.deps.sleep(delay);
      delay = Math.min(5000, Math.round(delay * 1.5));
    }
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
    const deadline = asked + context.timeoutMs;
    let delay = 500;
    for (;;) {
      const fresh = (await this.list(20)).find((d) => !known.has(d.id));
      // deploymentRollback may also restore the target in place: then the target itself turns SUCCESS.
      const inPlace = fresh ? undefined : await this.find(target.id);
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
          `Railway's rollback to ${target.id} did not finish within ${formatDuration(context.timeoutMs)} (${fresh ? `${fresh.id} is ${fresh.status}` : 'no rollback deployment yet'}).`,
        );
      await this.deps.sleep(delay);
      delay = Math.min(5000, Math.round(delay * 1.5));
    }
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

export interface UpOutput {
  deploymentId?: string;
  logsUrl?: string;
  error?: string;
}

/**
 * `railway up --detach --json` prints one line {"deploymentId","logsUrl"} (up.rs); with
 * --json an error is one line {"error","code","hint"} on stdout (src/util/reporter.rs).
 * Anything else (warnings, stray text) is skipped.
 */
export function parseUpOutput(stdout: string): UpOutput {
  const result: UpOutput = {};
  for (const line of stdout.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const value = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof value.deploymentId === 'string' && value.deploymentId) result.deploymentId = value.deploymentId;
      if (typeof value.logsUrl === 'string') result.logsUrl = value.logsUrl;
      if (typeof value.error === 'string') result.error = value.error;
    } catch {
      // not a JSON line
    }
  }
  return result;
}
