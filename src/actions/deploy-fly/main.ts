import { runDeployAction } from '../../providers/deploy-action.js';
import { fly } from '../../providers/fly/index.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  await runDeployAction(spec, fly);
}
