/**
 * What a smoke test expects of a response, parsed from the inputs' text up front (so a
 * bad pattern fails before any request) and evaluated against each response.
 */
import type { HttpResponse } from '../http/request.js';
import { Fail } from '../lib/schemas.js';

export interface StatusRange {
  min: number;
  max: number;
}

/** `200`, `200-299`, `2xx`, or a comma list of those: `200,204`. */
export function parseStatusPattern(text: string): StatusRange[] | Fail {
  const ranges: StatusRange[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    let match: RegExpExecArray | null;
    if ((match = /^([1-5])xx$/i.exec(part)))
      ranges.push({ min: Number(match[1]) * 100, max: Number(match[1]) * 100 + 99 });
    else if ((match = /^(\d{3})$/.exec(part))) ranges.push({ min: Number(match[1]), max: Number(match[1]) });
    else if ((match = /^(\d{3})\s*-\s*(\d{3})$/.exec(part)) && Number(match[1]) <= Number(match[2]))
      ranges.push({ min: Number(match[1]), max: Number(match[2]) });
    else return new Fail(`"${text}" is not a status pattern; expected e.g. 200, 200-299, 2xx or 200,204`);
  }
  for (const range of ranges)
    if (range.min < 100 || range.max > 599) return new Fail(`"${text}" has a status outside 100-599`);
  return ranges;
}

