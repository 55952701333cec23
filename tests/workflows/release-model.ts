/**
 * The release step of a scenario, decided by the release action's own logic: the manifest
 * through planRelease (so a token the workflow does not pass is refused as the action would),
 * the services through runRelease and, for a cancelled job, the post step's rollBackRelease
 * (src/release). Only the platforms are in memory: one per service, with the deployment that
 * was live before the release. The outputs are the ones src/actions/release/main.ts finish()
 * writes (status, release, url only on success, deployed, rolled-back).
 */
import { ConfigurationError, errorMessage } from '../../src/lib/errors.js';
import type { Deployment, Provider } from '../../src/providers/provider.js';
import { type PlannedService, planRelease } from '../../src/release/plan.js';
import {
  type ReleaseDeps,
  type ReleaseProgress,
  releaseJson,
  rollBackRelease,
  runRelease,
} from '../../src/release/release.js';
import type { StepBehaviour, StepCall, StepResult } from './simulate.js';

export interface ServiceScript {
  /** The platform's verdict on the new deployment. Default: success. */
  deploy?: 'success' | 'failed';
  /** The service's smoke test. Default: passes. */
  smoke?: 'passed' | 'failed';
}

export interface ReleaseScript {
  /** deploy-kit.yml's text. */
  manifest: string;
  services?: Record<string, ServiceScript>;
  /** The job is cancelled once this service is deployed and healthy, before the next one starts. */
  cancelAfter?: string;
}

/** One service's platform: what is live, and every deployment it has made. */
export class MemoryPlatform implements Provider {
  readonly deployments: Deployment[];
  live: string;
  deploys = 0;
  rollbacks = 0;

  constructor(
    readonly name: string,
    private readonly script: ServiceScript = {},
  ) {
    this.deployments = [{ id: `${name}-v1`, url: `https://${name}-v1.example.com`, phase: 'succeeded' }];
    this.live = `${name}-v1`;
  }

  async current() {
    return this.find(this.live);
  }
  async find(id: string) {
    return this.deployments.find((d) => d.id === id);
  }
  async deploy() {
    this.deploys++;
    const ok = this.script.deploy !== 'failed';
    const deployment: Deployment = {
      id: `${this.name}-v${this.deployments.length + 1}`,
      url: `https://${this.name}-v${this.deployments.length + 1}.example.com`,
      phase: ok ? 'succeeded' : 'failed',
      status: ok ? 'SUCCESS' : 'FAILED',
    };
    this.deployments.push(deployment);
    if (ok) this.live = deployment.id;
    return { deployment, exitCode: ok ? 0 : 1, timedOut: false, durationMs: 1, output: '' };
  }
  async previousSuccessful(before?: string) {
    const index = this.deployments.findIndex((d) => d.id === before);
    return this.deployments.slice(0, index === -1 ? undefined : index).findLast((d) => d.phase === 'succeeded');
  }
  async rollback(target: Deployment) {
    this.rollbacks++;
    this.live = target.id;
    return target;
  }
}

const TOKEN_ENVS = ['RAILWAY_TOKEN', 'VERCEL_TOKEN', 'FLY_API_TOKEN', 'RENDER_API_KEY', 'SSH_KEY'];

/** The outputs finish() sets (src/actions/release/main.ts). */
function outputsOf(progress: ReleaseProgress, services: PlannedService[]): Record<string, string> {
  const primary = services.find((s) => s.primary) ?? services[0];
  const url = progress.services.find((s) => s.name === primary?.name)?.deployment?.url;
  const names = (pick: (s: ReleaseProgress['services'][number]) => boolean) =>
    JSON.stringify(progress.services.filter(pick).map((s) => s.name));
  return {
    status: progress.status,
    release: JSON.stringify(releaseJson(progress)),
    ...(progress.status === 'success' && url ? { url } : {}),
    deployed: names((s) => s.verdict === 'success'),
    'rolled-back': names((s) => s.rollback === 'rolled-back'),
  };
}

/** A never-settling promise: the job was cancelled here, and the process is gone. */
const cancelled = () => new Promise<never>(() => undefined);

