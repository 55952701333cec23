/**
 * The release manifest, deploy-kit.yml (docs/design.md "Releases"): the services of one app, each
 * a provider plus that provider's inputs under the same names as deploy-<provider>'s, and
 * per-environment overrides. One zod schema, built from the provider registry and
 * smoke-test's spec, both parses the file (every value through the very InputSpec parser the
 * single actions use) and generates schema/deploy-kit.schema.json for editors. zod is loaded
 * with this module only: the release action imports it when it reads a manifest (issue 17);
 * what the plan needs besides the schema is in ./manifest-inputs.ts.
 */
import { z } from 'zod';
import type { InputSpec } from '../lib/action-spec.js';
import { Fail } from '../lib/schemas.js';
import type { ProviderDefinition } from '../providers/provider.js';
import { definitions } from '../providers/registry.js';
import { spec as smokeSpec } from '../actions/smoke-test/spec.js';
import { asInputText, manifestInputs } from './manifest-inputs.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One input as a manifest value: any YAML shape the runner's text can come from, checked by the input's parser. */
function inputValue(name: string, input: InputSpec, description = input.description): z.ZodType {
  const separator = name === 'expect-json' ? '=' : ':';
  const shape = z.union([scalar, z.array(scalar), z.record(z.string(), scalar)]);
  const accepted = name === 'checks' ? z.union([shape, z.array(z.record(z.string(), z.unknown()))]) : shape;
  return accepted
    .transform((value, ctx) => {
      const result = input.parse.read(asInputText(value, separator));
      if (!(result instanceof Fail)) return result;
      for (const message of result.messages) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
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
