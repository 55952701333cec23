/**
 * The Render provider: triggers a deploy through Render's REST API, follows it through every
 * status Render reports (build, pre-deploy, update) to a verdict under the kit's deadline,
 * and rolls back with POST /services/{id}/rollback, confirming the restored deploy is live.
 * Statuses as render-oss/cli decides them (pkg/deploy/util.go:20-46 IsComplete/IsSuccessful).
 */
import { ConfigurationError, KitError, errorMessage } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import {
  type DeployAttempt,
  type DeployContext,
  type DeployOutcome,
  type Deployment,
  type Provider,
  type ProviderDeps,
} from '../provider.js';
import { PRE_DEPLOY_STEPS, preDeployFailed } from '../pre-deploy.js';
import { RenderApi, type RenderDeploy, type RenderService, type TriggerBody } from './api.js';
import { PHASES, SETTLED, explainRejection } from './statuses.js';
import { QUEUED_WAIT_MS, type WaitDeps, appeared, followDeploy } from './wait.js';

export interface RenderSettings {
  token: string;
  serviceId: string;
  /** commitId to send (the input, else GITHUB_SHA); undefined with an image. */
  commit?: string;
  /** The user set `commit` (else it is the workflow's SHA, left out for image-backed services). */
  commitGiven: boolean;
  image?: string;
  clearCache: boolean;
  apiUrl: string;
}

export class RenderProvider implements Provider {
  readonly name = 'Render';
  private readonly api: RenderApi;
  private service?: Promise<RenderService>;
  /** Every deploy as last read, by id (for the log window of a failed one). */
  private readonly seen = new Map<string, RenderDeploy>();
  /** The statuses each followed deploy went through, by id: whether it ran the pre-deploy command. */
  private readonly went = new Map<string, Set<string>>();

  constructor(
    private readonly settings: RenderSettings,
    private readonly deps: ProviderDeps,
  ) {
    this.api = new RenderApi({ baseUrl: settings.apiUrl, token: settings.token, fetch: deps.fetch, sleep: deps.sleep });
  }

  private explain(error: unknown, onService = false): unknown {
    return explainRejection(error, this.settings.serviceId, onService);
  }

  private guard<T>(promise: Promise<T>, onService = false): Promise<T> {
    return promise.catch((error: unknown) => {
      throw this.explain(error, onService);
    });
  }

  /** The service, read once: this is where a bad key or service id is found, before any change. */
  private serviceInfo(): Promise<RenderService> {
    this.service ??= this.guard(this.api.service(this.settings.serviceId), true);
    return this.service;
  }

  private toDeployment(deploy: RenderDeploy, service: RenderService): Deployment {
    this.seen.set(deploy.id, deploy);
    const url = service.serviceDetails?.url;
    const label = deploy.image?.ref ?? (deploy.commit?.id ? `commit ${deploy.commit.id.slice(0, 12)}` : undefined);
    return {
      id: deploy.id,
      url: url || undefined,
      status: deploy.status,
      phase: deploy.status ? PHASES[deploy.status] : undefined,
      createdAt: deploy.createdAt,
      label,
    };
  }

  async current(): Promise<Deployment | undefined> {
    const service = await this.serviceInfo();
    const [live] = await this.guard(this.api.deploys(service.id, { status: ['live'], limit: 1 }));
    return live ? this.toDeployment(live.deploy, service) : undefined;
  }

  async find(id: string): Promise<Deployment | undefined> {
    const service = await this.serviceInfo();
    const found = await this.guard(this.api.deploy(service.id, id));
    return found ? this.toDeployment(found, service) : undefined;
  }

