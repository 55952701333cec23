/**
 * From deploy-kit.yml's text to a release plan: every service's provider inputs parsed by the
 * single actions' own parsers, its token read from its `token-env`, its smoke test checked,
 * and the services in `needs` order. Every mistake in the file is collected and reported at
 * once (naming the service and the key) before anything is touched.
 */
import type { z } from 'zod';
import { type InputSpec, camelCase, maskSecret } from '../lib/action-spec.js';
import { ConfigurationError } from '../lib/errors.js';
import { Fail } from '../lib/schemas.js';
import type { ProviderDefinition } from '../providers/provider.js';
import { definitions, providerNames } from '../providers/registry.js';
import { type SmokeSettings, smokeInputs, smokeSettings } from '../providers/smoke-step.js';
import { asInputText, manifestInputs, secretInputOf, usualTokenEnv } from './manifest-inputs.js';

type Raw = Record<string, unknown>;

/** One service, ready to deploy: its provider and inputs as deploy-<provider> would have read them. */
export interface PlannedService {
  name: string;
  definition: ProviderDefinition;
  /** Common + provider inputs, parsed and camelCased, with the token from `tokenEnv`. */
  inputs: Record<string, unknown>;
  tokenEnv: string;
  needs: string[];
  /** The smoke block as merged (raw manifest values); undefined: no smoke test. */
  smoke?: Raw;
  primary: boolean;
}

export interface ReleasePlan {
  environment: string;
  /** In `needs` order: each after everything it needs. */
  services: PlannedService[];
  /** Chosen by the `services` input; the others are taken as already live. */
  chosen: string[];
}

export interface PlanOptions {
  environment: string;
  env: NodeJS.ProcessEnv;
  /** The `services` input: deploy only these (empty: all). */
  only?: string[];
  /** Where the text came from, for messages. */
  file?: string;
  setSecret?: (value: string) => void;
}

