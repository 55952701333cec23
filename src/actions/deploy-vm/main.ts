import { runDeployAction } from '../../providers/deploy-action.js';
import { vm } from '../../providers/vm/index.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  await runDeployAction(spec, vm);
}
