import { runAction } from '../../lib/run-action.js';
import { post, run } from './main.js';
import { spec } from './spec.js';

// The post step finishes the rollback of a cancelled release: its failure fails the job.
await runAction(spec, { main: run, post, postMayFail: true });
