import * as core from '@actions/core';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { sleep } from '../../lib/retry.js';
import { describe } from '../../providers/deploy-flow.js';
import { providerFromInputs } from '../../providers/deploy-action.js';
import { readProviderInputs } from '../../providers/provider-inputs.js';
import { rollbackFlow } from '../../providers/rollback.js';
import { writeRollbackSummary } from '../../providers/rollback-action.js';
import { spec } from './spec.js';

const RECORDED = 'recorded';
const MODE = 'mode';
/** Set once the guard has asked the platform what is live (absent: its main step failed first). */
const CHECKED = 'checked';

/** Guard: record what is live (state for the post step). Now: roll back at once. */
export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  const mode = inputs.mode === 'auto' ? (inputs.to ? 'now' : 'guard') : inputs.mode;
  core.saveState(MODE, mode);
  if (mode === 'now') return rollBack(inputs.to, inputs.reason);
  const { definition, inputs: providerInputs } = readProviderInputs(inputs.provider);
  const { provider } = providerFromInputs(definition, providerInputs);
  const live = await provider.current();
  core.saveState(RECORDED, live?.id ?? '');
  core.saveState(CHECKED, 'true');
  setOutputs(spec, { 'rolled-back': false });
  core.info(
    live
      ? `Recorded ${describe(live)} as the deployment to return to if this job fails or is cancelled.`
      : `Nothing is live on ${definition.title} yet: if this job fails there is nothing to roll back to.`,
  );
}

/** The post step: runs only when the job failed or was cancelled (post-if), and only for a guard. */
export async function post(): Promise<void> {
  if (core.getState(MODE) !== 'guard') return;
  const inputs = readInputs(spec);
  const recorded = core.getState(RECORDED);
  if (!inputs.to && core.getState(CHECKED) !== 'true') {
    // The main step failed before it asked the platform (bad input, a rejected token):
    // what was live is unknown, so say that rather than "nothing was live".
    const message = `Nothing rolled back: this guard's main step failed before it recorded what was live on ${inputs.provider} (see its error above), so there is no deployment to return to. Nothing was changed.`;
    core.warning(message, { title: 'Nothing rolled back' });
    setOutputs(spec, { 'rolled-back': false });
    return;
  }
  if (!inputs.to && !recorded) {
    const message = `Nothing to roll back to: nothing was live on ${inputs.provider} before this job (a first deployment). Nothing was changed.`;
    core.notice(message, { title: 'Nothing rolled back' });
    setOutputs(spec, { 'rolled-back': false });
    return;
  }
  await rollBack(inputs.to ?? recorded, inputs.reason);
}

async function rollBack(to: string | undefined, reason: string): Promise<void> {
  const inputs = readInputs(spec);
  const { definition, inputs: providerInputs } = readProviderInputs(inputs.provider);
  const { provider } = providerFromInputs(definition, providerInputs);
  const report = await core.group(`Roll back ${definition.title}`, () =>
    rollbackFlow(provider, {
      to,
      failed: inputs.failedDeploymentId,
      reason,
      timeoutMs: inputs.timeout,
      log: core.info,
      sleep,
    }),
  );
  setOutputs(spec, {
    'rolled-back': report.rolledBack,
    'rolled-back-to': report.rolledBack ? report.target?.id : undefined,
  });
  await writeRollbackSummary(definition.title, report, reason, inputs.migrationsApplied);
}
