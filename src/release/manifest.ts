/**
 * The release manifest, deploy-kit.yml (docs/design.md "Releases"): the services of one app, each
 * a provider plus that provider's inputs under the same names as deploy-<provider>'s, and
 * per-environment overrides. One zod schema, built from the provider registry and
 * smoke-test's spec, both parses the file (every value through the very InputSpec parser the
 * single actions use) and generates schema/deploy-kit.schema.json for editors.
 */
import { z } from 'zod';
import type { InputSpec } from '../lib/action-spec.js';
import { commonInputs } from '../providers/common-inputs.js';
import type { ProviderDefinition } from '../providers/provider.js';
import { definitions } from '../providers/registry.js';
import { spec as smokeSpec } from '../actions/smoke-test/spec.js';

/** The secret each platform's own docs name; a provider not listed here uses `<NAME>_TOKEN`. */
const USUAL_TOKEN_ENV: Record<string, string> = {
  railway: 'RAILWAY_TOKEN',
  vercel: 'VERCEL_TOKEN',
  fly: 'FLY_API_TOKEN',
  render: 'RENDER_API_KEY',
  vm: 'SSH_KEY',
};

/** The environment variable a service's token is read from when `token-env` is not given. */
export const usualTokenEnv = (provider: string): string =>
  USUAL_TOKEN_ENV[provider] ?? `${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOKEN`;

/**
 * The provider input that receives the secret from `token-env`: a provider's own secret
 * input (vm's `ssh-key`), else `token`. Never written in the manifest itself.
 */
export function secretInputOf(definition: ProviderDefinition): string {
  const own = Object.entries(definition.inputs).find(([name, input]) => input.secret && name !== 'token');
  return own ? own[0] : 'token';
}

/** Every input a service of this provider may set in the manifest (all but its secret). */
export function manifestInputs(definition: ProviderDefinition): Record<string, InputSpec> {
  const all: Record<string, InputSpec> = { ...commonInputs, ...definition.inputs };
  delete all.token;
  delete all[secretInputOf(definition)];
  return all;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * A YAML value as the runner would pass it: scalars as their text, a list as one item per
 * line, a map as `name: value` lines (`name = value` for `=`-separated inputs), and a list of
 * maps (smoke `checks`) as YAML text.
 */
export function asInputText(value: unknown, separator: ':' | '=' = ':'): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value))
    return value.some((item) => item !== null && typeof item === 'object')
      ? JSON.stringify(value)
      : value.map((item) => String(item)).join('\n');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([name, item]) => `${name}${separator === '=' ? ' = ' : ': '}${String(item)}`)
      .join('\n');
  return String(value);
}

/** One input as a manifest value: any YAML shape the runner's text can come from, checked by the input's parser. */
function inputValue(name: string, input: InputSpec, description = input.description): z.ZodType {
  const separator = name === 'expect-json' ? '=' : ':';
  const shape = z.union([scalar, z.array(scalar), z.record(z.string(), scalar)]);
  const accepted = name === 'checks' ? z.union([shape, z.array(z.record(z.string(), z.unknown()))]) : shape;
  return accepted
    .transform((value) => asInputText(value, separator))
    .pipe(input.parse as z.ZodType<unknown, string>)
    .describe(description + (input.default ? ` Default: ${input.default}.` : ''));
}

const SMOKE_KEYS = Object.keys(smokeSpec.inputs);

/** `smoke:` — smoke-test's inputs; `url` defaults to the deployment's url, `expect-version: true` is the release's version. */
const smokeSchema = () =>
  z
    .object(
      Object.fromEntries(
        Object.entries(smokeSpec.inputs as Record<string, InputSpec>).map(([name, input]) => {
          if (name === 'url')
            return [
              name,
              inputValue(
                name,
                { ...input, required: false },
                "Base URL to test. Default: the deployment's url.",
              ).optional(),
            ];
          if (name === 'expect-version')
            return [
              name,
              z
                .union([z.literal(true), z.literal(false), scalar])
                .describe(`${input.description} \`true\`: the version being released.`)
                .optional(),
            ];
          return [name, inputValue(name, input).optional()];
        }),
      ),
    )
    .strict()
    .describe(
      "The smoke test run after the platform's verdict (smoke-test's inputs). Absent: the platform's verdict alone.",
    );

const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The keys every service has besides its provider's inputs. */
const releaseKeys = () => ({
  needs: z
    .array(z.string())
    .describe('Services deployed (and healthy) before this one; a release rolls back in the reverse order.')
    .optional(),
  smoke: smokeSchema().optional(),
  'token-env': z
    .string()
    .regex(ENV_NAME, 'expected an environment variable name such as RAILWAY_TOKEN')
    .describe("The environment variable holding this service's token. Default: the provider's usual secret name.")
    .optional(),
  primary: z
    .boolean()
    .describe("The service whose url is the release's `url` output (default: the first service).")
    .optional(),
});

type ReleaseKeys = ReturnType<typeof releaseKeys>;

function serviceSchema(definition: ProviderDefinition, partial: boolean, keys: ReleaseKeys) {
  const inputs = Object.fromEntries(
    Object.entries(manifestInputs(definition)).map(([name, input]) => [name, inputValue(name, input).optional()]),
  );
  const provider = z.literal(definition.name).describe(`${definition.title}: ${definition.name}`);
  return z
    .object({ provider: partial ? provider.optional() : provider, ...keys, ...inputs })
    .strict()
    .describe(`A service deployed to ${definition.title}, with deploy-${definition.name}'s inputs.`);
}

/** The inputs of every provider (for overrides, which are checked against the service's provider once merged). */
function anyServiceOverride(keys: ReleaseKeys) {
  const inputs: Record<string, z.ZodType> = {};
  for (const definition of definitions)
    for (const [name, input] of Object.entries(manifestInputs(definition)))
      inputs[name] ??= inputValue(name, input).optional();
  return z
    .object({ ...keys, ...inputs })
    .strict()
    .describe("Keys merged over the service's own for this environment.");
}

const serviceName = z.string().regex(SERVICE_NAME, 'a service name is letters, digits, - and _');

/** The whole file. Built from the registry, so a provider added there is known here. */
export function buildManifestSchema() {
  const keys = releaseKeys();
  const services = definitions.map((definition) => serviceSchema(definition, false, keys));
  return z
    .object({
      services: z
        .record(serviceName, z.discriminatedUnion('provider', services as unknown as [z.ZodObject, ...z.ZodObject[]]))
        .describe('The services of the app, by name.'),
      environments: z
        .record(
          z.string(),
          z
            .object({ services: z.record(serviceName, anyServiceOverride(keys)).optional() })
            .strict()
            .nullable()
            .describe("Overrides for one environment (the release action's `environment` input)."),
        )
        .describe('Per-environment overrides, merged over services.')
        .optional(),
    })
    .strict()
    .describe('deploy-kit.yml: the services of one app, released together (deploy-kit release).');
}

let built: ReturnType<typeof buildManifestSchema> | undefined;

/**
 * The schema, built the first time a manifest is checked, not when the module loads: it
 * wraps every provider's and smoke-test's input parsers, ~15 ms of every release start,
 * including the post step that finds the release done (issue 17).
 */
export const manifestSchema = () => (built ??= buildManifestSchema());

/** The JSON Schema editors use (schema/deploy-kit.schema.json): the manifest's input side. */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(manifestSchema(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
    $id: 'https://github.com/org/deploy-kit/schema/deploy-kit.schema.json',
    title: 'deploy-kit.yml',
  };
}

export { SMOKE_KEYS };
