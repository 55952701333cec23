/**
 * Railway: `railway up --detach --json` uploads and starts the deployment (the CLI's own
 * automation path, railwayapp/cli src/commands/up.rs after_help), then the kit follows
 * the deployment through the public GraphQL API under its own deadline: a waiting
 * `railway up` can hang on statuses it ignores (up.rs, docs/platforms.md §2.1). Rollback is
 * GraphQL-only (deploymentRollback), as the CLI has none (docs/platforms.md §2.3).
 *
 * Here: the inputs and the definition. The CLI is ./install.ts (how it is installed) and
 * ./cli.ts (how it is called); the API ./graphql.ts; which service the token and inputs
 * name ./target.ts; the statuses ./statuses.ts; the provider itself ./railway.ts, which
 * follows deployments and rollbacks with ./wait.ts.
 */
import { optional, sha256Hex, text } from '../../lib/schemas.js';
import { commonInputs } from '../common-inputs.js';
import { type ProviderInputs, defineProvider } from '../provider.js';
import { TOKEN_HELP } from './graphql.js';
import { railwayCli } from './install.js';
import { RailwayProvider } from './railway.js';

export const railwayInputs = {
  token: {
    ...commonInputs.token,
    description:
      'A Railway project token (project → Settings → Tokens), or an account/workspace token together with `project`. Masked.',
    required: true,
    example: '${{ secrets.RAILWAY_TOKEN }}',
  },
  service: {
    description: 'The Railway service to deploy to, by name or id.',
    required: true,
    example: 'api',
    parse: text(),
  },
  project: {
    description: 'The Railway project id. Needed with an account or workspace token; a project token implies it.',
    parse: optional(text()),
  },
  'cli-sha256': {
    description:
      "The sha256 of the Railway CLI's release archive (`railway-v<version>-<target>.tar.gz`) for `cli-version` (else the pinned version). Railway publishes no checksums: set, the download is checked against it before it runs (and a CLI on PATH is not used); empty, the summary says the CLI is unverified.",
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    parse: optional(sha256Hex()),
  },
};

export const railway = defineProvider({
  name: 'railway',
  title: 'Railway',
  inputs: railwayInputs,
  tokenHelp: TOKEN_HELP,
  cli: railwayCli,
  create: (inputs, deps) => new RailwayProvider(inputs, deps),
});

export type RailwayInputs = ProviderInputs<typeof railwayInputs>;
