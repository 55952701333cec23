import { runAction } from '../../lib/run-action.js';
import { run } from './main.js';
import { spec } from './spec.js';

await runAction(spec, { main: run });
