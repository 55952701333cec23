import * as core from '@actions/core';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { ConfigurationError } from '../../lib/errors.js';
import { table, writeSummary } from '../../lib/summary.js';
import { type Note, type State, servicesOf, stateOfRelease } from '../../notify/message.js';
import { type Sent, detectFormat, sendWebhook, slackBot } from '../../notify/send.js';
import { spec } from './spec.js';

type Inputs = ReturnType<typeof readInputs<typeof spec>>;

/** The note from the release record and the inputs; bad input is a ConfigurationError naming it. */
export function buildNote(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): Note {
  let record: Record<string, unknown> = {};
  if (inputs.release) {
    try {
      record = JSON.parse(inputs.release) as Record<string, unknown>;
    } catch {
      throw new ConfigurationError('Input "release" is not JSON: pass the release action\'s `release` output.');
    }
    if (!record || typeof record !== 'object' || Array.isArray(record))
      throw new ConfigurationError('Input "release" must be the release JSON object (the release action\'s output).');
  }
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const state: State | undefined = inputs.status ?? stateOfRelease(record.status);
  if (!state)
    throw new ConfigurationError(
      'Input "status" is required without a finished `release` record: started, awaiting-approval, deploying, live, rolled-back or failed.',
    );
  const runUrl =
    inputs.runUrl?.href ??
    (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined);
  return {
    state,
    version: text(record.version) ?? inputs.version ?? env.GITHUB_REF_NAME ?? (env.GITHUB_SHA ?? '').slice(0, 12),
    environment: text(record.environment) ?? inputs.environment ?? 'production',
    services: servicesOf(record),
    approvedBy: inputs.approvedBy,
    repository: env.GITHUB_REPOSITORY,
    runUrl,
    reason: inputs.reason,
  };
}

export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  if (!inputs.webhookUrl && !inputs.slackToken)
    throw new ConfigurationError('Input "webhook-url" or "slack-token" (with "channel") is required: where to notify.');
  if (inputs.slackToken && !inputs.channel)
    throw new ConfigurationError(
      'Input "channel" is required with "slack-token": the Slack channel id, e.g. C0123456789.',
    );
  const note = buildNote(inputs);

  const deps = { fetch, deadline: Date.now() + inputs.timeout, now: Date.now };
  const results: Array<[string, Sent]> = [];
  const jobs: Array<Promise<void>> = [];
  if (inputs.webhookUrl) {
    const url = inputs.webhookUrl;
    const format = inputs.format === 'auto' ? detectFormat(url) : inputs.format;
    jobs.push(sendWebhook(note, url, format, deps).then((sent) => void results.push([`${format} webhook`, sent])));
  }
  if (inputs.slackToken && inputs.channel) {
    const bot = { token: inputs.slackToken, channel: inputs.channel, ts: inputs.messageTs, apiUrl: inputs.apiUrl };
    jobs.push(slackBot(note, bot, deps).then((sent) => void results.push(['Slack bot', sent])));
  }
  await Promise.all(jobs);

  const bot = results.find(([target]) => target === 'Slack bot')?.[1];
  setOutputs(spec, {
    sent: results.every(([, sent]) => sent.ok),
    'message-ts': bot?.ts ?? inputs.messageTs,
    'channel-id': bot?.channel ?? (bot ? inputs.channel : undefined),
  });
  for (const [target, sent] of results) {
    if (sent.found) core.info(`${target}: ${sent.found}.`);
    if (sent.warning) core.warning(sent.warning, { title: 'One Slack message per release' });
    if (sent.ok) core.info(`Notified the ${target}: ${note.version} → ${note.environment} ${note.state}.`);
    // A notification never fails a deploy: it is a warning, and the job goes on.
    else core.warning(`Could not notify the ${target}: ${sent.problem}`, { title: 'Notification not sent' });
  }
  await writeSummary((summary) => {
    summary.addHeading(`notify: ${note.version} → ${note.environment} ${note.state}`, 3);
    summary.addTable(
      table(
        ['target', 'result'],
        results.map(([target, sent]) => [target, sent.ok ? 'sent' : `not sent: ${sent.problem}`]),
      ),
    );
  });
}
