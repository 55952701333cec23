/**
 * The notify wiring of both reusable workflows (DESIGN.md "After the deploy: watch, soak,
 * notify"): which state each notify step posts, that a Slack message is threaded through the
 * run, that the secrets reach the notify action only through `with:`, and that a notification
 * that fails never fails a deploy.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readWorkflow } from './interfaces.js';
import { PRODUCTION, STAGING, approvedCheck, cases } from './scenarios.js';
import { type StepBehaviour, type StepCall, type StepResult, simulate } from './simulate.js';

const NOTIFY_STEPS = [
  'notify-started',
  'notify-gate-failed',
  'notify-refused',
  'notify-approval',
  'notify-deploying',
  'notify-outcome',
];
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const SLACK = 'xoxb-000-000-secret';

/** Runs a scenario with notification secrets, recording what every notify step was given. */
async function notified(
  name: string,
  workflow: string,
  extra: {
    inputs?: Record<string, string | boolean>;
    github?: Record<string, unknown>;
    steps?: Record<string, StepBehaviour>;
  } = {},
  answer: (id: string, call: StepCall) => StepResult = () => ({}),
) {
  const base = cases.find((c) => c.workflow === workflow && c.name === name);
  if (!base) throw new Error(`no scenario ${name}`);
  const calls: Array<{ id: string; with: Record<string, string>; env: Record<string, string> }> = [];
  const record = Object.fromEntries(
    NOTIFY_STEPS.map((id) => [
      id,
      { run: async (call: StepCall) => (calls.push({ id, ...call }), answer(id, call)) } satisfies StepBehaviour,
    ]),
  );
  const sim = await simulate({
    ...base,
    inputs: { ...base.inputs, 'slack-channel': 'C0123456789', ...extra.inputs },
    github: { ...base.github, ...extra.github },
    secrets: { ...base.secrets, NOTIFY_WEBHOOK: WEBHOOK, SLACK_BOT_TOKEN: SLACK },
    steps: { ...base.steps, ...extra.steps, ...record },
  });
  return { sim, calls, states: calls.map((c) => c.with.status) };
}

