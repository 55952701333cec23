/**
 * .github/workflows/rollback.yml: one job in the named environment (its approval applies),
 * least permissions, the environment's concurrency group, the release action with
 * rollback-to; and a workflow_dispatch caller as a user writes it passes GitHub's own parser
 * (which loads the called workflow) and the kit's caller checks.
 */
import { describe, expect, test } from '@jest/globals';
import { callerFindings, kitUses, parserCallerFindings, readWorkflow } from '../workflows/interfaces.js';

const FILE = '.github/workflows/rollback.yml';

const caller = (extra = '') => `name: Roll back
on:
  workflow_dispatch:
    inputs:
      to:
        description: The release to return to, e.g. v1.4.2
        required: true
permissions:
  contents: read
jobs:
  rollback:
    uses: acme/deploy-kit/.github/workflows/rollback.yml@v1
    permissions:
      contents: read
      deployments: write
    with:
      to: \${{ inputs.to }}
${extra}    secrets:
      RAILWAY_TOKEN: \${{ secrets.RAILWAY_TOKEN }}
      VERCEL_TOKEN: \${{ secrets.VERCEL_TOKEN }}
`;

describe('rollback.yml', () => {
  const workflow = readWorkflow(FILE);

  test('workflow_call: manifest, environment, to (required); the five token secrets, all optional', () => {
    const call = workflow.on?.workflow_call;
    expect(call?.inputs?.manifest).toMatchObject({ type: 'string', default: 'deploy-kit.yml' });
    expect(call?.inputs?.environment).toMatchObject({ type: 'string', default: 'production' });
    expect(call?.inputs?.to).toMatchObject({ type: 'string', required: true });
    const secrets = call?.secrets ?? {};
    expect(Object.keys(secrets).sort()).toEqual(
      ['FLY_API_TOKEN', 'RAILWAY_TOKEN', 'RENDER_API_KEY', 'SSH_KEY', 'VERCEL_TOKEN'].sort(),
    );
    for (const secret of Object.values(secrets)) expect(secret).toMatchObject({ required: false });
  });

  test('one job, in the named environment, deployments: write and contents: read, never cancelled half-way', () => {
    const jobs = Object.values(workflow.jobs);
    expect(jobs).toHaveLength(1);
    const job = jobs[0] as (typeof jobs)[number] & Record<string, unknown>;
    expect(job.environment).toMatchObject({ name: '${{ inputs.environment }}' });
    expect(job.permissions).toEqual({ contents: 'read', deployments: 'write' });
    expect(job.concurrency).toEqual({
      group: 'deploy-kit-${{ inputs.environment }}-${{ inputs.manifest }}-',
      'cancel-in-progress': false,
    });
  });

  test('the kit’s release action through $/, with rollback-to and every token from its secret', () => {
    const [use] = kitUses(FILE);
    expect(use?.action).toBe('release');
    expect(use?.with).toMatchObject({
      'rollback-to': '${{ inputs.to }}',
      environment: '${{ inputs.environment }}',
      manifest: '${{ inputs.manifest }}',
      'github-token': '${{ github.token }}',
    });
    const step = Object.values(workflow.jobs)[0]?.steps?.find((s) => s.uses === '$/actions/release') as {
      env: Record<string, string>;
    };
    for (const name of ['RAILWAY_TOKEN', 'VERCEL_TOKEN', 'FLY_API_TOKEN', 'RENDER_API_KEY', 'SSH_KEY'])
      expect(step.env[name]).toBe(`\${{ secrets.${name} }}`);
  });

  test('a workflow_dispatch caller passes GitHub’s parser and the caller checks', async () => {
    expect(await parserCallerFindings('caller.yml', caller())).toEqual([]);
    expect(callerFindings('caller.yml', caller())).toEqual([]);
    expect(callerFindings('caller.yml', caller().replace('      deployments: write\n', ''))).toEqual([
      expect.stringContaining('needs deployments: write'),
    ]);
    expect((await parserCallerFindings('caller.yml', caller().replace(/ {4}with:\n.*\n/, ''))).join('\n')).toMatch(
      /Input to is required/,
    );
  });
});
