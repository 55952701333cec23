import { defineAction } from '../../lib/action-spec.js';
import { Fail, duration, httpUrl, oneOf, optional, text, via } from '../../lib/schemas.js';
import { STATES } from '../../notify/message.js';

/** https only; plain http just for a server on this machine (tests, a local relay). */
export function httpsUrl(url: URL): URL | Fail {
  if (url.protocol === 'https:') return url;
  if (['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) return url;
  return new Fail('must be an https:// URL (plain http is only accepted for 127.0.0.1)');
}

export const spec = defineAction({
  name: 'notify',
  title: 'deploy-kit notify',
  description:
    "Post a release's state to Slack, Discord or a JSON webhook — with a Slack bot token, one message per release, updated as it moves. A failed notification warns and never fails the job.",
  branding: { icon: 'bell', color: 'blue' },
  inputs: {
    'webhook-url': {
      description:
        'A Slack incoming webhook, a Discord webhook or any JSON webhook (https). Masked: it is a credential.',
      secret: true,
      example: '${{ secrets.NOTIFY_WEBHOOK }}',
      parse: optional(via(httpUrl(), httpsUrl)),
    },
    format: {
      description:
        '`auto` (by the URL: hooks.slack.com → slack, discord.com/api/webhooks → discord, else json), `slack`, `discord` or `json`.',
      default: 'auto',
      parse: oneOf(['auto', 'slack', 'discord', 'json'] as const),
    },
    'slack-token': {
      description:
        "A Slack bot token (`xoxb-…`, scope `chat:write`): with `channel`, posts one message per release and updates it. Without `message-ts`, the release's message from an earlier run (the tag push's, seen from the `/approve` run) is found in the channel's latest messages by its metadata, which needs the scope `channels:history` (`groups:history` for a private channel); without it each run posts its own message, with a warning.",
      secret: true,
      example: '${{ secrets.SLACK_BOT_TOKEN }}',
      parse: optional(text()),
    },
    channel: {
      description:
        "The Slack channel for `slack-token`: an id (`C0123456789`); to update a message, the first step's `channel-id` output.",
      parse: optional(text()),
    },
    'message-ts': {
      description:
        "The `message-ts` output of this release's first notify step: that Slack message is updated instead of posting a new one. Empty: the release's message is looked for in the channel's history (see `slack-token`).",
      example: '${{ needs.start.outputs.message-ts }}',
      parse: optional(
        via(text(), (v) => (/^\d+\.\d+$/.test(v) ? v : new Fail('not a Slack message ts such as 1405894322.002768'))),
      ),
    },
    status: {
      description: `The release's state: ${STATES.join(', ')}; empty: the \`status\` of \`release\` (success → live).`,
      parse: optional(oneOf(STATES)),
    },
    release: {
      description:
        "The release record, the release action's `release` output (JSON): version, environment and each service's url and status.",
      example: '${{ steps.release.outputs.release }}',
      parse: optional(text()),
    },
    version: { description: 'The version, when there is no `release` record.', parse: optional(text()) },
    environment: { description: 'The environment, when there is no `release` record.', parse: optional(text()) },
    'approved-by': { description: 'Who approved the release.', parse: optional(text()) },
    reason: { description: 'Why it failed or was rolled back.', parse: optional(text()) },
    'run-url': {
      description:
        'A link to the workflow run; empty: this run (GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID).',
      parse: optional(httpUrl()),
    },
    'api-url': {
      description: "Slack's Web API base URL (https; plain http only for 127.0.0.1, in tests).",
      default: 'https://slack.com/api',
      parse: via(httpUrl(), httpsUrl),
    },
    timeout: {
      description: 'Deadline for all of this step’s requests: a slow chat service never holds up a deploy.',
      default: '5s',
      parse: duration(),
    },
  },
  outputs: {
    sent: '`true` when every target accepted the message.',
    'message-ts': 'The Slack message (with `slack-token`): pass it to the next notify step of this release.',
    'channel-id': 'The Slack channel id the message is in.',
  },
});
