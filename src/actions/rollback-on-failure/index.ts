import { runAction } from '../../lib/run-action.js';
import { post, run } from './main.js';
import { spec } from './spec.js';

// A failed rollback fails the job: that is its point.
await runAction(spec, { main: run, post, postMayFail: true });
