/**
 * Every status Render reports, to the kit's verdict: the provider and the shared deploy flow
 * against the fake Render API on 127.0.0.1, without the runner (fast; render.test.ts runs
 * the same through dist/).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { deployFlow } from '../../src/providers/deploy-flow.js';
import { RenderProvider } from '../../src/providers/render/render.js';
import { FakeRenderApi, type RenderState, initialRenderState } from '../fakes/render-api.js';

let api: FakeRenderApi;
afterEach(() => api.stop());

async function provider(overrides: Partial<RenderState> = {}): Promise<RenderProvider> {
  api = new FakeRenderApi(initialRenderState(overrides));
  const url = await api.start();
  return new RenderProvider(
    {
      token: api.state.apiKey,
      serviceId: api.state.service.id,
      commit: 'abc1234',
      commitGiven: true,
      clearCache: false,
      apiUrl: url,
    },
    {
      cli: () => Promise.reject(new Error('no CLI')),
      run: () => Promise.reject(new Error('no CLI')),
      fetch,
      env: {},
      log: () => undefined,
      sleep: () => Promise.resolve(),
    },
  );
}
const flow = (p: RenderProvider, timeoutMs = 30_000) =>
  deployFlow(p, { timeoutMs, log: () => undefined, onPrevious: () => undefined });

describe('Render statuses to verdicts', () => {
  it.each([
    ['success', 'success', 'live'],
    ['build_failed', 'failed', 'build_failed'],
    ['pre_deploy_failed', 'failed', 'pre_deploy_failed'],
    ['update_failed', 'failed', 'update_failed'],
    ['canceled', 'failed', 'canceled'],
  ] as const)('%s → %s', async (scenario, verdict, status) => {
    const report = await flow(await provider({ scenario }));
    expect(report.outcome.status).toBe(verdict);
    expect(report.outcome.deployment?.status).toBe(status);
    if (verdict === 'failed') expect(report.outcome.logTail).toContain('--- Render log ---');
  });

  it('a deploy queued first (202, then `queued`) is followed to live', async () => {
    const report = await flow(await provider({ queued: true }));
    expect(report.outcome.status).toBe('success');
    expect(api.state.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('deactivated (it went live, then a newer deploy replaced it) is a success, naming the newer one', async () => {
    const p = await provider();
    api.state.deploys.push({
      ...api.state.deploys[1]!,
      id: 'dep-9999newer',
      status: 'live',
      plan: ['live'],
      createdAt: new Date(Date.now() + 60_000).toISOString(),
    });
    api.state.deploys[1]!.status = 'deactivated';
    const outcome = await p.verify(
      {
        deployment: { id: 'dep-0002live', status: 'deactivated', phase: 'succeeded' },
        exitCode: 0,
        timedOut: false,
        durationMs: 1,
        output: '',
      },
      undefined,
    );
    expect(outcome.status).toBe('success');
    expect(outcome.evidence).toContain('replaced by dep-9999newer');
  });

  it('a trigger Render refuses (400: no such commit) is a failed deploy with its message; nothing changed', async () => {
    const report = await flow(await provider({ commits: ['0000000'] }));
    expect(report.outcome.status).toBe('failed');
    expect(report.outcome.evidence).toContain('Render did not start the deploy');
    expect(report.outcome.evidence).toContain('commit abc1234 not found');
    expect(report.outcome.evidence).toContain('dep-0002live is still live');
    expect(api.state.deploys).toHaveLength(2);
  });
});
