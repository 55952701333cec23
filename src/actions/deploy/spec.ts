import { defineAction } from '../../lib/action-spec.js';
import { migrationsAppliedInput } from '../../migrate/verdict.js';
import { bool } from '../../lib/schemas.js';
import { commonOutputs } from '../../providers/common-inputs.js';
import { anyProviderInputs, providerInput } from '../../providers/provider-inputs.js';
import { smokeInputs } from '../../providers/smoke-step.js';

export const spec = defineAction({
  name: 'deploy',
  title: 'deploy-kit deploy',
  description:
    "Deploy to Railway, Fly.io or another supported platform, optionally smoke-test the new deployment, and roll back to what was live before when either fails, in one step. Success is decided from the platform's own state.",
  branding: { icon: 'upload-cloud', color: 'blue' },
  inputs: {
    provider: providerInput,
    ...anyProviderInputs(),
    ...smokeInputs(),
    'rollback-on-failure': {
      description:
        'When the deploy or the smoke test fails, return the platform to the deployment that was live before and confirm it serves it again (the step still fails).',
      default: 'false',
      parse: bool(),
    },
    'migrations-applied': migrationsAppliedInput,
  },
  outputs: {
    ...commonOutputs,
    'smoke-passed': '`true` when the smoke test passed; empty when there was none.',
    'rolled-back': '`true` when a failure was undone by returning to the previous deployment.',
    'rolled-back-to': 'The deployment that is live again after a rollback.',
  },
});
