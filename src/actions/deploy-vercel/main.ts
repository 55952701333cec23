import { runDeployAction } from '../../providers/deploy-action.js';
import { vercel } from '../../providers/vercel/index.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  await runDeployAction(spec, vercel);
}
