/**
 * Fly.io: `fly deploy` with a strategy and a wait timeout, and `fly releases --json` as
 * the platform's record of what is live (docs/platforms.md §3). Fly has no rollback command:
 * a rollback redeploys the image of the newest earlier `complete` release (§3.4), so a
 * Fly deployment is identified by its image reference, with the release (v42) as label.
 *
 * Here: the inputs and the definition. The CLI is ./install.ts, the releases ./releases.ts,
 * the provider itself ./fly.ts (and ./release-command.ts, the release_command's verdict).
 */
import { oneOf, optional, text } from '../../lib/schemas.js';
import { commonInputs } from '../common-inputs.js';
import { type ProviderInputs, defineProvider } from '../provider.js';
import { FlyProvider, TOKEN_HELP } from './fly.js';
import { flyCli } from './install.js';

export const STRATEGIES = ['rolling', 'bluegreen', 'canary', 'immediate'] as const;

export const flyInputs = {
  token: {
    ...commonInputs.token,
    description:
      'A Fly.io deploy token (`fly tokens create deploy -a <app>`), or an org/personal access token. Masked.',
    required: true,
    example: '${{ secrets.FLY_API_TOKEN }}',
  },
  app: { description: 'The Fly app to deploy.', required: true, example: 'shop-api', parse: text() },
  config: {
    description: 'Path of the fly.toml to use, relative to `working-directory`. Empty: fly.toml there.',
    example: 'deploy/fly.production.toml',
    parse: optional(text()),
  },
  image: {
    description: 'Deploy this prebuilt image instead of building from source (`fly deploy --image`).',
    example: 'registry.fly.io/shop-api:deployment-01J…',
    parse: optional(text()),
  },
  strategy: {
    description:
      "Deployment strategy: `rolling`, `bluegreen`, `canary` or `immediate`. Empty: fly.toml's, else Fly's default (rolling).",
    parse: optional(oneOf(STRATEGIES)),
  },
};

export const fly = defineProvider({
  name: 'fly',
  title: 'Fly.io',
  inputs: flyInputs,
  tokenHelp: TOKEN_HELP,
  cli: flyCli,
  create: (inputs, deps) => new FlyProvider(inputs, deps),
});

export type FlyInputs = ProviderInputs<typeof flyInputs>;