export interface ReleaseModel {
  /** The release step's behaviour for a scenario's `steps`. */
  step: StepBehaviour;
  platforms: Record<string, MemoryPlatform>;
  /** What the release step was handed (its with: and env:), once it ran. */
  calls: StepCall[];
  /** The progress the main step saved last (what the post step reads from GITHUB_STATE). */
  saved(): ReleaseProgress | undefined;
  /** Whether the post step found an unfinished release and finished it. */
  postFinished(): boolean;
}

export function releaseModel(script: ReleaseScript): ReleaseModel {
  const platforms: Record<string, MemoryPlatform> = {};
  const calls: StepCall[] = [];
  let saved: string | undefined;
  let done = false;
  let postFinished = false;

  const prepare = async (call: StepCall) => {
    const env = Object.fromEntries(TOKEN_ENVS.map((name) => [name, call.env[name] ?? '']));
    const plan = await planRelease(script.manifest, {
      environment: call.with.environment ?? '',
      env,
      file: call.with.manifest,
      setSecret: () => undefined,
    });
    for (const service of plan.services)
      platforms[service.name] ??= new MemoryPlatform(service.name, script.services?.[service.name]);
    // The job is cancelled as the next service's deploy begins: that call never returns.
    let cancel = () => undefined as void;
    const cancelledHere = new Promise<undefined>((resolve) => (cancel = () => resolve(undefined)));
    const deps: ReleaseDeps = {
      provider: (service) => platforms[service.name] as MemoryPlatform,
      smoke: async (_settings, service) => ({
        failures: script.services?.[service.name]?.smoke === 'failed' ? [`${service.name}: GET / → 503`] : [],
      }),
      save: (progress) => {
        saved = JSON.stringify(progress);
      },
      group: (title, fn) => {
        const after = script.cancelAfter && plan.services.findIndex((s) => s.name === script.cancelAfter);
        const next = typeof after === 'number' ? plan.services[after + 1] : undefined;
        if (!next || !title.startsWith(`${next.name}: deploy`)) return fn();
        cancel();
        return cancelled();
      },
      log: () => undefined,
      sleep: async () => undefined,
    };
    return { plan, deps, cancelledHere };
  };

  const main = async (call: StepCall): Promise<StepResult> => {
    calls.push(call);
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(call);
    } catch (error) {
      if (error instanceof ConfigurationError) return { outcome: 'failure' };
      throw error;
    }
    const { plan, deps, cancelledHere } = prepared;
    const release = runRelease(
      plan.services,
      {
        version: call.with.version || 'sha',
        environment: plan.environment,
        rollbackOnFailure: call.with['rollback-on-failure'] !== 'false',
        timeoutMs: 3_600_000,
      },
      deps,
    );
    // The cancellation stops the process mid-release: no outputs, the progress as last saved.
    const progress = await Promise.race([release, cancelledHere]);
    if (!progress) return { outcome: 'cancelled' };
    done = true;
    return {
      outcome: progress.status === 'success' ? 'success' : 'failure',
      outputs: outputsOf(progress, plan.services),
    };
  };

  // main.ts post(): only a release the main step did not finish has anything left to do.
  const post = async (call: StepCall): Promise<StepResult> => {
    if (done || !saved) return {};
    const progress = JSON.parse(saved) as ReleaseProgress;
    if (progress.status !== 'in-progress') return {};
    const { plan, deps } = await prepare(call);
    const failure = 'the job was cancelled before the release finished';
    try {
      if (call.with['rollback-on-failure'] !== 'false')
        await rollBackRelease(progress, plan.services, deps, failure, 3_600_000);
    } catch (error) {
      throw new Error(`the post step's rollback threw: ${errorMessage(error)}`);
    }
    saved = JSON.stringify(progress);
    postFinished = true;
    return { outcome: 'failure' };
  };

  return {
    step: { run: main, post },
    platforms,
    calls,
    saved: () => (saved ? (JSON.parse(saved) as ReleaseProgress) : undefined),
    postFinished: () => postFinished,
  };
}
