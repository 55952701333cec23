import * as core from '@actions/core';
import { invalidInput, readInputs, setOutputs } from '../../lib/action-spec.js';
import { backupDatabase } from '../../db/backup-flow.js';
import { writeBackupSummary } from '../../db/backup-summary.js';
import { recipientProblems } from '../../db/encryption.js';
import { spec } from './spec.js';

/** Reads the inputs, then hands over to backupDatabase (src/db/backup-flow.ts), which sets the outputs as it goes. */
export async function run(): Promise<void> {
  const inputs = readInputs(spec);
  // Checked here, not by the spec's parser, so that age-encryption is loaded only when used.
  const problems = await recipientProblems(inputs.encryptTo);
  if (problems.length) throw invalidInput('encrypt-to', spec.inputs['encrypt-to'], problems.join('; '));
  await backupDatabase(inputs, {
    log: core.info,
    warn: core.warning,
    mask: core.setSecret,
    group: core.group,
    output: (values) => setOutputs(spec, values),
    summary: writeBackupSummary,
    fail: core.setFailed,
  });
}