/** "services.api.timeout" → `service "api", key "timeout"`. */
function where(path: PropertyKey[]): string {
  const p = path.map(String);
  if (p[0] === 'services' && p[1]) return `service "${p[1]}"${p.length > 2 ? `, key "${p.slice(2).join('.')}"` : ''}`;
  if (p[0] === 'environments' && p[1] && p[2] === 'services' && p[3])
    return `environment "${p[1]}", service "${p[3]}"${p.length > 4 ? `, key "${p.slice(4).join('.')}"` : ''}`;
  return p.length ? `key "${p.join('.')}"` : 'the file';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${where(issue.path)}: unknown key ${keys} (a key must be one of that provider's deploy-<provider> inputs, needs, smoke, token-env or primary; smoke takes smoke-test's inputs)`;
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue)
    return `${where(issue.path.slice(0, -1))}: "provider" must be one of ${providerNames().join(', ')}`;
  return `${where(issue.path)}: ${issue.message}`;
}

/** Parses the manifest's text into a plan, or throws one ConfigurationError listing every problem. */
export async function planRelease(text: string, options: PlanOptions): Promise<ReleasePlan> {
  const file = options.file ?? 'deploy-kit.yml';
  // Loaded here, not at the top: a refused input need not pay for the YAML parser (issue 17).
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { uniqueKeys: true });
  const yamlErrors = document.errors.map((error) => {
    const said = (error.message.split('\n')[0] ?? '').replace(/ at line.*$/, '');
    const line = `line ${error.linePos?.[0]?.line ?? '?'}`;
    return error.code === 'DUPLICATE_KEY'
      ? `${line}: a name appears twice (${said}); each service and key is declared once`
      : `${line}: ${said}`;
  });
  if (yamlErrors.length) throw manifestError(file, yamlErrors);
  const raw = (document.toJS() ?? {}) as Raw;
  const errors: string[] = [];
  // Loaded here, not at the top: the schema's module brings zod, which a step that reads no
  // manifest (a refused input, the post step) need not load (issue 17).
  const { manifestSchema } = await import('./manifest.js');
  const parsed = manifestSchema().safeParse(raw);
  if (!parsed.success) errors.push(...parsed.error.issues.map(issueMessage));
  if (typeof raw.services !== 'object' || raw.services === null || Array.isArray(raw.services)) {
    throw manifestError(file, errors.length ? errors : ['key "services": expected a map of services by name']);
  }

  const services = raw.services as Record<string, Raw>;
  const environments = (raw.environments ?? {}) as Record<string, Raw | null>;
  if (Object.keys(environments).length && !(options.environment in environments))
    errors.push(
      `environment "${options.environment}" is not one of the manifest's environments (${Object.keys(environments).join(', ')})`,
    );
  const overrides = ((environments[options.environment] ?? {}) as Raw).services as Record<string, Raw> | undefined;
  for (const name of Object.keys(overrides ?? {}))
    if (!(name in services))
      errors.push(`environment "${options.environment}", service "${name}": no such service in services`);

  const planned: Array<ReturnType<typeof planService>> = [];
  for (const [name, base] of Object.entries(services)) {
    if (!base || typeof base !== 'object') continue;
    const definition = definitions.find((d) => d.name === base.provider);
    if (!definition) continue; // reported by the schema
    const override = overrides?.[name] ?? {};
    for (const key of Object.keys(override))
      if (!(key in manifestInputs(definition)) && !['needs', 'smoke', 'token-env', 'primary'].includes(key))
        errors.push(
          `environment "${options.environment}", service "${name}": unknown key "${key}" (not an input of provider ${definition.name})`,
        );
    planned.push(planService(name, definition, { ...base, ...override }, errors));
  }
  const ordered = orderByNeeds(planned, services, errors);

  const chosen = options.only?.length ? options.only : ordered.map((s) => s.name);
  for (const name of chosen)
    if (!(name in services)) errors.push(`input "services": "${name}" is not a service of ${file}`);
  for (const service of ordered) if (chosen.includes(service.name)) readToken(service, options, errors);
  // The checks' own parsing (smoke `checks`), once every key passed its parser.
  if (!errors.length)
    for (const service of ordered)
      if (chosen.includes(service.name) && service.smoke) await checkSmoke(service, errors);
  if (errors.length) throw manifestError(file, errors);
  const services_ = ordered
    .filter((s) => chosen.includes(s.name))
    .map(({ ok: _ok, tokenRequired: _required, ...service }) => service);
  return { environment: options.environment, services: services_, chosen };
}

function manifestError(file: string, errors: string[]): ConfigurationError {
  const list = [...new Set(errors)];
  return new ConfigurationError(
    `${file} has ${list.length === 1 ? 'a problem' : `${list.length} problems`}; nothing was deployed:\n` +
      list.map((e) => `  - ${e}`).join('\n'),
  );
}

/** One service's inputs through its provider's parsers, and its token from the environment. */
function planService(
  name: string,
  definition: ProviderDefinition,
  merged: Raw,
  errors: string[],
): PlannedService & { ok: boolean; tokenRequired: boolean } {
  const at = `service "${name}"`;
  const inputs: Record<string, unknown> = {};
  const allowed = manifestInputs(definition);
  let ok = true;
  for (const [key, input] of Object.entries(allowed)) {
    const value = parseInput(key, input, merged[key]);
    if (value.error) {
      errors.push(`${at}, key "${key}": ${value.error}`);
      ok = false;
    } else inputs[camelCase(key)] = value.data;
  }
  const tokenEnv = typeof merged['token-env'] === 'string' ? merged['token-env'] : usualTokenEnv(definition.name);
  // A VM logs in with the runner's ssh-agent when there is no key (or runs locally).
  const tokenRequired = secretInputOf(definition) === 'token' || typeof merged['token-env'] === 'string';
  const needs = Array.isArray(merged.needs) ? merged.needs.map(String) : [];
  const smoke = merged.smoke && typeof merged.smoke === 'object' ? (merged.smoke as Raw) : undefined;
  return { name, definition, inputs, tokenEnv, tokenRequired, needs, smoke, primary: merged.primary === true, ok };
}

