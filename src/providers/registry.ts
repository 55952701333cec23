/**
 * Every deploy target by the name users pass as `provider`: the umbrella deploy action
 * and rollback-on-failure pick theirs here. A new provider adds one line below.
 */
import type { InputSpec } from '../lib/action-spec.js';
import { ConfigurationError } from '../lib/errors.js';
import { fly } from './fly/index.js';
import type { Provider, ProviderDefinition, ProviderDeps, ProviderInputs } from './provider.js';
import { railway } from './railway/index.js';
import { vercel } from './vercel/index.js';
import { render } from './render/index.js';
import { vm } from './vm/index.js';

export const definitions: ProviderDefinition[] = [railway, vercel, fly, render, vm] as unknown as ProviderDefinition[];

export const providerNames = (): string[] => definitions.map((definition) => definition.name);

export function getProviderDefinition(name: string): ProviderDefinition {
  const found = definitions.find((definition) => definition.name === name);
  if (!found)
    throw new ConfigurationError(
      `Input "provider" is invalid: "${name}" is not a provider deploy-kit knows; expected one of ${providerNames().join(', ')}`,
    );
  return found;
}

export function getProvider(
  name: string,
  inputs: ProviderInputs<Record<string, InputSpec>>,
  deps: ProviderDeps,
): Provider {
  return getProviderDefinition(name).create(inputs, deps);
}

/**
 * The inputs of every provider together, for the umbrella actions' action.yml. All are
 * optional there; the chosen provider's required ones are enforced when it is read.
 */
export function allProviderInputs(): Record<string, InputSpec> {
  const all: Record<string, InputSpec> = {};
  for (const definition of definitions)
    for (const [name, input] of Object.entries(definition.inputs)) {
      if (name in all) continue;
      all[name] = { ...input, required: false };
    }
  return all;
}
