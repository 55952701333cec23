/**
 * GitHub's REST API as its OpenAPI description states it (@octokit/openapi, pinned in
 * package.json: node_modules/@octokit/openapi/generated/api.github.com.json), and a check of a
 * request — method, path, query, JSON body — and of an answer against it. The JSON-schema check
 * is small on purpose: type, enum, properties, required, items, oneOf/anyOf/allOf, nullable and
 * $ref — what GitHub's description uses for the kit's operations — compiled once per schema
 * and looked up once per operation and status. A request body may carry only properties the
 * operation's schema names (a misspelt field fails); so may an answer — every property its
 * schema requires, with the schema's types, and none the schema does not know, so the kit
 * cannot come to rely on a field GitHub does not send. The fake (tests/harness/fake-github/) checks every request and answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
  $ref?: string;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }>;
}

interface Description {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, unknown>;
  };
}

export const DESCRIPTION_FILE = path.resolve('node_modules/@octokit/openapi/generated/api.github.com.json');

let loaded: { description: Description; routes: Route[] } | undefined;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  literals: number;
  operation: Operation;
}

function load() {
  if (loaded) return loaded;
  const description = JSON.parse(readFileSync(DESCRIPTION_FILE, 'utf8')) as Description;
  const routes: Route[] = [];
  for (const [template, methods] of Object.entries(description.paths))
    for (const [method, operation] of Object.entries(methods)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const segments = template.split('/').filter(Boolean);
      const last = segments.length - 1;
      // A parameter matches one segment; a last {ref} or {path} may hold slashes (git/ref/{ref}: tags/v1).
      const source = segments
        .map((s, i) =>
          /^\{[^}]+\}$/.test(s) ? (i === last && /^\{(ref|path)\}$/.test(s) ? '(.+)' : '([^/]+)') : escape(s),
        )
        .join('/');
      routes.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^/${source}$`),
        literals: segments.filter((s) => !s.startsWith('{')).length,
        operation,
      });
    }
  routes.sort((a, b) => b.literals - a.literals);
  loaded = { description, routes };
  return loaded;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const descriptionAvailable = () => existsSync(DESCRIPTION_FILE);

function resolve<T extends { $ref?: string }>(item: T): T {
  let current: T = item;
  for (let depth = 0; current?.$ref && depth < 20; depth++) {
    const [, , kind, name] = current.$ref.split('/');
    current = (load().description.components as unknown as Record<string, Record<string, T>>)[kind as string]?.[
      name as string
    ] as T;
  }
  return current;
}

/** The operation a request is for, or undefined when the description has none. */
export function findOperation(
  method: string,
  pathname: string,
): { template: string; operation: Operation } | undefined {
  const key = `${method} ${pathname}`;
  if (!operations.has(key)) {
    const route = load().routes.find((r) => r.method === method && r.pattern.test(pathname));
    operations.set(key, route && { template: route.template, operation: route.operation });
  }
  return operations.get(key);
}

const operations = new Map<string, { template: string; operation: Operation } | undefined>();

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

/** A compiled schema: appends to `out` what is wrong with value. */
type Check = (value: unknown, where: string, out: string[]) => void;

// Each schema object is compiled once per strictness (a $ref's target is one object, so it is
// shared by every operation that uses it); a recursive schema reaches itself through `pending`.
const compiled = { true: new WeakMap<Schema, Check>(), false: new WeakMap<Schema, Check>() };

function compile(schema: Schema | undefined, strict: boolean): Check {
  if (!schema) return () => undefined;
  const cache = compiled[`${strict}`];
  const known = cache.get(schema);
  if (known) return known;
  const pending: { check?: Check } = {};
  cache.set(schema, (value, where, out) => pending.check?.(value, where, out));
  const check = build(resolve(schema), strict);
  pending.check = check;
  cache.set(schema, check);
  return check;
}

