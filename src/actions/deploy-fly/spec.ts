import { deployActionSpec } from '../../providers/deploy-action.js';
import { fly } from '../../providers/fly/index.js';

export const spec = deployActionSpec(
  fly,
  'Deploy to Fly.io with `fly deploy` (strategy and wait timeout), then confirm with `fly releases` that the new release is complete and live. Records the image that was live before, for rollback-on-failure.',
);
