/**
 * The user's test commands never get the runner's service credentials: with them a test
 * could write the Actions cache that a later deploy job restores its platform CLI from
 * (issue 16), upload artifacts, or mint an OIDC token. A `run:` step does not get them
 * either; JavaScript actions do, so test-gate must drop them for its children.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandEnv } from '../../src/gate/commands.js';
import { runAction } from '../harness/runner.js';

const SERVICE_ENV = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-4f1c',
  ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime/',
  ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/',
  ACTIONS_CACHE_SERVICE_V2: 'true',
  ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-77aa',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc?api-version=2.0',
  ACTIONS_ORCHESTRATION_ID: 'orchestration-1',
};

describe('test-gate: the runner service credentials stay with the action', () => {
  it('commandEnv drops them and keeps the rest of the job environment', () => {
    const env = commandEnv({
      ...SERVICE_ENV,
      PATH: '/bin',
      GITHUB_SHA: 'abc',
      ACTIONS_STEP_DEBUG: 'true',
      INPUT_X: '1',
    });
    expect(env).toEqual({ PATH: '/bin', GITHUB_SHA: 'abc', ACTIONS_STEP_DEBUG: 'true' });
  });

  it('a test command run by dist/test-gate sees none of them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dk-gate-creds-'));
    const run = await runAction('test-gate', {
      cwd: dir,
      inputs: { commands: 'env: env > seen-env.txt', cache: 'none' },
      env: { ...SERVICE_ENV, MY_JOB_VARIABLE: 'kept' },
    });
    expect(run.exitCode).toBe(0);
    const seen = readFileSync(path.join(dir, 'seen-env.txt'), 'utf8');
    expect(seen).toContain('MY_JOB_VARIABLE=kept');
    for (const [name, value] of Object.entries(SERVICE_ENV)) {
      expect(seen).not.toContain(`${name}=`);
      if (value !== 'true') expect(seen).not.toContain(value);
    }
  });
});
