/**
 * What the approver and the release record learn from the checks before the approval
 * (docs/design.md "After the deploy: watch, soak, freeze, notify"): require-staging's soak
 * time reaches the release issue, and a bypassed freeze window reaches the release record.
 */
import { describe, it, expect } from '@jest/globals';
import { type StepCall, simulate } from './simulate.js';
import { PRODUCTION, comment } from './scenarios.js';

const base = { provider: 'railway', 'test-commands': 'npm test', 'migration-tool': 'none' };
const secrets = { DEPLOY_TOKEN: 'token' };
const SOAK = 'live on staging for 26 h, no incident';

describe('soak time and freeze bypass, through the production workflow', () => {
  it('approval: comment — the release issue shows how long the commit has been live on staging', async () => {
    const opened: StepCall[] = [];
    const sim = await simulate({
      name: 'soak → release issue',
      workflow: PRODUCTION,
      inputs: { ...base, ...comment, 'require-staging': true, 'staging-min-age': '24h' },
      secrets,
      github: { event_name: 'push', ref: 'refs/tags/v1.2.0' },
      steps: {
        'require-staging.staging': {
          run: async (call) =>
            call.with['min-age'] === '24h' ? { outputs: { soak: SOAK, 'live-ms': '93600000' } } : {},
        },
        'release-issue.open': { run: async (call) => (opened.push(call), {}) },
      },
    });
    expect(sim.jobs['release-issue']?.result).toBe('success');
    expect(opened.map((c) => c.with.soak)).toEqual([SOAK]);
  });

  it('a freeze window bypassed when the production job starts → its reason and window go to the release record', async () => {
    const released: StepCall[] = [];
    const window = 'Fri 16:00 - Mon 08:00 Europe/Berlin';
    const reason = 'incident 4711: checkout fix';
    const sim = await simulate({
      name: 'freeze bypass → release record',
      workflow: PRODUCTION,
      inputs: {
        manifest: 'deploy-kit.yml',
        'test-commands': 'npm test',
        'migration-tool': 'none',
        freeze: window,
        'freeze-bypass-reason': reason,
      },
      secrets: { RAILWAY_TOKEN: 'token' },
      github: { event_name: 'push', ref: 'refs/tags/v1.2.0' },
      steps: {
        // require-deployment's outputs inside the window with a bypass reason (src/actions/require-deployment/main.ts).
        freeze: {
          run: async (call) => ({
            outputs: { freeze: window, 'freeze-bypassed': call.with['freeze-bypass-reason'] ?? '' },
          }),
        },
        release: { run: async (call) => (released.push(call), { outputs: { status: 'success' } }) },
      },
    });
    expect(sim.jobs.production?.result).toBe('success');
    expect(released).toHaveLength(1);
    expect(released[0]?.with).toMatchObject({ 'freeze-bypass-reason': reason, 'freeze-window': window });
  });
});
