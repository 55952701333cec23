import { deployActionSpec } from '../../providers/deploy-action.js';
import { vercel } from '../../providers/vercel/index.js';

export const spec = deployActionSpec(
  vercel,
  'Deploy to Vercel with the official CLI the way Vercel documents for CI (pull, build, deploy --prebuilt), recording what production served before, and deciding success from what Vercel reports.',
);
