/**
 * Render as a deploy-kit provider (docs/design.md "Deploying", docs/platforms.md §4):
 * Render's REST API called by the kit itself, no CLI. Its own inputs, which secret to
 * check, and create().
 */
import { maskSecret } from '../../lib/action-spec.js';
import { ConfigurationError } from '../../lib/errors.js';
import { bool, optional, pattern } from '../../lib/schemas.js';
import { commonInputs } from '../common-inputs.js';
import { defineProvider } from '../provider.js';
import { DEFAULT_RENDER_API, TOKEN_HELP } from './api.js';
import { RenderProvider } from './render.js';

export const renderInputs = {
  token: {
    ...commonInputs.token,
    description: 'A Render API key (Account Settings → API Keys), from a secret such as RENDER_API_KEY. Masked.',
    required: true,
    example: '${{ secrets.RENDER_API_KEY }}',
  },
  'service-id': {
    description: "Render: the service to deploy, `srv-…` (in the dashboard URL and the service's Settings).",
    required: true,
    example: 'srv-d0abc123def456ghi789',
    parse: optional(
      pattern(/^srv-[a-z0-9]+$/, 'a Render service id; expected srv- followed by lower-case letters and digits'),
    ),
  },
  commit: {
    description:
      'Render: the Git commit to build (`commitId`). Default: the commit the workflow runs on. Not used with `image`.',
    example: '${{ github.sha }}',
    parse: optional(pattern(/^[0-9a-f]{7,40}$/i, 'a Git commit SHA; expected 7 to 40 hexadecimal digits')),
  },
  image: {
    description:
      "Render, image-backed services: the image to deploy (`imageUrl`); host, repository and name must match the service's image, only the tag or digest changes.",
    example: 'ghcr.io/acme/api:1.4.2',
    parse: optional(pattern(/^[^\s]+$/, 'an image reference; expected e.g. ghcr.io/acme/api:1.4.2')),
  },
  'clear-cache': {
    description: "Render: clear the service's build cache before this deploy (`clearCache: clear`).",
    default: 'false',
    parse: bool(),
  },
};

export const render = defineProvider({
  name: 'render',
  title: 'Render',
  inputs: renderInputs,
  tokenHelp: TOKEN_HELP,
  create(inputs, deps) {
    if (!inputs.serviceId)
      throw new ConfigurationError('Input "service-id" is required for Render: the srv-… id of the service.');
    const token = inputs.token.trim();
    maskSecret(token);
    if (!token || /\s/.test(token))
      throw new ConfigurationError(
        'Input "token" is invalid: a Render API key has no spaces or line breaks (a secret saved with a newline?). Check RENDER_API_KEY.',
      );
    if (inputs.environment)
      throw new ConfigurationError(
        `Input "environment" is not used by Render: a service id names one service in one environment; pass that environment's service in "service-id" and leave "environment" empty.`,
      );
    if (inputs.image && inputs.commit)
      throw new ConfigurationError(
        'Inputs "image" and "commit" cannot both be set: an image-backed service deploys an image, a Git-backed one a commit.',
      );
    return new RenderProvider(
      {
        token,
        serviceId: inputs.serviceId,
        commit: inputs.image ? undefined : (inputs.commit ?? deps.env.GITHUB_SHA),
        commitGiven: !!inputs.commit,
        image: inputs.image,
        clearCache: inputs.clearCache,
        apiUrl: inputs.apiUrl?.href ?? DEFAULT_RENDER_API,
      },
      deps,
    );
  },
});
