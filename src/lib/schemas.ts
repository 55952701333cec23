/**
 * Parsers for the kit's input conventions. Each takes the raw string the runner passes
 * (default applied) and returns a typed value, or a Fail with a message that says what
 * was expected. readInputs() adds the input's name.
 *
 * Plain functions, not zod: every action loads these at start, and zod alone cost
 * smoke-test ~21 ms CPU and 160 KB of its bundle (issue 17). zod stays for the release
 * manifest (src/release/manifest.ts), which wraps these parsers.
 */
import { parseDuration } from './duration.js';

/** Returned by a parser to reject the value: one message per problem found. */
export class Fail {
  readonly messages: readonly string[];
  constructor(message: string, ...more: string[]) {
    this.messages = [message, ...more];
  }
  /** Every problem, joined with "; ". */
  get message(): string {
    return this.messages.join('; ');
  }
}

/**
 * Reads the raw input (default applied) into its value, or a Fail. An object, not a bare
 * function: TypeScript skips generic calls that return functions (optional(…), via(…))
 * when inferring a spec's type from an object literal, which left such specs untyped.
 */
export interface Parser<T> {
  read(raw: string): T | Fail;
}

/** What a parser returns when the value is accepted. */
export type Parsed<P extends Parser<unknown>> = Exclude<ReturnType<P['read']>, Fail>;

/** A parser from a function that returns a value or a Fail. */
export const parser = <T>(read: (raw: string) => T | Fail): Parser<T> => ({ read });

/** A parse function that returns a value or a Fail, applied after `inner` (e.g. text()). */
export function via<I, T>(inner: Parser<I>, fn: (value: I) => T | Fail): Parser<T> {
  return parser((raw) => {
    const value = inner.read(raw);
    return value instanceof Fail ? value : fn(value);
  });
}

export const text = (): Parser<string> => parser((raw) => raw);

/** '' → undefined, anything else through the given parser. */
export function optional<T>(inner: Parser<T>): Parser<T | undefined> {
  return parser((raw) => (raw === '' ? undefined : inner.read(raw)));
}

export const bool = (): Parser<boolean> =>
  parser((raw) => {
    const value = raw.toLowerCase();
    if (value === 'true') return true;
    if (value === 'false') return false;
    return new Fail(`"${raw}" is not a boolean; expected true or false`);
  });

export const duration = (): Parser<number> =>
  parser((raw) => {
    const ms = parseDuration(raw);
    if (ms === undefined) return new Fail(`"${raw}" is not a duration; expected e.g. 90s, 5m, 1h or plain seconds`);
    return ms;
  });

export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return parser((raw) => {
    if (!/^-?\d+$/.test(raw.trim())) return new Fail(`"${raw}" is not a whole number`);
    const n = Number(raw);
    if (n < min || n > max) return new Fail(`${n} is out of range; expected ${min} to ${max}`);
    return n;
  });
}

export function decimal(min = -Infinity, max = Infinity): Parser<number> {
  return parser((raw) => {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(n)) return new Fail(`"${raw}" is not a number`);
    if (n < min || n > max) return new Fail(`${n} is out of range; expected ${min} to ${max}`);
    return n;
  });
}

/** The trimmed value when it matches `re`; else fails with `"<raw>" is not <expected>`. */
export function pattern(re: RegExp, expected: string): Parser<string> {
  return parser((raw) => {
    const value = raw.trim();
    return re.test(value) ? value : new Fail(`"${raw}" is not ${expected}`);
  });
}

/** A sha256 as 64 hex digits, lower-cased. */
export const sha256Hex = (): Parser<string> =>
  parser((raw) => {
    const value = raw.trim().toLowerCase();
    return /^[0-9a-f]{64}$/.test(value) ? value : new Fail(`"${raw}" is not a sha256 (64 hexadecimal digits)`);
  });

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return parser((raw) =>
    (values as readonly string[]).includes(raw) ? (raw as T) : new Fail(`"${raw}" is not one of ${values.join(', ')}`),
  );
}

/** An absolute http(s) URL. Never echoes the value (it may carry credentials). */
export const httpUrl = (): Parser<URL> =>
  parser((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return new Fail('not a valid absolute URL; expected e.g. https://app.example.com');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return new Fail(`the scheme ${url.protocol} is not supported; expected http:// or https://`);
    return url;
  });

/** One item per line; blank lines and lines starting with # are ignored. */
export const lines = (): Parser<string[]> =>
  parser((raw) =>
    raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );

/** Lines of `Name: value` (headers); a line without the separator fails, naming its number. */
export function nameValueLines(separator: ':' | '='): Parser<Array<{ name: string; value: string }>> {
  return parser((raw) => {
    const items: Array<{ name: string; value: string }> = [];
    const all = raw.split(/\r?\n/);
    for (let i = 0; i < all.length; i++) {
      const line = (all[i] as string).trim();
      if (line === '' || line.startsWith('#')) continue;
      const at = line.indexOf(separator);
      if (at <= 0)
        return new Fail(`line ${i + 1} has no "${separator}"; expected one "Name${separator} value" per line`);
      items.push({ name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
    }
    return items;
  });
}