  /** What to send: an image, a commit, or (image-backed service, no image given) the service's own image again. */
  private triggerBody(service: RenderService): TriggerBody {
    const body: TriggerBody = { clearCache: this.settings.clearCache ? 'clear' : 'do_not_clear' };
    if (this.settings.image) {
      if (!service.imagePath)
        throw new ConfigurationError(
          `Input "image" is invalid for ${service.name} (${service.id}): it is a Git-backed service; deploy a commit instead (leave "image" empty).`,
        );
      body.imageUrl = this.settings.image;
    } else if (service.imagePath) {
      if (this.settings.commitGiven)
        throw new ConfigurationError(
          `Input "commit" is invalid for ${service.name} (${service.id}): it is an image-backed service (${service.imagePath}); set "image" to the tag or digest to deploy.`,
        );
    } else if (this.settings.commit) body.commitId = this.settings.commit;
    return body;
  }

  async deploy(context: DeployContext): Promise<DeployAttempt> {
    const started = Date.now();
    const deadline = started + context.timeoutMs;
    const service = await this.serviceInfo();
    const body = this.triggerBody(service);
    const log: string[] = [];
    const say = (line: string) => {
      log.push(line);
      context.log(line);
    };
    const attempt = (extra: Partial<DeployAttempt>): DeployAttempt => ({
      exitCode: null,
      timedOut: false,
      durationMs: Date.now() - started,
      output: log.join('\n'),
      ...extra,
    });
    let made: RenderDeploy | undefined;
    try {
      const known = new Set((await this.guard(this.api.deploys(service.id, { limit: 10 }))).map((d) => d.deploy.id));
      say(`POST /services/${service.id}/deploys ${JSON.stringify(body)}`);
      made = await this.api.trigger(service.id, body);
      // 202: Render queued the deploy and sent no body; it appears in the list (deploycreate.go:46-52).
      made ??= await appeared(service.id, known, Math.min(deadline, Date.now() + QUEUED_WAIT_MS), say, this.waitDeps());
    } catch (error) {
      const explained = this.explain(error);
      return attempt({ problem: `Render did not start the deploy: ${errorMessage(explained)}` });
    }
    if (!made)
      return attempt({
        problem: "Render answered 202 (queued) but no new deploy appeared in the service's list within a minute",
      });
    say(
      `Render deploy ${made.id} is ${made.status ?? 'created'}${service.dashboardUrl ? ` (${service.dashboardUrl}/deploys/${made.id})` : ''}.`,
    );
    const last = await this.follow(service, made, deadline, say);
    const status = last.status ?? 'unknown';
    const settled = SETTLED.has(status);
    return attempt({
      deployment: this.toDeployment(last, service),
      exitCode: settled ? 0 : null,
      timedOut: !settled,
      problem: settled
        ? undefined
        : `the deploy was still ${status} when the ${formatDuration(context.timeoutMs)} timeout passed`,
    });
  }

  private waitDeps(): WaitDeps {
    return {
      api: this.api,
      sleep: (ms: number) => this.deps.sleep(ms),
      explain: (error: unknown) => this.explain(error),
    };
  }

  /** Follows the deploy until it settles (./wait.ts), recording the statuses it went through. */
  private follow(
    service: RenderService,
    deploy: RenderDeploy,
    deadline: number,
    say: (line: string) => void,
  ): Promise<RenderDeploy> {
    const went = this.went.get(deploy.id) ?? new Set<string>();
    this.went.set(deploy.id, went);
    return followDeploy(service.id, deploy, deadline, say, went, this.waitDeps());
  }

