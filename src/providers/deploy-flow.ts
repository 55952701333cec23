/**
 * The deploy every deploy-* action and the umbrella deploy action share: record what is
 * live BEFORE anything changes (and hand it out at once, so a failed or cancelled deploy
 * still leaves the rollback target behind), run the platform's deploy under a deadline,
 * then ask the platform what really happened: CLIs exit non-zero after good deploys and
 * zero after machines reverted, so their word alone decides nothing.
 */
import { errorMessage } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { tail } from '../lib/exec.js';
import { preDeployLogSection } from './pre-deploy.js';
import {
  type DeployAttempt,
  type DeployContext,
  type DeployOutcome,
  type Deployment,
  type Provider,
  passed,
} from './provider.js';

export interface DeployReport {
  previous?: Deployment;
  attempt: DeployAttempt;
  outcome: DeployOutcome;
  timings: { recordMs: number; deployMs: number; verifyMs: number; totalMs: number };
}

export interface DeployFlowOptions {
  timeoutMs: number;
  log: (line: string) => void;
  /** Called once what is live is known, before the deploy starts. */
  onPrevious: (previous: Deployment | undefined) => void;
  now?: () => number;
}

export async function deployFlow(provider: Provider, options: DeployFlowOptions): Promise<DeployReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const previous = await provider.current();
  options.onPrevious(previous);
  options.log(
    previous
      ? `Live before this deploy: ${describe(previous)}.`
      : 'Nothing is live yet: this is the first deployment (nothing to roll back to).',
  );
  const recorded = now();
  const context: DeployContext = { timeoutMs: options.timeoutMs, log: options.log };
  const attempt = await provider.deploy(context);
  const deployed = now();
  if (attempt.problem) options.log(`The CLI's result is not conclusive (${attempt.problem}); asking the platform.`);
  let outcome: DeployOutcome;
  try {
    outcome = provider.verify
      ? await provider.verify(attempt, previous)
      : await verifyByPlatform(provider, attempt, previous);
  } catch (error) {
    outcome = {
      status: 'unknown',
      deployment: attempt.deployment,
      evidence: `${attempt.problem ?? 'the CLI reported success'}, and asking the platform failed: ${errorMessage(error)}`,
    };
  }
  if (!passed(outcome.status) && !outcome.logTail) outcome.logTail = await failedLogTail(provider, outcome, attempt);
  const verified = now();
  return {
    previous,
    attempt,
    outcome,
    timings: {
      recordMs: recorded - started,
      deployMs: deployed - recorded,
      verifyMs: verified - deployed,
      totalMs: verified - started,
    },
  };
}

/**
 * The default verdict: what the platform reports about the deployment the CLI named,
 * and what it serves now, compared with what was live before.
 */
export async function verifyByPlatform(
  provider: Provider,
  attempt: DeployAttempt,
  previous: Deployment | undefined,
): Promise<DeployOutcome> {
  const cli = attempt.problem ?? 'the CLI reported success';
  const live = await provider.current();
  const ours = attempt.deployment;
  if (ours) {
    const found = (await provider.find(ours.id)) ?? ours;
    const deployment = { ...ours, ...found, url: found.url ?? ours.url };
    if (live?.id === ours.id)
      return { status: 'success', deployment, evidence: `${provider.name} reports ${ours.id} live; ${cli}` };
    if (found.phase === 'failed')
      return {
        status: 'failed',
        deployment,
        evidence: `${provider.name} reports ${ours.id} as ${found.status ?? 'failed'}${live ? `; ${live.id} is still live` : ''}; ${cli}`,
      };
    if (found.phase === 'in-progress')
      return {
        status: 'unknown',
        deployment,
        evidence: `${provider.name} reports ${ours.id} still ${found.status ?? 'in progress'}; ${cli}`,
      };
    return {
      status: 'unknown',
      deployment,
      evidence: `${provider.name} reports ${ours.id} as ${found.status ?? 'unknown'} but ${live ? `${live.id} is live` : 'nothing live'}; ${cli}`,
    };
  }
  if (live && live.id !== previous?.id)
    return {
      status: 'unknown',
      deployment: live,
      evidence: `${live.id} is now live (not the previous ${previous?.id ?? 'none'}), and the CLI did not name the deployment it made (${cli})`,
    };
  return {
    status: 'failed',
    evidence: `${provider.name} still serves ${previous?.id ?? 'nothing'}; ${cli}`,
  };
}

/** The pre-deploy step's own log, the CLI's last lines, then the platform's log of the deployment. */
async function failedLogTail(
  provider: Provider,
  outcome: DeployOutcome,
  attempt: DeployAttempt,
): Promise<string | undefined> {
  const parts: string[] = [];
  const preDeploy = preDeployLogSection(outcome.preDeploy);
  if (preDeploy) parts.push(preDeploy);
  if (attempt.output.trim()) parts.push(`--- CLI output ---\n${tail(attempt.output, 20)}`);
  if (outcome.deployment && provider.logTail) {
    try {
      const logs = await provider.logTail(outcome.deployment);
      if (logs) parts.push(`--- ${provider.name} log ---\n${tail(logs, 40)}`);
    } catch {
      // the CLI's output is what there is
    }
  }
  return parts.length ? parts.join('\n') : undefined;
}

export function describe(deployment: Deployment): string {
  const parts = [deployment.label ? `${deployment.label} (${deployment.id})` : deployment.id];
  if (deployment.url) parts.push(`at ${deployment.url}`);
  if (deployment.status) parts.push(`[${deployment.status}]`);
  return parts.join(' ');
}

export function describeTimeout(ms: number): string {
  return `did not finish within the ${formatDuration(ms)} timeout and was stopped`;
}
