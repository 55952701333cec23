/**
 * The actions that work with any provider (the umbrella deploy, rollback-on-failure) list
 * every provider's inputs as optional; once `provider` is known, that provider's own
 * spec is read so its required inputs are enforced with the usual messages.
 */
import { type ActionSpec, type InputSpec, defineAction, readInputs } from '../lib/action-spec.js';
import { parser } from '../lib/schemas.js';
import { commonInputs } from './common-inputs.js';
import type { CommonParsedInputs, ProviderDefinition } from './provider.js';
import { allProviderInputs, getProviderDefinition, providerNames } from './registry.js';

export const providerInput = {
  description: `The platform: ${providerNames()
    .map((name) => `\`${name}\``)
    .join(', ')}.`,
  required: true,
  example: 'railway',
  parse: parser((raw) => raw.trim().toLowerCase()),
} satisfies InputSpec;

/**
 * Common inputs plus every provider's own. `token` is optional here (a VM deploys with an
 * SSH key); the chosen provider's spec and providerFromInputs enforce it where needed.
 */
export function anyProviderInputs(): Record<string, InputSpec> {
  return { ...commonInputs, ...allProviderInputs(), token: commonInputs.token };
}

/** Reads the chosen provider's inputs (common + its own) from the runner, enforcing required ones. */
export function readProviderInputs(name: string): {
  definition: ProviderDefinition;
  inputs: CommonParsedInputs & Record<string, unknown>;
} {
  const definition = getProviderDefinition(name);
  const spec: ActionSpec = defineAction({
    name: `deploy-${definition.name}`,
    title: definition.title,
    description: definition.title,
    inputs: { ...commonInputs, ...definition.inputs },
    outputs: {},
  });
  return { definition, inputs: readInputs(spec) as CommonParsedInputs & Record<string, unknown> };
}
