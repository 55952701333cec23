import { deployActionSpec } from '../../providers/deploy-action.js';
import { railway } from '../../providers/railway/index.js';

export const spec = deployActionSpec(
  railway,
  "Deploy to Railway with `railway up`, then confirm with Railway's API that the new deployment is live. Records what was live before, for rollback-on-failure.",
);
