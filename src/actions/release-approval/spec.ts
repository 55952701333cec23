import { defineAction } from '../../lib/action-spec.js';
import { Fail, bool, integer, lines, oneOf, optional, text, via } from '../../lib/schemas.js';
import { type Approver, parseApprover } from '../../approval/release.js';

const approvers = () =>
  via(lines(), (items) => {
    const parsed: Approver[] = [];
    for (const item of items.flatMap((line) => line.split(/[,\s]+/)).filter(Boolean)) {
      const approver = parseApprover(item);
      if (typeof approver === 'string') return new Fail(`"${item}" is not a GitHub login or an org/team-slug`);
      parsed.push(approver);
    }
    return parsed;
  });

export const spec = defineAction({
  name: 'release-approval',
  title: 'deploy-kit release-approval',
  description:
    'Approve a production release by commenting /approve on its release issue: for GitHub plans whose Environments have no required reviewers. `open` opens the release issue on a tag, `check` decides on an issue comment, `report` posts the outcome.',
  branding: { icon: 'user-check', color: 'green' },
  inputs: {
    mode: {
      description:
        "`open` (on a version tag, after the gate: open or update the release issue), `check` (on issue_comment: is this an approval?), `claim` (the production job's first step: use the approval, once — a re-run needs a new /approve) or `report` (after the production job: post the outcome and close the issue).",
      required: true,
      example: 'check',
      parse: oneOf(['open', 'check', 'claim', 'report'] as const),
    },
    token: {
      description:
        'Token for the GitHub API: needs issues: write and deployments: write. Team approvers also need a token that can read team membership (members: read).',
      default: '${{ github.token }}',
      secret: true,
      parse: text(),
    },
    approvers: {
      description:
        'Who may approve: GitHub logins and `org/team-slug` teams, one per line (or comma-separated). Each must ALSO have write or higher permission on the repository. Required for `open` and `check`.',
      example: 'alice\nmy-org/release-managers',
      parse: approvers(),
    },
    environment: { description: 'The environment the release goes to.', default: 'production', parse: text() },
    tag: {
      description: 'The version tag being released (`open`). Default: the tag of the pushed ref.',
      example: 'v1.4.0',
      parse: optional(text()),
    },
    sha: {
      description: 'The commit the tag points at (`open`). Default: the commit of the run.',
      parse: optional(text()),
    },
    plan: {
      description: "The pending migrations, as migrate's dry-run `plan` output (markdown), shown in the release issue.",
      parse: text(),
    },
    soak: {
      description:
        "How long the commit has been live on staging (require-deployment's `soak` output with `min-age`), shown to the approver in the release issue and the summary (`open`).",
      example: 'live on staging for 26 h, no incident',
      parse: optional(text()),
    },
    'migrations-directory': {
      description:
        '`open`, without `plan`: the migrations folder (from the repository root); the release issue lists its files changed between the commit the environment runs and this one — no database secret needed before the approval.',
      parse: optional(text()),
    },
    label: {
      description: 'Label of release issues (created if missing).',
      default: 'release-approval',
      parse: text(),
    },
    'issue-author': {
      description:
        'The login that opens release issues: `github-actions[bot]` with the default token; the bot or user of your token otherwise. Issues by anyone else are not release issues.',
      default: 'github-actions[bot]',
      parse: text(),
    },
    'allow-self-approval': {
      description:
        'Let the person who pushed the tag approve their own release (`check`). Default: refused, like an environment’s "prevent self-review": someone else must approve.',
      default: 'false',
      parse: bool(),
    },
    'issue-number': {
      description: 'The release issue (`claim`, `report`): the `issue-number` output of `check`.',
      parse: optional(integer(1)),
    },
    outcome: {
      description:
        'How the production job ended (`report`): `success`, `failure`, `cancelled` or `skipped` (pass `needs.<job>.result` or `job.status`).',
      parse: optional(oneOf(['success', 'failure', 'cancelled', 'skipped'] as const)),
    },
    'environment-url': { description: 'URL of the deployed release (`report`).', parse: optional(text()) },
    'rolled-back': {
      description: 'Whether the release was rolled back (`report`).',
      default: 'false',
      parse: bool(),
    },
    details: { description: 'What went wrong, in a sentence (`report`).', parse: optional(text()) },
    'api-url': {
      description: 'Base URL of the GitHub REST API. Default: the runner’s GITHUB_API_URL (GitHub Enterprise Server).',
      parse: optional(text()),
    },
  },
  outputs: {
    approved: '`true` when the comment approved the release and the production job should run (`check`).',
    decision:
      '`approved`, `denied`, `refused` (a command that does not count; the reason was posted) or `ignored` (`check`).',
    reason: 'Why, in a sentence (`check`).',
    tag: 'The release tag (`open`, `check`).',
    sha: 'The commit the approval is for; deploy exactly this one (`open`, `check`).',
    'issue-number': 'The release issue (`open`, `check`).',
    'issue-url': 'Link to the release issue (`open`).',
    'deployment-id': 'The GitHub Deployment created for the approved release (`check`, `report`).',
    approver: 'Who approved or denied (`check`).',
    'approved-migrations':
      "The migration files the release issue listed for the approver, as a JSON array of paths from the repository root; empty when it listed none or could not list them all (`claim`). Give it to migrate's `approved-migrations`.",
    state: 'The release state: pending, approved, denied, deployed or failed.',
  },
});
