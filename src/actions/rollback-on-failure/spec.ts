import { defineAction } from '../../lib/action-spec.js';
import { migrationsAppliedInput } from '../../migrate/verdict.js';
import { duration, oneOf, optional, text } from '../../lib/schemas.js';
import { anyProviderInputs, providerInput } from '../../providers/provider-inputs.js';

export const spec = defineAction({
  name: 'rollback-on-failure',
  title: 'deploy-kit rollback-on-failure',
  description:
    'Return the platform to the deployment that was live before, and confirm it serves it again. As a guard placed before the deploy step it records what is live and rolls back in its post step when the job fails or is cancelled; as a step after a failed deploy or smoke test (given `to`, or `mode: now`) it rolls back at once.',
  branding: { icon: 'rotate-ccw', color: 'orange' },
  inputs: {
    provider: providerInput,
    ...anyProviderInputs(),
    timeout: {
      description: 'Deadline for the rollback, including the wait until the platform serves the old deployment again.',
      default: '10m',
      parse: duration(),
    },
    mode: {
      description:
        '`guard`: record what is live now and roll back in the post step if the job fails or is cancelled. `now`: roll back in this step. `auto`: `now` when `to` is given, else `guard`.',
      default: 'auto',
      parse: oneOf(['auto', 'guard', 'now'] as const),
    },
    to: {
      description:
        "The deployment to return to (a deployment id; for Fly an image reference), normally the deploy step's `previous-deployment-id`. Empty: what the guard recorded, else the last successful deployment before the live one, asked of the platform.",
      example: '${{ steps.deploy.outputs.previous-deployment-id }}',
      parse: optional(text()),
    },
    'failed-deployment-id': {
      description:
        "The deployment that failed (the deploy step's `deployment-id`), whose log tail goes to the summary. Empty: whatever is live when the rollback starts.",
      parse: optional(text()),
    },
    'migrations-applied': migrationsAppliedInput,
    reason: {
      description: 'Why the rollback happens, for the log and the summary.',
      default: 'a later step of the job failed or the job was cancelled',
      parse: text(),
    },
  },
  outputs: {
    'rolled-back': '`true` when the platform was returned to an earlier deployment.',
    'rolled-back-to': 'The deployment that is live again.',
  },
  post: { if: 'failure() || cancelled()' },
});
