/**
 * Vercel as a deploy-kit provider: its own inputs (org-id, project-id, prebuilt,
 * production: public names, see docs/design.md), which secret to check, its CLI, and create().
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { maskSecret } from '../../lib/action-spec.js';
import { ConfigurationError } from '../../lib/errors.js';
import { bool, optional, pattern } from '../../lib/schemas.js';
import { defineProvider } from '../provider.js';
import { DEFAULT_API_URL, TOKEN_HELP } from './api.js';
import { vercelCli } from './install.js';
import { VercelProvider } from './vercel.js';

export const vercel = defineProvider({
  name: 'vercel',
  title: 'Vercel',
  tokenHelp: TOKEN_HELP,
  cli: vercelCli,
  inputs: {
    'org-id': {
      description:
        'Vercel: the team (or personal account) that owns the project, `orgId` in .vercel/project.json after `vercel link`.',
      required: true,
      example: 'team_a1B2c3D4e5F6g7H8i9J0',
      parse: optional(pattern(/^\w+$/, 'a Vercel org id; expected e.g. team_a1B2c3D4e5F6g7H8i9J0')),
    },
    'project-id': {
      description: 'Vercel: the project, `projectId` in .vercel/project.json after `vercel link`.',
      required: true,
      example: 'prj_a1B2c3D4e5F6g7H8i9J0',
      parse: optional(pattern(/^prj_\w+$/, 'a Vercel project id; expected prj_ followed by letters and digits')),
    },
    production: {
      description:
        'Vercel: deploy to production (`--prod`); the production domains then serve it and `url` is the production domain. `false`: a preview deployment.',
      default: 'false',
      parse: bool(),
    },
    prebuilt: {
      description:
        "Vercel: `true` runs `vercel pull`, `vercel build` on the runner, then `vercel deploy --prebuilt` (Vercel's CI recipe); `false` uploads the source for Vercel to build.",
      default: 'true',
      parse: bool(),
    },
  },
  create(inputs, deps) {
    const orgId = inputs.orgId;
    const projectId = inputs.projectId;
    if (!orgId || !projectId)
      throw new ConfigurationError(
        `Inputs "org-id" and "project-id" are required for Vercel: both are in .vercel/project.json after \`vercel link\` (orgId, projectId).`,
      );
    // The CLI refuses a token with anything but letters, digits and _ (vercel src/index.ts
    // "Must not contain …"); saying so here names the input and never echoes the value.
    const token = inputs.token.trim();
    maskSecret(token);
    if (!/^\w+$/.test(token))
      throw new ConfigurationError(
        'Input "token" is invalid: a Vercel token is letters, digits and _ only; this one has spaces or punctuation in it (a secret saved with a newline or quotes?).',
      );
    if (inputs.environment && inputs.environment !== (inputs.production ? 'production' : 'preview'))
      throw new ConfigurationError(
        `Input "environment" is "${inputs.environment}" but "production" is ${inputs.production}: Vercel deploys to production with production: true, else to preview; leave environment empty.`,
      );
    const runnerTemp = process.env.RUNNER_TEMP || tmpdir();
    return new VercelProvider(
      {
        token,
        orgId,
        projectId,
        production: inputs.production,
        prebuilt: inputs.prebuilt,
        workingDirectory: path.resolve(inputs.workingDirectory),
        apiUrl: inputs.apiUrl?.href ?? DEFAULT_API_URL,
        cliApiUrl: inputs.apiUrl?.href.replace(/\/$/, ''),
        globalConfigDir: mkdtempSync(path.join(runnerTemp, 'vercel-config-')),
      },
      deps,
    );
  },
});
