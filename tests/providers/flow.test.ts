/** The shared deploy and rollback flows, driven with an in-memory platform. */
import { describe, expect, it } from '@jest/globals';
import { deployFlow } from '../../src/providers/deploy-flow.js';
import type { DeployAttempt, Deployment, Provider } from '../../src/providers/provider.js';
import { rollbackFlow } from '../../src/providers/rollback.js';

interface Platform {
  deployments: Deployment[];
  live?: string;
}

function memoryProvider(platform: Platform, attempt: (p: Platform) => DeployAttempt, events: string[] = []): Provider {
  const find = async (id: string) => platform.deployments.find((d) => d.id === id);
  return {
    name: 'memory',
    current: async () => (platform.live ? find(platform.live) : undefined),
    find,
    deploy: async () => {
      events.push('deploy');
      return attempt(platform);
    },
    previousSuccessful: async (before) => {
      const index = platform.deployments.findIndex((d) => d.id === before);
      return platform.deployments
        .slice(0, index === -1 ? undefined : index)
        .reverse()
        .find((d) => d.phase === 'succeeded');
    },
    rollback: async (target) => {
      platform.live = target.id;
      return target;
    },
    logTail: async (d) => `logs of ${d.id}`,
  };
}

const base = (): Platform => ({
  deployments: [{ id: 'd1', phase: 'succeeded', status: 'SUCCESS' }],
  live: 'd1',
});
const clean = { exitCode: 0, timedOut: false, durationMs: 5, output: '' };
const options = (events: string[] = []) => ({
  timeoutMs: 1000,
  log: () => undefined,
  onPrevious: (p: Deployment | undefined) => events.push(`previous=${p?.id ?? ''}`),
});

describe('deployFlow', () => {
  it('records what is live before deploying and confirms the new one with the platform', async () => {
    const events: string[] = [];
    const provider = memoryProvider(
      base(),
      (p) => {
        p.deployments.push({ id: 'd2', phase: 'succeeded' });
        p.live = 'd2';
        return { ...clean, deployment: { id: 'd2' } };
      },
      events,
    );
    const report = await deployFlow(provider, options(events));
    expect(events).toEqual(['previous=d1', 'deploy']);
    expect(report.outcome.status).toBe('success');
    expect(report.outcome.evidence).toContain('memory reports d2 live');
  });

  it('calls a non-zero exit a success when the platform serves the new deployment', async () => {
    const provider = memoryProvider(base(), (p) => {
      p.deployments.push({ id: 'd2', phase: 'succeeded' });
      p.live = 'd2';
      return { ...clean, exitCode: 1, problem: 'exited with code 1', deployment: { id: 'd2' } };
    });
    const report = await deployFlow(provider, options());
    expect(report.outcome.status).toBe('success');
    expect(report.outcome.evidence).toContain('exited with code 1');
  });

  it('calls a zero exit a failure when the platform reports the deployment failed, with its logs', async () => {
    const provider = memoryProvider(base(), (p) => {
      p.deployments.push({ id: 'd2', phase: 'failed', status: 'CRASHED' });
      return { ...clean, deployment: { id: 'd2' } };
    });
    const report = await deployFlow(provider, options());
    expect(report.outcome.status).toBe('failed');
    expect(report.outcome.evidence).toContain('CRASHED');
    expect(report.outcome.logTail).toBe('--- memory log ---\nlogs of d2');
  });

  it('reports unknown when the deployment is still in progress at the deadline', async () => {
    const provider = memoryProvider(base(), (p) => {
      p.deployments.push({ id: 'd2', phase: 'in-progress', status: 'BUILDING' });
      return { ...clean, exitCode: null, timedOut: true, problem: 'timed out', deployment: { id: 'd2' } };
    });
    expect((await deployFlow(provider, options())).outcome.status).toBe('unknown');
  });

  it('reports failed when the CLI named nothing and the old deployment is still live', async () => {
    const provider = memoryProvider(base(), () => ({ ...clean, exitCode: 1, problem: 'exited with code 1' }));
    const report = await deployFlow(provider, options());
    expect(report.outcome).toMatchObject({ status: 'failed' });
    expect(report.outcome.evidence).toContain('still serves d1');
  });
});

describe('rollbackFlow', () => {
  const rollbackOptions = {
    reason: 'smoke test failed',
    timeoutMs: 1000,
    log: () => undefined,
    sleep: async () => undefined,
  };

  it('returns to the named deployment and keeps the failed one’s log tail', async () => {
    const platform = base();
    platform.deployments.push({ id: 'd2', phase: 'succeeded' });
    platform.live = 'd2';
    const report = await rollbackFlow(
      memoryProvider(platform, () => clean),
      { ...rollbackOptions, to: 'd1' },
    );
    expect(report).toMatchObject({ rolledBack: true, live: { id: 'd1' }, failed: { id: 'd2' }, logTail: 'logs of d2' });
    expect(platform.live).toBe('d1');
  });

  it('finds the last successful deployment before the live one when no target is given', async () => {
    const platform = base();
    platform.deployments.push({ id: 'dX', phase: 'failed' }, { id: 'd3', phase: 'succeeded' });
    platform.live = 'd3';
    const report = await rollbackFlow(
      memoryProvider(platform, () => clean),
      rollbackOptions,
    );
    expect(report.target?.id).toBe('d1');
    expect(platform.live).toBe('d1');
  });

  it('is a no-op with a notice when there is nothing before the first deployment', async () => {
    const report = await rollbackFlow(
      memoryProvider(base(), () => clean),
      rollbackOptions,
    );
    expect(report.rolledBack).toBe(false);
    expect(report.notice).toContain('Nothing to roll back to');
  });

  it('fails when the platform does not serve the target afterwards', async () => {
    const platform = base();
    platform.deployments.push({ id: 'd2', phase: 'succeeded' });
    platform.live = 'd2';
    const provider = { ...memoryProvider(platform, () => clean), rollback: async () => undefined };
    await expect(rollbackFlow(provider, { ...rollbackOptions, to: 'd1', timeoutMs: 0 })).rejects.toThrow(
      /reports d2 live/,
    );
  });

  it('names a target the platform does not know', async () => {
    await expect(
      rollbackFlow(
        memoryProvider(base(), () => clean),
        { ...rollbackOptions, to: 'nope' },
      ),
    ).rejects.toThrow(/no such deployment/);
  });
});