function build(s: Schema, strict: boolean): Check {
  const nullable = s.nullable === true || (Array.isArray(s.type) && s.type.includes('null'));
  if (s.allOf) {
    const parts = s.allOf.map((part) => compile(part, false));
    return (value, where, out) => {
      if (value === null && nullable) return;
      for (const part of parts) part(value, where, out);
    };
  }
  if (s.oneOf || s.anyOf) {
    const options = ((s.oneOf ?? s.anyOf) as Schema[]).map((option) => compile(option, strict));
    return (value, where, out) => {
      if (value === null && nullable) return;
      const results = options.map((option) => {
        const problems: string[] = [];
        option(value, where, problems);
        return problems;
      });
      if (results.some((r) => r.length === 0)) return;
      out.push(`${where}: matches none of ${options.length} alternatives (${results.map((r) => r[0]).join(' | ')})`);
    };
  }
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const properties = Object.entries(s.properties ?? {}).map(
    ([name, property]) => [name, compile(property, strict)] as const,
  );
  const byName = new Map(properties);
  const items = s.items && compile(s.items, strict);
  const closed = strict && s.additionalProperties === undefined;
  return (value, where, out) => {
    if (value === null && nullable) return;
    const actual = typeOf(value);
    if (types.length && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
      return void out.push(`${where}: is ${actual}, the description says ${types.join(' or ')}`);
    if (s.enum && !s.enum.includes(value))
      return void out.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
    if (actual === 'object' && (s.properties || s.required)) {
      const object = value as Record<string, unknown>;
      for (const name of s.required ?? [])
        if (!(name in object)) out.push(`${where}: the required property "${name}" is missing`);
      for (const [name, item] of Object.entries(object)) {
        const check = byName.get(name);
        if (check) check(item, `${where}.${name}`, out);
        else if (closed) out.push(`${where}: "${name}" is not a property the description knows`);
      }
    }
    if (actual === 'array' && items) (value as unknown[]).forEach((item, i) => items(item, `${where}[${i}]`, out));
  };
}

/** Problems of value against schema ([] when it conforms). `strict`: no properties beyond the schema's. */
export function checkSchema(schema: Schema | undefined, value: unknown, where: string, strict: boolean): string[] {
  const out: string[] = [];
  compile(schema, strict)(value, where, out);
  return out;
}

/** A query value (a string on the wire) against its parameter's schema. */
function checkQueryValue(schema: Schema | undefined, value: string, where: string): string[] {
  const s = schema && resolve(schema);
  if (!s) return [];
  if (s.type === 'integer' && !/^-?\d+$/.test(value)) return [`${where}: "${value}" is not an integer`];
  if (s.enum && !s.enum.includes(value)) return [`${where}: "${value}" is not one of ${JSON.stringify(s.enum)}`];
  return [];
}

/** What is wrong with a request, by GitHub's description; [] when it conforms. */
export function checkRequest(request: {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}): string[] {
  if (request.method === 'POST' && request.path === '/graphql') return []; // GraphQL: checked in github.test.ts
  const found = findOperation(request.method, request.path);
  if (!found) return [`${request.method} ${request.path}: no such operation in GitHub's REST description`];
  const { operation, template } = found;
  const name = `${request.method} ${template} (${operation.operationId})`;
  const parameters = (operation.parameters ?? []).map((p) => resolve(p));
  const problems: string[] = [];
  for (const [key, value] of Object.entries(request.query)) {
    const parameter = parameters.find((p) => p.in === 'query' && p.name === key);
    if (!parameter) problems.push(`${name}: "${key}" is not one of its query parameters`);
    else problems.push(...checkQueryValue(parameter.schema, value, `${name} ?${key}`));
  }
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  if (request.body !== undefined) {
    if (!operation.requestBody) problems.push(`${name}: takes no request body`);
    else problems.push(...checkSchema(schema, request.body, `${name} body`, true));
  } else if (schema && resolve(schema).required?.length)
    problems.push(`${name}: needs a body with ${resolve(schema).required?.join(', ')}`);
  return problems;
}

/**
 * Statuses GitHub answers on any operation, listed in its description or not: 401 (bad
 * credentials), 403 (a token without the permission), 404 (absent, or hidden from the token:
 * docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api), 5xx; and 400, the fake's
 * own answer to a request the description does not allow. Their body is a basic-error.
 */
const anyOperation = (status: number) => [400, 401, 403, 404].includes(status) || status >= 500;

/**
 * What GitHub Enterprise Server's own description adds to an answer of api.github.com's, and
 * the fake answers when it plays one (serverVersion): GET /meta's installed_version.
 */
const GHES_ONLY = ['(meta/get) 200: "installed_version" is not a property'];

const answers = new Map<string, { name: string; check?: Check; undocumented: boolean }>();

/** What is wrong with an answer: a status the operation does not document, or a body off its schema. */
export function checkResponse(request: { method: string; path: string; status?: number; answer?: unknown }): string[] {
  if (request.path === '/graphql' || request.status === undefined) return [];
  const found = findOperation(request.method, request.path);
  if (!found) return [];
  const key = `${request.method} ${found.template} ${request.status}`;
  let answer = answers.get(key);
  if (!answer) {
    const name = `${request.method} ${found.template} (${found.operation.operationId})`;
    const documented = found.operation.responses[String(request.status)];
    const response = documented && (resolve(documented) as { content?: Record<string, { schema?: Schema }> });
    const schema = documented
      ? response?.content?.['application/json']?.schema
      : anyOperation(request.status)
        ? load().description.components.schemas['basic-error']
        : undefined;
    answer = {
      name,
      check: schema && compile(schema, true),
      undocumented: !documented && !anyOperation(request.status),
    };
    answers.set(key, answer);
  }
  if (answer.undocumented) return [`${answer.name}: answered ${request.status}, not documented`];
  const problems: string[] = [];
  if (answer.check && request.answer !== undefined)
    answer.check(request.answer, `${answer.name} ${request.status}`, problems);
  return problems.filter((p) => !GHES_ONLY.some((known) => p.includes(known)));
}