  async verify(attempt: DeployAttempt, previous: Deployment | undefined): Promise<DeployOutcome> {
    const deployment = attempt.deployment;
    const still = previous ? `; ${previous.id} is still live` : '';
    if (!deployment) return { status: 'failed', evidence: `${attempt.problem ?? 'no deploy was made'}${still}` };
    const status = deployment.status ?? 'unknown';
    const step = PRE_DEPLOY_STEPS.render;
    // pre_deploy_failed: the pre-deploy command exited non-zero, so Render never started the
    // new instances and the live deploy kept serving (docs/platforms.md §9.1).
    if (status === 'pre_deploy_failed')
      return preDeployFailed(
        deployment,
        await this.current(),
        { step, detail: 'pre_deploy_failed' },
        `Render reports ${deployment.id} as pre_deploy_failed`,
      );
    const ranPreDeploy = this.went.get(deployment.id)?.has('pre_deploy_in_progress');
    if (status === 'live')
      return {
        status: 'success',
        deployment,
        evidence: `Render reports ${deployment.id} live`,
        preDeploy: ranPreDeploy ? { step, result: 'passed', detail: 'pre_deploy_in_progress, then live' } : undefined,
      };
    if (status === 'deactivated') {
      const live = await this.current();
      return {
        status: 'success',
        deployment,
        evidence: `Render reports ${deployment.id} deactivated: it went live and was then replaced by ${live?.id ?? 'a newer deploy'} (Render's CLI counts this a success)`,
      };
    }
    if (deployment.phase === 'failed')
      return { status: 'failed', deployment, evidence: `Render reports ${deployment.id} as ${status}${still}` };
    return {
      status: 'unknown',
      deployment,
      evidence: `Render reports ${deployment.id} still ${status}: ${attempt.problem ?? 'it has not settled'}; it may still go live`,
    };
  }

  /** The service's log lines from the deploy's start to its end (build, pre-deploy and start-up). */
  async logTail(deployment: Deployment): Promise<string | undefined> {
    const service = await this.serviceInfo();
    const deploy = this.seen.get(deployment.id) ?? (await this.api.deploy(service.id, deployment.id));
    if (!deploy?.createdAt) return undefined;
    const end = deploy.finishedAt ?? new Date().toISOString();
    const lines = await this.api.logs(service.ownerId, service.id, deploy.createdAt, end, 50);
    return lines.length ? lines.reverse().join('\n') : undefined;
  }

  /** The newest live-or-deactivated deploy older than `before` (default: older than the live one), page by page. */
  async previousSuccessful(before?: string): Promise<Deployment | undefined> {
    const service = await this.serviceInfo();
    let cursor: string | undefined;
    let passed = false;
    for (let page = 0; page < 10; page++) {
      const items = await this.guard(this.api.deploys(service.id, { limit: 20, cursor }));
      for (const { deploy } of items) {
        if (!passed) {
          passed = before ? deploy.id === before : deploy.status === 'live';
          continue;
        }
        if (deploy.status === 'live' || deploy.status === 'deactivated') return this.toDeployment(deploy, service);
      }
      if (items.length < 20) return undefined;
      cursor = items[items.length - 1]?.cursor;
    }
    return undefined;
  }

  async rollback(target: Deployment, reason: string, context: DeployContext): Promise<Deployment | undefined> {
    const service = await this.serviceInfo();
    const deadline = Date.now() + context.timeoutMs;
    const known = new Set((await this.guard(this.api.deploys(service.id, { limit: 10 }))).map((d) => d.deploy.id));
    context.log(`POST /services/${service.id}/rollback {"deployId":"${target.id}"}: ${reason}`);
    let made = await this.guard(this.api.rollback(service.id, target.id));
    made ??= await appeared(
      service.id,
      known,
      Math.min(deadline, Date.now() + QUEUED_WAIT_MS),
      context.log,
      this.waitDeps(),
    );
    if (!made) throw new KitError(`Render accepted the rollback to ${target.id}, but no rollback deploy appeared.`);
    context.log(`Render's rollback deploy ${made.id} restores ${target.id}; waiting for it to go live.`);
    const last = await this.follow(service, made, deadline, context.log);
    if (last.status !== 'live')
      throw new KitError(
        SETTLED.has(last.status ?? '')
          ? `Render's rollback deploy ${made.id} ended ${last.status}. Check the service in Render's dashboard.`
          : `Render's rollback deploy ${made.id} was still ${last.status} after ${formatDuration(context.timeoutMs)}.`,
      );
    const notice =
      service.autoDeploy === 'yes'
        ? `Auto-deploy is still on for ${service.name} (${service.id}): a rollback through Render's API does not turn it off (a dashboard rollback does), so the next push to its branch deploys over this rollback. Turn auto-deploy off in the service's settings until a fix is merged.`
        : undefined;
    if (notice) context.log(notice);
    return { ...this.toDeployment(last, service), restores: target.id, notice };
  }
}
