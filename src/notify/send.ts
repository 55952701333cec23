/**
 * Delivering a Note. Never throws: every problem comes back as `problem` so the caller warns
 * and the deploy goes on, and every request shares one short deadline.
 * - Slack incoming webhook: POST {text} → 200 "ok"; errors are plain-text codes with HTTP
 *   400 invalid_payload / no_text, 403 action_prohibited, 404 channel_not_found / no_service,
 *   410 channel_is_archived (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 * - Slack Web API: POST {api}/chat.postMessage {channel, text, metadata} and chat.update
 *   {channel, ts, text, metadata} with `Authorization: Bearer`; HTTP 200 with {ok, ts, channel}
 *   or {ok: false, error} (api.slack.com/methods/chat.postMessage, /methods/chat.update:
 *   message_not_found, …). `metadata` is {event_type, event_payload}, carried by the message
 *   and not shown to people (docs.slack.dev/messaging/message-metadata).
 * - Slack conversations.history {channel, limit, include_all_metadata: true} (JSON accepted;
 *   bot scope channels:history, groups:history for a private channel): {ok, messages: [{ts,
 *   text, metadata}], has_more}, newest first, or {ok: false, error: missing_scope, needed}
 *   (docs.slack.dev/reference/methods/conversations.history).
 * - Discord: POST {webhook}?wait=true {content, allowed_mentions} → 200 message; errors are JSON
 *   {message, code} (10015 Unknown Webhook on 404, 50006 Cannot send an empty message on 400),
 *   429 {retry_after} (discord-api-docs docs/resources/webhook.mdx "Execute Webhook",
 *   docs/topics/opcodes-and-status-codes).
 * - Plain JSON webhook: POST the note as JSON; any 2xx is delivered.
 */
import { type Note, discordText, plainText, slackText } from './message.js';

export type Format = 'slack' | 'discord' | 'json';

export interface SendDeps {
  fetch: typeof fetch;
  /** One deadline for everything this step sends. */
  deadline: number;
  now: () => number;
}

export interface Sent {
  ok: boolean;
  problem?: string;
  ts?: string;
  channel?: string;
  /** How the Slack bot found the release's message (or why it could not look): for the log. */
  found?: string;
  /** A lookup problem the user can fix (a missing scope): a warning, though the message was sent. */
  warning?: string;
}

/** Which kind of webhook a URL is, by its host and path. */
export function detectFormat(url: URL): Format {
  if (/(^|\.)slack\.com$/i.test(url.hostname)) return 'slack';
  if (/(^|\.)discord(app)?\.com$/i.test(url.hostname) && url.pathname.startsWith('/api/webhooks/')) return 'discord';
  return 'json';
}

export function jsonPayload(note: Note): Record<string, unknown> {
  return {
    event: 'deploy-kit.release',
    state: note.state,
    version: note.version,
    environment: note.environment,
    repository: note.repository ?? null,
    services: note.services,
    'approved-by': note.approvedBy ?? null,
    'run-url': note.runUrl ?? null,
    reason: note.reason ?? null,
    text: plainText(note),
  };
}

