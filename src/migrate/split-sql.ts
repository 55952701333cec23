/**
 * Splits a migration file into statements the way psql does (psql sends each statement
 * on its own), so a failing statement is known even when PostgreSQL's error has no
 * position (a batched file's statements are counted as they complete, batch.ts), and
 * `CREATE INDEX CONCURRENTLY` can run outside a transaction (PostgreSQL runs a
 * multi-statement query string in one implicit transaction).
 *
 * Knows what can hide a semicolon: '…' and E'…' strings, "…" identifiers, $tag$…$tag$
 * bodies, -- and nested /* *\/ comments, and BEGIN ATOMIC … END function bodies.
 */
export interface Statement {
  sql: string;
  /** Offset of the statement's first character in the file. */
  offset: number;
  /** 1-based line of the statement's first character. */
  line: number;
  /**
   * On the last statement: the text ended inside a string, quoted identifier, comment,
   * dollar-quoted body or BEGIN ATOMIC body, so whatever followed the file would be part of it.
   */
  open?: true;
}

export function splitSql(text: string): Statement[] {
  const statements: Statement[] = [];
  let start = 0;
  let i = 0;
  let atomicDepth = 0;
  let previousWord = '';
  let open = false;
  /** The skip functions return past the end when the text ends before what they skip does. */
  const skipTo = (end: number) => {
    open ||= end > text.length;
    return Math.min(end, text.length);
  };
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = leadingNoise(raw);
    if (lead < raw.length) {
      const offset = start + lead;
      statements.push({ sql: raw.slice(lead).trimEnd(), offset, line: lineAt(text, offset) });
    }
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipTo(skipBlockComment(text, i));
    } else if (c === "'") {
      const escapes = /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '');
      i = skipTo(skipQuoted(text, i, "'", escapes));
    } else if (c === '"') {
      i = skipTo(skipQuoted(text, i, '"', false));
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        i = skipTo(end === -1 ? text.length + 1 : end + tag[0].length);
      } else i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = (/^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i)) as RegExpExecArray)[0].toUpperCase();
      if (word === 'ATOMIC' && previousWord === 'BEGIN') atomicDepth++;
      else if (atomicDepth > 0 && word === 'CASE') atomicDepth++;
      else if (atomicDepth > 0 && word === 'END') atomicDepth--;
      previousWord = word;
      i += word.length;
    } else if (c === ';' && atomicDepth === 0) {
      push(i + 1);
      start = i + 1;
      i++;
      previousWord = '';
    } else {
      i++;
    }
  }
  push(text.length);
  const last = statements[statements.length - 1];
  if (last && (open || atomicDepth > 0)) last.open = true;
  return statements;
}

/** Length of the whitespace and comments before a statement's first token. */
function leadingNoise(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      i = Math.min(skipBlockComment(text, i), text.length);
    } else if (text[i] === ';') {
      i++;
    } else return i;
  }
}

function skipBlockComment(text: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length + 1;
}

function skipQuoted(text: string, at: number, quote: string, backslashEscapes: boolean): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote && text[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return text.length + 1;
}

/** 1-based line number of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
