import { z } from 'zod';
import { defineAction } from '../../lib/action-spec.js';
import { Fail, bool, duration, httpUrl, optional, text } from '../../lib/schemas.js';

/** A zod parser over the raw string that returns the value or fails with a message. */
function check(fn: (raw: string) => string | Fail): z.ZodType<string, string> {
  return z.string().transform((raw, ctx) => {
    const value = fn(raw.trim());
    if (value instanceof Fail) {
      ctx.addIssue({ code: 'custom', message: value.message });
      return z.NEVER;
    }
    return value;
  });
}

// The CLI refuses a token with anything but letters, digits and _ (vercel src/index.ts:
// "Must not contain …"); saying so here names the input and never echoes the value.
const vercelToken = () =>
  check((raw) =>
    /^\w+$/.test(raw)
      ? raw
      : new Fail(
          'a Vercel token is letters, digits and _ only; this one has spaces or punctuation in it (a secret pasted with a newline or quotes?)',
        ),
  );

const version = () =>
  optional(
    check(
      (raw) =>
        /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(raw)?.[1] ??
        new Fail(`"${raw}" is not a version; expected e.g. 58.10.0`),
    ),
  );

export const spec = defineAction({
  name: 'deploy-vercel',
  title: 'deploy-kit deploy-vercel',
  description:
    'Deploy to Vercel with the official CLI the way Vercel documents for CI (pull, build, deploy --prebuilt), recording what production served before, and deciding success from what Vercel reports.',
  branding: { icon: 'triangle', color: 'gray-dark' },
  inputs: {
    token: {
      description:
        'A Vercel access token (vercel.com/account/tokens) with access to the team that owns the project. Masked; passed to the CLI only as VERCEL_TOKEN.',
      required: true,
      secret: true,
      example: '${{ secrets.VERCEL_TOKEN }}',
      parse: vercelToken(),
    },
    'org-id': {
      description:
        'The team (or personal account) that owns the project: `orgId` in .vercel/project.json after `vercel link`.',
      required: true,
      example: 'team_a1B2c3D4e5F6g7H8i9J0',
      parse: check((raw) =>
        /^\w+$/.test(raw) ? raw : new Fail(`"${raw}" is not a Vercel org id; expected e.g. team_a1B2c3D4e5F6g7H8i9J0`),
      ),
    },
    'project-id': {
      description: 'The Vercel project: `projectId` in .vercel/project.json after `vercel link`.',
      required: true,
      example: 'prj_a1B2c3D4e5F6g7H8i9J0',
      parse: check((raw) =>
        /^prj_\w+$/.test(raw) ? raw : new Fail(`"${raw}" is not a Vercel project id; expected prj_ and letters/digits`),
      ),
    },
    production: {
      description:
        'Deploy to production (`--prod`): the production domains then serve the new deployment, and `url` is the production domain. `false`: a preview deployment.',
      default: 'false',
      parse: bool(),
    },
    prebuilt: {
      description:
        "`true`: `vercel pull`, `vercel build` on the runner, then `vercel deploy --prebuilt` (Vercel's CI recipe). `false`: `vercel deploy` uploads the source and Vercel builds it.",
      default: 'true',
      parse: bool(),
    },
    environment: {
      description:
        "Vercel's environment: `production` or `preview`; it must agree with `production` (leave empty to follow it).",
      example: 'preview',
      parse: optional(
        check((raw) =>
          raw === 'production' || raw === 'preview'
            ? raw
            : new Fail(`"${raw}" is not supported; expected production or preview (custom environments are not yet)`),
        ),
      ),
    },
    'working-directory': {
      description: 'Folder of the Vercel project to deploy, relative to the workspace.',
      default: '.',
      parse: text(),
    },
    timeout: {
      description:
        'Deadline for the CLI (pull, build and deploy together; `90s`, `15m`, `1h`, or seconds). A CLI still running then is stopped, and Vercel is asked what became of the deployment.',
      default: '15m',
      parse: duration(),
    },
    'cli-version': {
      description:
        'The vercel CLI version to install (once, into the tool cache). Empty: use the `vercel` already on PATH if there is one, else install the version deploy-kit pins.',
      example: '58.10.0',
      parse: version(),
    },
    'api-url': {
      description: "Advanced: the Vercel API's base URL (the CLI's `--api`), for a corporate proxy or a test double.",
      parse: optional(httpUrl()),
    },
  },
  outputs: {
    'deployment-id': 'The new deployment (`dpl_…`).',
    url: 'The URL that serves the new deployment: the production domain for a production deploy, else the deployment URL.',
    'previous-deployment-id':
      'What production served before this deploy, recorded before it started (written even when the deploy fails; empty for a first deployment). Pass it to rollback-on-failure `to`.',
    status: "`success`, `failed` or `unknown`, decided from Vercel's own state, not only the CLI's exit code.",
  },
});
