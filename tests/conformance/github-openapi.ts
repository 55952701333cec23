/**
 * GitHub's REST API as its OpenAPI description states it (@octokit/openapi, pinned in
 * package.json: node_modules/@octokit/openapi/generated/api.github.com.json), and a check of a
 * request — method, path, query, JSON body — and of an answer against it. The JSON-schema check
 * is small on purpose: type, enum, properties, required, items, oneOf/anyOf/allOf, nullable and
 * $ref — what GitHub's description uses for the kit's operations. A request body may carry only
 * properties the operation's schema names (a misspelt field fails); an answer may carry more
 * (GitHub adds fields without a new API version).
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
  const route = load().routes.find((r) => r.method === method && r.pattern.test(pathname));
  return route && { template: route.template, operation: route.operation };
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

/** Problems of value against schema ([] when it conforms). `strict`: no properties beyond the schema's. */
export function checkSchema(schema: Schema | undefined, value: unknown, where: string, strict: boolean): string[] {
  if (!schema) return [];
  const s = resolve(schema);
  if (s.allOf) return s.allOf.flatMap((part) => checkSchema(part, value, where, false));
  if (s.oneOf || s.anyOf) {
    const options = (s.oneOf ?? s.anyOf) as Schema[];
    const results = options.map((option) => checkSchema(option, value, where, strict));
    if (results.some((r) => r.length === 0)) return [];
    return [`${where}: matches none of ${options.length} alternatives (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (value === null && (s.nullable || (Array.isArray(s.type) && s.type.includes('null')))) return [];
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const actual = typeOf(value);
  if (types.length && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return [`${where}: is ${actual}, the description says ${types.join(' or ')}`];
  if (s.enum && !s.enum.includes(value))
    return [`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`];
  const problems: string[] = [];
  if (actual === 'object' && (s.properties || s.required)) {
    const object = value as Record<string, unknown>;
    for (const name of s.required ?? [])
      if (!(name in object)) problems.push(`${where}: the required property "${name}" is missing`);
    for (const [name, item] of Object.entries(object)) {
      const property = s.properties?.[name];
      if (property) problems.push(...checkSchema(property, item, `${where}.${name}`, strict));
      else if (strict && s.additionalProperties === undefined)
        problems.push(`${where}: "${name}" is not a property the description knows`);
    }
  }
  if (actual === 'array' && s.items)
    (value as unknown[]).forEach((item, i) => problems.push(...checkSchema(s.items, item, `${where}[${i}]`, strict)));
  return problems;
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

/** What is wrong with an answer: a status the operation does not document, or a body off its schema. */
export function checkResponse(request: { method: string; path: string; status?: number; answer?: unknown }): string[] {
  if (request.path === '/graphql' || request.status === undefined) return [];
  const found = findOperation(request.method, request.path);
  if (!found) return [];
  const name = `${request.method} ${found.template} (${found.operation.operationId})`;
  const documented = found.operation.responses[String(request.status)];
  // 401 and 5xx are answers of every operation, whether the description lists them or not.
  if (!documented)
    return request.status === 401 || request.status >= 500
      ? []
      : [`${name}: answered ${request.status}, not documented`];
  const response = resolve(documented) as { content?: Record<string, { schema?: Schema }> };
  const schema = response.content?.['application/json']?.schema;
  if (!schema || request.answer === undefined) return [];
  return checkSchema(schema, request.answer, `${name} ${request.status}`, false);
}
