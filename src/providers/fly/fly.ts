/**
 * The Fly.io provider: `fly deploy` under the kit's deadline, the verdict from `fly
 * releases --json` (./releases.ts), and rollback by redeploying an earlier release's image.
 */
import { KitError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import { type RunResult, tail } from '../../lib/exec.js';
import { describeTimeout } from '../deploy-flow.js';
import { preDeployFailed } from '../pre-deploy.js';
import {
  type DeployAttempt,
  type DeployContext,
  type DeployOutcome,
  type Deployment,
  type Provider,
  type ProviderDeps,
  tokenRejectedMessage,
} from '../provider.js';
import type { FlyInputs } from './index.js';
import { type FlyRelease, PHASES, toDeployment } from './releases.js';
import { flyReleaseCommand } from './release-command.js';

export const TOKEN_HELP =
  'create one with `fly tokens create deploy -a <app>` (or in the dashboard: app → Tokens) and store it as a secret such as FLY_API_TOKEN.';

const FLY = { title: 'Fly.io', tokenHelp: TOKEN_HELP };

export class FlyProvider implements Provider {
  readonly name = 'Fly.io';
  /** The newest release version before our deploy: anything above it is ours. */
  private versionBefore = 0;
  /** The URL `fly deploy` printed, if it did. */
  private visitUrl?: string;
  /** `fly deploy`'s whole output, where its release_command reports (./release-command.ts). */
  private deployed = { stdout: '', stderr: '' };

  constructor(
    private readonly inputs: FlyInputs,
    private readonly deps: ProviderDeps,
  ) {}

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.deps.env, CI: 'true', NO_COLOR: '1' };
    // FLY_ACCESS_TOKEN wins over FLY_API_TOKEN in flyctl (internal/config/config.go): leave only ours.
    delete env.FLY_ACCESS_TOKEN;
    env.FLY_API_TOKEN = this.inputs.token;
    if (this.inputs.apiUrl) env.FLY_API_BASE_URL = this.inputs.apiUrl.href.replace(/\/+$/, '');
    return env;
  }

  private async fly(args: string[], timeoutMs: number, onStderr?: (chunk: string) => void): Promise<RunResult> {
    const cli = await this.deps.cli();
    return this.deps.run(cli.path, args, {
      cwd: this.inputs.workingDirectory,
      env: this.env(),
      timeoutMs,
      onStderr,
    });
  }

  /** `fly releases --json`, newest first; failures name the token or the app where that is the cause. */
  async releases(): Promise<FlyRelease[]> {
    const result = await this.fly(['releases', '--app', this.inputs.app, '--json'], 60_000);
    if (result.timedOut) throw new KitError('`fly releases` did not answer within 60 s.');
    if (result.exitCode !== 0) throw this.explain(result, 'fly releases');
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      throw new KitError(`\`fly releases --json\` printed something that is not JSON: ${tail(result.stdout, 3)}`);
    }
    if (!Array.isArray(parsed)) throw new KitError('`fly releases --json` did not print a list of releases.');
    return (parsed as FlyRelease[])
      .filter((r) => r && typeof r.Version === 'number')
      .sort((a, b) => b.Version - a.Version);
  }

  private explain(result: RunResult, command: string): KitError {
    const said = tail(result.stderr || result.stdout, 5);
    if (/access token|authenticat|unauthori[sz]ed|not authorized|token.*(invalid|expired)/i.test(said))
      return new KitError(tokenRejectedMessage(FLY, said.replace(/^Error:\s*/, '')));
    if (/could not find app|app not found|not found.*app/i.test(said))
      return new KitError(
        `Fly.io has no app named "${this.inputs.app}" that this token can see (${said.replace(/^Error:\s*/, '')}). Check the \`app\` input.`,
      );
    return new KitError(`\`${command}\` failed (exit ${result.exitCode}): ${said}`);
  }

  async current(): Promise<Deployment | undefined> {
    const releases = await this.releases();
    this.versionBefore = Math.max(this.versionBefore, releases[0]?.Version ?? 0);
    const live = releases.find((r) => r.Status === 'complete');
    return live ? toDeployment(live, this.inputs.app) : undefined;
  }

  async find(id: string): Promise<Deployment | undefined> {
    const releases = await this.releases();
    const found = releases.find((r) => r.ImageRef === id || `v${r.Version}` === id || r.ID === id);
    return found ? toDeployment(found, this.inputs.app) : undefined;
  }

  private deployArgs(image: string | undefined, strategy: string | undefined, timeoutMs: number): string[] {
    const args = ['deploy', '--app', this.inputs.app, '--remote-only'];
    if (this.inputs.config) args.push('--config', this.inputs.config);
    if (image) args.push('--image', image);
    if (strategy) args.push('--strategy', strategy);
    // flyctl's own wait for machines and health checks (default 5m) stays inside the kit's deadline.
    args.push('--wait-timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
    return args;
  }

  async deploy(context: DeployContext): Promise<DeployAttempt> {
    const args = this.deployArgs(this.inputs.image, this.inputs.strategy, context.timeoutMs);
    context.log(`fly ${args.join(' ')}`);
    const result = await this.fly(args, context.timeoutMs, (chunk) => context.log(chunk.trimEnd()));
    const output = tail(`${result.stdout}\n${result.stderr}`, 40);
    const visit = /Visit your newly deployed app at (https?:\/\/\S+)/.exec(result.stdout)?.[1];
    this.visitUrl = visit;
    this.deployed = { stdout: result.stdout, stderr: result.stderr };
    const problem = result.timedOut
      ? `\`fly deploy\` ${describeTimeout(context.timeoutMs)}`
      : result.exitCode === 126
        ? '`fly deploy` gave up waiting (exit 126: deadline exceeded)'
        : result.exitCode !== 0
          ? `\`fly deploy\` exited with code ${result.exitCode}: ${tail(result.stderr, 1) || 'no error message'}`
          : visit
            ? undefined
            : '`fly deploy` exited 0 without its "Visit your newly deployed app" line (output not understood)';
    return {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      output,
      problem,
    };
  }

  /** Fly's verdict: the release our deploy made (versions above the one live before) and its status. */
  async verify(attempt: DeployAttempt, previous: Deployment | undefined): Promise<DeployOutcome> {
    const cli = attempt.problem ?? 'the CLI reported success';
    const releases = await this.releases();
    const ours = releases.find((r) => r.Version > this.versionBefore);
    const live = releases.find((r) => r.Status === 'complete');
    if (!ours)
      return {
        status: 'failed',
        evidence: `Fly.io made no new release (newest is ${releases[0] ? `v${releases[0].Version}` : 'none'}); ${cli}`,
      };
    const deployment = {
      ...toDeployment(ours, this.inputs.app),
      url: this.visitUrl ?? `https://${this.inputs.app}.fly.dev/`,
    };
    const phase = PHASES[ours.Status] ?? 'in-progress';
    const preDeploy = flyReleaseCommand(this.deployed.stderr, this.deployed.stdout);
    if (phase === 'succeeded' && live?.Version === ours.Version)
      return {
        status: 'success',
        deployment,
        evidence: `Fly.io reports release v${ours.Version} complete and live; ${cli}`,
        preDeploy,
      };
    if (phase === 'failed' && preDeploy?.result === 'failed')
      return preDeployFailed(
        deployment,
        live && toDeployment(live, this.inputs.app),
        preDeploy,
        `Fly.io reports release v${ours.Version} ${ours.Status}, and \`fly deploy\` aborted before updating any machine`,
      );
    if (phase === 'failed')
      return {
        status: 'failed',
        deployment,
        evidence: `Fly.io reports release v${ours.Version} ${ours.Status}${live ? `; v${live.Version} (${live.ImageRef === previous?.id ? 'the previous release' : live.ImageRef}) is what runs` : ''}; ${cli}`,
      };
    return {
      status: 'unknown',
      deployment,
      evidence: `Fly.io reports release v${ours.Version} still ${ours.Status}; ${cli}`,
    };
  }

  async previousSuccessful(before?: string): Promise<Deployment | undefined> {
    const releases = await this.releases();
    const current = before ?? releases.find((r) => r.Status === 'complete')?.ImageRef;
    const start = releases.findIndex((r) => r.ImageRef === current);
    // The newest earlier complete release with a different image (docs/platforms.md §3.4: `.[1].ImageRef`, skipping failed ones).
    const earlier = releases.slice(start + 1).find((r) => r.Status === 'complete' && r.ImageRef !== current);
    return earlier ? toDeployment(earlier, this.inputs.app) : undefined;
  }

  async rollback(target: Deployment, _reason: string, context: DeployContext): Promise<Deployment | undefined> {
    const image = target.image ?? target.id;
    const before = (await this.releases())[0]?.Version ?? 0;
    const args = this.deployArgs(image, this.inputs.strategy ?? 'rolling', context.timeoutMs);
    context.log(`fly ${args.join(' ')}`);
    const result = await this.fly(args, context.timeoutMs, (chunk) => context.log(chunk.trimEnd()));
    const made = (await this.releases()).find((r) => r.Version > before);
    if (made?.Status === 'complete' && made.ImageRef === image) return toDeployment(made, this.inputs.app);
    if (result.timedOut)
      throw new KitError(`Redeploying ${image} on Fly.io did not finish within ${formatDuration(context.timeoutMs)}.`);
    if (result.exitCode !== 0) throw this.explain(result, 'fly deploy --image');
    return made ? toDeployment(made, this.inputs.app) : undefined;
  }

  async logTail(_deployment: Deployment): Promise<string | undefined> {
    // Fly keeps logs per app, not per release: the app's recent lines are what there is.
    const result = await this.fly(['logs', '--app', this.inputs.app, '--no-tail'], 30_000);
    if (result.exitCode !== 0 || result.timedOut) return undefined;
    return tail(result.stdout, 40) || undefined;
  }
}