/** The token from the service's `token-env`, masked at once, into its provider's secret input. */
function readToken(service: PlannedService & { tokenRequired: boolean }, options: PlanOptions, errors: string[]): void {
  const { definition, tokenEnv } = service;
  const secretInput = secretInputOf(definition);
  const token = (options.env[tokenEnv] ?? '').trim();
  if (token) maskSecret(token, options.setSecret);
  if (!token && service.tokenRequired)
    errors.push(
      `service "${service.name}", key "token-env": the environment variable ${tokenEnv} is not set; ${definition.title} needs it (env: ${tokenEnv}: \${{ secrets.${tokenEnv} }})`,
    );
  service.inputs[camelCase(secretInput)] = token;
  if (secretInput !== 'token') service.inputs.token = '';
}

function parseInput(key: string, input: InputSpec, value: unknown): { data?: unknown; error?: string } {
  let text = asInputText(value, key === 'expect-json' ? '=' : ':');
  if (text === '') text = input.default ?? '';
  if (input.required && text === '')
    return {
      error: `is required (${input.description.split('. ')[0]})${input.example ? `, e.g. ${key}: ${input.example}` : ''}`,
    };
  const result = input.parse.read(text);
  return result instanceof Fail ? { error: result.message } : { data: result };
}

/** Kahn's order; unknown names and cycles are errors naming the services. */
function orderByNeeds<S extends PlannedService>(
  planned: S[],
  declared: Record<string, unknown>,
  errors: string[],
): S[] {
  for (const service of planned)
    for (const need of service.needs)
      if (!(need in declared))
        errors.push(`service "${service.name}", key "needs": "${need}" is not a service of the manifest`);
  const byName = new Map(planned.map((s) => [s.name, s]));
  const ordered: S[] = [];
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const service of planned) {
      if (done.has(service.name)) continue;
      if (service.needs.every((n) => done.has(n) || !byName.has(n))) {
        ordered.push(service);
        done.add(service.name);
        progress = true;
      }
    }
  }
  const stuck = planned.filter((s) => !done.has(s.name)).map((s) => s.name);
  if (stuck.length)
    errors.push(
      `key "needs": ${stuck.map((s) => `"${s}"`).join(', ')} need each other in a circle (${stuck
        .map(
          (s) =>
            `${s} → ${byName
              .get(s)
              ?.needs.filter((n) => stuck.includes(n))
              .join(', ')}`,
        )
        .join('; ')}); a release needs an order`,
    );
  return ordered;
}

/** smoke-test's parsers on the merged smoke block (with the real url once it is known). */
export async function smokeFor(
  service: Pick<PlannedService, 'smoke'>,
  url: string,
  version: string,
): Promise<SmokeSettings | undefined> {
  if (!service.smoke) return undefined;
  const values: Record<string, unknown> = {};
  for (const [prefixed, input] of Object.entries(smokeInputs())) {
    const key = prefixed.slice('smoke-'.length);
    let raw = service.smoke[key];
    if (key === 'url') raw ??= url;
    if (key === 'expect-version') raw = raw === true ? version : raw === false ? undefined : raw;
    const value = parseInput(key, input, raw);
    if (value.error) throw new ConfigurationError(`smoke, key "${key}": ${value.error}`);
    values[camelCase(prefixed)] = value.data;
  }
  return smokeSettings(values);
}

async function checkSmoke(service: PlannedService, errors: string[]): Promise<void> {
  try {
    await smokeFor(service, 'http://service.invalid', 'v0.0.0');
  } catch (error) {
    errors.push(`service "${service.name}", ${(error as Error).message.replace(/^Input "smoke-/, 'key "smoke.')}`);
  }
}