describe('notify: the states a release goes through', () => {
  it('staging: started → deploying → live, each given the webhook and the bot token through with:', async () => {
    const { sim, calls, states } = await notified('all green', STAGING);
    expect(sim.jobs.deploy?.result).toBe('success');
    expect(states).toEqual(['started', 'deploying', 'live']);
    for (const call of calls) {
      expect(call.with).toMatchObject({ 'webhook-url': WEBHOOK, 'slack-token': SLACK, environment: 'staging' });
      expect(JSON.stringify(call.env)).not.toContain('secret'); // secrets only as inputs
    }
  });

  it('the smoke test fails and the rollback restores the old release → rolled-back, with the reason', async () => {
    const { states, calls } = await notified('smoke fails → rollback runs', STAGING, {
      steps: { rollback: { outputs: { 'rolled-back': 'true', 'rolled-back-to': 'dpl_old' } } },
    });
    expect(states).toEqual(['started', 'deploying', 'rolled-back']);
    expect(calls.at(-1)?.with.reason).toBe(
      'staging failed — migration success, deploy success, smoke test failure, release skipped',
    );
  });

  it('a deploy that fails before deploying anything → failed; the tests failing → failed, and nothing deploys', async () => {
    expect((await notified('deploy fails before deploying → no rollback', STAGING)).states).toEqual([
      'started',
      'deploying',
      'failed',
    ]);
    const gate = await notified('gate fails → nothing deploys', PRODUCTION);
    expect(gate.states).toEqual(['started', 'failed']);
    expect(gate.calls[1]?.with.reason).toBe('The tests failed; nothing was deployed.');
  });

  it('production, approval: comment — started → awaiting approval on the tag push; deploying → live (approved by) on the /approve run', async () => {
    const tag = await notified('approval: comment, tag push → gate, release issue, then the run ends', PRODUCTION, {
      github: { ref_name: 'v1.2.0' },
    });
    expect(tag.states).toEqual(['started', 'awaiting-approval']);
    expect(tag.calls.map((c) => c.with.version)).toEqual(['v1.2.0', 'v1.2.0']);
    const approved = await notified(
      'approval: comment, /approve passes the check → production job, outcome reported',
      PRODUCTION,
      { steps: { 'approval.check': { outputs: { ...approvedCheck.outputs, approver: 'alice' } } } },
    );
    expect(approved.sim.jobs.production?.result).toBe('success');
    expect(approved.states).toEqual(['deploying', 'live']);
    expect(approved.calls.map((c) => [c.with.version, c.with['approved-by']])).toEqual([
      ['v1.2.0', 'alice'],
      ['v1.2.0', 'alice'],
    ]);
  });

  it('production: a freeze window refuses before the approval → failed, naming the window', async () => {
    const { sim, calls } = await notified(
      'freeze window now, require-staging off → refused before the approval',
      PRODUCTION,
      {
        steps: {
          'require-staging.freeze': { outcome: 'failure', outputs: { freeze: 'Fri 16:00 - Mon 08:00 Europe/Berlin' } },
        },
      },
    );
    expect(sim.jobs.production?.result).toBe('skipped');
    expect(calls.map((c) => [c.id, c.with.status])).toEqual([
      ['notify-started', 'started'],
      ['notify-refused', 'failed'],
    ]);
    expect(calls[1]?.with.reason).toBe(
      'Refused before the approval, inside the freeze window Fri 16:00 - Mon 08:00 Europe/Berlin',
    );
  });

  it('with a Slack bot: the first message is updated by every later step (message-ts and channel id threaded)', async () => {
    const { calls } = await notified('all green', PRODUCTION, {}, (id) =>
      id === 'notify-started' ? { outputs: { 'message-ts': '1405894322.002768', 'channel-id': 'C999' } } : {},
    );
    expect(calls.map((c) => [c.id, c.with.channel, c.with['message-ts']])).toEqual([
      ['notify-started', 'C0123456789', undefined],
      ['notify-deploying', 'C999', '1405894322.002768'],
      ['notify-outcome', 'C999', '1405894322.002768'],
    ]);
  });

  it('a chat service that is down fails no job: every notify step is continue-on-error', async () => {
    const down = await notified('all green', PRODUCTION, {}, () => ({ outcome: 'failure' }));
    expect(down.states).toEqual(['started', 'deploying', 'live']);
    expect([down.sim.jobs.gate?.result, down.sim.jobs.production?.result]).toEqual(['success', 'success']);
    // The simulator can fail: without continue-on-error the same run fails the gate.
    const source = readFileSync(PRODUCTION, 'utf8').replaceAll(
      'continue-on-error: true # a notification',
      '# a notification',
    );
    const base = cases.find((c) => c.workflow === PRODUCTION && c.name === 'all green')!;
    const strict = await simulate({
      ...base,
      source,
      secrets: { ...base.secrets, NOTIFY_WEBHOOK: WEBHOOK },
      steps: { ...base.steps, 'notify-started': { outcome: 'failure' } },
    });
    expect(strict.jobs.gate?.result).toBe('failure');
  });

  it.each([STAGING, PRODUCTION])('%s: no notify step runs without NOTIFY_WEBHOOK or SLACK_BOT_TOKEN', async (file) => {
    const base = cases.find((c) => c.workflow === file && c.name === 'all green')!;
    const sim = await simulate(base);
    expect(sim.ran.filter((step) => /notify/.test(step))).toEqual([]);
    for (const job of Object.values(readWorkflow(file).jobs))
      for (const step of job.steps ?? [])
        if (step.uses === '$/actions/notify')
          expect([step.id, (step as { 'continue-on-error'?: boolean })['continue-on-error']]).toEqual([step.id, true]);
  });
});
