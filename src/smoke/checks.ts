/** The endpoints a smoke test probes: the top-level inputs, or a YAML list under `checks`. */
import { ConfigurationError } from '../lib/errors.js';
import { Fail } from '../lib/schemas.js';
import {
  type Expectations,
  type HeaderExpectation,
  type StatusRange,
  type TextMatcher,
  parseJsonExpectations,
  parseStatusPattern,
  parseTextMatcher,
} from './expectations.js';

export interface Check {
  name: string;
  url: URL;
  method: string;
  headers: Record<string, string>;
  expect: Expectations;
}

export interface CheckDefaults {
  url: URL;
  path: string;
  method: string;
  headers: Array<{ name: string; value: string }>;
  expectStatus: StatusRange[];
  expectBody?: TextMatcher;
  expectJson: Expectations['json'];
  expectHeader: HeaderExpectation[];
  expectVersion?: string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function parseMethod(text: string): string | Fail {
  const method = text.trim().toUpperCase();
  return METHODS.includes(method)
    ? method
    : new Fail(`"${text}" is not an HTTP method; expected one of ${METHODS.join(', ')}`);
}

export function joinUrl(base: URL, path: string): URL {
  if (/^https?:\/\//i.test(path)) return new URL(path);
  const url = new URL(base.href);
  const basePath = url.pathname.replace(/\/+$/, '');
  const [pathname, search] = path.split('?', 2) as [string, string | undefined];
  url.pathname = `${basePath}/${pathname.replace(/^\/+/, '')}`;
  if (search !== undefined) url.search = search;
  return url;
}

export function parseHeaderExpectations(lines: Array<{ name: string; value: string }>): HeaderExpectation[] | Fail {
  const result: HeaderExpectation[] = [];
  for (const { name, value } of lines) {
    const matcher = parseTextMatcher(value);
    if (matcher instanceof Fail) return matcher;
    result.push({ name, matcher });
  }
  return result;
}

/**
 * The top-level `headers` (often a token) are for the host in `url`: a check whose `url`
 * or absolute `path` names another origin does not get them (only headers it lists itself).
 */
export function inheritedHeaders(
  target: URL,
  defaults: Pick<CheckDefaults, 'url' | 'headers'>,
): Array<{ name: string; value: string }> {
  return target.origin === defaults.url.origin ? defaults.headers : [];
}

function fromDefaults(defaults: CheckDefaults, mask: (v: string) => void): Check {
  for (const header of defaults.headers) mask(header.value);
  const url = joinUrl(defaults.url, defaults.path);
  return {
    name: defaults.path,
    url,
    method: defaults.method,
    headers: Object.fromEntries(inheritedHeaders(url, defaults).map((h) => [h.name, h.value])),
    expect: {
      status: defaults.expectStatus,
      body: defaults.expectBody,
      json: defaults.expectJson,
      headers: defaults.expectHeader,
      version: defaults.expectVersion,
    },
  };
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : String(value));

/** A YAML value that may be a map ({a: b}) or lines ("a: b\n…"), as name/value pairs. */
function pairs(value: unknown, separator: ':' | '=', where: string): Array<{ name: string; value: string }> {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value as Record<string, unknown>).map(([name, v]) => ({ name, value: asText(v) }));
  const items = Array.isArray(value) ? value.map(asText) : asText(value).split(/\r?\n/);
  return items
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(separator);
      if (at <= 0)
        throw new ConfigurationError(`Input "checks" is invalid: ${where} has a line without "${separator}"`);
      return { name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

const KEYS = [
  'name',
  'url',
  'path',
  'method',
  'headers',
  'expect-status',
  'expect-body',
  'expect-json',
  'expect-header',
  'expect-version',
];

/**
 * Builds the checks. Without `checks`, one check from the top-level inputs; with it, one
 * per item, each key overriding the top-level value. Header values are masked here.
 */
export async function buildChecks(
  defaults: CheckDefaults,
  checksYaml: string | undefined,
  mask: (v: string) => void,
): Promise<Check[]> {
  if (!checksYaml) return [fromDefaults(defaults, mask)];
  let items: unknown;
  try {
    // Loaded only when needed: the YAML parser is a tenth of the bundle's start-up.
    const { parse: parseYaml } = await import('yaml');
    items = parseYaml(checksYaml);
  } catch (error) {
    throw new ConfigurationError(`Input "checks" is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(items) || items.length === 0)
    throw new ConfigurationError(
      'Input "checks" must be a YAML list of checks, e.g.\n- path: /health\n  expect-json: status = ok',
    );
  return items.map((raw, index) => {
    const where = `checks[${index}]`;
    const fail = (problem: string) => new ConfigurationError(`Input "checks" is invalid: ${where}.${problem}`);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw fail(' must be a map of check keys');
    const item = raw as Record<string, unknown>;
    for (const key of Object.keys(item))
      if (!KEYS.includes(key)) throw fail(`${key} is not a check key; expected one of ${KEYS.join(', ')}`);
    const get = (key: string) => (item[key] === undefined || item[key] === null ? undefined : item[key]);
    const check = fromDefaults({ ...defaults, headers: [] }, mask);
    if (get('url') !== undefined) {
      try {
        check.url = new URL(asText(get('url')));
      } catch {
        throw fail('url is not a valid absolute URL');
      }
    }
    const path = get('path') === undefined ? (get('url') !== undefined ? '' : defaults.path) : asText(get('path'));
    check.url = path ? joinUrl(check.url, path) : check.url;
    const headers =
      get('headers') === undefined
        ? inheritedHeaders(check.url, defaults)
        : pairs(get('headers'), ':', `${where}.headers`);
    for (const header of headers) mask(header.value);
    check.headers = Object.fromEntries(headers.map((h) => [h.name, h.value]));
    check.name = get('name') !== undefined ? asText(get('name')) : path || check.url.pathname;
    const unwrap = <T>(value: T | Fail, key: string): T => {
      if (value instanceof Fail) throw fail(`${key}: ${value.message}`);
      return value;
    };
    if (get('method') !== undefined) check.method = unwrap(parseMethod(asText(get('method'))), 'method');
    if (get('expect-status') !== undefined)
      check.expect.status = unwrap(parseStatusPattern(asText(get('expect-status'))), 'expect-status');
    if (get('expect-body') !== undefined)
      check.expect.body = unwrap(parseTextMatcher(asText(get('expect-body'))), 'expect-body');
    if (get('expect-json') !== undefined) {
      const lines = pairs(get('expect-json'), '=', `${where}.expect-json`).map(
        (p) => `${p.name} = ${typeof p.value === 'string' ? p.value : JSON.stringify(p.value)}`,
      );
      check.expect.json = unwrap(parseJsonExpectations(lines), 'expect-json');
    }
    if (get('expect-header') !== undefined)
      check.expect.headers = unwrap(
        parseHeaderExpectations(pairs(get('expect-header'), ':', `${where}.expect-header`)),
        'expect-header',
      );
    if (get('expect-version') !== undefined) check.expect.version = asText(get('expect-version'));
    return check;
  });
}
