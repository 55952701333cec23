/** A Render service in the release manifest: its inputs, its secret (RENDER_API_KEY), its mistakes. */
import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { planRelease } from '../../src/release/plan.js';
import { manifestJsonSchema } from '../../src/release/manifest.js';
import { runAction } from '../harness/runner.js';
import { FakeRenderApi, initialRenderState } from '../fakes/render-api.js';
import { makeSandbox } from './fake-bin.js';

const plan = (text: string, env: Record<string, string> = { RENDER_API_KEY: 'rnd_secret_key' }) =>
  planRelease(text, { environment: 'production', env, setSecret: () => undefined });

describe('render in deploy-kit.yml', () => {
  test('service-id, commit and clear-cache are read; the key comes from RENDER_API_KEY', async () => {
    const planned = await plan(
      'services:\n  api: { provider: render, service-id: srv-d0abc123, commit: abcdef1, clear-cache: true }\n',
    );
    expect(planned.services[0]?.inputs).toMatchObject({
      serviceId: 'srv-d0abc123',
      commit: 'abcdef1',
      clearCache: true,
      token: 'rnd_secret_key',
    });
  });

  test('a bad service id and a missing key are named with the service and key', async () => {
    const error = await plan('services:\n  api: { provider: render, service-id: api }\n', {}).catch((e: Error) => e);
    expect(String(error)).toContain('service "api", key "service-id"');
    expect(String(error)).toContain('RENDER_API_KEY');
  });

  test('the published JSON Schema lists render as a provider', () => {
    expect(JSON.stringify(manifestJsonSchema())).toContain('"const":"render"');
  });
});

describe('release with a Render service (dist/release, fake Render API)', () => {
  test("deploys it, gets Render's verdict and reports it in the release JSON", async () => {
    const api = new FakeRenderApi(initialRenderState());
    const url = await api.start();
    try {
      const sandbox = makeSandbox({}, {}, 'FAKE_UNUSED');
      writeFileSync(
        path.join(sandbox.workspace, 'deploy-kit.yml'),
        `services:\n  api: { provider: render, service-id: ${api.state.service.id}, api-url: "${url}" }\n`,
      );
      const run = await runAction('release', {
        cwd: sandbox.workspace,
        inputs: { environment: 'production', timeout: '1m' },
        env: { ...sandbox.env, RENDER_API_KEY: api.state.apiKey },
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.status).toBe('success');
      const release = JSON.parse(run.outputs.release ?? '{}') as { services: Record<string, Record<string, unknown>> };
      expect(release.services.api).toMatchObject({
        provider: 'render',
        'previous-deployment-id': 'dep-0002live',
        'deployment-id': api.state.deploys.at(-1)?.id,
      });
      expect(api.state.deploys.at(-1)?.status).toBe('live');
      expect(run.masks).toContain(api.state.apiKey);
      expect(
        run.log
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ).not.toContain(api.state.apiKey);
      expect(run.summary + JSON.stringify(run.outputs)).not.toContain(api.state.apiKey);
    } finally {
      await api.stop();
    }
  });
});
