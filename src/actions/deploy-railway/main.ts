import { runDeployAction } from '../../providers/deploy-action.js';
import { railway } from '../../providers/railway/index.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  await runDeployAction(spec, railway);
}