export const formatStatusPattern = (ranges: StatusRange[]): string =>
  ranges.map((r) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`)).join(',');

export type TextMatcher = { kind: 'substring'; text: string } | { kind: 'regex'; regex: RegExp; source: string };

/** `/regex/flags` or a plain substring. */
export function parseTextMatcher(text: string): TextMatcher | Fail {
  const match = /^\/(.+)\/([dgimsuy]*)$/s.exec(text);
  if (!match) return { kind: 'substring', text };
  try {
    return { kind: 'regex', regex: new RegExp(match[1] as string, match[2]), source: text };
  } catch (error) {
    return new Fail(`${text} is not a valid regular expression: ${(error as Error).message}`);
  }
}

const matches = (matcher: TextMatcher, text: string) =>
  matcher.kind === 'substring' ? text.includes(matcher.text) : matcher.regex.test(text);
const describeMatcher = (matcher: TextMatcher) =>
  matcher.kind === 'substring' ? JSON.stringify(matcher.text) : matcher.source;

export type PathSegment = string | number;

export interface JsonExpectation {
  path: string;
  segments: PathSegment[];
  expected: unknown;
}

/** `status`, `$.data.items[0].id`, `checks["db"].ok`. */
export function parseJsonPath(text: string): PathSegment[] | Fail {
  let rest = text.trim().replace(/^\$\.?/, '');
  const segments: PathSegment[] = [];
  while (rest.length) {
    let match: RegExpExecArray | null;
    if ((match = /^\.?([A-Za-z_$][\w$-]*)/.exec(rest))) segments.push(match[1] as string);
    else if ((match = /^\[(\d+)\]/.exec(rest))) segments.push(Number(match[1]));
    else if ((match = /^\["([^"]*)"\]/.exec(rest))) segments.push(match[1] as string);
    else return new Fail(`"${text}" is not a JSON path; expected e.g. status, data.items[0].id or checks["db"].ok`);
    rest = rest.slice(match[0].length);
  }
  if (!segments.length) return new Fail(`"${text}" is an empty JSON path`);
  return segments;
}

/** Lines of `json.path = value`; the value is JSON where it parses (true, 3, "x", null), else text. */
export function parseJsonExpectations(lines: string[]): JsonExpectation[] | Fail {
  const result: JsonExpectation[] = [];
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at <= 0) return new Fail(`"${line}" has no "="; expected one "json.path = value" per line`);
    const path = line.slice(0, at).trim();
    const segments = parseJsonPath(path);
    if (segments instanceof Fail) return segments;
    const rawValue = line.slice(at + 1).trim();
    let expected: unknown = rawValue;
    try {
      expected = JSON.parse(rawValue);
    } catch {
      // plain text
    }
    result.push({ path, segments, expected });
  }
  return result;
}

export function readPath(value: unknown, segments: PathSegment[]): { found: boolean; value?: unknown } {
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return { found: false };
    if (typeof segment === 'number' && !Array.isArray(current)) return { found: false };
    if (!(segment in (current as object))) return { found: false };
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { found: true, value: current };
}

export interface HeaderExpectation {
  name: string;
  matcher: TextMatcher;
}

export interface Expectations {
  status: StatusRange[];
  body?: TextMatcher;
  json: JsonExpectation[];
  headers: HeaderExpectation[];
  version?: string;
}

/**
 * Text the endpoint chose, made safe for the log: no line breaks or other control
 * characters (a response could otherwise start a line with `::add-mask::` or
 * `::stop-commands::` and command the runner), `::` broken up, at most 100 characters.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '�').replace(/::/g, ':\u200b:');
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}

/** The version the endpoint reports: JSON version/sha/commit, else the x-version header. */
export function reportedVersion(response: Pick<HttpResponse, 'body' | 'headers'>): string | undefined {
  try {
    const json = JSON.parse(response.body) as Record<string, unknown>;
    for (const key of ['version', 'sha', 'commit']) {
      const value = json?.[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  } catch {
    // not JSON
  }
  const header = response.headers['x-version'];
  return Array.isArray(header) ? header[0] : header;
}

/** Equal, or (for commit SHAs of 7+ characters) one a prefix of the other. */
export function versionMatches(expected: string, reported: string): boolean {
  const a = expected
    .trim()
    .toLowerCase()
    .replace(/^v(?=\d)/, '');
  const b = reported
    .trim()
    .toLowerCase()
    .replace(/^v(?=\d)/, '');
  if (a === b) return true;
  const isSha = (s: string) => /^[0-9a-f]{7,40}$/.test(s);
  return isSha(a) && isSha(b) && (a.startsWith(b) || b.startsWith(a));
}

/** Every unmet expectation, as a sentence; empty when the response passes. */
export function evaluate(response: Pick<HttpResponse, 'status' | 'body' | 'headers'>, expect: Expectations): string[] {
  const problems: string[] = [];
  if (!expect.status.some((r) => response.status >= r.min && response.status <= r.max))
    problems.push(`status ${response.status}, expected ${formatStatusPattern(expect.status)}`);
  if (expect.body && !matches(expect.body, response.body))
    problems.push(`body does not contain ${describeMatcher(expect.body)}`);
  if (expect.json.length) {
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      problems.push('body is not JSON');
    }
    if (json !== undefined) {
      for (const item of expect.json) {
        const actual = readPath(json, item.segments);
        if (!actual.found) problems.push(`${item.path} is missing`);
        else if (
          JSON.stringify(actual.value) !== JSON.stringify(item.expected) &&
          String(actual.value) !== String(item.expected)
        )
          problems.push(`${item.path} is ${JSON.stringify(actual.value)}, expected ${JSON.stringify(item.expected)}`);
      }
    }
  }
  for (const header of expect.headers) {
    const raw = response.headers[header.name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value === undefined) problems.push(`header ${header.name} is missing`);
    else if (!matches(header.matcher, value))
      problems.push(`header ${header.name} does not match ${describeMatcher(header.matcher)}`);
  }
  if (expect.version) {
    const reported = reportedVersion(response);
    if (reported === undefined)
      problems.push(
        `no version reported (expected ${expect.version} in the JSON field version, sha or commit, or the x-version header)`,
      );
    else if (!versionMatches(expect.version, reported))
      problems.push(
        `reports version ${printable(reported)}, expected ${expect.version} (an older release is still answering)`,
      );
  }
  return problems;
}
