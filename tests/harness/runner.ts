/**
 * The tests' view of the runner contract. The emulation itself lives in
 * src/cli/local-runner.ts, shared with `deploy-kit run` and the demo, so the tests
 * exercise the same code path users run locally.
 */
import type { ActionRun } from '../../src/cli/local-runner.js';

export {
  ROOT,
  inputVariable,
  makeRunnerFiles,
  parseCommandFile,
  parseWorkflowCommands,
  runAction,
} from '../../src/cli/local-runner.js';
export type { ActionRun, Annotation, RunOptions, RunnerFiles } from '../../src/cli/local-runner.js';

/**
 * Fails when a secret reached anything a user or log reader sees: outputs, summary,
 * annotations, files the action wrote for later steps, or the log (other than the
 * ::add-mask:: line that registers it). Also requires that it was masked.
 */
export function expectSecretKept(run: ActionRun, secret: string): void {
  const places: Record<string, string> = {
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
    env: JSON.stringify(run.env),
    state: JSON.stringify(run.state),
    annotations: JSON.stringify(run.annotations),
    log: run.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
  };
  for (const [place, text] of Object.entries(places)) {
    if (text.includes(secret)) throw new Error(`the secret appeared in ${place}`);
  }
  if (!run.masks.includes(secret)) throw new Error('the secret was never registered with ::add-mask::');
}
