/**
 * What a local run shows in a terminal: the action's log with the runner's workflow
 * commands rendered as the GitHub UI would (groups, annotations, masked values hidden),
 * and the job summary's HTML turned into aligned text.
 */
import { parseWorkflowCommand } from './local-runner.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

function decode(text: string): string {
  return text.replace(/&(#?[a-z0-9]+);/gi, (whole, name: string) => {
    if (ENTITIES[name] !== undefined) return ENTITIES[name];
    if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    if (/^#x[0-9a-f]+$/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    return whole;
  });
}

const stripTags = (html: string): string => decode(html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, ''));

/** Columns a string takes in a terminal: emoji count two, variation selectors none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    // zero-width joiner, variation selectors, combining marks
    if (code === 0x200d || code === 0xfe0e || code === 0xfe0f || (code >= 0x300 && code <= 0x36f)) continue;
    width += /\p{Extended_Pictographic}/u.test(char) && code > 0x2000 ? 2 : 1;
  }
  return width;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** Rows of cells as aligned columns, a rule under the header row. */
export function renderTable(rows: string[][], hasHeader = true): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((row) => displayWidth(row[i] ?? ''))));
  const line = (row: string[]) =>
    widths
      .map((w, i) => pad(row[i] ?? '', w))
      .join('  ')
      .trimEnd();
  const out = rows.map(line);
  if (hasHeader && rows.length > 0) out.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return out.join('\n');
}

function htmlTable(body: string): string {
  const rows: string[][] = [];
  let header = false;
  for (const [, row] of body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)) {
    const cells: string[] = [];
    for (const [, tag, cell] of (row ?? '').matchAll(/<(th|td)[^>]*>([\s\S]*?)<\/\1>/gi)) {
      if (rows.length === 0 && tag?.toLowerCase() === 'th') header = true;
      cells.push(
        stripTags(cell ?? '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
    }
    rows.push(cells);
  }
  return renderTable(rows, header);
}

/** The job summary (the HTML @actions/core writes, with markdown in between) as terminal text. */
export function renderSummary(html: string): string {
  const tables: string[] = [];
  let text = html.replace(/<table[^>]*>([\s\S]*?)<\/table>/gi, (_, body: string) => {
    tables.push(htmlTable(body));
    return `\n\ue000${tables.length - 1}\ue000\n`;
  });
  text = text
    .replace(/<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/gi, (_, title: string) => `\n${stripTags(title).trim()}\n`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<hr\s*\/?>/gi, `\n${'─'.repeat(40)}\n`)
    .replace(/<li[^>]*>/gi, '\n  • ')
    .replace(/<\/?(ul|ol|p|div|details|pre)[^>]*>/gi, '\n')
    .replace(/<summary[^>]*>([\s\S]*?)<\/summary>/gi, '$1\n')
    .replace(/<a [^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) =>
      stripTags(label) === decode(href) ? decode(href) : `${stripTags(label)} (${decode(href)})`,
    )
    .replace(/<blockquote[^>]*>/gi, '> ')
    .replace(/<[^>]+>/g, '');
  text = decode(text).replace(/\ue000(\d+)\ue000/g, (_, i: string) => tables[Number(i)] ?? '');
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface LogPrinter {
  /** Feed raw output; complete lines are written. */
  write(chunk: string): void;
  /** Writes a trailing partial line. */
  flush(): void;
  /** Replaces every masked value in text with ***. */
  redact(text: string): string;
}

/**
 * Renders an action's output for a terminal as it arrives: groups as headings with
 * indented bodies, annotations as Error/Warning/Notice lines, debug lines only when
 * RUNNER_DEBUG=1, and every value the action masked replaced by *** (as the runner does).
 */
export function createLogPrinter(out: (line: string) => void, options: { debug?: boolean } = {}): LogPrinter {
  const masks: string[] = [];
  // core.setFailed repeats the message a step already raised with core.error; show it once
  const shown = new Set<string>();
  let pending = '';
  let indent = '';
  const redact = (text: string) => {
    let result = text;
    for (const mask of masks) result = result.split(mask).join('***');
    return result;
  };
  const line = (raw: string) => {
    const command = parseWorkflowCommand(raw);
    if (!command) return out(indent + redact(raw.replace(/\r$/, '')));
    const { command: name, properties, data } = command;
    switch (name) {
      case 'add-mask':
        if (data && !masks.includes(data)) masks.push(data);
        // longest first, so a value containing another is hidden whole
        masks.sort((a, b) => b.length - a.length);
        return;
      case 'group':
        indent = '';
        out(`▸ ${redact(data)}`);
        indent = '  ';
        return;
      case 'endgroup':
        indent = '';
        return;
      case 'debug':
        if (options.debug) out(`${indent}[debug] ${redact(data)}`);
        return;
      case 'error':
      case 'warning':
      case 'notice': {
        const label = name[0]!.toUpperCase() + name.slice(1);
        const title = properties.title ? `${redact(properties.title)}: ` : '';
        const text = `${label}: ${title}${redact(data)}`;
        if (shown.has(text)) return;
        shown.add(text);
        for (const [i, part] of text.split('\n').entries()) out(`${indent}${i === 0 ? '' : '  '}${part}`);
        return;
      }
      default:
        // set-output, save-state, echo and other runner-only commands: nothing to show
        return;
    }
  };
  return {
    write(chunk) {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) line(part);
    },
    flush() {
      if (pending) line(pending);
      pending = '';
    },
    redact,
  };
}
