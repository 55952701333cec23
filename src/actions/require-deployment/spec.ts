import { defineAction } from '../../lib/action-spec.js';
import { Fail, type Parser, bool, duration, httpUrl, lines, optional, parser, text, via } from '../../lib/schemas.js';
import { parseFreeze } from '../../gate/freeze.js';
import { REPOSITORY } from '../../github/rest.js';

const SHA = /^[0-9a-f]{40}$/;

/** The trimmed value (lower-cased with `lower`) when it matches `re`; else fails with `message`. */
const trimmed = (re: RegExp, message: string, lower = false): Parser<string> =>
  parser((raw) => {
    const value = lower ? raw.trim().toLowerCase() : raw.trim();
    return re.test(value) ? value : new Fail(message);
  });

export const spec = defineAction({
  name: 'require-deployment',
  title: 'deploy-kit require-deployment',
  description:
    'Fail unless a commit has a successful deployment to an environment (e.g. staging) in GitHub Deployments — the require-staging check of the production workflow.',
  branding: { icon: 'check-circle', color: 'green' },
  inputs: {
    environment: {
      description: 'The GitHub environment the commit must have been deployed to successfully.',
      default: 'staging',
      parse: trimmed(/\S/, 'must name an environment'),
    },
    sha: {
      description: "The commit (full 40-character SHA); empty: the workflow run's commit (GITHUB_SHA).",
      example: '${{ github.sha }}',
      parse: optional(trimmed(SHA, 'not a full 40-character commit SHA', true)),
    },
    token: {
      description:
        'A token that can read deployments and workflow runs: the job token with `permissions: deployments: read, actions: read`.',
      required: true,
      secret: true,
      example: '${{ github.token }}',
      parse: text(),
    },
    repository: {
      description: 'owner/name; empty: the repository the workflow runs in (GITHUB_REPOSITORY).',
      parse: optional(trimmed(REPOSITORY, 'not owner/name')),
    },
    workflow: {
      description:
        "Whose records count: the workflow file whose successful run on this commit made the deployment — the run's own file or a reusable workflow it calls (default: the kit's `deploy-staging.yml`, which the staging starters call). The deployment and its success status must be made by github-actions[bot] (a workflow's token) and name that run; a record created by hand through the API is refused. `*`: a successful run of any workflow. Needs `actions: read` besides `deployments: read`.",
      default: 'deploy-staging.yml',
      parse: trimmed(/^(\*|[A-Za-z0-9._-]+\.ya?ml)$/, 'not a workflow file name (deploy-staging.yml) or *'),
    },
    'min-age': {
      description:
        'Soak time: the deployment found must have been live in the environment at least this long (`24h`), with no failed deployment or rollback there since it went live. Empty: no soak time.',
      example: '24h',
      parse: optional(duration()),
    },
    freeze: {
      description:
        "Freeze windows, one per line, when deploys are refused: weekly (`Fri 16:00 - Mon 08:00 Europe/Berlin`) or yearly (`Dec 24 - Jan 2 Europe/Berlin`, whole days); no time zone means UTC. Checked in the zone's own clock, so DST changes keep the hours.",
      example: 'Fri 16:00 - Mon 08:00 Europe/Berlin\nDec 24 - Jan 2 Europe/Berlin',
      parse: via(lines(), parseFreeze),
    },
    'freeze-bypass-reason': {
      description:
        'Deploy inside a freeze window anyway, for this reason (an incident fix, …); it is written to the summary and the `freeze-bypassed` output. Empty: a freeze refuses.',
      // the message zod's min(1) gave, kept
      parse: optional(trimmed(/\S/, 'Too small: expected string to have >=1 characters')),
    },
    'check-deployment': {
      description:
        '`false`: check only `freeze` (no deployment is looked for, no API request is made) — the production workflow runs this before any approval whether or not it requires staging.',
      default: 'true',
      parse: bool(),
    },
    'api-url': {
      description:
        "GitHub's REST API base URL; empty: GITHUB_API_URL (set by the runner, also on GitHub Enterprise Server).",
      parse: optional(httpUrl()),
    },
  },
  outputs: {
    'deployment-id': 'The id of the successful deployment found.',
    'environment-url': 'The URL that deployment reported.',
    'deployed-at': 'When it reported success (ISO 8601).',
    ref: 'The branch or tag it was deployed from.',
    freeze: 'The freeze window this run fell in (empty when none).',
    'freeze-bypassed': 'The bypass reason when a freeze window was bypassed, else empty.',
    soak: 'With `min-age`: the soak time in words — "live on staging for 26 h, no incident", or why it is not over (the production workflow shows it to the approver in the release issue).',
    'live-ms':
      'With `min-age`: how long that deployment has been live in the environment (until now, or until another commit replaced it), in ms.',
  },
});
