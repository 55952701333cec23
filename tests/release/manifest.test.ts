/** deploy-kit.yml validation: every kind of mistake, all reported at once, naming service and key. */
import { describe, expect, test } from '@jest/globals';
import { planRelease } from '../../src/release/plan.js';
import { manifestJsonSchema } from '../../src/release/manifest.js';
import { usualTokenEnv } from '../../src/release/manifest-inputs.js';

const env = { RAILWAY_TOKEN: 'rw-secret-1', VERCEL_TOKEN: 'vc_secret_2', FLY_API_TOKEN: 'fly-secret-3' };
const plan = (text: string, environment = 'production', extra: Partial<Parameters<typeof planRelease>[1]> = {}) =>
  planRelease(text, { environment, env, setSecret: () => undefined, ...extra });
const problems = async (text: string, environment = 'production') => {
  try {
    await plan(text, environment);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the manifest to be refused');
};

const GOOD = `services:
  api: { provider: railway, service: api, smoke: { path: /health, expect-version: true } }
  worker: { provider: railway, service: worker }
  web:
    provider: vercel
    needs: [api]
    org-id: team_x
    project-id: prj_x
    smoke: { path: / }
environments:
  staging:
    services:
      api: { environment: staging }
      web: { production: false }
  production: {}
`;

describe('the release manifest', () => {
  test('the docs/design.md example: needs order, overrides merged, tokens from their usual variables', async () => {
    const staging = await plan(GOOD, 'staging');
    expect(staging.services.map((s) => s.name)).toEqual(['api', 'worker', 'web']);
    const api = staging.services[0];
    expect(api?.inputs).toMatchObject({
      service: 'api',
      environment: 'staging',
      token: 'rw-secret-1',
      timeout: 900_000,
    });
    expect(staging.services[2]?.inputs).toMatchObject({ production: false, token: 'vc_secret_2' });
    expect((await plan(GOOD)).services[0]?.inputs.environment).toBeUndefined();
    expect(['railway', 'vercel', 'fly', 'render', 'vm'].map(usualTokenEnv)).toEqual([
      'RAILWAY_TOKEN',
      'VERCEL_TOKEN',
      'FLY_API_TOKEN',
      'RENDER_API_KEY',
      'SSH_KEY',
    ]);
  });

  test('the services input picks a subset; an unknown one is an error', async () => {
    expect((await plan(GOOD, 'production', { only: ['web'] })).services.map((s) => s.name)).toEqual(['web']);
    await expect(plan(GOOD, 'production', { only: ['nope'] })).rejects.toThrow(/input "services": "nope"/);
  });

  test('every mistake at once, each naming the service and the key', async () => {
    const message = await problems(`services:
  api: { provider: railway, service: api, timeout: soon, colour: red, smoke: { expect-status: abc } }
  web: { provider: vercel, org-id: team_x, needs: [api, db] }
  db: { provider: postgres }
  job: { provider: fly, app: job, token-env: JOB_TOKEN, strategy: sideways }
`);
    expect(message).toMatch(/nothing was deployed/);
    expect(message).toContain('service "api", key "timeout": "soon" is not a duration');
    expect(message).toContain('service "api": unknown key "colour"');
    expect(message).toContain('service "api", key "smoke.expect-status": "abc" is not a status pattern');
    expect(message).toContain('service "web", key "project-id": is required');
    expect(message).toContain('service "db": "provider" must be one of railway, vercel, fly');
    expect(message).toContain('service "job", key "strategy"');
    expect(message).toContain('service "job", key "token-env": the environment variable JOB_TOKEN is not set');
  });

  test('unknown and circular needs', async () => {
    expect(await problems('services:\n  a: { provider: fly, app: a, needs: [zz] }\n')).toContain(
      'service "a", key "needs": "zz" is not a service of the manifest',
    );
    expect(
      await problems(
        'services:\n  a: { provider: fly, app: a, needs: [b] }\n  b: { provider: fly, app: b, needs: [a] }\n',
      ),
    ).toContain('"a", "b" need each other in a circle');
  });

  test('duplicate names, an unknown environment, an override of a key the provider does not have', async () => {
    expect(await problems('services:\n  a: { provider: fly, app: a }\n  a: { provider: fly, app: b }\n')).toMatch(
      /line 3: a name appears twice/,
    );
    expect(await problems(GOOD, 'qa')).toContain('environment "qa" is not one of the manifest\'s environments');
    const override = await problems(
      'services:\n  a: { provider: fly, app: a }\nenvironments:\n  p: { services: { a: { org-id: x }, b: {} } }\n',
      'p',
    );
    expect(override).toContain('environment "p", service "a": unknown key "org-id" (not an input of provider fly)');
    expect(override).toContain('environment "p", service "b": no such service');
  });

  test('a missing token variable names it; a token is never part of the plan errors', async () => {
    const message = await planRelease(GOOD, { environment: 'production', env: {}, setSecret: () => undefined }).catch(
      (e: Error) => e.message,
    );
    expect(message).toContain('service "api", key "token-env": the environment variable RAILWAY_TOKEN is not set');
    expect(message).toContain('service "web", key "token-env": the environment variable VERCEL_TOKEN is not set');
  });

  test('the JSON Schema lists every provider and its inputs', () => {
    const schema = JSON.stringify(manifestJsonSchema());
    for (const key of ['"org-id"', '"start-command"', '"strategy"', '"expect-version"', '"token-env"'])
      expect(schema).toContain(key);
  });
});