async function post(
  url: URL,
  body: unknown,
  deps: SendDeps,
  headers: Record<string, string> = {},
  limit = 300,
): Promise<{ status: number; text: string } | { problem: string }> {
  const remaining = deps.deadline - deps.now();
  if (remaining <= 0) return { problem: 'no time left before the notification deadline' };
  try {
    const response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'deploy-kit', ...headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(remaining),
    });
    return { status: response.status, text: (await response.text()).slice(0, limit) };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return { problem: `no answer within ${Math.round(remaining / 100) / 10} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { problem: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** What an error answer says, in one line (Discord's JSON message and code, Slack's plain code). */
function answer(text: string): string {
  try {
    const data = JSON.parse(text) as { message?: string; code?: number; error?: string; retry_after?: number };
    if (data.message)
      return `${data.message}${data.code !== undefined ? ` (code ${data.code})` : ''}${data.retry_after !== undefined ? `, retry after ${data.retry_after} s` : ''}`;
    if (data.error) return data.error;
  } catch {
    // plain text, as Slack's webhooks answer
  }
  return text.replace(/\s+/g, ' ').trim() || 'no body';
}

export async function sendWebhook(note: Note, url: URL, format: Format, deps: SendDeps): Promise<Sent> {
  let target = url;
  let body: unknown;
  if (format === 'slack') body = { text: slackText(note) };
  else if (format === 'discord') {
    // wait=true: Discord confirms the message was saved, or says why not.
    target = new URL(url.href);
    target.searchParams.set('wait', 'true');
    body = { content: discordText(note), allowed_mentions: { parse: [] } };
  } else body = jsonPayload(note);
  const result = await post(target, body, deps);
  if ('problem' in result) return { ok: false, problem: result.problem };
  if (result.status >= 200 && result.status < 300) return { ok: true };
  return { ok: false, problem: `HTTP ${result.status}: ${answer(result.text)}` };
}

interface SlackAnswer {
  ok?: boolean;
  error?: string;
  needed?: string;
  ts?: string;
  channel?: string;
  messages?: Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>;
}

async function slackCall(
  method: 'chat.postMessage' | 'chat.update' | 'conversations.history',
  body: Record<string, unknown>,
  bot: { token: string; apiUrl: URL },
  deps: SendDeps,
): Promise<Sent & { error?: string; data?: SlackAnswer }> {
  const url = new URL(`${bot.apiUrl.href.replace(/\/+$/, '')}/${method}`);
  // A page of history is long; the chat methods' answers are short.
  const limit = method === 'conversations.history' ? 2_000_000 : 300;
  const result = await post(url, body, deps, { authorization: `Bearer ${bot.token}` }, limit);
  if ('problem' in result) return { ok: false, problem: `${method}: ${result.problem}` };
  let data: SlackAnswer;
  try {
    data = JSON.parse(result.text) as SlackAnswer;
  } catch {
    return { ok: false, problem: `${method}: HTTP ${result.status}: ${answer(result.text.slice(0, 300))}` };
  }
  if (!data.ok)
    return { ok: false, error: data.error, data, problem: `${method}: ${data.error ?? `HTTP ${result.status}`}` };
  return { ok: true, ts: data.ts, channel: data.channel, data };
}

/** The metadata every release message carries: which release it is about (never shown to people). */
export const RELEASE_EVENT = 'deploy_kit_release';
export function releaseMetadata(note: Note): { event_type: string; event_payload: Record<string, string> } {
  return {
    event_type: RELEASE_EVENT,
    event_payload: { repository: note.repository ?? '', environment: note.environment, version: note.version },
  };
}

/** How many of the channel's latest messages are searched for the release's message. */
export const HISTORY_LIMIT = 200;

/**
 * The release's message from an earlier run (the tag push's, when the /approve comment's run
 * goes on): the newest of the channel's latest messages whose metadata names this repository,
 * environment and version. Only presentation depends on it — which message is edited — so a
 * message another app dressed up the same way could at worst be edited, never deploy anything.
 */
async function findReleaseMessage(
  note: Note,
  bot: { token: string; channel: string; apiUrl: URL },
  deps: SendDeps,
): Promise<{ ts?: string; found: string; warning?: string }> {
  const history = await slackCall(
    'conversations.history',
    { channel: bot.channel, limit: HISTORY_LIMIT, include_all_metadata: true },
    bot,
    deps,
  );
  if (!history.ok) {
    const found = `could not look for this release's message (${history.problem}), so a new one is posted`;
    return history.error === 'missing_scope'
      ? {
          found,
          warning: `The Slack bot token cannot read the channel's history (${history.data?.needed ?? 'channels:history'} is missing), so each run of a release posts its own message. Add the scope channels:history (groups:history for a private channel) to keep one message per release.`,
        }
      : { found };
  }
  const wanted = releaseMetadata(note).event_payload;
  const message = (history.data?.messages ?? []).find(
    (m) =>
      m.metadata?.event_type === RELEASE_EVENT &&
      Object.entries(wanted).every(([key, value]) => m.metadata?.event_payload?.[key] === value),
  );
  return message?.ts
    ? { ts: message.ts, found: `found this release's message (${message.ts}) in the channel: updating it` }
    : { found: `no message about this release among the channel's latest ${HISTORY_LIMIT}: posting one` };
}

/**
 * ONE message per release: posted the first time, then updated in place — by the ts a step of
 * the same run hands on, or, in a later run of the release (approval: comment's /approve run),
 * by the message found through its metadata in the channel's history.
 */
export async function slackBot(
  note: Note,
  bot: { token: string; channel: string; ts?: string; apiUrl: URL },
  deps: SendDeps,
): Promise<Sent> {
  const text = slackText(note);
  const metadata = releaseMetadata(note);
  let lookup: { ts?: string; found?: string; warning?: string } = { ts: bot.ts };
  if (!bot.ts) lookup = await findReleaseMessage(note, bot, deps);
  const extra = { found: lookup.found, warning: lookup.warning };
  if (lookup.ts) {
    const updated = await slackCall('chat.update', { channel: bot.channel, ts: lookup.ts, text, metadata }, bot, deps);
    // A message that is gone (deleted, or a ts from elsewhere) is replaced by a new one.
    if (updated.ok || updated.error !== 'message_not_found')
      return {
        ok: updated.ok,
        problem: updated.problem,
        channel: updated.channel,
        ts: updated.ts ?? lookup.ts,
        ...extra,
      };
  }
  const posted = await slackCall(
    'chat.postMessage',
    { channel: bot.channel, text, metadata, unfurl_links: false, unfurl_media: false },
    bot,
    deps,
  );
  return { ok: posted.ok, problem: posted.problem, channel: posted.channel, ts: posted.ts, ...extra };
}
