import { deployActionSpec } from '../../providers/deploy-action.js';
import { vm } from '../../providers/vm/index.js';

export const spec = deployActionSpec(
  vm,
  'Deploy to your own host over SSH (or the runner itself with host: local): each deploy lands in releases/<id>, is started and health-checked, and only then becomes current (an atomic symlink switch); old releases are pruned.',
);
