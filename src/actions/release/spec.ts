import { defineAction } from '../../lib/action-spec.js';
import { migrationsAppliedInput } from '../../migrate/verdict.js';
import { Fail, bool, duration, lines, optional, text, via } from '../../lib/schemas.js';

export const spec = defineAction({
  name: 'release',
  title: 'deploy-kit release',
  description:
    "Release several services as one: deploy the services of deploy-kit.yml in `needs` order, each through the same provider code as the deploy-* actions (the platform's verdict, then its smoke test); on the first failure, return every service this release changed to what it served before, in reverse order, and confirm it with each platform. With `rollback-to`, return the environment to an earlier release instead: every service back on the deployment that release recorded, in reverse `needs` order, confirmed and smoke-tested, recorded as a release.",
  branding: { icon: 'layers', color: 'blue' },
  inputs: {
    manifest: {
      description: 'The manifest declaring the services, relative to the workspace.',
      default: 'deploy-kit.yml',
      parse: text(),
    },
    environment: {
      description:
        'The environment released to: a key of the manifest’s `environments` (its overrides apply), any name when it has none. Also the GitHub environment the release is recorded in.',
      required: true,
      example: 'production',
      parse: text(),
    },
    version: {
      description:
        'The version being released (what `smoke.expect-version: true` expects the services to report). Empty: the commit SHA.',
      example: '${{ github.ref_name }}',
      parse: optional(text()),
    },
    sha: {
      description:
        'The commit being released, recorded on the GitHub Deployment (what require-deployment and the rollback workflow match). Empty: the workflow run’s commit (`GITHUB_SHA`); on an `issue_comment` run that is the default branch, so pass the approved commit.',
      example: '${{ needs.approval.outputs.sha }}',
      parse: optional(
        via(text(), (value) =>
          /^[0-9a-f]{40}$/i.test(value) ? value.toLowerCase() : new Fail('expected a full 40-character commit SHA'),
        ),
      ),
    },
    'rollback-on-failure': {
      description:
        'When a service fails its deploy or smoke test, return every service this release changed to what was live before (`false`: leave them as they are; the step still fails).',
      default: 'true',
      parse: bool(),
    },
    services: {
      description:
        'Release only these services, one per line (empty: all). A chosen service’s unchosen `needs` are taken as already live.',
      example: 'api\nweb',
      parse: lines(),
    },
    timeout: {
      description:
        'Deadline for the whole release (`30m`, `1h`, or seconds); each service’s own `timeout` is capped by what is left.',
      default: '1h',
      parse: duration(),
    },
    'freeze-bypass-reason': {
      description:
        'This release is deployed inside a freeze window anyway, for this reason: require-deployment’s `freeze-bypassed` output. Recorded in the release record (`freeze-bypass`: reason, window, who started the run) and the summary. Empty: no freeze window was bypassed.',
      example: '${{ steps.freeze.outputs.freeze-bypassed }}',
      parse: optional(text()),
    },
    'freeze-window': {
      description: 'The freeze window bypassed (require-deployment’s `freeze` output), recorded with the reason.',
      example: '${{ steps.freeze.outputs.freeze }}',
      parse: optional(text()),
    },
    'rollback-to': {
      description:
        'Instead of releasing, roll `environment` back to this earlier release (a `version` it recorded; needs `github-token` to read the records): every service returns to the deployment that release made live, in reverse `needs` order, through its provider’s rollback, confirmed live and smoke-tested (`expect-version: true` expects this version), and the rollback is recorded as a release. A missing record, or a recorded service no longer in the manifest, fails before anything changes. `services` narrows it to some services; `version` and `rollback-on-failure` do not apply.',
      example: 'v1.4.2',
      parse: optional(text()),
    },
    'migrations-applied': migrationsAppliedInput,
    'github-token': {
      description:
        'Records the release as one GitHub Deployment in `environment` (needs `deployments: write`). Empty: not recorded, with a notice.',
      secret: true,
      example: '${{ github.token }}',
      parse: optional(text()),
    },
  },
  outputs: {
    status:
      '`success`, `failed` (not all could be returned, or `rollback-on-failure: false`) or `rolled-back`. With `rollback-to`: `rolled-back` when every service is back on that release and passed its smoke test, else `failed`.',
    release:
      'The release record as JSON: version, environment, status and per service its provider, deployment-id, previous-deployment-id, url, status, smoke result and rolled-back-to.',
    url: 'The url of the service marked `primary: true`, else of the first service.',
    deployed: 'JSON array of the services this release deployed successfully.',
    'rolled-back':
      'JSON array of the services returned to their previous deployment (with `rollback-to`: to the deployment that release recorded).',
  },
  post: { if: 'failure() || cancelled()' },
});
