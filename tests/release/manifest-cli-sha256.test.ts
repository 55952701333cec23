/** deploy-railway's cli-sha256 flows into the manifest's railway services like its other inputs. */
import { describe, expect, test } from '@jest/globals';
import { planRelease } from '../../src/release/plan.js';

const SHA = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
const plan = (text: string) =>
  planRelease(text, { environment: 'production', env: { RAILWAY_TOKEN: 'rw-secret-1' }, setSecret: () => undefined });

describe('cli-sha256 in deploy-kit.yml', () => {
  test('a railway service takes it, parsed as the action parses it', async () => {
    const released = await plan(
      `services:\n  api: { provider: railway, service: api, cli-version: 5.42.1, cli-sha256: ${SHA} }\n`,
    );
    expect(released.services[0]?.inputs).toMatchObject({ cliVersion: '5.42.1', cliSha256: SHA.toLowerCase() });
  });

  test('a value that is not a sha256 names the service and the key', async () => {
    await expect(plan('services:\n  api: { provider: railway, service: api, cli-sha256: nope }\n')).rejects.toThrow(
      /api.*cli-sha256.*"nope" is not a sha256/s,
    );
  });
});
