/**
 * A release's state as a chat message, built from the release record (the release action's
 * `release` output: version, environment, status, services) and never from anything secret.
 * Every value is escaped for its format: Slack mrkdwn needs only &, < and > as entities
 * (api.slack.com/reference/surfaces/formatting#escaping), Discord markdown needs its markup
 * characters backslashed, and mentions are disabled (allowed_mentions, Discord's "Execute
 * Webhook" docs, docs/resources/webhook.mdx).
 */
export const STATES = ['started', 'awaiting-approval', 'deploying', 'live', 'rolled-back', 'failed'] as const;
export type State = (typeof STATES)[number];

export interface NoteService {
  name: string;
  url?: string;
  status?: string;
  rolledBackTo?: string;
}

export interface Note {
  state: State;
  version: string;
  environment: string;
  services: NoteService[];
  approvedBy?: string;
  repository?: string;
  runUrl?: string;
  /** Why it failed or was rolled back (the release's own words). */
  reason?: string;
}

const HEADLINE: Record<State, { emoji: string; words: string }> = {
  started: { emoji: '🚀', words: 'started' },
  'awaiting-approval': { emoji: '⏳', words: 'is awaiting approval' },
  deploying: { emoji: '🔄', words: 'is deploying' },
  live: { emoji: '✅', words: 'is live' },
  'rolled-back': { emoji: '↩️', words: 'was rolled back' },
  failed: { emoji: '❌', words: 'failed' },
};

/** The release action's `status` in the words of a notification. */
export function stateOfRelease(status: unknown): State | undefined {
  if (status === 'success') return 'live';
  if (status === 'rolled-back') return 'rolled-back';
  if (status === 'failed') return 'failed';
  return STATES.includes(status as State) ? (status as State) : undefined;
}

/** The services of a release record (`services: {name: {url, status, rolled-back-to}}`). */
export function servicesOf(record: Record<string, unknown>): NoteService[] {
  const services = record.services;
  if (!services || typeof services !== 'object' || Array.isArray(services)) return [];
  return Object.entries(services as Record<string, Record<string, unknown> | null>).map(([name, s]) => {
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { name, url: text(s?.url), status: text(s?.status), rolledBackTo: text(s?.['rolled-back-to']) };
  });
}

/** Only http(s) links are written as links; anything else stays text. */
const linkable = (url: string | undefined): url is string => !!url && /^https?:\/\/[^\s]+$/i.test(url);

export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

export function escapeDiscord(text: string): string {
  // Markup (bold, italics, strike, code, spoilers, quotes, masked links, headers) and <#channel> / <@user> tags.
  return text.replace(/[\\*_~`|<>#[\]()]/g, (c) => `\\${c}`);
}

function slackLink(url: string, label: string): string {
  // `|` and `>` end a link; percent-encode them in the address.
  return `<${escapeSlack(url.replace(/\|/g, '%7C').replace(/>/g, '%3E'))}|${escapeSlack(label)}>`;
}

function discordLink(url: string, label: string): string {
  return `[${escapeDiscord(label)}](<${url.replace(/[<>() ]/g, (c) => encodeURIComponent(c))}>)`;
}

function render(
  note: Note,
  esc: (t: string) => string,
  link: (url: string, label: string) => string,
  bold: (t: string) => string,
): string {
  const head = HEADLINE[note.state];
  const where = note.repository ? `${esc(note.repository)} ` : '';
  const lines = [`${head.emoji} ${bold(`${where}${esc(note.version)} → ${esc(note.environment)}`)} ${head.words}`];
  for (const s of note.services) {
    const name = linkable(s.url) ? link(s.url, s.name) : esc(s.name);
    const status = s.status ? `: ${esc(s.status)}` : '';
    const back = s.rolledBackTo ? ` (back on ${esc(s.rolledBackTo)})` : '';
    lines.push(`• ${name}${status}${back}`);
  }
  if (note.approvedBy) lines.push(`Approved by ${esc(note.approvedBy)}`);
  if (note.reason && (note.state === 'failed' || note.state === 'rolled-back'))
    lines.push(esc(note.reason.slice(0, 500)));
  if (linkable(note.runUrl)) lines.push(link(note.runUrl, 'workflow run'));
  return lines.join('\n');
}

export const slackText = (note: Note) => render(note, escapeSlack, slackLink, (t) => `*${t}*`);
export const discordText = (note: Note) => render(note, escapeDiscord, discordLink, (t) => `**${t}**`).slice(0, 2000);
export const plainText = (note: Note) =>
  render(
    note,
    (t) => t,
    (url, label) => `${label} (${url})`,
    (t) => t,
  );
