import { runDeployAction } from '../../providers/deploy-action.js';
import { render } from '../../providers/render/index.js';
import { spec } from './spec.js';

export async function run(): Promise<void> {
  await runDeployAction(spec, render);
}
