/**
 * What a manifest service may set and how a YAML value becomes an input's text: shared by the
 * manifest's zod schema (./manifest.ts) and the plan (./plan.ts), without zod, so a release
 * step that never reads a manifest (a refused input, the post step) does not load it (issue 17).
 */
import type { InputSpec } from '../lib/action-spec.js';
import { commonInputs } from '../providers/common-inputs.js';
import type { ProviderDefinition } from '../providers/provider.js';

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
