/**
 * Delivering a Note. Never throws: every problem comes back as `problem` so the caller warns
 * and the deploy goes on, and every request shares one short deadline.
 * - Slack incoming webhook: POST {text} → 200 "ok"; errors are plain-text codes with HTTP
 *   400 invalid_payload / no_text, 403 action_prohibited, 404 channel_not_found / no_service,
 *   410 channel_is_archived (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 * - Slack Web API: POST {api}/chat.postMessage {channel, text} and chat.update {channel, ts, text}
 *   with `Authorization: Bearer`; HTTP 200 with {ok, ts, channel} or {ok: false, error}
 *   (api.slack.com/methods/chat.postMessage, /methods/chat.update: message_not_found, …).
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
    return { status: response.status, text: (await response.text()).slice(0, 300) };
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

async function slackCall(
  method: 'chat.postMessage' | 'chat.update',
  body: Record<string, unknown>,
  bot: { token: string; apiUrl: URL },
  deps: SendDeps,
): Promise<Sent & { error?: string }> {
  const url = new URL(`${bot.apiUrl.href.replace(/\/+$/, '')}/${method}`);
  const result = await post(url, body, deps, { authorization: `Bearer ${bot.token}` });
  if ('problem' in result) return { ok: false, problem: `${method}: ${result.problem}` };
  let data: { ok?: boolean; error?: string; ts?: string; channel?: string };
  try {
    data = JSON.parse(result.text) as typeof data;
  } catch {
    return { ok: false, problem: `${method}: HTTP ${result.status}: ${answer(result.text)}` };
  }
  if (!data.ok) return { ok: false, error: data.error, problem: `${method}: ${data.error ?? `HTTP ${result.status}`}` };
  return { ok: true, ts: data.ts, channel: data.channel };
}

/** ONE message per release: posted the first time, then updated in place (its ts comes back in). */
export async function slackBot(
  note: Note,
  bot: { token: string; channel: string; ts?: string; apiUrl: URL },
  deps: SendDeps,
): Promise<Sent> {
  const text = slackText(note);
  if (bot.ts) {
    const updated = await slackCall('chat.update', { channel: bot.channel, ts: bot.ts, text }, bot, deps);
    // A message that is gone (deleted, or a ts from elsewhere) is replaced by a new one.
    if (updated.ok || updated.error !== 'message_not_found') return { ...updated, ts: updated.ts ?? bot.ts };
  }
  return slackCall(
    'chat.postMessage',
    { channel: bot.channel, text, unfurl_links: false, unfurl_media: false },
    bot,
    deps,
  );
}
