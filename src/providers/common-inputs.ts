/**
 * The inputs and outputs every deploy-* action shares (docs/design.md "Deploying"), spread
 * into each action's spec so their names and parsing are declared once.
 */
import type { InputSpec } from '../lib/action-spec.js';
import { Fail, type Parser, duration, httpUrl, optional, parser, text } from '../lib/schemas.js';

const version = (): Parser<string> =>
  parser((raw) => {
    const match = /^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$/.exec(raw.trim());
    return match ? (match[1] as string) : new Fail(`"${raw}" is not a version; expected e.g. 1.2.3`);
  });

export const commonInputs = {
  token: {
    description: "The platform's API token, from a repository or environment secret. Masked.",
    secret: true,
    example: '${{ secrets.PLATFORM_TOKEN }}',
    parse: text(),
  },
  environment: {
    description: "The platform's environment to deploy to (where the platform has environments).",
    example: 'production',
    parse: optional(text()),
  },
  'working-directory': {
    description: 'Folder to deploy from, relative to the workspace.',
    default: '.',
    parse: text(),
  },
  timeout: {
    description:
      "Deadline for the platform's CLI (`90s`, `15m`, `1h`, or seconds). A CLI still running then is stopped, and the platform is asked what is live.",
    default: '15m',
    parse: duration(),
  },
  'cli-version': {
    description:
      "The platform CLI's version to install (once, then cached). Empty: use the CLI already on PATH if there is one, else install the version deploy-kit pins.",
    example: '5.42.1',
    parse: optional(version()),
  },
  'api-url': {
    description:
      "Advanced: the platform API's base URL, for a corporate proxy or a test double. Empty: the platform's own.",
    parse: optional(httpUrl()),
  },
} satisfies Record<string, InputSpec>;

export type CommonInputs = typeof commonInputs;

export const commonOutputs = {
  'deployment-id': 'The id of the new deployment, as the platform names it.',
  url: 'The URL that serves the new deployment, ready for `environment.url` and smoke-test.',
  'previous-deployment-id':
    'What was live before this deploy, recorded before it started (written even when the deploy fails; empty for a first deployment). Pass it to rollback-on-failure `to`.',
  status:
    "`success`, `skipped` (the platform found nothing to deploy; what was live stays live), `failed` or `unknown`, decided from the platform's own state, not only the CLI's exit code.",
} as const;

export type CommonOutput = keyof typeof commonOutputs;
