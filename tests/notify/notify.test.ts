/** notify: the message built from the release record (escaping per format), and dist/notify against fake Slack/Discord/JSON endpoints. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Note, discordText, escapeDiscord, escapeSlack, servicesOf, slackText } from '../../src/notify/message.js';
import { detectFormat } from '../../src/notify/send.js';
import { expectSecretKept, runAction } from '../harness/runner.js';
import { FakeChat } from './fake-chat.js';

const BOT = 'xoxb-fake-bot-token-0123456789';
const record = {
  version: 'v1.4.0',
  environment: 'production',
  status: 'success',
  services: {
    api: {
      provider: 'fly',
      url: 'https://api.example.com',
      status: 'success',
      smoke: 'passed',
      'rolled-back-to': null,
    },
    'web<!channel>': { provider: 'vercel', url: 'https://web.example.com/?a=1&b=2', status: 'success' },
  },
};

describe('notification text', () => {
  const note: Note = {
    state: 'rolled-back',
    version: 'v2 *bold* <@U123>',
    environment: 'prod & co',
    services: servicesOf({
      services: { api: { url: 'https://api.example.com', status: 'failed', 'rolled-back-to': 'dep_1' } },
    }),
    approvedBy: 'octo_cat',
    reason: "api's watch window failed: 3 checks in a row",
    runUrl: 'https://github.com/acme/shop/actions/runs/42',
  };

  it('Slack: only &, < and > become entities; links are <url|label>', () => {
    expect(escapeSlack('a & <b> *c*')).toBe('a &amp; &lt;b&gt; *c*');
    expect(slackText(note)).toBe(
      [
        '↩️ *v2 *bold* &lt;@U123&gt; → prod &amp; co* was rolled back',
        '• <https://api.example.com|api>: failed (back on dep_1)',
        'Approved by octo_cat',
        "api's watch window failed: 3 checks in a row",
        '<https://github.com/acme/shop/actions/runs/42|workflow run>',
      ].join('\n'),
    );
  });

  it('Discord: markdown and tags backslashed, masked links, at most 2000 characters', () => {
    expect(escapeDiscord('octo_cat *x* `y` <@1> [z](u)')).toBe('octo\\_cat \\*x\\* \\`y\\` \\<@1\\> \\[z\\]\\(u\\)');
    const text = discordText(note);
    expect(text.split('\n')[0]).toBe('↩️ **v2 \\*bold\\* \\<@U123\\> → prod & co** was rolled back');
    expect(text).toContain('• [api](<https://api.example.com>): failed (back on dep\\_1)');
    expect(discordText({ ...note, reason: 'x'.repeat(5000), state: 'failed' }).length).toBeLessThanOrEqual(2000);
  });

  it('picks the format from the URL', () => {
    expect(detectFormat(new URL('https://hooks.slack.com/services/T0/B0/x'))).toBe('slack');
    expect(detectFormat(new URL('https://discord.com/api/webhooks/1/x'))).toBe('discord');
    expect(detectFormat(new URL('https://hooks.example.com/deploys'))).toBe('json');
  });
});

describe('notify (compiled action, fake Slack and Discord)', () => {
  const chat = new FakeChat();
  beforeAll(() => chat.start());
  afterAll(() => chat.stop());
  beforeEach(() => {
    chat.requests.length = 0;
    chat.discordRateLimited = false;
    chat.jsonStatus = 200;
  });
  const notify = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction('notify', {
      inputs: { 'api-url': `${chat.url}/api`, ...inputs },
      env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '42', ...env },
    });

  it('Slack incoming webhook: the release record as escaped mrkdwn, the URL masked', async () => {
    const hook = `${chat.url}/services/T0TEAM/B0HOOK/hook-secret-abcdef`;
    const run = await notify({ 'webhook-url': hook, format: 'slack', release: JSON.stringify(record) });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.sent).toBe('true');
    const sent = JSON.parse(chat.requests[0]?.body ?? '{}') as { text: string };
    expect(sent.text).toContain('✅ *acme/shop v1.4.0 → production* is live');
    expect(sent.text).toContain('• <https://web.example.com/?a=1&amp;b=2|web&lt;!channel&gt;>: success');
    expect(sent.text).toContain('<https://github.com/acme/shop/actions/runs/42|workflow run>');
    expectSecretKept(run, hook);
  });

  it("Slack's error answers and a dead endpoint warn, never fail, and stay within the deadline", async () => {
    const gone = await notify({
      'webhook-url': `${chat.url}/services/T0/archived/x`,
      format: 'slack',
      status: 'started',
      version: 'v1',
    });
    expect(gone.exitCode).toBe(0);
    expect(gone.outputs.sent).toBe('false');
    expect(gone.annotations.find((a) => a.level === 'warning')?.message).toBe(
      'Could not notify the slack webhook: HTTP 410: channel_is_archived',
    );
    const revoked = await notify({
      'webhook-url': `${chat.url}/services/T0/B0OLD/x`,
      format: 'slack',
      status: 'live',
      version: 'v1',
    });
    expect(revoked.annotations[0]?.message).toMatch(/HTTP 404: no_service/);
    const started = Date.now();
    const slow = await notify({ 'webhook-url': `${chat.url}/slow`, status: 'live', version: 'v1', timeout: '1s' });
    expect(slow.exitCode).toBe(0);
    expect(slow.annotations[0]?.message).toBe('Could not notify the json webhook: no answer within 1 s');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('Discord webhook: escaped content, mentions off, wait=true; Unknown Webhook and rate limits warn', async () => {
    const hook = `${chat.url}/api/webhooks/1234567890/discord-hook-token-abcdef`;
    const run = await notify({
      'webhook-url': hook,
      format: 'discord',
      release: JSON.stringify(record),
      'approved-by': 'octo_cat',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.sent).toBe('true');
    const request = chat.requests[0];
    expect(request?.query.wait).toBe('true');
    const body = JSON.parse(request?.body ?? '{}') as { content: string; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toContain('[web\\<!channel\\>](<https://web.example.com/?a=1&b=2>)');
    expect(body.content).toContain('Approved by octo\\_cat');
    expectSecretKept(run, hook);

    const unknown = await notify({
      'webhook-url': `${chat.url}/api/webhooks/999/nope`,
      format: 'discord',
      status: 'live',
      version: 'v1',
    });
    expect(unknown.annotations[0]?.message).toBe(
      'Could not notify the discord webhook: HTTP 404: Unknown Webhook (code 10015)',
    );
    chat.discordRateLimited = true;
    const limited = await notify({ 'webhook-url': hook, format: 'discord', status: 'live', version: 'v1' });
    expect(limited.exitCode).toBe(0);
    expect(limited.annotations[0]?.message).toMatch(/HTTP 429: You are being rate limited\., retry after 0\.6 s/);
  });

  it('Slack bot: ONE message per release, posted then updated in place as it moves', async () => {
    const base = { 'slack-token': BOT, channel: 'C0DEPLOYS', version: 'v1.5.0', environment: 'production' };
    const first = await notify({ ...base, status: 'started' });
    expect(first.exitCode).toBe(0);
    const ts = first.outputs['message-ts'] as string;
    expect(ts).toMatch(/^\d+\.\d+$/);
    expect(first.outputs['channel-id']).toBe('C0DEPLOYS');
    expect(chat.requests[1]?.headers.authorization).toBe(`Bearer ${BOT}`);
    for (const status of ['awaiting-approval', 'deploying']) {
      const step = await notify({ ...base, status, 'message-ts': ts, 'approved-by': 'octo' });
      expect(step.outputs['message-ts']).toBe(ts);
    }
    await notify({ ...base, 'message-ts': ts, release: JSON.stringify({ ...record, version: 'v1.5.0' }) });
    const channel = chat.slack.get('C0DEPLOYS') as Map<string, string>;
    const messages = [...channel.entries()].filter(([key]) => key === ts);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.[1]).toContain('v1.5.0 → production* is live');
    expect(chat.requests.map((r) => r.path)).toEqual([
      '/api/conversations.history', // no message-ts: is there a message about v1.5.0 already? no
      '/api/chat.postMessage',
      '/api/chat.update',
      '/api/chat.update',
      '/api/chat.update',
    ]);
    expectSecretKept(first, BOT);

    // A message that is gone is posted again; a bad token warns.
    const lost = await notify({ ...base, status: 'live', 'message-ts': '1111111111.000100' });
    expect(lost.outputs['message-ts']).not.toBe('1111111111.000100');
    const bad = await notify({ ...base, 'slack-token': 'xoxb-revoked-000000000', status: 'live' });
    expect(bad.exitCode).toBe(0);
    expect(bad.annotations[0]?.message).toBe('Could not notify the Slack bot: chat.postMessage: invalid_auth');
    expectSecretKept(bad, 'xoxb-revoked-000000000');
  });

  it('Slack bot across runs (approval: comment): the /approve run finds the release’s message by its metadata and updates it', async () => {
    const base = { 'slack-token': BOT, channel: 'C0DEPLOYS', environment: 'production' };
    const channel = chat.slack.get('C0DEPLOYS') as Map<string, string>;
    // The tag push's run: started, then awaiting approval (the ts handed on within the run).
    const started = await notify({ ...base, version: 'v2.0.0', status: 'started' });
    const ts = started.outputs['message-ts'] as string;
    expect(chat.slackMetadata.get(ts)).toEqual({
      event_type: 'deploy_kit_release',
      event_payload: { repository: 'acme/shop', environment: 'production', version: 'v2.0.0' },
    });
    await notify({ ...base, version: 'v2.0.0', status: 'awaiting-approval', 'message-ts': ts });
    // Meanwhile other messages land in the channel: another release, another repository's v2.0.0.
    const other = await notify({ ...base, version: 'v1.9.9', status: 'started' });
    const elsewhere = await notify(
      { ...base, version: 'v2.0.0', status: 'started' },
      { GITHUB_REPOSITORY: 'acme/blog' },
    );
    expect(new Set([ts, other.outputs['message-ts'], elsewhere.outputs['message-ts']]).size).toBe(3);

    // The /approve comment's run: a new run, no message-ts from the tag push's gate job.
    chat.requests.length = 0;
    const count = channel.size;
    const deploying = await notify({ ...base, version: 'v2.0.0', status: 'deploying', 'approved-by': 'alice' });
    expect(deploying.exitCode).toBe(0);
    expect(deploying.outputs['message-ts']).toBe(ts);
    expect(deploying.log).toContain(`found this release's message (${ts}) in the channel: updating it`);
    expect(chat.requests.map((r) => r.path)).toEqual(['/api/conversations.history', '/api/chat.update']);
    // Slack's documented arguments: the channel id, a page of history, the metadata included.
    expect(JSON.parse(chat.requests[0]?.body ?? '{}')).toEqual({
      channel: 'C0DEPLOYS',
      limit: 200,
      include_all_metadata: true,
    });
    expect(JSON.parse(chat.requests[1]?.body ?? '{}')).toMatchObject({ channel: 'C0DEPLOYS', ts });
    expect(channel.get(ts)).toContain('Approved by alice');
    const live = await notify({ ...base, 'message-ts': ts, release: JSON.stringify({ ...record, version: 'v2.0.0' }) });
    expect(live.outputs['message-ts']).toBe(ts);
    expect(channel.size).toBe(count); // updated in place, nothing new posted
    expect(channel.get(ts)).toContain('v2.0.0 → production* is live');
    expect(channel.get(other.outputs['message-ts'] as string)).toContain('v1.9.9');
    expectSecretKept(deploying, BOT);

    // A token without channels:history: the run posts its own message, with a warning naming the scope.
    const writeOnly = await notify({
      ...base,
      'slack-token': 'xoxb-fake-chat-write-only-00000',
      version: 'v2.0.0',
      status: 'deploying',
    });
    expect(writeOnly.exitCode).toBe(0);
    expect(writeOnly.outputs['message-ts']).not.toBe(ts);
    expect(writeOnly.outputs.sent).toBe('true');
    expect(writeOnly.annotations.find((a) => a.level === 'warning')?.message).toContain(
      'Add the scope channels:history (groups:history for a private channel)',
    );
    expectSecretKept(writeOnly, 'xoxb-fake-chat-write-only-00000');
  });

  it('plain JSON webhook: the note as JSON; a 500 warns', async () => {
    const run = await notify({
      'webhook-url': `${chat.url}/hook`,
      release: JSON.stringify({ ...record, status: 'rolled-back' }),
      reason: 'smoke test failed',
    });
    expect(run.exitCode).toBe(0);
    expect(chat.jsonPosts.at(-1)).toMatchObject({
      event: 'deploy-kit.release',
      state: 'rolled-back',
      version: 'v1.4.0',
      environment: 'production',
      repository: 'acme/shop',
      reason: 'smoke test failed',
      'run-url': 'https://github.com/acme/shop/actions/runs/42',
    });
    chat.jsonStatus = 500;
    const failed = await notify({ 'webhook-url': `${chat.url}/hook`, status: 'live', version: 'v1' });
    expect(failed.exitCode).toBe(0);
    expect(failed.annotations[0]?.message).toBe('Could not notify the json webhook: HTTP 500: upstream down');
  });

  it('bad input fails before any request, naming the input and never echoing the URL', async () => {
    const plain = await notify({
      'webhook-url': 'http://hooks.example.com/secret-path-xyz',
      status: 'live',
      version: 'v1',
    });
    expect(plain.exitCode).toBe(1);
    expect(plain.annotations[0]?.message).toMatch(/^Input "webhook-url" is invalid: must be an https:\/\/ URL/);
    expectSecretKept(plain, 'http://hooks.example.com/secret-path-xyz');
    const none = await notify({ status: 'live' });
    expect(none.annotations[0]?.message).toMatch(/^Input "webhook-url" or "slack-token"/);
    const noChannel = await notify({ 'slack-token': BOT, status: 'live' });
    expect(noChannel.annotations[0]?.message).toMatch(/^Input "channel" is required/);
    const badStatus = await notify({ 'webhook-url': `${chat.url}/hook`, status: 'done' });
    expect(badStatus.annotations[0]?.message).toMatch(/^Input "status" is invalid/);
    const badRelease = await notify({ 'webhook-url': `${chat.url}/hook`, release: '{nope' });
    expect(badRelease.annotations[0]?.message).toMatch(/^Input "release" is not JSON/);
    expect(chat.requests).toEqual([]);
  });
});
