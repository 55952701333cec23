/**
 * Freeze windows: times when production deploys are refused. One window per line:
 *   Fri 16:00 - Mon 08:00 Europe/Berlin     every week (wraps over the weekend)
 *   Dec 24 - Jan 2 Europe/Berlin            every year, whole days (Jan 2 included)
 *   Dec 31 18:00 - Jan 1 12:00              times too; no time zone: UTC
 * Windows are compared in the zone's own wall-clock time (Intl), so "Mon 08:00" stays 08:00
 * on both sides of a DST change, whatever the UTC offset is that day.
 */
import { Fail } from '../lib/schemas.js';

export interface Moment {
  /** weekly: 0 (Mon) … 6 (Sun); yearly: month 1…12. */
  major: number;
  /** yearly: day of month; weekly: unused (0). */
  day: number;
  minutes: number;
  text: string;
}

export interface FreezeWindow {
  kind: 'weekly' | 'yearly';
  from: Moment;
  to: Moment;
  timeZone: string;
  text: string;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY = 1440;
const WEEK = 7 * DAY;
/** Yearly positions: 32 day slots per month, so "the day after Dec 31" still sorts last. */
const YEAR = 12 * 32 * DAY;

/** Fri, Fri., Friday (any case) → its index; -1 when not one of the names. */
const nameIndex = (names: string[], token: string) => {
  const t = token.toLowerCase().replace(/\.$/, '');
  return t.length >= 3
    ? names.findIndex((n) => n === t || n.slice(0, 3) === t || (n.startsWith(t) && t.length >= 4))
    : -1;
};

function time(token: string | undefined): number | undefined {
  const m = token ? /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(token) : null;
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= DAY ? minutes : undefined;
}

/** One end of a window from the front of `tokens` (consumed); `end`: a missing time means the day's end. */
function moment(tokens: string[], end: boolean): { kind: FreezeWindow['kind']; moment: Moment } | Fail {
  const start = tokens.join(' ');
  const first = tokens.shift() ?? '';
  let kind: FreezeWindow['kind'];
  let major: number;
  let day = 0;
  const weekday = nameIndex(WEEKDAYS, first);
  if (weekday >= 0) {
    kind = 'weekly';
    major = weekday;
  } else {
    const second = tokens[0] ?? '';
    const month = nameIndex(MONTHS, first) >= 0 ? nameIndex(MONTHS, first) : nameIndex(MONTHS, second);
    const dayText = nameIndex(MONTHS, first) >= 0 ? second : first;
    if (month < 0 || !/^\d{1,2}$/.test(dayText))
      return new Fail(`"${start}" is not a day: expected a weekday (Fri) or a date (Dec 24)`);
    tokens.shift();
    kind = 'yearly';
    major = month + 1;
    day = Number(dayText);
    if (day < 1 || day > (DAYS_IN_MONTH[month] as number)) return new Fail(`"${first} ${second}" is not a date`);
  }
  let minutes = time(tokens[0]);
  if (minutes !== undefined) tokens.shift();
  else if (tokens[0] && /^\d/.test(tokens[0])) return new Fail(`"${tokens[0]}" is not a time; expected HH:MM (16:00)`);
  let text = start.slice(0, start.length - tokens.join(' ').length).trim();
  // A day without a time: from its start, or to its end (so "Dec 24 - Jan 2" includes Jan 2).
  if (minutes === undefined) {
    minutes = end ? DAY : 0;
    if (end) text = `the end of ${text}`;
  }
  return { kind, moment: { major, day, minutes, text } };
}

export function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes since the start of the week (Mon 00:00) or the year's slot grid. */
export function position(kind: FreezeWindow['kind'], m: Pick<Moment, 'major' | 'day' | 'minutes'>): number {
  return kind === 'weekly' ? m.major * DAY + m.minutes : ((m.major - 1) * 32 + (m.day - 1)) * DAY + m.minutes;
}

/** The window as [start, end) ranges on its cycle, split where it wraps. */
function ranges(w: FreezeWindow): Array<[number, number]> {
  const from = position(w.kind, w.from);
  const to = position(w.kind, w.to);
  const cycle = w.kind === 'weekly' ? WEEK : YEAR;
  return from < to
    ? [[from, to]]
    : [
        [from, cycle],
        [0, to],
      ];
}

export function parseFreezeLine(line: string): FreezeWindow | Fail {
  const text = line.trim().replace(/\s+/g, ' ');
  const parts = text.split(/ (?:-|–|to) /);
  if (parts.length !== 2)
    return new Fail(
      `"${text}" is not a window: expected "FROM - TO [time zone]", e.g. Fri 16:00 - Mon 08:00 Europe/Berlin`,
    );
  const left = (parts[0] as string).split(' ');
  const right = (parts[1] as string).split(' ');
  const from = moment(left, false);
  if (from instanceof Fail) return from;
  if (left.length) return new Fail(`"${left.join(' ')}" after "${from.moment.text}" is not understood`);
  const to = moment(right, true);
  if (to instanceof Fail) return to;
  if (right.length > 1) return new Fail(`"${right.join(' ')}" is not a time zone`);
  const timeZone = right[0] ?? 'UTC';
  if (!validTimeZone(timeZone))
    return new Fail(`"${timeZone}" is not a time zone; expected an IANA name such as Europe/Berlin or UTC`);
  if (from.kind !== to.kind)
    return new Fail(`"${text}" mixes a weekday and a date; a window is weekly (Fri - Mon) or yearly (Dec 24 - Jan 2)`);
  const window: FreezeWindow = { kind: from.kind, from: from.moment, to: to.moment, timeZone, text };
  if (position(window.kind, window.from) === position(window.kind, window.to))
    return new Fail(`"${text}" is empty: it ends where it starts`);
  return window;
}

/** Every line a window; windows of one kind in one time zone must not overlap. */
export function parseFreeze(lines: string[]): FreezeWindow[] | Fail {
  const windows: FreezeWindow[] = [];
  for (const line of lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const window = parseFreezeLine(line);
    if (window instanceof Fail) return window;
    for (const other of windows) {
      if (other.kind !== window.kind || other.timeZone !== window.timeZone) continue;
      const overlap = ranges(other).some(([a, b]) => ranges(window).some(([c, d]) => a < d && c < b));
      if (overlap) return new Fail(`"${window.text}" overlaps "${other.text}"; merge them into one window`);
    }
    windows.push(window);
  }
  return windows;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of `at` in `timeZone`. */
export function localTime(
  at: number,
  timeZone: string,
): { weekday: number; month: number; day: number; minutes: number; text: string } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const weekday = nameIndex(WEEKDAYS, parts.weekday ?? '');
  const month = nameIndex(MONTHS, parts.month ?? '') + 1;
  const hhmm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return {
    weekday,
    month,
    day: Number(parts.day),
    minutes: hour * 60 + minute,
    text: `${parts.weekday} ${parts.month} ${parts.day} ${hhmm} ${timeZone}`,
  };
}

export interface FreezeVerdict {
  window: FreezeWindow;
  /** The moment as the window's zone reads it: "Fri Dec 4 17:12 Europe/Berlin". */
  localNow: string;
  until: string;
}

/** The window `at` falls in, if any. */
export function frozenAt(windows: FreezeWindow[], at: number): FreezeVerdict | undefined {
  for (const window of windows) {
    const local = localTime(at, window.timeZone);
    const now = position(window.kind, {
      major: window.kind === 'weekly' ? local.weekday : local.month,
      day: local.day,
      minutes: local.minutes,
    });
    if (ranges(window).some(([a, b]) => a <= now && now < b))
      return { window, localNow: local.text, until: `${window.to.text} ${window.timeZone}` };
  }
  return undefined;
}
