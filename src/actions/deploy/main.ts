import * as core from '@actions/core';
import { readInputs, setOutputs } from '../../lib/action-spec.js';
import { KitError } from '../../lib/errors.js';
import { sleep } from '../../lib/retry.js';
import { deployWithOutputs, failUnlessSuccess, providerFromInputs } from '../../providers/deploy-action.js';
import { readProviderInputs } from '../../providers/provider-inputs.js';
import { passed } from '../../providers/provider.js';
import { rollbackFlow } from '../../providers/rollback.js';
import { writeRollbackSummary } from '../../providers/rollback-action.js';
import { runSmokeStep, smokeSettings } from '../../providers/smoke-step.js';
import { spec } from './spec.js';

/** Deploy → smoke test → roll back on failure, each decided from the platform's own state. */
export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  // Everything is validated before anything is deployed: the provider's own inputs and the smoke checks.
  const { definition, inputs: providerInputs } = readProviderInputs(inputs.provider);
  const smoke = await smokeSettings(inputs as unknown as Record<string, unknown>);
  const { provider, deps } = providerFromInputs(definition, providerInputs);

  const report = await deployWithOutputs(spec, definition, provider, deps, providerInputs.timeout);
  let failure: string | undefined;
  if (!passed(report.outcome.status)) {
    try {
      failUnlessSuccess(definition, report);
    } catch (error) {
      failure = (error as Error).message;
    }
  } else if (smoke) {
    const { failures } = await runSmokeStep(smoke);
    setOutputs(spec, { 'smoke-passed': failures.length === 0 });
    if (failures.length) {
      failure = `The smoke test of the new deployment failed: ${failures.join(' ')}`;
    } else core.info('Smoke test passed.');
  }
  if (!failure) {
    failUnlessSuccess(definition, report);
    setOutputs(spec, { 'rolled-back': false });
    return;
  }
  if (!inputs.rollbackOnFailure) throw new KitError(failure);
  // The platform stopped the deployment at its pre-deploy step: what was live never stopped serving.
  if (report.outcome.preDeploy?.result === 'failed') {
    setOutputs(spec, { 'rolled-back': false });
    throw new KitError(failure);
  }
  if (!report.previous) {
    const notice = `Nothing to roll back to: nothing was live on ${definition.title} before this deploy (a first deployment).`;
    core.notice(notice, { title: 'Nothing rolled back' });
    setOutputs(spec, { 'rolled-back': false });
    throw new KitError(`${failure} ${notice}`);
  }

  const rollback = await core.group(`Roll back ${definition.title}`, () =>
    rollbackFlow(provider, {
      to: report.previous?.id,
      failed: report.outcome.deployment?.id,
      reason: failure,
      timeoutMs: providerInputs.timeout,
      log: core.info,
      sleep,
    }).catch((error: unknown) => {
      throw new KitError(`${failure} Rolling back also failed: ${(error as Error).message}`);
    }),
  );
  // A first deployment has no previous one: rollbackFlow then reports "nothing to roll back to".
  setOutputs(spec, {
    'rolled-back': rollback.rolledBack,
    'rolled-back-to': rollback.rolledBack ? rollback.target?.id : undefined,
  });
  await writeRollbackSummary(definition.title, rollback, failure, inputs.migrationsApplied);
  throw new KitError(
    rollback.rolledBack
      ? `${failure} Rolled back to ${rollback.target?.id}, which is live again.`
      : `${failure} ${rollback.notice ?? ''}`.trim(),
  );
}
