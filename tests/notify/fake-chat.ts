/**
 * Slack and Discord as far as notify uses them, on 127.0.0.1, following their documented
 * requests and error answers:
 * - Slack incoming webhooks: POST JSON {text} → 200 "ok"; errors are plain-text codes:
 *   400 invalid_payload (body is not JSON of the content type) and no_text, 403
 *   action_prohibited, 404 channel_not_found / no_service (a revoked hook), 410
 *   channel_is_archived (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 * - Slack Web API chat.postMessage / chat.update: `Authorization: Bearer xoxb-…`; always HTTP 200
 *   with {ok: true, channel, ts, message} or {ok: false, error}: not_authed, invalid_auth,
 *   channel_not_found (chat.update takes a channel id, not a name), no_text, message_not_found
 *   (api.slack.com/methods/chat.update "Errors"). Both take `metadata` {event_type,
 *   event_payload}, kept with the message and never shown (docs.slack.dev/messaging/message-metadata);
 *   chat.update without it keeps the message's metadata.
 * - Slack conversations.history {channel, limit, include_all_metadata} (JSON bodies accepted;
 *   bot scopes channels:history / groups:history): {ok: true, messages: [{type, ts, text,
 *   metadata}], has_more}, newest first, `metadata` only with include_all_metadata; a token
 *   without the scope gets {ok: false, error: "missing_scope", needed, provided}
 *   (docs.slack.dev/reference/methods/conversations.history "Errors").
 * - Discord Execute Webhook: POST /api/webhooks/{id}/{token}[?wait=true] with JSON {content,
 *   allowed_mentions}; 204 without wait, 200 and the message with wait=true; 404
 *   {"message": "Unknown Webhook", "code": 10015}; 400 {"message": "Cannot send an empty
 *   message", "code": 50006}; content over 2000 characters is 400 Invalid Form Body (50035);
 *   429 {"message", "retry_after", "global"} (discord-api-docs docs/resources/webhook.mdx
 *   "Execute Webhook", docs/topics/opcodes-and-status-codes.md, docs/topics/rate-limits.md).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class FakeChat {
  readonly requests: ChatRequest[] = [];
  /** Slack channels by id: their messages by ts. */
  readonly slack = new Map<string, Map<string, string>>([['C0DEPLOYS', new Map()]]);
  readonly slackTokens = new Set(['xoxb-fake-bot-token-0123456789', 'xoxb-fake-chat-write-only-00000']);
  /** Tokens with channels:history (the others have chat:write only). */
  readonly slackHistoryTokens = new Set(['xoxb-fake-bot-token-0123456789']);
  /** Message metadata by ts. */
  readonly slackMetadata = new Map<string, unknown>();
  readonly discordHooks = new Map([['1234567890', 'discord-hook-token-abcdef']]);
  readonly discordMessages: string[] = [];
  readonly jsonPosts: unknown[] = [];
  /** Status the plain JSON hook answers; Discord's next answer may be a rate limit. */
  jsonStatus = 200;
  discordRateLimited = false;
  private server?: http.Server;
  private ts = 1_700_000_000;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const record = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body,
        };
        this.requests.push(record);
        if (url.pathname === '/slow') return; // never answers
        if (url.pathname.startsWith('/services/')) return this.slackWebhook(record, res);
        if (url.pathname.startsWith('/api/chat.') || url.pathname === '/api/conversations.history')
          return this.slackApi(record, res);
        if (url.pathname.startsWith('/api/webhooks/')) return this.discord(record, res);
        if (url.pathname === '/hook') {
          this.jsonPosts.push(JSON.parse(body));
          return send(res, this.jsonStatus, this.jsonStatus < 300 ? '{"received":true}' : '{"error":"upstream down"}');
        }
        send(res, 404, 'not found');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private slackWebhook(req: ChatRequest, res: http.ServerResponse) {
    const [, , , hook] = req.path.split('/'); // /services/T…/B…/secret
    if (req.path.includes('/archived/')) return send(res, 410, 'channel_is_archived', 'text/html');
    if (hook !== 'B0HOOK') return send(res, 404, 'no_service', 'text/html');
    let payload: { text?: string; blocks?: unknown[] };
    try {
      if (!String(req.headers['content-type']).startsWith('application/json')) throw new Error('not json');
      payload = JSON.parse(req.body) as typeof payload;
    } catch {
      return send(res, 400, 'invalid_payload', 'text/html');
    }
    if (!payload.text && !payload.blocks) return send(res, 400, 'no_text', 'text/html');
    (this.slack.get('C0DEPLOYS') as Map<string, string>).set(String(this.ts++), payload.text ?? '');
    send(res, 200, 'ok', 'text/html');
  }

  private slackApi(req: ChatRequest, res: http.ServerResponse) {
    const answer = (data: Record<string, unknown>) => send(res, 200, JSON.stringify(data));
    const auth = String(req.headers.authorization ?? '');
    if (!auth) return answer({ ok: false, error: 'not_authed' });
    const token = auth.replace(/^Bearer /, '');
    if (!this.slackTokens.has(token)) return answer({ ok: false, error: 'invalid_auth' });
    const args = JSON.parse(req.body || '{}') as {
      channel?: string;
      ts?: string;
      text?: string;
      metadata?: unknown;
      limit?: number;
      include_all_metadata?: boolean;
    };
    const channel = this.slack.get(args.channel ?? '');
    if (req.path === '/api/conversations.history') {
      if (!this.slackHistoryTokens.has(token))
        return answer({ ok: false, error: 'missing_scope', needed: 'channels:history', provided: 'chat:write' });
      if (!channel) return answer({ ok: false, error: 'channel_not_found' });
      const limit = Math.min(args.limit ?? 100, 999);
      const messages = [...channel.entries()]
        .sort(([a], [b]) => Number(b) - Number(a))
        .map(([ts, text]) => ({
          type: 'message',
          ts,
          text,
          ...(args.include_all_metadata && this.slackMetadata.has(ts) ? { metadata: this.slackMetadata.get(ts) } : {}),
        }));
      return answer({ ok: true, messages: messages.slice(0, limit), has_more: messages.length > limit });
    }
    if (!channel) return answer({ ok: false, error: 'channel_not_found' });
    if (!args.text) return answer({ ok: false, error: 'no_text' });
    if (req.path === '/api/chat.postMessage') {
      const ts = `${this.ts++}.000100`;
      channel.set(ts, args.text);
      if (args.metadata) this.slackMetadata.set(ts, args.metadata);
      return answer({ ok: true, channel: args.channel, ts, message: { text: args.text, ts } });
    }
    if (!args.ts || !channel.has(args.ts)) return answer({ ok: false, error: 'message_not_found' });
    channel.set(args.ts, args.text);
    if (args.metadata) this.slackMetadata.set(args.ts, args.metadata);
    answer({ ok: true, channel: args.channel, ts: args.ts, text: args.text });
  }

  private discord(req: ChatRequest, res: http.ServerResponse) {
    const [, , , id, token] = req.path.split('/');
    if (this.discordHooks.get(id ?? '') !== token)
      return send(res, 404, JSON.stringify({ message: 'Unknown Webhook', code: 10015 }));
    if (this.discordRateLimited)
      return send(
        res,
        429,
        JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.6, global: false }),
      );
    const payload = JSON.parse(req.body || '{}') as { content?: string; embeds?: unknown[] };
    if (!payload.content && !payload.embeds?.length)
      return send(res, 400, JSON.stringify({ message: 'Cannot send an empty message', code: 50006 }));
    if ((payload.content ?? '').length > 2000)
      return send(res, 400, JSON.stringify({ message: 'Invalid Form Body', code: 50035 }));
    this.discordMessages.push(payload.content ?? '');
    if (req.query.wait !== 'true') return send(res, 204, '');
    send(res, 200, JSON.stringify({ id: '111', channel_id: '222', content: payload.content, webhook_id: id }));
  }
}

function send(res: http.ServerResponse, status: number, body: string, type = 'application/json') {
  res.writeHead(status, status === 204 ? {} : { 'content-type': type });
  res.end(status === 204 ? undefined : body);
}
